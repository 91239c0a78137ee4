// A site folder for kernel tests: a catalog, a model and one profile of the example driver
// (example_virtual_meter, two circuits), and a site file written by each test.
#pragma once

#include "site/loader.hpp"

#include <filesystem>
#include <fstream>
#include <string>

namespace gs::kernel::test {

struct TempSite {
    std::filesystem::path dir;
    explicit TempSite(const std::string &name) : dir(std::string(GS_TEST_TMP) + "/site_" + name) {
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir / "profiles" / "acme");
        write("profiles/catalog.yaml",
              "catalog:\n"
              "  - {name: IV1Inst, type: measure, group: voltage, unit: V}\n"
              "  - {name: IEaPInst, type: meter, group: energy, unit: Wh, counter: true}\n");
        write("profiles/models.yaml",
              "models:\n  - {id: metrology, name: Metrology, data: [IV1Inst]}\n");
        write("profiles/acme/meter.yaml", "profile:\n"
                                          "  name: ACME meter\n"
                                          "  driver: example_virtual_meter\n"
                                          "  circuits: 2\n"
                                          "  points:\n"
                                          "    - {data: IV1Inst, circuit: 1}\n"
                                          "    - {data: IEaPInst, circuit: 2}\n");
    }
    void write(const std::string &rel, const std::string &text) const {
        std::ofstream(dir / rel) << text;
    }
    std::string site(const std::string &text) const {
        write("site.yaml", text);
        return (dir / "site.yaml").string();
    }
    std::string path(const std::string &rel) const { return (dir / rel).string(); }
    LoadOptions options() const { return LoadOptions{{(dir / "profiles").string()}}; }
};

// Loads the site and returns its error lines ("" if it loaded).
inline std::string errors_of(const TempSite &t, const std::string &text) {
    try {
        load_site(t.site(text), t.options());
        return "";
    } catch (const ConfigFailure &f) {
        return f.diagnostics().str();
    }
}

} // namespace gs::kernel::test
