#include "cli/plugin_tools.hpp"

#include "cli/site_gate.hpp"
#include "cli/store_access.hpp"
#include "host/host_context.hpp"
#include "runtime/log.hpp"
#include "runtime/plugin_calls.hpp"

#include <algorithm>
#include <cstring>
#include <iostream>
#include <map>

namespace gs::kernel {

namespace {

// "a, b or c"
std::string one_of(const std::vector<std::string> &items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i)
        out += (i == 0 ? "" : i + 1 == items.size() ? " or " : ", ") + items[i];
    return out;
}

const gs_tool *find_tool(const PluginRegistry &registry, const std::string &name,
                         std::string *owner) {
    for (const auto &plugin : registry.all())
        for (const gs_tool *tool : plugin->tools)
            if (name == tool->name) {
                *owner = plugin->id;
                return tool;
            }
    return nullptr;
}

// `title` then, per set of options, the drivers that declare it and the options, one a line.
std::string options_usage(const PluginRegistry &registry, const std::string &title,
                          std::vector<const gs_cli_option *> LoadedPlugin::*list) {
    std::map<std::string, std::string> drivers_of; // the options' text -> the drivers with it
    for (const auto &plugin : registry.all()) {
        std::string text;
        for (const gs_cli_option *o : (*plugin).*list)
            text += "    " + std::string(o->flag) + " " + (o->description ? o->description : "") +
                    (o->address ? " [address]" : "") +
                    (o->default_value && !o->address
                         ? std::string(" (default ") + o->default_value + ")"
                         : std::string()) +
                    "\n";
        if (text.empty()) continue;
        std::string &ids = drivers_of[text];
        ids += (ids.empty() ? "" : ", ") + plugin->id;
    }
    if (drivers_of.empty()) return "";
    std::string out = title;
    for (const auto &[text, ids] : drivers_of)
        out += "  " + ids + ":\n" + text;
    return out;
}

} // namespace

std::optional<std::string> raw_option(int argc, char **argv, const std::string &name) {
    std::optional<std::string> found; // the last one, as Args::get
    for (int i = 2; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == name && i + 1 < argc)
            found = argv[++i];
        else if (arg.rfind(name + "=", 0) == 0)
            found = arg.substr(name.size() + 1);
    }
    return found;
}

void load_plugins_of(int argc, char **argv, PluginRegistry &registry) {
    registry.load_dir(raw_option(argc, argv, "--plugin-dir").value_or(default_plugin_dir()));
}

std::optional<int> run_plugin_tool(int argc, char **argv) {
    PluginRegistry registry;
    load_plugins_of(argc, argv, registry);
    std::string owner;
    const gs_tool *tool = find_tool(registry, argv[1], &owner);
    if (!tool) return std::nullopt;
    auto options = CommonOptions::value_options();
    options.insert({"--config", "--data-dir"});
    for (size_t i = 0; i < tool->option_count; ++i)
        options.insert(tool->options[i]);
    std::set<std::string> switches; // since ABI 1.4
    if (GS_HAS_FIELD(tool, gs_tool, switch_count))
        for (size_t i = 0; i < tool->switch_count; ++i)
            switches.insert(tool->switches[i]);
    Args args(argc, argv, 2, options, switches);
    YAML::Node given(YAML::NodeType::Map);
    given["config"] = args.required("--config");
    given["data_dir"] = args.get("--data-dir", "gridscope-data");
    for (size_t i = 0; i < tool->option_count; ++i)
        if (auto v = args.get(tool->options[i])) given[tool->options[i] + 2] = *v;
    for (const auto &s : switches)
        if (args.has(s)) given[s.substr(2)] = "true";
    ConfigNode section{YAML::Node(YAML::NodeType::Map), "(site)"};
    try {
        SiteModel site =
            load_site(given["config"].as<std::string>(), CommonOptions::from(args).load_options());
        auto own = site.plugins.find(owner); // the NULL node of the tool's host (ABI 1.4)
        if (own != site.plugins.end() && own->second.node.IsMap())
            section = ConfigNode{own->second.node, site.file};
    } catch (const ConfigFailure &failure) {
        std::cerr << failure.diagnostics().str();
        return 1;
    }
    // The services a tool may use (ABI 1.4): the store is opened read-only on first use.
    StoreAccess store;
    bool store_tried = false;
    HostHooks hooks;
    hooks.get_service = [&](const std::string &id) -> const void * {
        if (!store_tried) {
            store_tried = true;
            try {
                open_store(store, args, given["config"].as<std::string>(), true);
            } catch (const std::exception &e) {
                log_line(GS_LOG_ERROR, owner,
                         std::string("the store cannot be opened: ") + e.what());
                store.runtime.reset();
            }
        }
        return store.runtime ? store.runtime->service(id) : nullptr;
    };
    HostContext host(owner, section, hooks);
    int32_t code = 1;
    gs_status st = call_plugin(owner, tool->name, [&] {
        code = tool->run(host.raw(), host.handle(given, "(command line)"));
        return GS_OK;
    });
    return st == GS_OK ? code : 1;
}

