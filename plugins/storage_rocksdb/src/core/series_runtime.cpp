#include "series_runtime.hpp"

#include "varint.hpp"

#include <cmath>
#include <initializer_list>

namespace gs::store {
namespace {

void encode_stats_exact(const RollupStats &s, std::string &out) {
    put_svarint(out, s.start_s);
    put_varint(out, s.count);
    put_varint(out, s.bad_count);
    for (double v : {s.min, s.max, s.sum, s.last, s.delta})
        put_f64(out, v);
    for (int64_t ts : {s.min_ts_ns, s.max_ts_ns, s.last_ts_ns})
        put_svarint(out, ts);
}

RollupStats decode_stats_exact(ByteReader &in) {
    RollupStats s;
    s.start_s = in.svarint();
    s.count = static_cast<uint32_t>(in.varint());
    s.bad_count = static_cast<uint32_t>(in.varint());
    for (double *v : {&s.min, &s.max, &s.sum, &s.last, &s.delta})
        *v = in.f64();
    for (int64_t *ts : {&s.min_ts_ns, &s.max_ts_ns, &s.last_ts_ns})
        *ts = in.svarint();
    return s;
}

} // namespace

std::optional<CounterEvent> apply_value(SeriesRuntime &rt, double rollover_fraction, int64_t ts_ns,
                                        double value, uint8_t quality, const BatchBuckets &buckets,
                                        RollupSink *sink, uint64_t *pending_count,
                                        BucketTally *tally) {
    SeriesInfo &info = rt.info;
    if (info.count == 0 || ts_ns < info.first_ts_utc_ns) info.first_ts_utc_ns = ts_ns;
    if (info.count == 0 || ts_ns >= info.last_ts_utc_ns) info.last_ts_utc_ns = ts_ns;
    ++info.count;
    if (!rt.last || ts_ns >= rt.last->ts_utc_ns) rt.last = Point{ts_ns, value, quality};
    rt.dirty = true;

    bool good = quality == quality::good && std::isfinite(value);
    std::optional<CounterEvent> event;
    double delta = 0;
    bool first_candidate = false; // an in-order counter reading that follows another one
    int64_t prev_ts_ns = rt.counter.last_ts_ns;
    if (good && info.kind == SeriesKind::counter) {
        CounterLimits limits{info.counter_max, info.counter_step, rollover_fraction};
        double before = rt.counter.last;
        first_candidate = rt.counter.has_last && ts_ns > prev_ts_ns;
        CounterDelta d = counter_reading(rt.counter, limits, value, ts_ns);
        delta = d.delta;
        if (d.event) event = CounterEvent{info.id, ts_ns, *d.event, before, value};
    }

    int64_t ts_s = ns_to_s_floor(ts_ns);
    for (int level = 0; level < kRollupLevels; ++level) {
        auto lv = static_cast<RollupLevel>(level);
        int64_t start = lv == RollupLevel::period
                            ? Calendar::fixed(ts_s, info.history_period_s).start_s
                        : lv == RollupLevel::hour ? buckets.hour.start_s
                        : lv == RollupLevel::day  ? buckets.day.start_s
                                                  : buckets.month.start_s;
        RollupStats &open = rt.open[level];
        auto add_to = [&](RollupStats &target) {
            if (good)
                target.add_good(value, ts_ns);
            else
                target.add_bad();
            target.delta += delta;
            if (first_candidate) target.note_first(ts_ns, prev_ts_ns, delta);
            if (tally) tally->buckets.emplace(static_cast<uint8_t>(level), info.id, target.start_s);
        };
        if (!open.open()) {
            open.start_s = start;
        } else if (start > open.start_s) {
            rt.pending[level].push_back(open);
            ++*pending_count;
            open = RollupStats{};
            open.start_s = start;
        } else if (start < open.start_s) { // late: a fragment of its own (built only then)
            RollupStats fragment;
            fragment.start_s = start;
            add_to(fragment);
            if (sink) sink->late(lv, info.id, fragment);
            continue;
        }
        add_to(open);
    }
    return event;
}

int64_t bucket_start(const Calendar &calendar, RollupLevel level, int32_t period_s, int64_t ts_s) {
    switch (level) {
    case RollupLevel::period:
        return Calendar::fixed(ts_s, period_s).start_s;
    case RollupLevel::hour:
        return calendar.hour(ts_s).start_s;
    case RollupLevel::day:
        return calendar.day(ts_s).start_s;
    case RollupLevel::month:
        return calendar.month(ts_s).start_s;
    }
    return ts_s;
}

Span bucket_span(const Calendar &calendar, RollupLevel level, int32_t period_s, int64_t start_s) {
    switch (level) {
    case RollupLevel::period:
        return Calendar::fixed(start_s, period_s);
    case RollupLevel::hour:
        return calendar.hour(start_s);
    case RollupLevel::day:
        return calendar.day(start_s);
    case RollupLevel::month:
        return calendar.month(start_s);
    }
    return {start_s, start_s};
}

void encode_series_spec(const SeriesInfo &info, std::string &out) {
    put_u8(out, 1); // format version
    put_bytes(out, info.source);
    put_varint(out, info.circuit);
    put_bytes(out, info.data);
    put_u8(out, static_cast<uint8_t>(info.kind));
    put_f64(out, info.counter_max);
    put_f64(out, info.counter_step);
    put_varint(out, static_cast<uint32_t>(info.history_period_s));
}

SeriesInfo decode_series_spec(SeriesId id, std::string_view data) {
    ByteReader in(data);
    if (in.u8() != 1) throw CorruptData("unknown series format");
    SeriesInfo info;
    info.id = id;
    info.source = std::string(in.bytes());
    info.circuit = static_cast<uint32_t>(in.varint());
    info.data = std::string(in.bytes());
    info.kind = static_cast<SeriesKind>(in.u8());
    info.counter_max = in.f64();
    info.counter_step = in.f64();
    info.history_period_s = static_cast<int32_t>(in.varint());
    if (info.history_period_s <= 0) throw CorruptData("bad history period");
    return info;
}

void encode_checkpoint(const SeriesRuntime &rt, std::string &out) {
    put_varint(out, rt.info.count);
    put_svarint(out, rt.info.first_ts_utc_ns);
    put_svarint(out, rt.info.last_ts_utc_ns);
    put_u8(out, rt.last ? 1 : 0);
    if (rt.last) {
        put_svarint(out, rt.last->ts_utc_ns);
        put_f64(out, rt.last->value);
        put_u8(out, rt.last->quality);
    }
    put_u8(out, rt.counter.has_last ? 1 : 0);
    put_f64(out, rt.counter.last);
    put_svarint(out, rt.counter.last_ts_ns);
    for (const RollupStats &s : rt.open)
        encode_stats_exact(s, out);
    // Appended later: the open buckets' first-reading triples (older checkpoints end here).
    for (const RollupStats &s : rt.open) {
        put_u8(out, s.has_first() ? 1 : 0);
        if (!s.has_first()) continue;
        put_svarint(out, s.first_ts_ns);
        put_svarint(out, s.first_prev_ts_ns);
        put_f64(out, s.first_delta);
    }
}

void decode_checkpoint(SeriesRuntime &rt, std::string_view data) {
    ByteReader in(data);
    rt.info.count = in.varint();
    rt.info.first_ts_utc_ns = in.svarint();
    rt.info.last_ts_utc_ns = in.svarint();
    if (in.u8()) {
        Point p;
        p.ts_utc_ns = in.svarint();
        p.value = in.f64();
        p.quality = in.u8();
        rt.last = p;
    } else {
        rt.last.reset();
    }
    rt.counter.has_last = in.u8() != 0;
    rt.counter.last = in.f64();
    rt.counter.last_ts_ns = in.svarint();
    for (RollupStats &s : rt.open)
        s = decode_stats_exact(in);
    if (in.remaining() == 0) return;
    for (RollupStats &s : rt.open) {
        if (!in.u8()) continue;
        s.first_ts_ns = in.svarint();
        s.first_prev_ts_ns = in.svarint();
        s.first_delta = in.f64();
    }
}

} // namespace gs::store
