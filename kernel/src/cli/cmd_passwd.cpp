// gridscope passwd --config FILE [--data-dir DIR] --profile admin|advanced
// Reads the new password twice from standard input and stores its Argon2id hash in
// <data-dir>/passwords. The file is replaced atomically; the running web server re-reads it at
// the next login, so the new password applies at once.
#include "cli/commands.hpp"
#include "cli/password_file.hpp"

#include <sodium.h>

#include <iostream>

namespace gs::kernel {

int cmd_passwd(int argc, char **argv) {
    auto options = CommonOptions::value_options();
    options.insert({"--config", "--data-dir", "--profile"});
    Args args(argc, argv, 2, options, {});
    std::string file = args.required("--config");
    std::string profile = args.required("--profile");
    std::string data_dir = args.get("--data-dir", "gridscope-data");
    if (profile != "admin" && profile != "advanced")
        throw UsageError("--profile must be admin or advanced (the User profile has no password)");
    try {
        (void)load_site(file, CommonOptions::from(args).load_options());
    } catch (const ConfigFailure &failure) {
        std::cerr << failure.diagnostics().str();
        return 1;
    }

    std::string first, second;
    if (!std::getline(std::cin, first) || !std::getline(std::cin, second)) {
        std::cerr << "gridscope passwd: give the new password twice on standard input\n";
        return 1;
    }
    if (first != second) {
        std::cerr << "gridscope passwd: the two passwords differ; nothing changed\n";
        return 1;
    }
    if (std::string why = password_weakness(first); !why.empty()) {
        std::cerr << "gridscope passwd: " << why << "; nothing changed\n";
        return 1;
    }
    if (sodium_init() < 0) {
        std::cerr << "gridscope passwd: libsodium failed to initialise\n";
        return 1;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, first.c_str(), first.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        std::cerr << "gridscope passwd: out of memory while hashing\n";
        return 1;
    }
    sodium_memzero(first.data(), first.size());
    sodium_memzero(second.data(), second.size());
    std::string error = store_password_hash(data_dir + "/passwords", profile, hash);
    if (!error.empty()) {
        std::cerr << "gridscope passwd: " << error << "\n";
        return 1;
    }
    std::cout << "gridscope passwd: password of profile '" << profile << "' set in " << data_dir
              << "/passwords\n";
    return 0;
}

} // namespace gs::kernel
