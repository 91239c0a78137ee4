// The Alarms and events page's selection (query.hpp) over the engine's records and voltage
// events.
#include "alarms/query.hpp"
#include "engine_impl.hpp"

#include <algorithm>

namespace gs::alarms {

namespace {

template <class T> bool any_or(const std::vector<T> &wanted, const T &v) {
    return wanted.empty() || std::find(wanted.begin(), wanted.end(), v) != wanted.end();
}

bool has_status(const AlarmRecord &r, Status s) {
    switch (s) {
    case Status::active:
        return r.active;
    case Status::cleared:
        return !r.active;
    case Status::unacked:
        return !r.acked;
    case Status::acked:
        return r.acked;
    case Status::shelved:
        return r.shelved;
    case Status::out_of_service:
        return r.out_of_service;
    }
    return false;
}

bool has_status(const VoltageEvent &e, Status s) {
    return (s == Status::active && e.end == kNoTime) || (s == Status::cleared && e.end != kNoTime);
}

template <class Row> bool has_any_status(const std::vector<Status> &wanted, const Row &row) {
    if (wanted.empty()) return true;
    for (Status s : wanted)
        if (has_status(row, s)) return true;
    return false;
}

bool meets(const Query &q, TimeNs start, TimeNs end) {
    if (q.to != kNoTime && start >= q.to) return false;
    return q.from == kNoTime || end == kNoTime || end >= q.from;
}

// A row selected, pointing into the engine (valid under the caller's lock).
struct Hit {
    TimeNs t;
    uint64_t id;
    const AlarmRecord *alarm;
    const VoltageEvent *event;
    Criticality criticality;
    bool operator<(const Hit &o) const { return t != o.t ? t > o.t : id > o.id; } // newest first
};

} // namespace

const char *name_of(Status s) {
    switch (s) {
    case Status::active:
        return "active";
    case Status::cleared:
        return "cleared";
    case Status::unacked:
        return "unacked";
    case Status::acked:
        return "acked";
    case Status::shelved:
        return "shelved";
    case Status::out_of_service:
        return "out_of_service";
    }
    return "invalid";
}

std::optional<Status> status_named(const std::string &name) {
    for (Status s : {Status::active, Status::cleared, Status::unacked, Status::acked,
                     Status::shelved, Status::out_of_service})
        if (name == name_of(s)) return s;
    return std::nullopt;
}

std::optional<Criticality> criticality_named(const std::string &name) {
    for (Criticality c :
         {Criticality::low, Criticality::medium, Criticality::high, Criticality::critical})
        if (name == name_of(c)) return c;
    return std::nullopt;
}

const char *category_of(const AlarmRecord &r) {
    return name_of(r.kind);
}

const char *category_of(const VoltageEvent &e) {
    return name_of(e.kind);
}

bool matches(const Query &q, const AlarmRecord &r) {
    return q.alarms && any_or(q.sources, r.source) &&
           any_or(q.categories, std::string(category_of(r))) &&
           any_or(q.criticalities, r.criticality) && has_any_status(q.statuses, r) &&
           meets(q, r.raised, r.active ? kNoTime : r.cleared);
}

bool matches(const Query &q, const VoltageEvent &e, Criticality criticality) {
    return q.events && any_or(q.sources, e.source) &&
           any_or(q.categories, std::string(category_of(e))) &&
           any_or(q.criticalities, criticality) && has_any_status(q.statuses, e) &&
           meets(q, e.start, e.end);
}

const Rule *Engine::rule(const std::string &name) const {
    auto it = impl_->rule_by_name.find(name);
    return it == impl_->rule_by_name.end() ? nullptr : it->second;
}

QueryPage Engine::query(const Query &q) const {
    const Impl &m = *impl_;
    std::vector<Hit> hits;
    if (q.alarms)
        for (const auto *records : {&m.open, &m.history})
            for (const auto &[id, r] : *records)
                if (matches(q, r)) hits.push_back({r.raised, id, &r, nullptr, r.criticality});
    if (q.events) {
        auto consider = [&](const VoltageEvent &e) {
            const Rule *rule = this->rule(e.rule);
            Criticality c = rule ? rule->criticality : Criticality::medium;
            if (matches(q, e, c)) hits.push_back({e.start, e.id, nullptr, &e, c});
        };
        for (const auto &[key, det] : m.detectors)
            for (const auto *running : {&det->dip(), &det->swell()}) // references: no copies
                if (*running) consider(**running);
        for (const auto &[key, events] : m.restored_voltage)
            for (const auto &e : events)
                consider(e);
        for (const auto &[id, e] : m.voltage_history)
            consider(e);
    }
    QueryPage page;
    page.total = hits.size();
    if (q.offset >= hits.size()) return page;
    std::size_t end = q.limit == 0 ? hits.size() : std::min(hits.size(), q.offset + q.limit);
    // Only the rows up to the page's end are sorted.
    std::partial_sort(hits.begin(), hits.begin() + end, hits.end());
    page.rows.reserve(end - q.offset);
    for (std::size_t i = q.offset; i < end; ++i) {
        if (hits[i].alarm)
            page.rows.emplace_back(*hits[i].alarm);
        else
            page.rows.emplace_back(EventRow{*hits[i].event, hits[i].criticality});
    }
    return page;
}

} // namespace gs::alarms
