// Loads plugin libraries with Boost.DLL and checks their ABI before using anything in them.
#pragma once

#include "config/config_map.hpp"

#include <gridscope/plugin.h>

#include <boost/dll/shared_library.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gs::kernel {

// One accepted plugin. The library stays loaded while anything holds this (every instance
// holds it), so vtables and strings of the plugin stay valid.
struct LoadedPlugin {
    std::shared_ptr<boost::dll::shared_library> library;
    std::string path;
    std::string module_name;
    uint32_t module_abi = 0;
    gs_plugin_kind kind = GS_KIND_INVALID;
    std::string id;
    std::string version;
    std::string description;
    ConfigMap config_fields;      // the keys its section accepts
    ConfigMap source_fields;      // a driver's keys of a source entry (since ABI 1.3; may be empty)
    const void *vtable = nullptr; // checked against kind: size and required functions
    // Since ABI 1.3, checked at load: the command-line tools it offers (`gridscope <name>`)
    // and, for a driver, the options `read`/`plan` take for a source's connection.
    std::vector<const gs_tool *> tools;
    std::vector<const gs_cli_option *> connection_options;
    // Since ABI 1.4: the settings `discover` hands a driver's scan().
    std::vector<const gs_cli_option *> scan_options;
    // Since ABI 1.4: top-level site file sections the plugin reads itself ("alarms").
    std::vector<std::string> site_sections;

    const gs_driver_vtable *driver() const;
    const gs_storage_vtable *storage() const;
    const gs_exporter_vtable *exporter() const;
    const gs_ui_vtable *ui() const;
};

const char *kind_name(gs_plugin_kind kind);

class PluginRegistry {
public:
    using Logger = std::function<void(const std::string &)>;
    explicit PluginRegistry(Logger on_refusal = {});

    // Loads one library; returns how many plugins it brought. Every refusal is reported as one
    // line through the logger and kept in refusals(); a refused library is closed.
    size_t load_file(const std::string &path);
    // Loads every *.so of a folder, in name order.
    size_t load_dir(const std::string &dir);

    std::shared_ptr<const LoadedPlugin> find(const std::string &id) const;
    std::vector<std::shared_ptr<const LoadedPlugin>> all() const;
    const std::vector<std::string> &refusals() const { return refusals_; }

    // Forgets a plugin that broke its contract (e.g. an exception crossed the ABI); its
    // library closes once no instance holds it.
    void refuse(const std::string &id, const std::string &why);

private:
    void refuse_line(const std::string &path, const std::string &why);

    Logger logger_;
    std::map<std::string, std::shared_ptr<const LoadedPlugin>> plugins_;
    std::vector<std::string> refusals_;
};

// The folder the kernel looks in by default: GRIDSCOPE_PLUGIN_DIR if set, else
// <folder of the executable>/../lib/gridscope.
std::string default_plugin_dir();
// <folder of the executable>/../share/gridscope
std::string default_share_dir();

} // namespace gs::kernel
