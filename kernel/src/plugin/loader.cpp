#include "plugin/loader.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace gs::kernel {

namespace fs = std::filesystem;

const char *kind_name(gs_plugin_kind kind) {
    switch (kind) {
    case GS_KIND_DRIVER:
        return "driver";
    case GS_KIND_STORAGE:
        return "storage";
    case GS_KIND_EXPORTER:
        return "exporter";
    case GS_KIND_UI:
        return "ui";
    default:
        return "invalid";
    }
}

const gs_driver_vtable *LoadedPlugin::driver() const {
    return kind == GS_KIND_DRIVER ? static_cast<const gs_driver_vtable *>(vtable) : nullptr;
}
const gs_storage_vtable *LoadedPlugin::storage() const {
    return kind == GS_KIND_STORAGE ? static_cast<const gs_storage_vtable *>(vtable) : nullptr;
}
const gs_exporter_vtable *LoadedPlugin::exporter() const {
    return kind == GS_KIND_EXPORTER ? static_cast<const gs_exporter_vtable *>(vtable) : nullptr;
}
const gs_ui_vtable *LoadedPlugin::ui() const {
    return kind == GS_KIND_UI ? static_cast<const gs_ui_vtable *>(vtable) : nullptr;
}

namespace {

// The smallest struct sizes ABI 1.0 defines: a plugin's struct must hold at least these.
constexpr size_t kMinModuleSize = sizeof(gs_module);
constexpr size_t kMinDescriptorSize = offsetof(gs_plugin_descriptor, tools); // ABI 1.0

// Every vtable starts with struct_size, create, destroy, start, stop.
struct VtableHead {
    uint32_t struct_size;
    gs_create_fn create;
    gs_destroy_fn destroy;
    gs_start_fn start;
    gs_stop_fn stop;
};
static_assert(offsetof(VtableHead, stop) == offsetof(gs_driver_vtable, stop));
static_assert(offsetof(VtableHead, stop) == offsetof(gs_storage_vtable, stop));
static_assert(offsetof(VtableHead, stop) == offsetof(gs_exporter_vtable, stop));
static_assert(offsetof(VtableHead, stop) == offsetof(gs_ui_vtable, stop));

// Required size of each kind's vtable (up to its last required function) and a check of the
// kind's own required functions; returns "" or what is missing.
std::string check_vtable(gs_plugin_kind kind, const void *vtable) {
    const auto *head = static_cast<const VtableHead *>(vtable);
    size_t min_size = 0;
    switch (kind) {
    case GS_KIND_DRIVER:
        min_size = offsetof(gs_driver_vtable, read);
        break;
    case GS_KIND_STORAGE:
        min_size = offsetof(gs_storage_vtable, get_service);
        break;
    case GS_KIND_EXPORTER:
        min_size = offsetof(gs_exporter_vtable, consume_samples);
        break;
    case GS_KIND_UI:
        min_size = offsetof(gs_ui_vtable, on_samples);
        break;
    default:
        return "unknown kind";
    }
    if (head->struct_size < min_size)
        return "vtable struct_size " + std::to_string(head->struct_size) + " is smaller than " +
               std::to_string(min_size);
    if (!head->create) return "required function 'create' is missing";
    if (!head->destroy) return "required function 'destroy' is missing";
    if (!head->start) return "required function 'start' is missing";
    if (!head->stop) return "required function 'stop' is missing";
    if (kind == GS_KIND_DRIVER) {
        const auto *vt = static_cast<const gs_driver_vtable *>(vtable);
        if (!vt->validate_point) return "required function 'validate_point' is missing";
        if (!vt->add_source) return "required function 'add_source' is missing";
    } else if (kind == GS_KIND_STORAGE) {
        const auto *vt = static_cast<const gs_storage_vtable *>(vtable);
        if (!vt->append_samples) return "required function 'append_samples' is missing";
        if (!vt->append_event) return "required function 'append_event' is missing";
    }
    return "";
}

std::string text(const char *s) {
    return s ? s : "";
}

bool is_integer(const char *text) {
    char *end = nullptr;
    errno = 0;
    (void)std::strtol(text, &end, 10);
    return *text && errno == 0 && end && *end == '\0';
}

// A driver's command-line options (connection options since 1.3, scan options since 1.4) into
// `out`. Returns "" or what is malformed; `what` names the list in that message.
std::string cli_options(const gs_cli_option *options, size_t count, const std::string &what,
                        std::vector<const gs_cli_option *> &out) {
    if (count == 0) return "";
    if (!options) return "the driver lists " + what + "s but no array";
    for (size_t o = 0; o < count; ++o) {
        const gs_cli_option &opt = options[o];
        if (opt.struct_size < offsetof(gs_cli_option, description) + sizeof(opt.description) ||
            !opt.flag || std::strncmp(opt.flag, "--", 2) != 0 || !opt.key || !*opt.key)
            return "malformed " + what + " #" + std::to_string(o);
        if (opt.integer && opt.default_value && !is_integer(opt.default_value))
            return what + " " + opt.flag + ": its default is not an integer";
        out.push_back(&opt);
    }
    return "";
}

// Since 1.3: the plugin's command-line tools and a driver's connection and scan options,
// checked here so that the CLI uses them without further checks. Returns "" or what is
// malformed.
std::string take_tools(const gs_plugin_descriptor &d, LoadedPlugin &plugin) {
    if (GS_HAS_FIELD(&d, gs_plugin_descriptor, tool_count) && d.tool_count > 0) {
        if (!d.tools) return "the descriptor lists tools but gives no array";
        for (size_t t = 0; t < d.tool_count; ++t) {
            const gs_tool *tool = d.tools[t];
            if (!tool || tool->struct_size < offsetof(gs_tool, run) + sizeof(tool->run) ||
                !tool->name || !*tool->name || !tool->run ||
                (tool->option_count > 0 && !tool->options))
                return "malformed tool #" + std::to_string(t);
            for (size_t o = 0; o < tool->option_count; ++o)
                if (!tool->options[o] || std::strncmp(tool->options[o], "--", 2) != 0)
                    return std::string("tool '") + tool->name + "': malformed option";
            if (GS_HAS_FIELD(tool, gs_tool, switch_count) && tool->switch_count > 0)
                for (size_t o = 0; o < tool->switch_count; ++o) // since 1.4
                    if (!tool->switches || !tool->switches[o] ||
                        std::strncmp(tool->switches[o], "--", 2) != 0)
                        return std::string("tool '") + tool->name + "': malformed switch";
            plugin.tools.push_back(tool);
        }
    }
    if (GS_HAS_FIELD(&d, gs_plugin_descriptor, site_section_count) && d.site_section_count > 0) {
        if (!d.site_sections) return "the descriptor lists site sections but gives no array";
        for (size_t i = 0; i < d.site_section_count; ++i) {
            if (!d.site_sections[i] || !*d.site_sections[i])
                return "malformed site section #" + std::to_string(i);
            plugin.site_sections.emplace_back(d.site_sections[i]);
        }
    }
    const auto *vt = plugin.driver();
    if (vt && GS_HAS_FIELD(vt, gs_driver_vtable, connection_option_count)) {
        std::string why = cli_options(vt->connection_options, vt->connection_option_count,
                                      "connection option", plugin.connection_options);
        if (!why.empty()) return why;
    }
    if (vt && GS_HAS_FIELD(vt, gs_driver_vtable, scan_option_count)) {
        std::string why = cli_options(vt->scan_options, vt->scan_option_count, "scan option",
                                      plugin.scan_options);
        if (!why.empty()) return why;
    }
    return "";
}

} // namespace

