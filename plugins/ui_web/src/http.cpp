#include "http.hpp"

namespace gs::ui {

std::string json_text(const nlohmann::json &doc) {
    return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpResponse http_error(int status, std::string code, std::string message) {
    HttpResponse r;
    r.status = status;
    r.body = json_text({{"error", std::move(code)}, {"message", std::move(message)}});
    return r;
}

} // namespace gs::ui
