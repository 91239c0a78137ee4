// The hierarchy maths (manual §8.5), one code path for the CLI and the web API:
//   a node with a meter is worth the meter's consumption, and its unmeasured part is
//     meter - (sum of its loads + sum of its child nodes and linked son hierarchies);
//   a node without a meter is worth the sum of its parts.
// Fed with each load's consumption per bucket (the storage's bucket rule); pure arithmetic on
// whole units, so the parts of a bucket add up exactly to its value.
#pragma once

#include "consumption/hierarchy.hpp"

#include <map>
#include <string>
#include <vector>

namespace gs::consumption {

enum class PartKind { load, node, unmeasured, usage };
const char *kind_name(PartKind kind); // "load", "node", "unmeasured", "usage"

struct Part {
    std::string
        name; // "SOURCE/CIRCUIT", a node's or linked hierarchy's name, "unmeasured", a usage
    PartKind kind;
    double value;
};

struct BucketBreakdown {
    double value = 0;
    std::vector<Part> parts; // sum of the parts' values = value
};

// A metered node whose unmeasured part is below -tolerance in a bucket.
struct Imbalance {
    std::string hierarchy;
    std::string node;
    std::string meter;
    size_t bucket;
    double meter_value;
    double parts_value; // sum of loads and children
    double tolerance;
};

// Each load's consumption per bucket; a load without values counts 0 (nothing stored yet).
using LoadValues = std::map<std::string, std::vector<double>>;

class Breakdown {
public:
    Breakdown(const Hierarchies &hierarchies, const LoadValues &values, size_t buckets);

    // The node's value and its parts per bucket: its loads, its child nodes and linked son
    // hierarchies (by name, kind node), and its unmeasured part when it has a meter.
    std::vector<BucketBreakdown> node(const Hierarchy &h, const Node &n) const;
    // The hierarchy's root value split by the usages of its member loads (kind usage; a load
    // without usage counts under "none"), all unmeasured parts together as one "unmeasured".
    std::vector<BucketBreakdown> by_usage(const Hierarchy &h) const;
    // The metered nodes of the hierarchy (and of its linked sons) below -tolerance.
    std::vector<Imbalance> imbalances(const Hierarchy &h) const;

    // Every load a hierarchy's maths reads (members and meters, linked sons included).
    static std::vector<std::string> loads_of(const Hierarchies &all, const Hierarchy &h);

private:
    double load(const std::string &name, size_t b) const;
    double value(const Node &n, size_t b, int depth) const;
    double parts(const Node &n, size_t b, int depth) const; // loads + children + linked sons
    std::string usage_name(const std::string &load) const;  // "none" for a load without usage
    void add_usages(const Node &n, size_t b, std::map<std::string, double> &usage,
                    double &unmeasured, int depth) const;
    void check(const Hierarchy &h, const Node &n, std::vector<Imbalance> &out, int depth) const;
    const Hierarchies &all_;
    const LoadValues &values_;
    size_t buckets_;
};

} // namespace gs::consumption
