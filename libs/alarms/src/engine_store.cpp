// Persistence and queries of the engine (see engine.hpp, journal.hpp).
#include "engine_impl.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace gs::alarms {

void Engine::Impl::persist(const Slot &slot) {
    if (slot.s.is_default())
        stateful.erase(&slot);
    else
        stateful.insert(&slot);
    if (journal) journal->add(codec::slot(slot.key, slot.s));
}

void Engine::Impl::persist(const AlarmRecord &r) {
    if (journal) journal->add(codec::record(r));
}

void Engine::Impl::note(ChangeKind kind, const AlarmRecord &r) {
    Change c;
    c.kind = kind;
    c.record = r;
    changes.push_back(std::move(c));
}

void Engine::Impl::finish(uint64_t id) {
    auto it = open.find(id);
    if (it == open.end()) return;
    note(ChangeKind::finished, it->second);
    history[id] = std::move(it->second);
    open.erase(it);
    while (history.size() > opt.history_max)
        history.erase(history.begin());
}

void Engine::Impl::log_activation(const Slot &slot, TimeNs t) {
    Activation a{t,
                 slot.rule->name +
                     (slot.level == Level::single ? "" : std::string("/") + name_of(slot.level)) +
                     "@" + slot.source + "/" + std::to_string(slot.circuit),
                 slot.criticality};
    if (journal) journal->add(codec::activation(a));
    activations.push_back(std::move(a));
    while (activations.size() > opt.activation_log_max ||
           (!activations.empty() && t - activations.front().t > opt.activation_log_age))
        activations.pop_front();
}

void Engine::Impl::commit() {
    if (!journal || !journal->pending()) return;
    journal->flush();
    if (journal->over_limit()) journal->write_snapshot(snapshot());
}

std::vector<std::string> Engine::Impl::snapshot() const {
    std::vector<std::string> out;
    out.push_back(codec::next_id(next_id));
    if (now != kNoTime || saved_at != kNoTime)
        out.push_back(codec::clock(now != kNoTime ? now : saved_at));
    for (const Rule *r : out_of_service)
        out.push_back(codec::out_of_service(r->name, true, "", 0));
    for (const Slot *slot : stateful)
        if (!slot->s.is_default()) out.push_back(codec::slot(slot->key, slot->s));
    for (const auto &[key, state] : restored)
        out.push_back(codec::slot(key, state));
    for (const auto &[id, r] : history)
        out.push_back(codec::record(r));
    for (const auto &[id, r] : open)
        out.push_back(codec::record(r));
    for (const auto &a : activations)
        out.push_back(codec::activation(a));
    for (const auto &[id, e] : voltage_history)
        out.push_back(codec::voltage(e));
    for (const auto &[key, det] : detectors) {
        if (det->dip()) out.push_back(codec::voltage(*det->dip()));
        if (det->swell()) out.push_back(codec::voltage(*det->swell()));
    }
    for (const auto &[key, events] : restored_voltage)
        for (const auto &e : events)
            out.push_back(codec::voltage(e));
    return out;
}

void Engine::Impl::load() {
    if (opt.state_dir.empty()) return;
    Journal::Contents c = Journal::read(opt.state_dir);
    skipped = c.skipped + (c.snapshot_damaged ? 1 : 0);
    for (const std::string &payload : c.payloads) {
        codec::Decoded d = codec::decode(payload);
        switch (d.type) {
        case 'S':
            if (d.slot.is_default())
                restored.erase(d.key);
            else
                restored[d.key] = d.slot;
            break;
        case 'R': {
            const uint64_t id = d.record.id;
            next_id = std::max(next_id, id + 1);
            open.erase(id);
            history.erase(id);
            (d.record.finished() ? history : open)[id] = std::move(d.record);
            break;
        }
        case 'A':
            activations.push_back(std::move(d.activation));
            break;
        case 'V': {
            VoltageEvent &e = d.voltage;
            next_id = std::max(next_id, e.id + 1);
            const std::string key = e.rule + '\x1f' + e.source + '\x1f' + std::to_string(e.circuit);
            auto &running = restored_voltage[key];
            running.erase(std::remove_if(running.begin(), running.end(),
                                         [&](const VoltageEvent &x) { return x.id == e.id; }),
                          running.end());
            if (e.end == kNoTime)
                running.push_back(e);
            else
                voltage_history[e.id] = e;
            if (running.empty()) restored_voltage.erase(key);
            break;
        }
        case 'X': {
            auto r = rule_by_name.find(d.rule);
            if (r != rule_by_name.end()) {
                if (d.out)
                    out_of_service.insert(r->second);
                else
                    out_of_service.erase(r->second);
            }
            break;
        }
        case 'T':
            saved_at = std::max(saved_at, d.t);
            break;
        case 'N':
            next_id = std::max(next_id, d.id);
            break;
        default:
            ++skipped;
        }
    }
    while (history.size() > opt.history_max)
        history.erase(history.begin());
    journal = std::make_unique<Journal>(opt.state_dir, c.last_seq, opt.journal_max_bytes);

    // Alarms whose rule (or limit) is gone from the site file return to normal at the stop.
    auto evaluated = [&](const AlarmRecord &r) {
        auto it = rule_by_name.find(r.rule);
        if (it == rule_by_name.end() || it->second->kind != r.kind) return false;
        if (r.level == Level::single) return true;
        for (const Limit &l : it->second->limits)
            if (l.level == r.level) return true;
        return false;
    };
    std::vector<uint64_t> done;
    for (auto &[id, r] : open) {
        if (evaluated(r)) {
            r.out_of_service = out_of_service.count(rule_by_name.at(r.rule)) != 0;
            continue;
        }
        if (r.active) {
            r.active = false;
            r.cleared = saved_at != kNoTime ? saved_at : r.raised;
            journal->add(codec::record(r));
        }
        restored.erase(slot_key(r.rule, r.level, r.source, r.circuit, r.data));
        if (r.acked) done.push_back(id);
    }
    for (uint64_t id : done)
        finish(id);
    changes.clear();
    for (auto it = restored.begin(); it != restored.end();) {
        const std::string rule = it->first.substr(0, it->first.find('\x1f'));
        it = rule_by_name.count(rule) ? std::next(it) : restored.erase(it);
    }
    for (auto it = restored_voltage.begin(); it != restored_voltage.end();) {
        if (rule_by_name.count(it->first.substr(0, it->first.find('\x1f')))) {
            ++it;
            continue;
        }
        for (VoltageEvent e : it->second) {
            e.end = saved_at != kNoTime ? saved_at : e.start;
            voltage_history[e.id] = e;
        }
        it = restored_voltage.erase(it);
    }
    // Start from a compact state: the journal never carries more than one run's changes.
    journal->write_snapshot(snapshot());
}

