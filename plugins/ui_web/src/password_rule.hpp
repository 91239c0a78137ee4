// The one password rule of gridscope, for both ways of setting a password: `gridscope passwd`
// (password_tool.cpp, run by the kernel as this plugin's tool) and `POST /api/v1/password`.
// Header-only and dependency-free so that both sides use this very code.
#ifndef GS_UI_WEB_PASSWORD_RULE_HPP
#define GS_UI_WEB_PASSWORD_RULE_HPP

#include <cstddef>
#include <string>
#include <string_view>

namespace gs::ui {

constexpr size_t kMinPasswordCharacters = 10;
constexpr size_t kMaxPasswordBytes = 256;

// "" if `password` is acceptable, else why not (for the user). Characters are Unicode code
// points: "é" counts once.
inline std::string password_weakness(std::string_view password) {
    size_t characters = 0;
    for (size_t i = 0; i < password.size(); ++i) {
        auto c = static_cast<unsigned char>(password[i]);
        if (c < 0x20 || c == 0x7F) return "the password has a control character (newline, tab...)";
        if ((c & 0xC0) != 0x80) ++characters; // not a UTF-8 continuation byte
    }
    if (characters < kMinPasswordCharacters)
        return "the password must have at least " + std::to_string(kMinPasswordCharacters) +
               " characters";
    if (password.size() > kMaxPasswordBytes)
        return "the password must have at most " + std::to_string(kMaxPasswordBytes) + " bytes";
    if (password == "UserAdvanced" || password == "Admin")
        return "that is a factory default password";
    return "";
}

} // namespace gs::ui

#endif
