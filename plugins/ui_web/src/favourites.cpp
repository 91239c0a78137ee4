#include "favourites.hpp"

#include "file_replace.hpp"
#include "text.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace gs::ui {

namespace {

constexpr int kFileVersion = 1;

int rank(Profile p) {
    return static_cast<int>(p);
}

} // namespace

std::string Favourites::check(const Favourite &f) {
    if (f.name.empty() || f.name.size() > kMaxNameBytes)
        return "name: 1 to " + std::to_string(kMaxNameBytes) + " bytes";
    if (f.title.size() > kMaxTitleBytes)
        return "title: at most " + std::to_string(kMaxTitleBytes) + " bytes";
    for (const std::string *s : {&f.name, &f.title})
        for (unsigned char c : *s)
            if (c < 0x20 || c == 0x7f) return "name, title: no control characters";
    if (!f.selection.is_object()) return "selection: expected an object";
    if (f.selection.dump().size() > kMaxSelectionBytes)
        return "selection: at most " + std::to_string(kMaxSelectionBytes) + " bytes of JSON";
    return "";
}

nlohmann::json Favourites::to_json(const Favourite &f) {
    return {{"name", f.name},
            {"title", f.title},
            {"profile", profile_name(f.profile)},
            {"saved", f.saved_ms},
            {"selection", f.selection}};
}

bool Favourites::load(std::string &why) {
    std::ifstream in(path_, std::ios::binary);
    if (!in) {
        if (errno == ENOENT) {
            items_.clear();
            return true;
        }
        why = "cannot read " + path_ + ": " + std::strerror(errno);
        return false;
    }
    std::stringstream text;
    text << in.rdbuf();
    const std::string body = text.str();
    nlohmann::json doc =
        valid_utf8(body) ? nlohmann::json::parse(body, nullptr, false) : nlohmann::json();
    std::vector<Favourite> items;
    bool good = doc.is_object() && doc.value("version", 0) == kFileVersion &&
                doc.contains("favourites") && doc["favourites"].is_array();
    if (good) {
        for (const auto &j : doc["favourites"]) {
            Favourite f;
            if (!j.is_object() || !j.contains("name") || !j["name"].is_string() ||
                !j.contains("title") || !j["title"].is_string() || !j.contains("profile") ||
                !j["profile"].is_string() || !j.contains("saved") ||
                !j["saved"].is_number_integer() || !j.contains("selection")) {
                good = false;
                break;
            }
            auto p = parse_profile(j["profile"].get<std::string>());
            f.name = j["name"].get<std::string>();
            f.title = j["title"].get<std::string>();
            f.saved_ms = j["saved"].get<int64_t>();
            f.selection = j["selection"];
            if (!p || !check(f).empty()) {
                good = false;
                break;
            }
            f.profile = *p;
            items.push_back(std::move(f));
        }
    }
    if (!good) {
        // Never replaced by a write: whatever is in it stays for the operator to look at.
        why = path_ + " is not a favourites file of this version: move it away to start afresh";
        return false;
    }
    items_ = std::move(items);
    return true;
}

Favourites::Result Favourites::write(std::vector<Favourite> next) {
    nlohmann::json doc = {{"version", kFileVersion}, {"favourites", nlohmann::json::array()}};
    for (const auto &x : next)
        doc["favourites"].push_back(to_json(x));
    try {
        replace_file(path_, doc.dump(1) + "\n", 0644);
    } catch (const std::exception &e) {
        return {Outcome::write_failed, e.what()};
    }
    items_ = std::move(next);
    return {};
}

std::variant<std::vector<Favourite>, Favourites::Result> Favourites::list() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string why;
    if (!load(why)) return Result{Outcome::unreadable, why};
    return items_;
}

Favourites::Result Favourites::save(const Favourite &f, Profile by) {
    if (std::string why = check(f); !why.empty()) return {Outcome::invalid, why};
    std::lock_guard<std::mutex> lock(mutex_);
    std::string why;
    if (!load(why)) return {Outcome::unreadable, why};
    std::vector<Favourite> next = items_;
    auto it = std::find_if(next.begin(), next.end(),
                           [&](const Favourite &x) { return x.name == f.name; });
    if (it != next.end()) {
        if (rank(it->profile) > rank(by))
            return {Outcome::not_allowed, "'" + f.name + "' was saved by the " +
                                              profile_name(it->profile) +
                                              " profile: only it or a higher one may replace it"};
        *it = f;
    } else {
        if (next.size() >= kMaxFavourites)
            return {Outcome::too_many,
                    "at most " + std::to_string(kMaxFavourites) + " favourites: delete one first"};
        next.push_back(f);
    }
    it = std::find_if(next.begin(), next.end(),
                      [&](const Favourite &x) { return x.name == f.name; });
    it->profile = by;
    std::sort(next.begin(), next.end(),
              [](const Favourite &a, const Favourite &b) { return a.name < b.name; });
    return write(std::move(next));
}

Favourites::Result Favourites::remove(const std::string &name, Profile by) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string why;
    if (!load(why)) return {Outcome::unreadable, why};
    auto it = std::find_if(items_.begin(), items_.end(),
                           [&](const Favourite &x) { return x.name == name; });
    if (it == items_.end()) return {Outcome::not_found, "no favourite named '" + name + "'"};
    if (rank(it->profile) > rank(by))
        return {Outcome::not_allowed, "'" + name + "' was saved by the " +
                                          profile_name(it->profile) +
                                          " profile: only it or a higher one may delete it"};
    std::vector<Favourite> next = items_;
    next.erase(next.begin() + (it - items_.begin()));
    return write(std::move(next));
}

} // namespace gs::ui
