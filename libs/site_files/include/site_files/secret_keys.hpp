// Which keys of a config file hold secrets (passwords, tokens...): the one list the kernel's
// configuration document (secrets shown as null) and the Datalogger's configuration backup
// (secret values removed) both use.
#pragma once

#include <string>
#include <vector>

namespace gs::site_files {

// The words, lower case: a key whose name holds one of them (any case) is secret.
const std::vector<std::string> &secret_words();

// True when `key` holds a secret word ("password", "api_key", "mqtt_Token"...).
bool is_secret_key(const std::string &key);

} // namespace gs::site_files
