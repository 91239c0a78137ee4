// What a driver declared a device to be (gridscope.device/1, sdk services/device.h): the
// profile it identified and the circuits it really has. Applied to a site model, it replaces a
// source's placeholder profile (`socomec/auto`) and the circuits the placeholder implied.
#pragma once

#include "site/model.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace gs::kernel {

struct Identified {
    std::string profile;
    std::vector<uint32_t> circuits; // 1-based, ascending
};

// "" when `identified` can be applied to source `source` of `site`, else why not (one line).
// `code` receives the status the refusal maps to (GS_ERR_NOT_FOUND, GS_ERR_INVALID_ARG,
// GS_ERR_STATE).
std::string check_identified(const SiteModel &site, const std::string &source,
                             const Identified &identified, int32_t &code);

// Applies a checked declaration: the source's profile becomes the identified one (the file's is
// kept in configured_profile); its circuits become the declared ones, each keeping what the site
// file configures for it, and the circuits the site file configures that the device lacks stay
// (named in `warnings`, since hierarchies may count them); the implied others go.
void apply_identified(SiteModel &site, const std::string &source, const Identified &identified,
                      std::vector<std::string> &warnings);

} // namespace gs::kernel
