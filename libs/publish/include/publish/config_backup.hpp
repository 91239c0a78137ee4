// The configuration backup (manual §3.4, issue 16 "the configuration backup on its own plan"):
// the site file as written, with the values of secret keys replaced, so the backup can sit on a
// file server without giving away the passwords of the servers and brokers it names.
#pragma once

#include <string>

namespace gs::publish {

// `yaml` with the value of every key whose name holds password, passwd, secret, token,
// api_key, apikey or private_key (site_files::secret_words(), any case; block or flow style)
// replaced by "<removed>". Comments and layout are kept; an empty value stays empty. `removed`
// counts the values.
std::string without_secrets(const std::string &yaml, size_t &removed);

} // namespace gs::publish
