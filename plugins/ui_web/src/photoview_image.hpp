// Photoview background images (manual §8.6, docs/api.md "Photoview"): what an upload is
// (PNG, JPEG or SVG, told by its Content-Type and checked against its bytes), its size in
// pixels, and the SVG check that refuses anything that could run script.
//
// SVG is parsed with libxml2 (no network, no DTD loading, no entity substitution) and refused
// when it has: a script, handler, listener or foreignObject element (any namespace, any case);
// an event attribute (on*); a javascript:, vbscript:, data:text/html or data:image/svg+xml URL
// in any attribute value once the parser has decoded character references and every
// whitespace and control character is removed; declared entities; an xml-stylesheet
// instruction. The images are also served with a sandboxing CSP (photoview_api.cpp).
#ifndef GS_UI_WEB_PHOTOVIEW_IMAGE_HPP
#define GS_UI_WEB_PHOTOVIEW_IMAGE_HPP

#include <cstdint>
#include <string>
#include <variant>

namespace gs::ui {

struct ImageInfo {
    std::string type;      // "image/png", "image/jpeg", "image/svg+xml"
    std::string extension; // "png", "jpg", "svg"
    uint32_t width = 0, height = 0;
};

// The image in `bytes` sent as `content_type` (parameters ignored), or why it is refused.
std::variant<ImageInfo, std::string> inspect_image(const std::string &content_type,
                                                   const std::string &bytes);

// "" when the SVG is acceptable, else why not; fills width and height (from width/height,
// else the viewBox) when given.
std::string check_svg(const std::string &text, uint32_t *width = nullptr,
                      uint32_t *height = nullptr);

// The Content-Type of a stored image from its extension; "" for another one.
std::string image_type_of(const std::string &file_name);

} // namespace gs::ui

#endif
