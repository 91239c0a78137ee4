// gridscope plugins [--format json]: the plugins the kernel finds, and those it refuses.
#include "cli/commands.hpp"
#include "cli/json.hpp"

#include <iostream>

namespace gs::kernel {

namespace {
const char *config_type_name(gs_config_type t) {
    switch (t) {
    case GS_CONFIG_STRING:
        return "string";
    case GS_CONFIG_INT:
        return "int";
    case GS_CONFIG_DOUBLE:
        return "double";
    case GS_CONFIG_BOOL:
        return "bool";
    case GS_CONFIG_SECTION:
        return "section";
    case GS_CONFIG_DURATION_MS:
        return "duration_ms";
    default:
        return "invalid";
    }
}
// ", min 1, max 65535, one of N|E|O" (what the config map accepts beyond the type), or "".
std::string bounds_text(const ConfigField &f) {
    std::string out;
    if (!f.min_value.empty()) out += ", min " + f.min_value;
    if (!f.max_value.empty()) out += ", max " + f.max_value;
    for (size_t i = 0; i < f.allowed_values.size(); ++i)
        out += (i ? "|" : ", one of ") + f.allowed_values[i];
    return out;
}
// ", "min": "1", "max": null, "allowed": ["N", "E"]" (null / [] when not bounded).
std::string bounds_json(const ConfigField &f) {
    auto text_or_null = [](const std::string &v) {
        return v.empty() ? std::string("null") : json_string(v);
    };
    std::string allowed;
    for (size_t i = 0; i < f.allowed_values.size(); ++i)
        allowed += (i ? ", " : "") + json_string(f.allowed_values[i]);
    return ", \"min\": " + text_or_null(f.min_value) + ", \"max\": " + text_or_null(f.max_value) +
           ", \"allowed\": [" + allowed + "]";
}
// "port (int, default 8080, min 0, max 65535): TCP port ..."
std::string field_text(const ConfigField &f) {
    return f.key + " (" + config_type_name(f.type) + (f.required ? ", required" : "") +
           (f.default_value.empty() ? "" : ", default " + f.default_value) + bounds_text(f) +
           "): " + f.description;
}
// [{"key": ..., "type": ..., "required": ..., "default": ..., "description": ..., bounds}, ...]
std::string fields_json(const ConfigMap &fields) {
    std::string out = "[";
    for (size_t i = 0; i < fields.size(); ++i) {
        const auto &f = fields[i];
        out += std::string(i ? ", " : "") + "{\"key\": " + json_string(f.key) +
               ", \"type\": " + json_string(config_type_name(f.type)) +
               ", \"required\": " + (f.required ? "true" : "false") +
               ", \"default\": " + json_string(f.default_value) +
               ", \"description\": " + json_string(f.description) + bounds_json(f) + "}";
    }
    return out + "]";
}
std::string abi_text(uint32_t abi) {
    return std::to_string(GS_ABI_MAJOR_OF(abi)) + "." + std::to_string(GS_ABI_MINOR_OF(abi));
}
} // namespace

int cmd_plugins(int argc, char **argv) {
    auto options = CommonOptions::value_options();
    options.insert("--format");
    Args args(argc, argv, 2, options, {});
    CommonOptions common = CommonOptions::from(args);
    PluginRegistry registry([](const std::string &line) { std::cerr << line << "\n"; });
    common.load_plugins(registry);

    if (args.get("--format", "text") == "json") {
        std::cout << "[";
        bool first = true;
        for (const auto &p : registry.all()) {
            std::cout << (first ? "" : ",") << "\n  {\"id\": " << json_string(p->id)
                      << ", \"kind\": " << json_string(kind_name(p->kind))
                      << ", \"version\": " << json_string(p->version)
                      << ", \"abi\": " << json_string(abi_text(p->module_abi))
                      << ", \"description\": " << json_string(p->description)
                      << ", \"path\": " << json_string(p->path)
                      << ", \"config\": " << fields_json(p->config_fields)
                      << ", \"source_fields\": " << fields_json(p->source_fields);
            std::cout << "}";
            first = false;
        }
        std::cout << (first ? "]\n" : "\n]\n");
        return 0;
    }
    std::cout << "Plugins in " << common.plugin_dir << " (kernel ABI " << GS_ABI_VERSION_MAJOR
              << "." << GS_ABI_VERSION_MINOR << "):\n";
    for (const auto &p : registry.all()) {
        std::cout << "  " << p->id << "  " << kind_name(p->kind) << "  " << p->version << "  ABI "
                  << abi_text(p->module_abi) << "  " << p->description << "\n";
        for (const auto &f : p->config_fields)
            std::cout << "      " << field_text(f) << "\n";
        if (!p->source_fields.empty()) std::cout << "    keys of its sources:\n";
        for (const auto &f : p->source_fields)
            std::cout << "      " << field_text(f) << "\n";
    }
    if (registry.all().empty()) std::cout << "  (none)\n";
    return 0;
}

} // namespace gs::kernel
