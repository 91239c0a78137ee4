#include "cli/query_hierarchy.hpp"

#include "site/site_json.hpp"

#include <consumption/from_storage.hpp>

#include <iostream>

namespace gs::kernel {

gs_status query_hierarchy(const Args &args, const SiteModel &site, const gs_storage_query_v1 &q,
                          int32_t step, int64_t from_utc_ns, int64_t to_utc_ns) {
    namespace gc = gs::consumption;
    // The same reading of the site as ui_web's API: its JSON document.
    gc::Hierarchies all =
        gc::Hierarchies::from_site_json(nlohmann::json::parse(site_to_json(site)));
    std::string name = args.required("--hierarchy");
    const gc::Hierarchy *h = all.find(name);
    if (!h) throw UsageError("--hierarchy '" + name + "': the site has no such hierarchy");
    auto node = args.get("--node");
    auto by = args.get("--by");
    if (node.has_value() == by.has_value())
        throw UsageError("give --node NAME or --by usage with --hierarchy");
    if (by && *by != "usage") throw UsageError("--by is 'usage'");
    const gc::Node *n = node ? h->find(*node) : &h->root;
    if (!n) throw UsageError("--node '" + *node + "': hierarchy '" + name + "' has no such node");

    gc::LoadReading read =
        gc::read_loads(q, gc::Breakdown::loads_of(all, *h), step, from_utc_ns, to_utc_ns);
    if (read.status != GS_OK) return static_cast<gs_status>(read.status);
    gc::Breakdown breakdown(all, read.values, read.bounds.size());
    auto buckets = by ? breakdown.by_usage(*h) : breakdown.node(*h, *n);
    std::cout << gc::report_json(read.bounds, buckets, site.timezone).dump(1) << "\n";
    return GS_OK;
}

} // namespace gs::kernel
