// The site model as JSON (the document of service "gridscope.site/1", see services/site.h).
#pragma once

#include "site/model.hpp"

#include <string>

namespace gs::kernel {

std::string site_to_json(const SiteModel &site);

} // namespace gs::kernel
