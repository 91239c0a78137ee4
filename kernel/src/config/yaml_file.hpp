// Loading a config file (site file, profiles, catalog) as YAML, strictly: what yaml-cpp lets
// through silently is refused here with its file:line, before any tree is built.
#pragma once

#include "config/diagnostics.hpp"

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>

namespace gs::kernel {

// Larger config files are refused before they are read (a real site file is a few hundred KB).
constexpr size_t kMaxConfigFileBytes = 16u << 20; // 16 MiB

// Loads a YAML file. Refused, each with its position: a file over kMaxConfigFileBytes, bytes
// that are not UTF-8, a YAML syntax error, a key written twice in one map (yaml-cpp would keep
// one of them silently), an alias (*name: one 6 KB file of nested aliases expands to gigabytes
// when walked). On any error the result is a null node and `diag` says why.
YAML::Node load_yaml_file(const std::string &file, Diagnostics &diag);

// The same checks on text already in memory; `file` names it in messages.
YAML::Node load_yaml_text(const std::string &text, const std::string &file, Diagnostics &diag);

// The position of the first byte of `text` that is not part of valid UTF-8 (overlong forms,
// surrogates and code points past U+10FFFF included), or false when it is all valid.
bool first_invalid_utf8(const std::string &text, int &line, int &column);

} // namespace gs::kernel