PluginRegistry::PluginRegistry(Logger on_refusal) : logger_(std::move(on_refusal)) {}

void PluginRegistry::refuse_line(const std::string &path, const std::string &why) {
    std::string line = "plugin refused: " + path + ": " + why;
    refusals_.push_back(line);
    if (logger_) logger_(line);
}

size_t PluginRegistry::load_file(const std::string &path) {
    auto library = std::make_shared<boost::dll::shared_library>();
    boost::dll::fs::error_code ec;
    // rtld_now: a missing symbol is found now, not at the first call.
    library->load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
    if (ec) {
        refuse_line(path, "cannot load the library: " + ec.message());
        return 0;
    }
    if (!library->has(GS_MODULE_ENTRY_SYMBOL)) {
        refuse_line(path, std::string("no entry symbol '") + GS_MODULE_ENTRY_SYMBOL + "'");
        return 0; // `library` goes out of scope: closed
    }
    auto entry = library->get<const gs_module *(uint32_t)>(GS_MODULE_ENTRY_SYMBOL);
    const gs_module *module = nullptr;
    try {
        module = entry(GS_ABI_VERSION);
    } catch (...) {
        refuse_line(path, "the entry point threw an exception");
        return 0;
    }
    if (!module) {
        refuse_line(path, "the entry point returned no module (it does not support ABI " +
                              std::to_string(GS_ABI_VERSION_MAJOR) + "." +
                              std::to_string(GS_ABI_VERSION_MINOR) + ")");
        return 0;
    }
    // Size and version first, before reading anything else.
    if (module->struct_size < offsetof(gs_module, abi_version) + sizeof(uint32_t)) {
        refuse_line(path, "module struct_size " + std::to_string(module->struct_size) +
                              " is too small to hold a version");
        return 0;
    }
    uint32_t abi = module->abi_version;
    if (GS_ABI_MAJOR_OF(abi) != GS_ABI_VERSION_MAJOR) {
        refuse_line(path, "ABI major version " + std::to_string(GS_ABI_MAJOR_OF(abi)) +
                              " is not the kernel's " + std::to_string(GS_ABI_VERSION_MAJOR));
        return 0;
    }
    if (GS_ABI_MINOR_OF(abi) > GS_ABI_VERSION_MINOR) {
        refuse_line(path, "ABI " + std::to_string(GS_ABI_MAJOR_OF(abi)) + "." +
                              std::to_string(GS_ABI_MINOR_OF(abi)) +
                              " is newer than the kernel's " +
                              std::to_string(GS_ABI_VERSION_MAJOR) + "." +
                              std::to_string(GS_ABI_VERSION_MINOR));
        return 0;
    }
    if (module->struct_size < kMinModuleSize) {
        refuse_line(path, "module struct_size " + std::to_string(module->struct_size) +
                              " is smaller than ABI 1.0's " + std::to_string(kMinModuleSize));
        return 0;
    }
    if (module->plugin_count > 0 && !module->plugins) {
        refuse_line(path, "the module lists plugins but gives no array");
        return 0;
    }

    size_t accepted = 0;
    std::string module_name = text(module->name);
    for (size_t i = 0; i < module->plugin_count; ++i) {
        const gs_plugin_descriptor *d = module->plugins[i];
        std::string where = path + " (plugin #" + std::to_string(i) + ")";
        if (!d || d->struct_size < kMinDescriptorSize) {
            refuse_line(where, "descriptor missing or its struct_size is too small");
            continue;
        }
        std::string id = text(d->id);
        if (id.empty()) {
            refuse_line(where, "descriptor has no id");
            continue;
        }
        where = path + " (plugin '" + id + "')";
        auto kind = static_cast<gs_plugin_kind>(d->kind);
        if (kind < GS_KIND_DRIVER || kind > GS_KIND_UI) {
            refuse_line(where, "unknown kind " + std::to_string(d->kind));
            continue;
        }
        if (!d->vtable) {
            refuse_line(where, "no vtable");
            continue;
        }
        if (std::string why = check_vtable(kind, d->vtable); !why.empty()) {
            refuse_line(where, why);
            continue;
        }
        if (plugins_.count(id)) {
            refuse_line(where,
                        "duplicate id: '" + id + "' is already loaded from " + plugins_[id]->path);
            continue;
        }
        auto plugin = std::make_shared<LoadedPlugin>();
        plugin->library = library;
        plugin->path = path;
        plugin->module_name = module_name;
        plugin->module_abi = abi;
        plugin->kind = kind;
        plugin->id = id;
        plugin->version = text(d->version);
        plugin->description = text(d->description);
        plugin->vtable = d->vtable;
        std::string bad_fields =
            read_config_map(d->config_fields, d->config_field_count, plugin->config_fields);
        if (const gs_driver_vtable *vt = plugin->driver();
            bad_fields.empty() && vt && GS_HAS_FIELD(vt, gs_driver_vtable, source_field_count))
            bad_fields =
                read_config_map(vt->source_fields, vt->source_field_count, plugin->source_fields);
        if (!bad_fields.empty()) {
            refuse_line(where, bad_fields);
            continue;
        }
        if (std::string why = take_tools(*d, *plugin); !why.empty()) {
            refuse_line(where, why);
            continue;
        }
        plugins_[id] = std::move(plugin);
        ++accepted;
    }
    if (accepted == 0 && module->plugin_count == 0) refuse_line(path, "the module has no plugin");
    return accepted; // with none accepted, the last reference goes here: the library closes
}

