// The site file as a JSON document (gridscope.config/1, docs/configuration.md "Editing from the
// browser"): the YAML read into JSON with its secrets hidden, and a JSON document written back as
// YAML that keeps the original text (and so its comments) of every part that did not change.
#pragma once

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace gs::kernel {

using SiteJson = nlohmann::ordered_json;

// A remark on a value of the document: its JSON path ("sources[3].password") and what.
struct DocumentNote {
    std::string path, message;
};

// The opaque version of a site file: a hash of its bytes (a hand edit changes it too).
std::string site_text_version(const std::string &bytes);

// A YAML tree as JSON with the same keys: plain scalars typed as YAML reads them (null,
// true/false, numbers that JSON writes back the same), quoted scalars and the rest strings.
// With hide_secrets, the value of every secret key (site_files::is_secret_key) is null.
SiteJson yaml_to_json(const YAML::Node &node, bool hide_secrets);

// What the document `next` becomes as a site file, given the file's current text `old_text`:
//   - a secret key sent as null takes its stored value (the entry matched by its `name` in a
//     list, else by its position); one with no stored value is left out, with a warning;
//   - each top-level section equal to the stored one keeps its text as written (comments and
//     layout); in a changed block list (sources, hierarchies...), each item equal to a stored
//     one keeps its text; the comment lines right above a kept key or item stay with it; what
//     changed is written anew (yaml-cpp's layout, indented as the list was).
// The result reads back as `next` (with the secrets); when the spliced text would not, the whole
// document is written anew. `next` must be an object.
std::string json_to_site_text(const SiteJson &next, const std::string &old_text,
                              std::vector<DocumentNote> &warnings);

} // namespace gs::kernel
