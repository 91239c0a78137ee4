// UTF-8 validation, for every place that refuses text that is not UTF-8 (the kernel's YAML
// files, ui_web's requests). Free of the SDK.
#pragma once

#include <cstddef>
#include <string_view>

namespace gs::utf8 {

// Length (1..4) of the well-formed UTF-8 sequence starting at text[i], or 0 when there is
// none: a continuation byte first, an overlong form, a UTF-16 surrogate, beyond U+10FFFF or
// cut by the end of the text. i must be < text.size().
size_t sequence_length(std::string_view text, size_t i);

// True when the whole text is well-formed UTF-8.
bool valid(std::string_view text);

} // namespace gs::utf8
