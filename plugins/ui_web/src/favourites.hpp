// The Trends favourites (manual §6.4, §7.6; docs/api.md "Trends favourites"): named data
// selections of the Trends page, shared by every profile of the site, kept in one JSON file of
// the data dir (<data_dir>/trends-favourites.json) replaced atomically on every change.
//
// Who may change what: every profile lists and applies every favourite and saves new ones; a
// favourite is replaced or deleted only by the profile that saved it or a higher one
// (User < Advanced User < Admin), so a User cannot remove what an Admin set up for everyone.
//
// The selection is the page's: a JSON object this class checks for size only (the page checks
// its content when it applies it). Thread-safe: one lock around the list and its file.
#ifndef GS_UI_WEB_FAVOURITES_HPP
#define GS_UI_WEB_FAVOURITES_HPP

#include "auth.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace gs::ui {

struct Favourite {
    std::string name;  // the key: 1 to 64 bytes
    std::string title; // shown on the page: up to 200 bytes
    Profile profile = Profile::user;
    int64_t saved_ms = 0;
    nlohmann::json selection; // an object, at most kMaxSelectionBytes as JSON text
};

class Favourites {
public:
    static constexpr size_t kMaxFavourites = 200;
    static constexpr size_t kMaxNameBytes = 64;
    static constexpr size_t kMaxTitleBytes = 200;
    static constexpr size_t kMaxSelectionBytes = 8192;

    explicit Favourites(std::string path) : path_(std::move(path)) {}

    enum class Outcome { ok, invalid, not_found, not_allowed, too_many, unreadable, write_failed };
    struct Result {
        Outcome outcome = Outcome::ok;
        std::string message; // why, when not ok
    };

    // Every favourite, sorted by name; an unreadable file is an error (never overwritten).
    std::variant<std::vector<Favourite>, Result> list();
    // Adds `f`, or replaces the favourite of that name when `by` may.
    Result save(const Favourite &f, Profile by);
    Result remove(const std::string &name, Profile by);

    // The checks of save() on a favourite's fields: "" when fine, else the reason.
    static std::string check(const Favourite &f);

    static nlohmann::json to_json(const Favourite &f);

private:
    // Reads the file (missing = empty). False, with `why`, when it is not ours to overwrite.
    bool load(std::string &why);
    // Writes `next` to the file, then keeps it as the list.
    Result write(std::vector<Favourite> next);

    std::string path_;
    std::mutex mutex_;
    std::vector<Favourite> items_;
};

} // namespace gs::ui

#endif
