#include "consumption/breakdown.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <stdexcept>

namespace gs::consumption {

namespace {

// Linked son hierarchies are followed by name; the kernel refuses cycles, this guard keeps a
// document that slipped through from recursing forever.
constexpr int kMaxDepth = 1024;

void guard(int depth) {
    if (depth > kMaxDepth) throw std::invalid_argument("hierarchies link into a cycle");
}

const Hierarchy &linked(const Hierarchies &all, const std::string &name) {
    const Hierarchy *h = all.find(name);
    if (!h) throw std::invalid_argument("no hierarchy named '" + name + "'");
    return *h;
}

// Calls f on n and every node below it, linked son hierarchies included.
void walk(const Hierarchies &all, const Node &n, int depth,
          const std::function<void(const Node &)> &f) {
    guard(depth);
    f(n);
    for (const auto &c : n.children)
        walk(all, c, depth + 1, f);
    for (const auto &l : n.linked)
        walk(all, linked(all, l).root, depth + 1, f);
}

} // namespace

std::string Breakdown::usage_name(const std::string &load) const {
    std::string u = all_.usage_of(load);
    return u.empty() ? "none" : u;
}

const char *kind_name(PartKind kind) {
    switch (kind) {
    case PartKind::load:
        return "load";
    case PartKind::node:
        return "node";
    case PartKind::unmeasured:
        return "unmeasured";
    case PartKind::usage:
        return "usage";
    }
    return "?";
}

Breakdown::Breakdown(const Hierarchies &hierarchies, const LoadValues &values, size_t buckets)
    : all_(hierarchies), values_(values), buckets_(buckets) {}

std::vector<std::string> Breakdown::loads_of(const Hierarchies &all, const Hierarchy &h) {
    std::set<std::string> out;
    walk(all, h.root, 0, [&](const Node &n) {
        if (n.meter) out.insert(*n.meter);
        out.insert(n.loads.begin(), n.loads.end());
    });
    return {out.begin(), out.end()};
}

double Breakdown::load(const std::string &name, size_t b) const {
    auto it = values_.find(name);
    return it == values_.end() || b >= it->second.size() ? 0.0 : it->second[b];
}

double Breakdown::parts(const Node &n, size_t b, int depth) const {
    guard(depth);
    double sum = 0;
    for (const auto &l : n.loads)
        sum += load(l, b);
    for (const auto &c : n.children)
        sum += value(c, b, depth + 1);
    for (const auto &l : n.linked)
        sum += value(linked(all_, l).root, b, depth + 1);
    return sum;
}

double Breakdown::value(const Node &n, size_t b, int depth) const {
    return n.meter ? load(*n.meter, b) : parts(n, b, depth);
}

std::vector<BucketBreakdown> Breakdown::node(const Hierarchy &, const Node &n) const {
    std::vector<BucketBreakdown> out(buckets_);
    for (size_t b = 0; b < buckets_; ++b) {
        BucketBreakdown &bucket = out[b];
        double sum = 0;
        auto add = [&](const std::string &name, PartKind kind, double v) {
            bucket.parts.push_back(Part{name, kind, v});
            sum += v;
        };
        for (const auto &l : n.loads)
            add(l, PartKind::load, load(l, b));
        for (const auto &c : n.children)
            add(c.name, PartKind::node, value(c, b, 1));
        for (const auto &l : n.linked)
            add(l, PartKind::node, value(linked(all_, l).root, b, 1));
        // The unmeasured part closes the sum: meter - parts, so the parts add up to the value.
        if (n.meter) {
            bucket.value = load(*n.meter, b);
            bucket.parts.push_back(Part{"unmeasured", PartKind::unmeasured, bucket.value - sum});
        } else {
            bucket.value = sum;
        }
    }
    return out;
}

void Breakdown::add_usages(const Node &n, size_t b, std::map<std::string, double> &usage,
                           double &unmeasured, int depth) const {
    guard(depth);
    for (const auto &l : n.loads)
        usage[usage_name(l)] += load(l, b);
    for (const auto &c : n.children)
        add_usages(c, b, usage, unmeasured, depth + 1);
    for (const auto &l : n.linked)
        add_usages(linked(all_, l).root, b, usage, unmeasured, depth + 1);
    if (n.meter) unmeasured += load(*n.meter, b) - parts(n, b, depth);
}

std::vector<BucketBreakdown> Breakdown::by_usage(const Hierarchy &h) const {
    // Every usage of the hierarchy's member loads, in every bucket (meters are not members:
    // their consumption is split over the loads below them and the unmeasured part).
    std::map<std::string, double> zero;
    bool metered = false;
    walk(all_, h.root, 0, [&](const Node &n) {
        for (const auto &l : n.loads)
            zero[usage_name(l)] = 0;
        metered = metered || n.meter.has_value();
    });
    std::vector<BucketBreakdown> out(buckets_);
    for (size_t b = 0; b < buckets_; ++b) {
        std::map<std::string, double> usage = zero;
        double unmeasured = 0;
        add_usages(h.root, b, usage, unmeasured, 0);
        BucketBreakdown &bucket = out[b];
        bucket.value = value(h.root, b, 0);
        for (const auto &[name, v] : usage)
            bucket.parts.push_back(Part{name, PartKind::usage, v});
        if (metered) bucket.parts.push_back(Part{"unmeasured", PartKind::unmeasured, unmeasured});
    }
    return out;
}

void Breakdown::check(const Hierarchy &h, const Node &n, std::vector<Imbalance> &out,
                      int depth) const {
    guard(depth);
    if (n.meter)
        for (size_t b = 0; b < buckets_; ++b) {
            double meter = load(*n.meter, b);
            double sum = parts(n, b, depth);
            double tolerance = h.tolerance.of(meter);
            if (meter - sum < -tolerance)
                out.push_back(Imbalance{h.name, n.name, *n.meter, b, meter, sum, tolerance});
        }
    for (const auto &c : n.children)
        check(h, c, out, depth + 1);
    for (const auto &l : n.linked) {
        const Hierarchy &son = linked(all_, l);
        check(son, son.root, out, depth + 1);
    }
}

std::vector<Imbalance> Breakdown::imbalances(const Hierarchy &h) const {
    std::vector<Imbalance> out;
    check(h, h.root, out, 0);
    return out;
}

} // namespace gs::consumption