std::string plugin_tools_usage() {
    PluginRegistry registry;
    registry.load_dir(default_plugin_dir());
    std::string out;
    for (const auto &plugin : registry.all())
        for (const gs_tool *tool : plugin->tools) {
            std::string line = "  " + std::string(tool->name) + " --config FILE [--data-dir DIR] " +
                               (tool->usage ? tool->usage : "");
            out += line + "\n" + std::string(61, ' ') + (tool->summary ? tool->summary : "") +
                   " (" + plugin->id + ")\n";
        }
    out += options_usage(registry,
                         "Connection options of the installed drivers (read, plan; "
                         "one address option):\n",
                         &LoadedPlugin::connection_options);
    out += options_usage(registry,
                         "Scan options of the installed drivers (discover; one address option):\n",
                         &LoadedPlugin::scan_options);
    return out;
}

std::set<std::string> connection_flags(const PluginRegistry &registry) {
    std::set<std::string> flags;
    for (const auto &plugin : registry.all())
        for (const gs_cli_option *opt : plugin->connection_options)
            flags.insert(opt->flag);
    return flags;
}

YAML::Node option_entry(const Args &args, const std::vector<const gs_cli_option *> &declared,
                        bool need_address) {
    YAML::Node entry(YAML::NodeType::Map);
    auto put = [&](const gs_cli_option &o, const std::string &value) {
        if (o.integer)
            entry[o.key] = args.has(o.flag) ? args.integer(o.flag, 0) : std::stoi(value);
        else
            entry[o.key] = value;
    };
    std::vector<std::string> addresses, address_flags;
    const gs_cli_option *stand_in = nullptr;
    int given = 0;
    for (const gs_cli_option *o : declared) {
        if (!o->address) continue;
        std::string word = o->description ? o->description : "";
        addresses.push_back(std::string(o->flag) + " " + word.substr(0, word.find(' ')));
        address_flags.push_back(o->flag);
        if (!stand_in && o->default_value) stand_in = o;
        if (auto v = args.get(o->flag)) {
            put(*o, *v);
            ++given;
        }
    }
    if (given == 0 && !need_address && stand_in) {
        put(*stand_in, stand_in->default_value);
        given = 1;
    }
    if (given == 0 && address_flags.size() == 1)
        (void)args.required(address_flags.front()); // "option --tcp is required"
    if (given == 0 && !addresses.empty())
        throw UsageError("give the device's address: " + one_of(addresses));
    if (given > 1) throw UsageError("give one address: " + one_of(address_flags));
    for (const gs_cli_option *o : declared) {
        if (o->address) continue;
        if (auto v = args.get(o->flag))
            put(*o, *v);
        else if (o->default_value && (!o->only_with || entry[o->only_with]))
            put(*o, o->default_value);
    }
    return entry;
}

YAML::Node connection_entry(const Args &args, const PluginRegistry &registry,
                            const LoadedPlugin &driver, bool need_address) {
    const auto &declared = driver.connection_options;
    for (const auto &flag : connection_flags(registry))
        if (args.get(flag) && std::none_of(declared.begin(), declared.end(),
                                           [&](const gs_cli_option *o) { return flag == o->flag; }))
            throw UsageError("driver '" + driver.id + "' takes no option " + flag);
    return option_entry(args, declared, need_address);
}

} // namespace gs::kernel
