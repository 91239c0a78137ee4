#include "profile_files.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace gs::socomec {

namespace fs = std::filesystem;
using boost::property_tree::ptree;

ptree to_ptree(const YAML::Node &node) {
    ptree out;
    if (node.IsScalar()) {
        out.put_value(node.Scalar());
    } else if (node.IsMap()) {
        for (const auto &kv : node)
            out.push_back({kv.first.Scalar(), to_ptree(kv.second)});
    } else if (node.IsSequence()) {
        for (size_t i = 0; i < node.size(); ++i)
            out.push_back({std::to_string(i), to_ptree(node[i])});
    }
    return out;
}

ProfileDef load_profile_file(const std::string &file, const std::string &id) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(file);
    } catch (const YAML::Exception &e) {
        throw std::runtime_error(file + ": " + e.what());
    }
    YAML::Node p = root.IsMap() ? root["profile"] : YAML::Node();
    if (!p.IsDefined() || !p.IsMap()) throw std::runtime_error(file + ": no 'profile:' map");
    ProfileDef out;
    out.file = file;
    try {
        ProfileInfo &info = out.info;
        info.id = p["id"] ? p["id"].as<std::string>() : id;
        info.maker = p["maker"] ? p["maker"].as<std::string>() : "";
        info.model = p["model"] ? p["model"].as<std::string>() : p["name"].as<std::string>("");
        info.family = p["family"] ? p["family"].as<std::string>() : "";
        info.circuits = p["circuits"] ? p["circuits"].as<uint32_t>() : 1;
        if (p["models"] && p["models"].IsSequence())
            info.models = p["models"].as<std::vector<std::string>>();
        if (info.models.empty()) info.models.push_back(info.model);
        if (p["identification"] && p["identification"]["product_order_id"])
            info.product_order_id = p["identification"]["product_order_id"].as<uint16_t>();
        if (p["defaults"]) out.defaults = to_ptree(p["defaults"]);
        if (p["points"])
            for (const auto &point : p["points"]) {
                ProfilePoint pp;
                pp.data = point["data"].as<std::string>("");
                pp.circuit = point["circuit"] ? point["circuit"].as<uint32_t>() : 1;
                pp.attrs = to_ptree(point);
                out.points.push_back(std::move(pp));
            }
    } catch (const YAML::Exception &e) {
        throw std::runtime_error(file + ": " + e.what());
    }
    return out;
}

std::vector<ProfileDef> load_profile_dir(const std::string &dir, std::vector<std::string> &errors) {
    std::vector<ProfileDef> out;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        errors.push_back(dir + ": not a folder");
        return out;
    }
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
        const fs::path &path = it->path();
        if (!it->is_regular_file() || path.extension() != ".yaml") continue;
        std::string id = fs::relative(path, dir).replace_extension("").generic_string();
        try {
            YAML::Node root = YAML::LoadFile(path.string());
            if (!root.IsMap() || !root["profile"]) continue; // catalog.yaml, models.yaml
            out.push_back(load_profile_file(path.string(), id));
        } catch (const std::exception &e) {
            errors.push_back(e.what());
        }
    }
    std::sort(out.begin(), out.end(),
              [](const ProfileDef &a, const ProfileDef &b) { return a.info.id < b.info.id; });
    return out;
}

} // namespace gs::socomec
