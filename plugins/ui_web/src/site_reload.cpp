#include "site_reload.hpp"

namespace gs::ui {

std::vector<LiveTable::SourceSpec> live_specs(const SiteModel &model) {
    std::vector<LiveTable::SourceSpec> specs;
    for (const auto &s : model.sources) {
        LiveTable::SourceSpec spec{s.name, s.period_ms, {}};
        if (const auto *p = model.profile_of(s))
            for (const auto &pt : p->data)
                spec.expected.emplace_back(pt.circuit, pt.data);
        specs.push_back(std::move(spec));
    }
    return specs;
}

void carry_sessions(RetiredApi &retired, Api &into) {
    if (retired.api) into.sessions().adopt(retired.api->sessions());
    retired.api.reset();
    retired.passwords.reset();
    retired.live.reset();
}

} // namespace gs::ui
