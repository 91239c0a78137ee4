// ui_web's side of a reload (ABI 1.2 site_changed): the Api and the live table are rebuilt on
// the new site model while the sessions carry over, so nobody is logged out by a SIGHUP.
#ifndef GS_UI_WEB_SITE_RELOAD_HPP
#define GS_UI_WEB_SITE_RELOAD_HPP

#include "api.hpp"
#include "auth.hpp"
#include "live_table.hpp"
#include "site_model.hpp"

#include <memory>
#include <vector>

namespace gs::ui {

// The live table's sources: each with the (circuit, data) pairs its profile polls.
std::vector<LiveTable::SourceSpec> live_specs(const SiteModel &model);

// What the previous model's Api used, kept until the new Api has taken its sessions. Members
// go in reverse order: the Api before the tables it refers to.
struct RetiredApi {
    std::unique_ptr<LiveTable> live;
    std::unique_ptr<PasswordStore> passwords;
    std::unique_ptr<Api> api;
};

// Moves the retired Api's sessions into `into` (same ids, CSRF tokens and ages), then frees it.
void carry_sessions(RetiredApi &retired, Api &into);

} // namespace gs::ui

#endif
