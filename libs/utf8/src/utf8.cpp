#include "utf8/utf8.hpp"

#include <cstdint>

namespace gs::utf8 {

size_t sequence_length(std::string_view text, size_t i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) return 1;
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, cp = c & 0x07;
    } else {
        return 0; // a continuation byte first, C0/C1 (overlong) or F5..FF
    }
    if (i + len > text.size()) return 0;
    for (size_t k = 1; k < len; ++k) {
        auto cc = static_cast<unsigned char>(text[i + k]);
        if ((cc & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0; // overlong, beyond Unicode, or a UTF-16 surrogate
    return len;
}

bool valid(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        size_t n = sequence_length(text, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

} // namespace gs::utf8
