#include "photoview_image.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string_view>

namespace gs::ui {

namespace {

constexpr uint32_t kMaxSide = 65535; // pixels: larger sides are refused as nonsense

uint32_t be32(const std::string &b, size_t at) {
    return uint32_t(uint8_t(b[at])) << 24 | uint32_t(uint8_t(b[at + 1])) << 16 |
           uint32_t(uint8_t(b[at + 2])) << 8 | uint32_t(uint8_t(b[at + 3]));
}
uint32_t be16(const std::string &b, size_t at) {
    return uint32_t(uint8_t(b[at])) << 8 | uint32_t(uint8_t(b[at + 1]));
}

std::string png_size(const std::string &b, ImageInfo &info) {
    static const char kSignature[] = "\x89PNG\r\n\x1a\n";
    if (b.size() < 33 || b.compare(0, 8, kSignature, 8) != 0 || b.compare(12, 4, "IHDR") != 0)
        return "the body is not a PNG image";
    info.width = be32(b, 16);
    info.height = be32(b, 20);
    return "";
}

// The frame header (SOFn) gives the size; the segments before it are skipped by their length.
std::string jpeg_size(const std::string &b, ImageInfo &info) {
    if (b.size() < 4 || uint8_t(b[0]) != 0xFF || uint8_t(b[1]) != 0xD8)
        return "the body is not a JPEG image";
    size_t at = 2;
    while (at + 4 <= b.size()) {
        if (uint8_t(b[at]) != 0xFF) return "the JPEG image is malformed";
        uint8_t marker = uint8_t(b[at + 1]);
        if (marker == 0xFF) { // fill byte
            ++at;
            continue;
        }
        size_t length = be16(b, at + 2);
        if (length < 2) return "the JPEG image is malformed";
        bool frame =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (frame) {
            if (at + 9 > b.size()) break;
            info.height = be16(b, at + 5);
            info.width = be16(b, at + 7);
            return "";
        }
        if (marker == 0xD9 || marker == 0xDA) break; // end of image, start of scan
        at += 2 + length;
    }
    return "the JPEG image has no frame header";
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

// The value as a browser's URL parser would see its scheme: without whitespace or control
// characters anywhere (tabs and newlines inside "java\tscript:" are dropped by browsers).
std::string squeezed(std::string_view v) {
    std::string out;
    for (unsigned char c : v)
        if (c > 0x20 && c != 0x7F) out.push_back(char(std::tolower(c)));
    return out;
}

bool dangerous_value(std::string_view value) {
    std::string v = squeezed(value);
    for (const char *bad :
         {"javascript:", "vbscript:", "livescript:", "data:text/html", "data:image/svg+xml"})
        if (v.find(bad) != std::string::npos) return true;
    return false;
}

bool forbidden_element(std::string_view local) {
    std::string n = lower(local);
    return n == "script" || n == "foreignobject" || n == "handler" || n == "listener" ||
           n == "iframe" || n == "embed" || n == "object";
}

struct XmlText {
    xmlChar *p = nullptr;
    ~XmlText() { xmlFree(p); }
};

std::string check_node(xmlNode *node, int depth) {
    if (depth > 256) return "the SVG is nested too deeply";
    for (xmlNode *n = node; n; n = n->next) {
        switch (n->type) {
        case XML_ELEMENT_NODE: {
            std::string name = reinterpret_cast<const char *>(n->name);
            if (forbidden_element(name)) return "the SVG has a " + name + " element";
            for (xmlAttr *a = n->properties; a; a = a->next) {
                std::string attr = lower(reinterpret_cast<const char *>(a->name));
                if (attr.rfind("on", 0) == 0)
                    return "the SVG has an event attribute (" + attr + ")";
                XmlText value;
                value.p = xmlNodeListGetString(n->doc, a->children, 1);
                if (value.p && dangerous_value(reinterpret_cast<const char *>(value.p)))
                    return "the SVG has a script URL in " + attr;
            }
            if (std::string why = check_node(n->children, depth + 1); !why.empty()) return why;
            break;
        }
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            // Style sheets: url(javascript:...) and the like.
            if (n->content && dangerous_value(reinterpret_cast<const char *>(n->content)))
                return "the SVG has a script URL in its text";
            break;
        case XML_PI_NODE:
            return "the SVG has a processing instruction";
        case XML_ENTITY_REF_NODE:
        case XML_ENTITY_NODE:
        case XML_ENTITY_DECL:
            return "the SVG uses entities";
        default:
            break;
        }
    }
    return "";
}

// A length of the root: "800", "800px", "800.5"; 0 for percentages and other units.
uint32_t pixels(const xmlChar *text) {
    if (!text) return 0;
    std::string v = reinterpret_cast<const char *>(text);
    char *end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    std::string unit = end ? lower(end) : "";
    unit.erase(std::remove_if(unit.begin(), unit.end(), ::isspace), unit.end());
    if (!(d > 0) || d > kMaxSide || !(unit.empty() || unit == "px")) return 0;
    return static_cast<uint32_t>(d + 0.5);
}

void viewbox_size(const xmlChar *text, uint32_t &w, uint32_t &h) {
    if (!text) return;
    std::string v = reinterpret_cast<const char *>(text);
    std::replace(v.begin(), v.end(), ',', ' ');
    double n[4];
    const char *p = v.c_str();
    for (double &x : n) {
        char *end = nullptr;
        x = std::strtod(p, &end);
        if (end == p) return;
        p = end;
    }
    if (n[2] > 0 && n[3] > 0 && n[2] <= kMaxSide && n[3] <= kMaxSide) {
        w = static_cast<uint32_t>(n[2] + 0.5);
        h = static_cast<uint32_t>(n[3] + 0.5);
    }
}

} // namespace

std::string check_svg(const std::string &text, uint32_t *width, uint32_t *height) {
    static std::once_flag init;
    std::call_once(init, [] { xmlInitParser(); });
    if (text.size() > static_cast<size_t>(INT32_MAX)) return "the SVG is too large";
    // No network, no DTD loading, no entity substitution, no messages on stderr.
    int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
        xmlReadMemory(text.data(), static_cast<int>(text.size()), "upload.svg", nullptr, options),
        &xmlFreeDoc);
    if (!doc) return "the body is not well-formed XML";
    if (doc->intSubset && doc->intSubset->children)
        return "the SVG declares entities or other DTD content";
    xmlNode *root = xmlDocGetRootElement(doc.get());
    if (!root || lower(reinterpret_cast<const char *>(root->name)) != "svg")
        return "the root element is not svg";
    if (std::string why = check_node(doc->children, 0); !why.empty()) return why;
    uint32_t w = 0, h = 0;
    {
        XmlText wt, ht, vb;
        wt.p = xmlGetProp(root, BAD_CAST "width");
        ht.p = xmlGetProp(root, BAD_CAST "height");
        vb.p = xmlGetProp(root, BAD_CAST "viewBox");
        w = pixels(wt.p);
        h = pixels(ht.p);
        if (!w || !h) viewbox_size(vb.p, w, h);
    }
    if (!w || !h) return "the SVG gives no size (width and height in px, or a viewBox)";
    if (width) *width = w;
    if (height) *height = h;
    return "";
}

std::variant<ImageInfo, std::string> inspect_image(const std::string &content_type,
                                                   const std::string &bytes) {
    std::string type = lower(content_type.substr(0, content_type.find(';')));
    type.erase(std::remove_if(type.begin(), type.end(), ::isspace), type.end());
    ImageInfo info;
    info.type = type;
    std::string why;
    if (bytes.empty()) return std::string("the body is empty: send the image");
    if (type == "image/png") {
        info.extension = "png";
        why = png_size(bytes, info);
    } else if (type == "image/jpeg") {
        info.extension = "jpg";
        why = jpeg_size(bytes, info);
    } else if (type == "image/svg+xml") {
        info.extension = "svg";
        why = check_svg(bytes, &info.width, &info.height);
    } else {
        return std::string("send image/png, image/jpeg or image/svg+xml");
    }
    if (!why.empty()) return why;
    if (!info.width || !info.height || info.width > kMaxSide || info.height > kMaxSide)
        return std::string("the image size is not usable");
    return info;
}

std::string image_type_of(const std::string &file_name) {
    auto dot = file_name.rfind('.');
    std::string ext = dot == std::string::npos ? "" : file_name.substr(dot + 1);
    if (ext == "png") return "image/png";
    if (ext == "jpg") return "image/jpeg";
    if (ext == "svg") return "image/svg+xml";
    return "";
}

} // namespace gs::ui
