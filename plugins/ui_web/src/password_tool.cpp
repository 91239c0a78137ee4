#include "password_tool.hpp"

#include "auth.hpp"
#include "password_rule.hpp"

#include <sodium.h>

#include <filesystem>
#include <stdexcept>

namespace gs::ui {

int run_password_tool(const std::string &data_dir, const std::string &profile, std::istream &in,
                      std::ostream &out, std::ostream &err) {
    const char *prefix = "gridscope passwd: ";
    auto p = parse_profile(profile);
    if (!p || (*p != Profile::admin && *p != Profile::advanced)) {
        err << prefix << "--profile must be admin or advanced (the User profile has no password)\n";
        return 2;
    }
    std::string first, second;
    if (!std::getline(in, first) || !std::getline(in, second)) {
        err << prefix << "give the new password twice on standard input\n";
        return 1;
    }
    struct Wipe { // the passwords leave memory with this function, whichever way it returns
        std::string &a, &b;
        ~Wipe() {
            sodium_memzero(a.data(), a.size());
            sodium_memzero(b.data(), b.size());
        }
    } wipe{first, second};
    if (first != second) {
        err << prefix << "the two passwords differ; nothing changed\n";
        return 1;
    }
    if (std::string why = password_weakness(first); !why.empty()) {
        err << prefix << why << "; nothing changed\n";
        return 1;
    }
    if (!crypto_init()) {
        err << prefix << "libsodium failed to initialise\n";
        return 1;
    }
    std::string path = (std::filesystem::path(data_dir) / "passwords").string();
    try {
        std::error_code ec;
        std::filesystem::create_directories(data_dir, ec);
        PasswordStore(path).set(*p, first);
    } catch (const std::exception &e) {
        err << prefix << e.what() << "\n";
        return 1;
    }
    out << prefix << "password of profile '" << profile << "' set in " << data_dir
        << "/passwords\n";
    return 0;
}

} // namespace gs::ui
