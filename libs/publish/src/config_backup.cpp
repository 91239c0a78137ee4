#include "publish/config_backup.hpp"

#include <site_files/secret_keys.hpp>

#include <regex>

namespace gs::publish {

std::string without_secrets(const std::string &yaml, size_t &removed) {
    // key (plain or quoted) containing a secret word, ':', then a value: quoted, or plain up to
    // a comment, the line's end, or ", " / "}" / "]" ending a flow map's entry.
    static const std::regex secret = [] {
        std::string words;
        for (const auto &w : site_files::secret_words())
            words += (words.empty() ? "" : "|") + w;
        return std::regex(
            R"re((^|[\s{,\-])("?[A-Za-z0-9_.-]*(?:)re" + words +
                R"re()[A-Za-z0-9_.-]*"?[ \t]*:[ \t]+)("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#"'{}\[\]][^#\n]*?)(?=[ \t]*(?:,[ \t]|,$|[}\]]|#|$)))re",
            std::regex::icase | std::regex::multiline);
    }();
    std::string out;
    removed = 0;
    auto begin = std::sregex_iterator(yaml.begin(), yaml.end(), secret);
    size_t copied = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
        const std::smatch &m = *it;
        const size_t value_at = static_cast<size_t>(m.position(3));
        out.append(yaml, copied, value_at - copied);
        out += "\"<removed>\"";
        copied = value_at + static_cast<size_t>(m.length(3));
        ++removed;
    }
    out.append(yaml, copied, std::string::npos);
    return out;
}

} // namespace gs::publish
