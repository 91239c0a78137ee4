// The elements of a Photoview page (manual §8.6.1; docs/api.md "Photoview"), checked against
// the site and reduced to their known keys before they are stored:
//   every kind: "id" (1 to 64 of A-Z a-z 0-9 _ -; given when absent), "kind", "x", "y", "w",
//               "h" (fractions of the image: 0 <= x, x + w <= 1, w > 0; the same for y, h)
//   measure: "source", "circuit" (0: the device), "data" (1 to 32 data names of the catalog
//            that the device has for that circuit, when the site knows its profile), "title"
//   text:    "text", "color", "background" (#rgb, #rrggbb, #rrggbbaa or "" for none)
//   device:  "source", "style" ("symbol" or "zone")
//   link:    "page" (a page id; one that no longer exists is reported by the editor)
#ifndef GS_UI_WEB_PHOTOVIEW_ELEMENTS_HPP
#define GS_UI_WEB_PHOTOVIEW_ELEMENTS_HPP

#include "site_model.hpp"

#include <string>
#include <variant>

namespace gs::ui {

constexpr size_t kMaxPhotoviewElements = 200;

// The elements to store, or why `given` is refused (naming the element and the key).
std::variant<json, std::string> checked_elements(const json &given, const SiteModel &site);

} // namespace gs::ui

#endif