// ---------------------------------------------------------------------------------------------

bool matches(const RecordFilter &f, const AlarmRecord &r) {
    if (f.state == RecordFilter::State::active && !r.active) return false;
    if (f.state == RecordFilter::State::unacked && r.acked) return false;
    if (f.to != kNoTime && r.raised >= f.to) return false;
    if (f.from != kNoTime && !r.active && r.cleared != kNoTime && r.cleared < f.from) return false;
    return true;
}

std::vector<AlarmRecord> records_in(const std::string &state_dir, const RecordFilter &filter) {
    std::map<uint64_t, AlarmRecord> latest; // the last upsert of each record wins
    for (const std::string &payload : Journal::read(state_dir).payloads) {
        codec::Decoded d = codec::decode(payload);
        if (d.type == 'R') latest[d.record.id] = std::move(d.record);
    }
    std::vector<AlarmRecord> out;
    for (auto &[id, r] : latest)
        if (matches(filter, r)) out.push_back(std::move(r));
    return out;
}

std::vector<AlarmRecord> Engine::records(const RecordFilter &f) const {
    const Impl &m = *impl_;
    std::vector<AlarmRecord> out;
    for (const auto &[id, r] : m.history)
        if (matches(f, r)) out.push_back(r);
    for (const auto &[id, r] : m.open)
        if (matches(f, r)) out.push_back(r);
    std::sort(out.begin(), out.end(),
              [](const AlarmRecord &a, const AlarmRecord &b) { return a.id < b.id; });
    return out;
}

std::optional<AlarmRecord> Engine::record(uint64_t id) const {
    const Impl &m = *impl_;
    if (auto it = m.open.find(id); it != m.open.end()) return it->second;
    if (auto it = m.history.find(id); it != m.history.end()) return it->second;
    return std::nullopt;
}

std::size_t Engine::unacked_count() const {
    std::size_t n = 0;
    for (const auto &[id, r] : impl_->open)
        n += (!r.acked && r.annunciated()) ? 1 : 0;
    return n;
}

std::vector<VoltageEvent> Engine::voltage_events() const {
    const Impl &m = *impl_;
    std::vector<VoltageEvent> out;
    for (const auto &[key, det] : m.detectors) {
        if (det->dip()) out.push_back(*det->dip());
        if (det->swell()) out.push_back(*det->swell());
    }
    for (const auto &[key, events] : m.restored_voltage)
        out.insert(out.end(), events.begin(), events.end());
    for (const auto &[id, e] : m.voltage_history)
        out.push_back(e);
    return out;
}

Kpis Engine::kpis(TimeNs from, TimeNs to, TimeNs now, const KpiLimits &limits) const {
    return compute_kpis({impl_->activations.begin(), impl_->activations.end()},
                        records({RecordFilter::State::active}), from, to, now, limits);
}

std::vector<Change> Engine::take_changes() {
    std::vector<Change> out;
    out.swap(impl_->changes);
    return out;
}

void Engine::save(TimeNs now) {
    Impl &m = *impl_;
    m.seen(now);
    if (m.journal) m.journal->write_snapshot(m.snapshot());
}

std::size_t Engine::skipped_at_load() const {
    return impl_->skipped;
}

std::string AlarmRecord::message_in(const std::string &language) const {
    if (auto it = message.find(language); it != message.end()) return it->second;
    if (auto it = message.find("en"); it != message.end()) return it->second;
    return message.empty() ? std::string() : message.begin()->second;
}

const char *AlarmRecord::isa_state() const {
    if (active) return acked ? "active-acknowledged" : "active-unacknowledged";
    return acked ? "normal" : "returned-unacknowledged";
}

} // namespace gs::alarms