size_t PluginRegistry::load_dir(const std::string &dir) {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".so")
            files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    size_t n = 0;
    for (const auto &f : files)
        n += load_file(f);
    return n;
}

std::shared_ptr<const LoadedPlugin> PluginRegistry::find(const std::string &id) const {
    auto it = plugins_.find(id);
    return it == plugins_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const LoadedPlugin>> PluginRegistry::all() const {
    std::vector<std::shared_ptr<const LoadedPlugin>> out;
    for (const auto &kv : plugins_)
        out.push_back(kv.second);
    return out;
}

void PluginRegistry::refuse(const std::string &id, const std::string &why) {
    auto it = plugins_.find(id);
    if (it == plugins_.end()) return;
    refuse_line(it->second->path + " (plugin '" + id + "')", why);
    plugins_.erase(it);
}

std::string default_plugin_dir() {
    if (const char *env = std::getenv("GRIDSCOPE_PLUGIN_DIR"); env && *env) return env;
    return (fs::path(boost::dll::program_location().parent_path().string()) / ".." / "lib" /
            "gridscope")
        .lexically_normal()
        .string();
}

std::string default_share_dir() {
    if (const char *env = std::getenv("GRIDSCOPE_SHARE_DIR"); env && *env) return env;
    return (fs::path(boost::dll::program_location().parent_path().string()) / ".." / "share" /
            "gridscope")
        .lexically_normal()
        .string();
}

} // namespace gs::kernel
