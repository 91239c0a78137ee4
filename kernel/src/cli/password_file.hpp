// The password file shared by `gridscope passwd` and the web UI plugin:
// <data-dir>/passwords, mode 0600, one "profile:hash" line per profile (advanced, admin), the
// hash being libsodium's crypto_pwhash_str (Argon2id). Replaced atomically (temp + rename).
#pragma once

#include <string>

namespace gs::kernel {

// "" if acceptable, else why not: the rule of plugins/ui_web/src/password_rule.hpp, which the
// web UI applies too.
std::string password_weakness(const std::string &password);
// Sets the line of `profile`, keeping the others; "" on success, else the error.
std::string store_password_hash(const std::string &path, const std::string &profile,
                                const std::string &hash);

} // namespace gs::kernel
