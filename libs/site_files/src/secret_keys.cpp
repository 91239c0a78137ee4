#include "site_files/secret_keys.hpp"

#include <algorithm>
#include <cctype>

namespace gs::site_files {

const std::vector<std::string> &secret_words() {
    static const std::vector<std::string> words = {"password", "passwd", "secret",     "token",
                                                   "api_key",  "apikey", "private_key"};
    return words;
}

bool is_secret_key(const std::string &key) {
    std::string lower(key);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto &w : secret_words())
        if (lower.find(w) != std::string::npos) return true;
    return false;
}

} // namespace gs::site_files
