// Photoview pages (manual §8.6; docs/api.md "Photoview"), kept in one folder of the data dir so
// a configuration backup takes it whole:
//   <data_dir>/photoview/pages.json          {"next_id": n, "pages": [page...]}
//   <data_dir>/photoview/images/<id>-<n>.<ext> the background of page <id> (n: its upload)
// A page = {"id", "name", "symbol", "image": {"file", "width", "height"} | null, "elements"}.
// Every change writes pages.json through replace_file (old or new content, never a mix); an
// image is written before the pages that name it, the image it replaces removed after.
// Elements are checked by photoview_elements.hpp before they get here. Thread-safe: one lock.
#ifndef GS_UI_WEB_PHOTOVIEW_STORE_HPP
#define GS_UI_WEB_PHOTOVIEW_STORE_HPP

#include "photoview_image.hpp"

#include <nlohmann/json.hpp>

#include <mutex>
#include <optional>
#include <string>
#include <variant>

namespace gs::ui {

class PhotoviewStore {
public:
    static constexpr size_t kDefaultMaxPages = 21; // the manual's
    static constexpr size_t kMaxNameBytes = 64;
    static constexpr size_t kMaxSymbolBytes = 32;

    PhotoviewStore(std::string folder, size_t max_pages)
        : folder_(std::move(folder)), max_pages_(max_pages) {}

    enum class Outcome { ok, invalid, not_found, too_many, unreadable, write_failed };
    struct Result {
        Outcome outcome = Outcome::ok;
        std::string message;
        nlohmann::json page; // the page, when ok
    };

    // Every page in creation order, or why the file cannot be read (never overwritten then).
    std::variant<nlohmann::json, Result> pages();
    Result create(const std::string &name, const std::string &symbol);
    // Replaces name, symbol and elements (already checked) of page `id`.
    Result update(uint64_t id, const std::string &name, const std::string &symbol,
                  nlohmann::json elements);
    Result remove(uint64_t id);
    Result set_image(uint64_t id, const ImageInfo &info, const std::string &bytes);
    // The bytes of a stored image file named as in a page's "image"; nullopt when unknown.
    std::optional<std::string> image(const std::string &file);

    size_t max_pages() const { return max_pages_; }
    // "" when `name` and `symbol` are acceptable, else why not.
    static std::string check_names(const std::string &name, const std::string &symbol);

private:
    bool load(std::string &why);
    Result save(nlohmann::json next);
    nlohmann::json *find(uint64_t id);

    std::string folder_;
    size_t max_pages_;
    std::mutex mutex_;
    bool loaded_ = false;
    nlohmann::json doc_; // pages.json
};

} // namespace gs::ui

#endif
