// What operators do: acknowledge, shelve, take out of service (see engine.hpp).
#include "engine_impl.hpp"

namespace gs::alarms {

AckOutcome Engine::acknowledge(const std::vector<uint64_t> &ids, const std::string &who,
                               const std::string &comment, TimeNs now) {
    Impl &m = *impl_;
    m.seen(now);
    AckOutcome out;
    for (uint64_t id : ids) {
        auto it = m.open.find(id);
        if (it == m.open.end()) {
            (m.history.count(id) ? out.already : out.unknown).push_back(id);
            continue;
        }
        AlarmRecord &r = it->second;
        if (r.acked) {
            out.already.push_back(id);
            continue;
        }
        r.acked = true;
        r.acked_at = now;
        r.acked_by = who;
        r.ack_comment = comment;
        m.persist(r);
        m.note(ChangeKind::acknowledged, r);
        out.acknowledged.push_back(id);
        if (!r.active) {
            auto slot = m.slots.find(slot_key(r.rule, r.level, r.source, r.circuit, r.data));
            if (slot != m.slots.end() && slot->second->s.record == id) {
                slot->second->s.record = 0;
                m.persist(*slot->second);
            } else {
                auto restored =
                    m.restored.find(slot_key(r.rule, r.level, r.source, r.circuit, r.data));
                if (restored != m.restored.end() && restored->second.record == id) {
                    restored->second.record = 0;
                    if (m.journal) m.journal->add(codec::slot(restored->first, restored->second));
                }
            }
            m.finish(id);
        }
    }
    m.commit();
    return out;
}

Slot *Engine::Impl::open_slot(uint64_t id) {
    auto it = open.find(id);
    if (it == open.end()) return nullptr;
    const AlarmRecord &r = it->second;
    auto slot = slots.find(slot_key(r.rule, r.level, r.source, r.circuit, r.data));
    return slot == slots.end() ? nullptr : slot->second.get();
}

std::string Engine::shelve(uint64_t id, TimeNs duration, const std::string &who, TimeNs now) {
    Impl &m = *impl_;
    m.seen(now);
    Slot *slot = m.open_slot(id);
    if (!slot) return "no open alarm " + std::to_string(id) + " evaluated since the start";
    const TimeNs max = slot->rule->max_shelve ? slot->rule->max_shelve : m.opt.default_max_shelve;
    if (duration <= 0 || duration > max)
        return "a shelving lasts more than 0 s and at most " + std::to_string(max / kNsPerS) + " s";
    slot->s.shelved_until = now + duration;
    slot->s.shelved_by = who;
    m.persist(*slot);
    m.arm(*slot);
    m.refresh(*slot, now);
    m.commit();
    return {};
}

std::string Engine::unshelve(uint64_t id, TimeNs now) {
    Impl &m = *impl_;
    m.seen(now);
    Slot *slot = m.open_slot(id);
    if (!slot || slot->s.shelved_until == kNoTime)
        return "alarm " + std::to_string(id) + " is not shelved";
    slot->s.shelved_until = kNoTime;
    slot->s.shelved_by.clear();
    m.persist(*slot);
    m.refresh(*slot, now);
    m.commit();
    return {};
}

std::string Engine::set_out_of_service(const std::string &rule, bool out, const std::string &who,
                                       TimeNs now) {
    Impl &m = *impl_;
    m.seen(now);
    auto it = m.rule_by_name.find(rule);
    if (it == m.rule_by_name.end()) return "no rule '" + rule + "'";
    const Rule *r = it->second;
    if ((m.out_of_service.count(r) != 0) == out) return {};
    if (out)
        m.out_of_service.insert(r);
    else
        m.out_of_service.erase(r);
    if (m.journal) m.journal->add(codec::out_of_service(rule, out, who, now));
    for (auto &[name, src] : m.sources)
        for (auto &[key, b] : src.bindings)
            b.must_see_all();
    for (auto &[key, slot] : m.slots) {
        if (slot->rule != r) continue;
        // Back in service: delays start again from the next values.
        if (!out && (slot->s.pending_since != kNoTime || slot->s.clearing_since != kNoTime)) {
            slot->s.pending_since = slot->s.clearing_since = kNoTime;
            m.persist(*slot);
        }
        m.refresh(*slot, now);
    }
    m.commit();
    return {};
}

} // namespace gs::alarms
