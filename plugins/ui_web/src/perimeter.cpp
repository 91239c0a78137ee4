#include "perimeter.hpp"

#include "text.hpp"

#include <optional>
#include <set>

namespace gs::ui {

namespace {

struct Node {
    std::string name, type, source, detail, model;
    uint32_t circuit = 0;
    bool unassigned = false;
    std::string hierarchy; // hierarchy view: the hierarchy a folder belongs to
    bool top = false;      // hierarchy view: the folder of a whole hierarchy
    bool meter = false;    // hierarchy view: the load that feeds its node
    std::vector<Node> children;
};

Node folder(std::string name) {
    Node n;
    n.unassigned = name.empty();
    n.name = std::move(name);
    n.type = "folder";
    return n;
}

Node &child_folder(Node &parent, const std::string &name) {
    for (auto &c : parent.children)
        if (c.type == "folder" && c.name == name) return c;
    parent.children.push_back(folder(name));
    return parent.children.back();
}

std::string model_of(const SiteModel &site, const SourceInfo &s) {
    const DeviceProfile *p = site.profile_of(s);
    return p ? p->model : std::string();
}

Node load(const SourceInfo &s, const Circuit &c, const std::string &model) {
    Node n;
    n.type = "load";
    n.name = c.name.empty() ? s.name + "/" + std::to_string(c.index) : c.name;
    n.source = s.name;
    n.circuit = c.index;
    n.detail = s.name;
    n.model = model;
    return n;
}

Node device(const SiteModel &site, const SourceInfo &s) {
    Node n;
    n.type = "device";
    n.name = s.name;
    n.source = s.name;
    n.model = model_of(site, s);
    if (s.circuits.size() == 1) {
        n.circuit = s.circuits[0].index;
        n.detail = s.circuits[0].name;
    } else {
        for (const auto &c : s.circuits)
            n.children.push_back(load(s, c, n.model));
    }
    return n;
}

Node by_location(const SiteModel &site) {
    Node root = folder("");
    for (const auto &s : site.sources) {
        Node *at = &root;
        for (const auto &segment : split(s.location, '/'))
            at = &child_folder(*at, segment);
        at->children.push_back(device(site, s));
    }
    return root;
}

Node by_circuit_field(const SiteModel &site, std::string Circuit::*field) {
    Node root = folder("");
    for (const auto &s : site.sources) {
        std::string model = model_of(site, s);
        for (const auto &c : s.circuits)
            child_folder(root, c.*field).children.push_back(load(s, c, model));
    }
    return root;
}

// The load named "SOURCE/CIRCUIT", if the site has it.
std::optional<Node> load_named(const SiteModel &site, const std::string &ref) {
    size_t slash = ref.rfind('/');
    const SourceInfo *s = site.source(ref.substr(0, slash));
    auto index = slash == std::string::npos ? std::nullopt : parse_u32(ref.substr(slash + 1));
    const Circuit *c = s && index ? s->circuit(*index) : nullptr;
    if (!c) return std::nullopt;
    return load(*s, *c, model_of(site, *s));
}

Node hierarchy_folder(const SiteModel &site, const Hierarchy &h, std::set<std::string> &walking);

// A node of hierarchy `hierarchy`: its meter first (flagged), its loads, its child nodes, then
// the son hierarchies that hang under it (each a hierarchy folder). `walking`: the hierarchies
// being walked, so that a cycle (refused by the kernel anyway) cannot recurse.
Node hierarchy_node(const SiteModel &site, const HierarchyNode &h, const std::string &hierarchy,
                    std::set<std::string> &walking) {
    Node n = folder(h.name);
    n.unassigned = false;
    n.hierarchy = hierarchy;
    if (!h.meter.empty())
        if (auto meter = load_named(site, h.meter)) {
            meter->meter = true;
            n.children.push_back(std::move(*meter));
        }
    for (const auto &ref : h.loads)
        if (auto l = load_named(site, ref)) n.children.push_back(std::move(*l));
    for (const auto &child : h.children)
        n.children.push_back(hierarchy_node(site, child, hierarchy, walking));
    for (const auto &name : h.hierarchies)
        for (const auto &son : site.hierarchies)
            if (son.name == name && !walking.count(name))
                n.children.push_back(hierarchy_folder(site, son, walking));
    return n;
}

Node hierarchy_folder(const SiteModel &site, const Hierarchy &h, std::set<std::string> &walking) {
    walking.insert(h.name);
    Node top = folder(h.name);
    top.unassigned = false;
    top.hierarchy = h.name;
    top.top = true;
    top.children.push_back(hierarchy_node(site, h.root, h.name, walking));
    walking.erase(h.name);
    return top;
}

void collect_sons(const HierarchyNode &n, std::set<std::string> &sons) {
    sons.insert(n.hierarchies.begin(), n.hierarchies.end());
    for (const auto &c : n.children)
        collect_sons(c, sons);
}

// The hierarchies at the top, each son hierarchy under the node it hangs from.
Node by_hierarchy(const SiteModel &site) {
    std::set<std::string> sons, walking;
    for (const auto &h : site.hierarchies)
        collect_sons(h.root, sons);
    Node root = folder("");
    for (const auto &h : site.hierarchies)
        if (!sons.count(h.name)) root.children.push_back(hierarchy_folder(site, h, walking));
    return root;
}

bool matches(const Node &n, std::string_view filter) {
    return contains_nocase(n.name, filter) || contains_nocase(n.detail, filter) ||
           contains_nocase(n.model, filter);
}

// Keeps what matches; false when nothing of the node is left.
bool apply_filter(Node &n, std::string_view filter) {
    if (filter.empty() || matches(n, filter)) return true;
    std::vector<Node> kept;
    for (auto &c : n.children)
        if (apply_filter(c, filter)) kept.push_back(std::move(c));
    n.children = std::move(kept);
    return !n.children.empty();
}

using LoadSet = std::set<std::pair<std::string, uint32_t>>;

json to_json(const Node &n, LoadSet &loads) {
    LoadSet mine;
    json children = json::array();
    for (const auto &c : n.children)
        children.push_back(to_json(c, mine));
    if (n.type == "load" || (n.type == "device" && n.children.empty()))
        mine.insert({n.source, n.circuit});
    json j = {{"name", n.name}, {"type", n.type}, {"loads", mine.size()}, {"children", children}};
    if (!n.source.empty()) j["source"] = n.source;
    if (n.circuit) j["circuit"] = n.circuit;
    if (!n.detail.empty()) j["detail"] = n.detail;
    if (!n.model.empty()) j["model"] = n.model;
    if (n.unassigned) j["unassigned"] = true;
    if (!n.hierarchy.empty()) j["hierarchy"] = n.hierarchy;
    if (n.top) j["top"] = true;
    if (n.meter) j["meter"] = true;
    loads.insert(mine.begin(), mine.end());
    return j;
}

} // namespace

std::optional<json> perimeter_tree(const SiteModel &site, std::string_view view,
                                   std::string_view filter) {
    Node root;
    if (view == "location")
        root = by_location(site);
    else if (view == "usage")
        root = by_circuit_field(site, &Circuit::usage);
    else if (view == "fluid")
        root = by_circuit_field(site, &Circuit::fluid);
    else if (view == "hierarchy")
        root = by_hierarchy(site);
    else
        return std::nullopt;
    std::vector<Node> kept;
    for (auto &c : root.children)
        if (apply_filter(c, filter)) kept.push_back(std::move(c));
    LoadSet all;
    json nodes = json::array();
    for (const auto &c : kept)
        nodes.push_back(to_json(c, all));
    return json{{"view", view}, {"filter", filter}, {"loads", all.size()}, {"nodes", nodes}};
}

} // namespace gs::ui
