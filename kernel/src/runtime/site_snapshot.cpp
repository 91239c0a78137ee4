#include "runtime/site_snapshot.hpp"

#include "site/collected.hpp"
#include "site/site_json.hpp"

namespace gs::kernel {

SiteSnapshot::SiteSnapshot(SiteModel site, const RuntimeOptions &options, std::string candidate)
    : model(std::move(site)), json(site_to_json(model)), read_from(std::move(candidate)) {
    site_service = gs_site_service_v1{sizeof(gs_site_service_v1), 0, json.c_str()};
    runtime_service.struct_size = sizeof(runtime_service);
    runtime_service.http_port = options.http_port;
    runtime_service.data_dir = options.data_dir.c_str();
    runtime_service.site_file = read_from.empty() ? model.file.c_str() : read_from.c_str();
    runtime_service.site_name = model.name.c_str();
    runtime_service.timezone = model.timezone.c_str();
    runtime_service.share_dir = options.share_dir.c_str();
    for (const Source &s : model.sources) {
        const Profile *profile = model.find_profile(s.profile);
        if (!profile) continue;
        for (const ProfilePoint *p : collected_points(model, s, *profile))
            if (!keeps_history(model, s, p->circuit, p->data))
                not_stored[s.name].emplace(p->circuit, p->data);
    }
}

bool SiteSnapshot::stored(const std::string &source, uint32_t circuit,
                          const std::string &data) const {
    auto it = not_stored.find(source);
    return it == not_stored.end() || !it->second.count({circuit, data});
}

} // namespace gs::kernel
