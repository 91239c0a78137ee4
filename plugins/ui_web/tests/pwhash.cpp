// Test helper: reads a password on stdin (one line) and prints an Argon2id hash line for the
// passwords file: "<profile>:<hash>". Usage: ui_web_pwhash advanced|admin < password
#include "auth.hpp"

#include <sodium.h>

#include <iostream>
#include <string>

int main(int argc, char **argv) {
    if (argc != 2 || !gs::ui::parse_profile(argv[1]) || std::string(argv[1]) == "user") {
        std::cerr << "usage: ui_web_pwhash advanced|admin < password\n";
        return 2;
    }
    if (!gs::ui::crypto_init()) return 1;
    std::string password;
    std::getline(std::cin, password);
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password.c_str(), password.size(),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return 1;
    std::cout << argv[1] << ":" << hash << "\n";
    return 0;
}
