// Evaluation: samples and events to alarm states (see engine.hpp).
#include "engine_impl.hpp"

#include <algorithm>
#include <cmath>

namespace gs::alarms {

std::string slot_key(const std::string &rule, Level level, const std::string &source,
                     uint32_t circuit, const std::string &data) {
    return rule + '\x1f' + name_of(level) + '\x1f' + source + '\x1f' + std::to_string(circuit) +
           '\x1f' + data;
}

namespace {

bool contains(const std::vector<std::string> &list, const std::string &s) {
    return std::find(list.begin(), list.end(), s) != list.end();
}

bool fed_by_values(RuleKind k) {
    return k == RuleKind::limit || k == RuleKind::stale || k == RuleKind::state ||
           k == RuleKind::device_alarm || k == RuleKind::voltage_events;
}

} // namespace

Engine::Engine(std::vector<Rule> rules, std::vector<SiteCircuit> site, EngineOptions options)
    : impl_(std::make_unique<Impl>()) {
    Impl &m = *impl_;
    m.opt = std::move(options);
    m.rules = std::move(rules);
    for (auto &c : site)
        m.site[c.source].push_back(std::move(c));
    m.index_rules();
    m.load();
}

Engine::~Engine() = default;

void Engine::Impl::index_rules() {
    auto data_id = [&](const std::string &data) {
        auto it = data_ids.find(data);
        if (it != data_ids.end()) return it->second;
        names.push_back(data);
        const auto id = static_cast<uint32_t>(rules_by_data.size());
        data_ids.emplace(names.back(), id);
        data_names.emplace_back(names.back());
        rules_by_data.emplace_back();
        return id;
    };
    for (const Rule &r : rules) {
        rule_by_name[r.name] = &r;
        for (const auto &by : r.suppressed_by)
            suppresses[by].push_back(&r);
        if (!fed_by_values(r.kind)) continue;
        if (r.kind == RuleKind::voltage_events) {
            for (const auto &phase : r.phases)
                rules_by_data[data_id(phase)].push_back(&r);
        } else if (r.kind == RuleKind::device_alarm && r.data.empty()) {
            for (char n = '1'; n <= '8'; ++n)
                rules_by_data[data_id(std::string("IDeviceAlarm") + n)].push_back(&r);
        } else {
            rules_by_data[data_id(r.data)].push_back(&r);
        }
    }
}

bool Engine::Impl::matches(const Rule &rule, const std::string &source, uint32_t circuit) const {
    const Selector &sel = rule.select;
    if (rule.kind == RuleKind::hierarchy_balance)
        return sel.hierarchies.empty() ||
               contains(sel.hierarchies, source.substr(0, source.find('/')));
    if (!sel.sources.empty() && !contains(sel.sources, source)) return false;
    if (!sel.circuits.empty()) {
        bool any = false;
        for (const auto &[s, k] : sel.circuits)
            any = any || (s == source && (k == circuit || circuit == 0));
        if (!any) return false;
    }
    if (sel.usage.empty() && sel.models.empty()) return true;
    // Usage and models belong to circuits; a source-wide value (circuit 0) takes any circuit's.
    auto it = site.find(source);
    if (it == site.end()) return false;
    for (const SiteCircuit &c : it->second) {
        if (circuit != 0 && c.circuit != circuit) continue;
        bool usage_ok = sel.usage.empty() || contains(sel.usage, c.usage);
        bool models_ok = sel.models.empty();
        for (const auto &model : c.models)
            models_ok = models_ok || contains(sel.models, model);
        if (usage_ok && models_ok) return true;
    }
    return false;
}

SourceEntry &Engine::Impl::source_entry(std::string_view name) {
    auto it = sources.find(name);
    if (it != sources.end()) return it->second;
    names.emplace_back(name);
    SourceEntry &src = sources[names.back()];
    src.name = names.back();
    for (const Rule &r : rules)
        if (r.kind == RuleKind::comm_lost && matches(r, src.name, 0))
            src.comm_slots.push_back(make_slot(r, Level::single, 0, r.criticality, src, 0, {}));
    return src;
}

SourceEntry *Engine::Impl::source_of(const Slot &slot) {
    auto it = sources.find(slot.source);
    return it == sources.end() ? nullptr : &it->second;
}

Slot *Engine::Impl::make_slot(const Rule &rule, Level level, double limit, Criticality crit,
                              SourceEntry &src, uint32_t circuit, const std::string &data) {
    std::string key = slot_key(rule.name, level, src.name, circuit, data);
    auto found = slots.find(key);
    if (found != slots.end()) return found->second.get();
    auto slot = std::make_unique<Slot>();
    slot->rule = &rule;
    slot->level = level;
    slot->limit = limit;
    slot->criticality = crit;
    slot->source = src.name;
    slot->circuit = circuit;
    slot->data = data;
    slot->key = key;
    auto r = restored.find(key);
    if (r != restored.end()) {
        slot->s = std::move(r->second);
        restored.erase(r);
        // A delay that was running resumes with the time it had run before the stop.
        if (saved_at != kNoTime && slot->s.pending_since != kNoTime)
            slot->resume_on = std::max<TimeNs>(0, saved_at - slot->s.pending_since);
        if (saved_at != kNoTime && slot->s.clearing_since != kNoTime)
            slot->resume_off = std::max<TimeNs>(0, saved_at - slot->s.clearing_since);
    }
    Slot *p = slot.get();
    slots.emplace(std::move(key), std::move(slot));
    if (!p->s.is_default()) stateful.insert(p);
    src.slots.push_back(p);
    if (rule.kind == RuleKind::stale) stale_slots.push_back(p);
    if (p->s.pending_since != kNoTime || p->s.clearing_since != kNoTime ||
        p->s.shelved_until != kNoTime)
        arm(*p);
    return p;
}

Binding &Engine::Impl::binding(SourceEntry &src, uint32_t circuit, uint32_t data_id) {
    const uint64_t key = (static_cast<uint64_t>(circuit) << 32) | data_id;
    auto [it, fresh] = src.bindings.try_emplace(key);
    Binding &b = it->second;
    if (!fresh) return b;
    const std::string data_name(data_names[data_id]);
    for (const Rule *r : rules_by_data[data_id]) {
        if (!matches(*r, src.name, circuit)) continue;
        if (r->kind == RuleKind::voltage_events) {
            const std::string dkey = r->name + '\x1f' + src.name + '\x1f' + std::to_string(circuit);
            auto &det = detectors[dkey];
            if (!det) {
                det = std::make_unique<VoltageDetector>(r->name, src.name, circuit, r->nominal_v,
                                                        r->phases.size());
                for (const auto &e : restored_voltage[dkey])
                    det->restore(e);
                restored_voltage.erase(dkey);
            }
            for (std::size_t i = 0; i < r->phases.size(); ++i)
                if (data_ids.at(r->phases[i]) == data_id) b.phases.push_back({det.get(), i, r});
            continue;
        }
        if (r->kind != RuleKind::limit) {
            b.slots.push_back(
                make_slot(*r, Level::single, 0, r->criticality, src, circuit, data_name));
            b.slots.back()->latest = &b.latest;
            continue;
        }
        // One alarm per limit; high is suppressed while high_high is active (low by low_low).
        std::size_t first = b.slots.size();
        for (const Limit &l : r->limits) {
            b.slots.push_back(
                make_slot(*r, l.level, l.value, l.criticality, src, circuit, data_name));
            b.slots.back()->latest = &b.latest;
        }
        for (std::size_t i = first; i < b.slots.size(); ++i)
            for (std::size_t j = first; j < b.slots.size(); ++j) {
                Slot *outer = b.slots[i], *inner = b.slots[j];
                if ((outer->level == Level::high_high && inner->level == Level::high) ||
                    (outer->level == Level::low_low && inner->level == Level::low))
                    inner->suppressor = outer;
            }
    }
    return b;
}

Slot *Engine::Impl::event_slot(const Rule &rule, SourceEntry &src, uint32_t circuit) {
    return make_slot(rule, Level::single, 0, rule.criticality, src, circuit, {});
}

void Engine::Impl::update_quiet(Binding &b) const {
    double lo = -INFINITY, hi = INFINITY;
    for (const Slot *slot : b.slots) {
        const SlotState &s = slot->s;
        if (slot->rule->kind != RuleKind::limit || s.pending_since != kNoTime ||
            s.clearing_since != kNoTime || slot->resume_on != kNoTime ||
            slot->resume_off != kNoTime || s.active != s.cond ||
            (!out_of_service.empty() && out_of_service.count(slot->rule))) {
            b.must_see_all();
            return;
        }
        const double db = slot->rule->deadband.around(slot->limit);
        if (slot->level == Level::high || slot->level == Level::high_high) {
            if (s.cond)
                lo = std::max(lo, slot->limit - db); // stays active down to limit - deadband
            else
                hi = std::min(hi, slot->limit); // stays normal up to the limit
        } else {
            if (s.cond)
                hi = std::min(hi, slot->limit + db);
            else
                lo = std::max(lo, slot->limit);
        }
    }
    b.quiet_lo = lo;
    b.quiet_hi = hi;
}

void Engine::Impl::arm(Slot &slot) {
    if (slot.armed) return;
    slot.armed = true;
    armed.push_back(&slot);
}

// ---------------------------------------------------------------------------------------------

void Engine::on_samples(std::string_view source, TimeNs t, const SampleValue *values,
                        std::size_t n) {
    Impl &m = *impl_;
    m.seen(t);
    SourceEntry &src = m.source_entry(source);
    bool any_good = false;
    for (std::size_t i = 0; i < n; ++i) {
        const SampleValue &v = values[i];
        if (!v.good || !std::isfinite(v.value)) continue;
        any_good = true;
        auto id = m.data_ids.find(v.data);
        if (id == m.data_ids.end()) continue;
        Binding &b = m.binding(src, v.circuit, id->second);
        b.latest = v.value;
        const bool quiet = v.value >= b.quiet_lo && v.value <= b.quiet_hi;
        static const std::vector<Slot *> kNone;
        for (Slot *slot : quiet ? kNone : b.slots) {
            if (!m.out_of_service.empty() && m.out_of_service.count(slot->rule)) continue;
            slot->last_value = v.value;
            if (slot->rule->kind == RuleKind::stale) {
                slot->last_update = t;
                if (slot->s.cond || slot->s.active) m.evaluate(*slot, false, v.value, t);
            } else {
                m.evaluate(*slot, condition_of(*slot, v.value), v.value, t);
            }
        }
        if (!quiet) m.update_quiet(b);
        for (const PhaseFeed &f : b.phases)
            if (!m.out_of_service.count(f.rule)) m.voltage(*f.detector, f.phase, v.value, t);
    }
    // A device that answers has its communication back, whatever the driver said before a
    // restart.
    if (any_good) {
        bool comm_alarm = src.comm_lost;
        for (Slot *s : src.comm_slots)
            comm_alarm = comm_alarm || s->s.cond || s->s.active;
        if (comm_alarm) m.comm_state(src, false, t);
    }
    m.commit();
}

void Engine::on_event(const BusEvent &e) {
    Impl &m = *impl_;
    const bool comm = e.type == "comm.lost" || e.type == "comm.restored";
    RuleKind kind = e.type == "atys.transfer"       ? RuleKind::atys_transfer
                    : e.type == "device.alarm"      ? RuleKind::device_alarm
                    : e.type == "hierarchy.balance" ? RuleKind::hierarchy_balance
                                                    : RuleKind::invalid;
    if (!comm && kind == RuleKind::invalid) return; // not an event any rule watches
    m.seen(e.t);
    SourceEntry &src = m.source_entry(e.source);
    const std::string text(e.message);
    if (comm) {
        m.comm_state(src, e.type == "comm.lost", e.t);
        m.commit();
        return;
    }
    for (const Rule &r : m.rules) {
        if (r.kind != kind || m.out_of_service.count(&r) || !m.matches(r, src.name, e.circuit))
            continue;
        // A device.alarm event feeds the device alarm rules that watch no particular data.
        if (kind == RuleKind::device_alarm && !r.data.empty()) continue;
        Slot &slot = *m.event_slot(r, src, e.circuit);
        if (e.state == EventState::instant)
            m.instant(slot, NAN, e.t, text);
        else if (e.state == EventState::active || e.state == EventState::finished)
            m.evaluate(slot, e.state == EventState::active, NAN, e.t, text);
    }
    m.commit();
}

void Engine::tick(TimeNs now) {
    Impl &m = *impl_;
    m.seen(now);
    for (Slot *slot : m.stale_slots) {
        if (m.out_of_service.count(slot->rule) || slot->last_update == kNoTime || slot->s.cond)
            continue;
        if (now - slot->last_update >= slot->rule->stale_after)
            m.evaluate(*slot, true, slot->last_value, now);
    }
    bool delays_running = false;
    // evaluate() may arm more slots: walk a copy.
    std::vector<Slot *> armed;
    armed.swap(m.armed);
    for (Slot *slot : armed)
        slot->armed = false;
    for (Slot *slot : armed) {
        SlotState &s = slot->s;
        if (s.shelved_until != kNoTime && s.shelved_until <= now) {
            s.shelved_until = kNoTime;
            s.shelved_by.clear();
            m.persist(*slot);
            m.refresh(*slot, now);
        }
        if (!m.out_of_service.count(slot->rule) &&
            (s.pending_since != kNoTime || s.clearing_since != kNoTime))
            m.evaluate(*slot, s.cond, slot->last_value, now);
        if (s.pending_since != kNoTime || s.clearing_since != kNoTime) delays_running = true;
        if (s.pending_since != kNoTime || s.clearing_since != kNoTime || s.shelved_until != kNoTime)
            m.arm(*slot);
    }
    // While a delay runs, the journal learns the time every second, so that after a crash the
    // delay resumes with at most a second less than it had run.
    if (delays_running && m.journal && (m.last_clock == kNoTime || now - m.last_clock >= kNsPerS)) {
        m.journal->add(codec::clock(now));
        m.last_clock = now;
    }
    m.commit();
}

void Engine::Impl::evaluate(Slot &slot, bool cond, double value, TimeNs t,
                            const std::string &text) {
    SlotState &s = slot.s;
    // The common case, a value that stays normal (or stays in alarm), changes nothing.
    const bool quiet = s.cond == cond && s.pending_since == kNoTime &&
                       s.clearing_since == kNoTime && s.active == cond;
    if (quiet && slot.resume_on == kNoTime && slot.resume_off == kNoTime) return;
    const bool was_cond = s.cond, was_active = s.active;
    const TimeNs was_pending = s.pending_since, was_clearing = s.clearing_since;
    Step st = step(slot, cond, t);
    if (s.cond != was_cond || s.active != was_active || s.pending_since != was_pending ||
        s.clearing_since != was_clearing)
        persist(slot);
    if (s.pending_since != kNoTime || s.clearing_since != kNoTime) arm(slot);
    after_step(slot, st, value, t, text);
}

void Engine::Impl::instant(Slot &slot, double value, TimeNs t, const std::string &text) {
    slot.s.active = true;
    after_step(slot, Step::activated, value, t, text);
    slot.s.active = false;
    after_step(slot, Step::cleared, value, t, text);
    persist(slot);
}

void Engine::Impl::after_step(Slot &slot, Step st, double value, TimeNs t,
                              const std::string &text) {
    if (st == Step::activated) {
        if (!hidden(slot)) raise(slot, value, t, text);
        refresh_dependents(slot, t);
    } else if (st == Step::cleared) {
        clear(slot, t);
        refresh_dependents(slot, t);
    }
}

bool Engine::Impl::suppressed(const Slot &slot) const {
    if (slot.suppressor && slot.suppressor->s.active) return true;
    auto src = sources.find(slot.source);
    if (src == sources.end()) return false;
    // A device that does not answer: its values say nothing.
    if (src->second.comm_lost && fed_by_values(slot.rule->kind)) return true;
    for (const auto &name : slot.rule->suppressed_by)
        for (const Slot *other : src->second.slots)
            if (other->rule->name == name && other->s.active &&
                (other->circuit == slot.circuit || other->circuit == 0 || slot.circuit == 0))
                return true;
    return false;
}

bool Engine::Impl::hidden(const Slot &slot) const {
    return slot.s.shelved_until != kNoTime || out_of_service.count(slot.rule) || suppressed(slot);
}

void Engine::Impl::refresh(Slot &slot, TimeNs t) {
    if (slot.s.record != 0) {
        auto it = open.find(slot.s.record);
        if (it != open.end()) {
            AlarmRecord &r = it->second;
            const bool shelved = slot.s.shelved_until != kNoTime;
            const bool oos = out_of_service.count(slot.rule) != 0;
            const bool supp = suppressed(slot);
            if (r.shelved != shelved || r.out_of_service != oos || r.suppressed != supp) {
                r.shelved = shelved;
                r.out_of_service = oos;
                r.suppressed = supp;
                persist(r);
                note(ChangeKind::flags, r);
            }
        }
    }
    // An alarm that became active while hidden is annunciated when it no longer is.
    const bool open_and_active =
        slot.s.record != 0 && open.count(slot.s.record) && open.at(slot.s.record).active;
    if (slot.s.active && !open_and_active && !hidden(slot))
        raise(slot, slot.latest ? *slot.latest : slot.last_value, t, {});
}

void Engine::Impl::refresh_dependents(Slot &slot, TimeNs t) {
    SourceEntry *src = source_of(slot);
    if (!src) return;
    for (Slot *other : src->slots)
        if (other->suppressor == &slot) refresh(*other, t);
    auto it = suppresses.find(slot.rule->name);
    if (it == suppresses.end()) return;
    for (Slot *other : src->slots)
        if (std::find(it->second.begin(), it->second.end(), other->rule) != it->second.end())
            refresh(*other, t);
}

void Engine::Impl::raise(Slot &slot, double value, TimeNs t, const std::string &text) {
    auto it = slot.s.record ? open.find(slot.s.record) : open.end();
    if (it != open.end() && it->second.active) return;
    if (it != open.end()) {
        // Returned but not yet acknowledged: the same record comes back.
        AlarmRecord &r = it->second;
        r.active = true;
        r.cleared = kNoTime;
        r.activations += 1;
        r.value = value;
        persist(r);
        note(ChangeKind::raised, r);
    } else {
        AlarmRecord r;
        r.id = next_id++;
        r.rule = slot.rule->name;
        r.kind = slot.rule->kind;
        r.level = slot.level;
        r.source = slot.source;
        r.circuit = slot.circuit;
        r.data = slot.data;
        r.criticality = slot.criticality;
        r.active = true;
        r.raised = t;
        r.value = value;
        r.limit = slot.limit;
        r.message = message_for(slot, value, text);
        slot.s.record = r.id;
        persist(slot);
        persist(r);
        note(ChangeKind::raised, r);
        open.emplace(r.id, std::move(r));
    }
    log_activation(slot, t);
}

void Engine::Impl::clear(Slot &slot, TimeNs t) {
    auto it = slot.s.record ? open.find(slot.s.record) : open.end();
    if (it == open.end() || !it->second.active) return;
    AlarmRecord &r = it->second;
    r.active = false;
    r.cleared = t;
    persist(r);
    note(ChangeKind::cleared, r);
    if (r.acked) {
        slot.s.record = 0;
        persist(slot);
        finish(r.id);
    }
}

void Engine::Impl::comm_state(SourceEntry &src, bool lost, TimeNs t) {
    const bool changed = src.comm_lost != lost;
    src.comm_lost = lost;
    for (Slot *slot : src.comm_slots)
        if (!out_of_service.count(slot->rule)) evaluate(*slot, lost, NAN, t);
    if (changed)
        for (Slot *slot : src.slots)
            refresh(*slot, t);
}

void Engine::Impl::voltage(VoltageDetector &det, std::size_t phase, double v, TimeNs t) {
    using What = VoltageDetector::What;
    for (auto &u : det.update(phase, v, t, next_id)) {
        if (journal) journal->add(codec::voltage(u.event)); // a running one's progress too
        if (u.what == What::updated) continue;
        if (u.what == What::ended) {
            voltage_history[u.event.id] = u.event;
            while (voltage_history.size() > opt.history_max)
                voltage_history.erase(voltage_history.begin());
        }
        Change c;
        c.kind = u.what == What::started ? ChangeKind::voltage_started : ChangeKind::voltage_ended;
        c.event = std::move(u.event);
        changes.push_back(std::move(c));
    }
}

} // namespace gs::alarms
