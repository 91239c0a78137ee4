// The JSON the exporter hands out: the deliveries of a run (`gridscope publish` and the page's
// "send now" print the same list) and the Datalogger page's status (services/datalogger.h).
#pragma once

#include <publish/delivery_queue.hpp>

#include <nlohmann/json.hpp>

namespace gs::exporter {

// [{"file", "type", "rows", "bytes", "status"}]
nlohmann::json deliveries_json(const publish::RunReport &report);

// {"identification", "server" (no password), "plans": [...], "failing", "retry_at",
// "dropped_total"}; `queue` null while the state folder is locked by `gridscope publish`.
nlohmann::json status_json(const publish::Settings &settings, const publish::DeliveryQueue *queue,
                           const std::string &destination, const std::string &failing,
                           publish::SysSeconds now);

// {"ok", "failure", "message", "destination"}
nlohmann::json check_json(const publish::UploadResult &result, const std::string &destination);

} // namespace gs::exporter
