// "gridscope.storage.query/1" and "gridscope.storage.journal/1" over gs::store::Store.
// Every entry is [any-thread], noexcept (StoragePlugin::serve catches everything) and hands
// borrowed results to the caller's callback; a callback's non-OK status stops and is returned.
#include "storage_plugin.hpp"

#include <algorithm>
#include <cstring>

namespace gs::storage {
namespace {

using store::Store;

StoragePlugin &self(void *context) {
    return *static_cast<StoragePlugin *>(context);
}

const char *or_null(const std::string &s) {
    return s.empty() ? nullptr : s.c_str();
}

gs_series_point point_of(const store::Point &p) {
    return gs_series_point{
        sizeof(gs_series_point), p.quality, p.ts_utc_ns, p.value, p.value, p.value};
}

gs_event_record record_of(const store::Event &e) {
    gs_event_record r{};
    r.struct_size = sizeof r;
    r.id = e.id;
    r.event = gs_event{sizeof(gs_event),
                       e.severity,
                       e.ts_utc_ns,
                       e.type.c_str(),
                       or_null(e.source),
                       e.circuit,
                       static_cast<uint32_t>(e.state),
                       e.message.c_str()};
    r.finished_utc_ns = e.finished_ts_utc_ns;
    r.acknowledged_utc_ns = e.acknowledged_ts_utc_ns;
    return r;
}

Error missing(const char *what) {
    return InvalidArgument(std::string(what) + " must not be NULL");
}

// --- gridscope.storage.query/1 ---

gs_status list_series(void *context, gs_series_info_fn on_series, void *payload) {
    return self(context).serve([&](Store &store) -> gs_status {
        if (!on_series) throw missing("on_series");
        for (const store::SeriesInfo &s : store.list_series()) {
            gs_series_info info{sizeof(gs_series_info), s.circuit,       s.id,
                                s.source.c_str(),       s.data.c_str(),  s.count,
                                s.first_ts_utc_ns,      s.last_ts_utc_ns};
            if (gs_status st = on_series(payload, &info); st != GS_OK) return st;
        }
        return GS_OK;
    });
}

gs_status find_series(void *context, const char *source, uint32_t circuit, const char *data,
                      uint64_t *id) {
    return self(context).serve([&](Store &store) -> gs_status {
        if (!source || !data || !id) throw missing("source, data and id");
        auto found = store.find_series(source, circuit, data);
        if (!found)
            throw Error(std::string("no series ") + source + "/" + std::to_string(circuit) + "/" +
                            data,
                        GS_ERR_NOT_FOUND);
        *id = *found;
        return GS_OK;
    });
}

store::SeriesId series_id(uint64_t series) {
    if (series == 0 || series > UINT32_MAX)
        throw Error("unknown series id " + std::to_string(series), GS_ERR_NOT_FOUND);
    return static_cast<store::SeriesId>(series);
}

gs_status latest(void *context, uint64_t series, gs_series_point_fn on_point, void *payload) {
    return self(context).serve([&](Store &store) -> gs_status {
        if (!on_point) throw missing("on_point");
        std::vector<store::Latest> found = store.latest({series_id(series)});
        if (found.empty() || !found.front().point)
            throw Error("series " + std::to_string(series) + " is unknown or has no value",
                        GS_ERR_NOT_FOUND);
        gs_series_point p = point_of(*found.front().point);
        return on_point(payload, &p);
    });
}

gs_status range(void *context, uint64_t series, int64_t from_utc_ns, int64_t to_utc_ns,
                uint32_t max_points, gs_series_point_fn on_point, void *payload) {
    return self(context).serve([&](Store &store) -> gs_status {
        if (!on_point) throw missing("on_point");
        store::SeriesId id = series_id(series);
        // Downsampled points are the pixels' extreme samples themselves: min = max = value.
        std::vector<store::Point> points =
            max_points == 0 ? store.range(id, from_utc_ns, to_utc_ns)
                            : store.downsample(id, from_utc_ns, to_utc_ns, max_points);
        for (const store::Point &p : points) {
            gs_series_point out = point_of(p);
            if (gs_status st = on_point(payload, &out); st != GS_OK) return st;
        }
        return GS_OK;
    });
}

gs_status history(void *context, const uint64_t *series, size_t series_count, int64_t from_utc_ns,
                  int64_t to_utc_ns, uint32_t max_points, gs_history_bucket_fn on_bucket,
                  void *payload) {
    return self(context).serve([&](Store &store) -> gs_status {
        if (!on_bucket || (series_count && !series)) throw missing("on_bucket and series");
        if (max_points == 0) throw InvalidArgument("max_points must be at least 1");
        if (to_utc_ns <= from_utc_ns) throw InvalidArgument("the range ends before it starts");
        std::vector<store::SeriesId> ids;
        for (size_t i = 0; i < series_count; ++i)
            ids.push_back(series_id(series[i]));
        // A range the store refuses is a StoreError with its code (StoragePlugin::status_of).
        std::vector<store::HistorySeries> found =
            store.history(ids, from_utc_ns, to_utc_ns, max_points);
        for (size_t i = 0; i < found.size(); ++i)
            for (const store::HistoryBucket &b : found[i].buckets) {
                gs_history_bucket out{sizeof(gs_history_bucket),
                                      b.count,
                                      b.start_utc_ns,
                                      found[i].width_ns,
                                      b.min,
                                      b.max,
                                      b.avg};
                if (gs_status st = on_bucket(payload, i, &out); st != GS_OK) return st;
            }
        return GS_OK;
    });
}

gs_status consumption(void *context, const uint64_t *series, size_t series_count, int32_t step,
                      int64_t from_utc_ns, int64_t to_utc_ns, gs_bucket_fn on_bucket,
                      void *payload) {
    return self(context).serve([&](Store &store) -> gs_status {
        if (!on_bucket || (series_count && !series)) throw missing("on_bucket and series");
        if (step < GS_BUCKET_HOUR || step > GS_BUCKET_MONTH)
            throw InvalidArgument("step must be GS_BUCKET_HOUR, _DAY, _WEEK or _MONTH");
        std::vector<store::SeriesId> ids;
        for (size_t i = 0; i < series_count; ++i)
            ids.push_back(series_id(series[i]));
        // gs_bucket_step and ConsumptionStep share their numbering.
        store::ConsumptionTable table = store.consumption(
            ids, static_cast<store::ConsumptionStep>(step), from_utc_ns, to_utc_ns);
        for (size_t b = 0; b < table.bucket_starts_utc_ns.size(); ++b) {
            double sum = 0;
            for (size_t s = 0; s < ids.size(); ++s)
                sum += table.at(s, b);
            gs_status st =
                on_bucket(payload, table.bucket_starts_utc_ns[b], table.bucket_ends_utc_ns[b], sum);
            if (st != GS_OK) return st;
        }
        return GS_OK;
    });
}

gs_status events(void *context, const gs_event_query *query, gs_event_record_fn on_event,
                 void *payload) {
    return self(context).serve([&](Store &store) -> gs_status {
        if (!query || !on_event) throw missing("query and on_event");
        store::EventQuery q;
        size_t limit = 1000;
        if (GS_HAS_FIELD(query, gs_event_query, state) && query->state) {
            if (query->state > GS_EVENT_STATE_ACKNOWLEDGED)
                throw InvalidArgument("query.state is not a gs_event_state");
            q.states.push_back(static_cast<store::EventState>(query->state));
        }
        if (GS_HAS_FIELD(query, gs_event_query, from_utc_ns)) q.from_utc_ns = query->from_utc_ns;
        if (GS_HAS_FIELD(query, gs_event_query, to_utc_ns) && query->to_utc_ns)
            q.to_utc_ns = query->to_utc_ns;
        if (GS_HAS_FIELD(query, gs_event_query, source) && query->source) q.source = query->source;
        if (GS_HAS_FIELD(query, gs_event_query, type) && query->type) q.type = query->type;
        if (GS_HAS_FIELD(query, gs_event_query, min_severity))
            q.min_severity = static_cast<uint8_t>(std::min<uint32_t>(query->min_severity, 255));
        if (GS_HAS_FIELD(query, gs_event_query, limit) && query->limit) limit = query->limit;
        // The core answers oldest first: keep the newest `limit`, newest first.
        std::vector<store::Event> found = store.query_events(q);
        size_t n = std::min(limit, found.size());
        for (size_t i = 0; i < n; ++i) {
            gs_event_record r = record_of(found[found.size() - 1 - i]);
            if (gs_status st = on_event(payload, &r); st != GS_OK) return st;
        }
        return GS_OK;
    });
}

gs_status set_event_state(void *context, uint64_t id, int32_t state, int64_t ts_utc_ns) {
    StoragePlugin &plugin = self(context);
    return plugin.serve([&](Store &store) -> gs_status {
        if (plugin.read_only())
            throw Error("the store is open read-only: event states cannot change",
                        GS_ERR_UNSUPPORTED);
        bool changed;
        if (state == GS_EVENT_STATE_FINISHED)
            changed = store.finish_event(id, ts_utc_ns);
        else if (state == GS_EVENT_STATE_ACKNOWLEDGED)
            changed = store.acknowledge_event(id, ts_utc_ns);
        else
            throw InvalidArgument("state must be GS_EVENT_STATE_FINISHED or _ACKNOWLEDGED");
        if (changed) return GS_OK;
        if (!store.get_event(id)) throw Error("no event " + std::to_string(id), GS_ERR_NOT_FOUND);
        throw Error(
            "event " + std::to_string(id) +
                (state == GS_EVENT_STATE_FINISHED ? " is not active" : " is already acknowledged"),
            GS_ERR_STATE);
    });
}

// --- gridscope.storage.journal/1 ---

gs_status open_cursor(void *context, const char *cursor) {
    StoragePlugin &plugin = self(context);
    return plugin.serve([&](Store &store) -> gs_status {
        if (!cursor || !*cursor) throw InvalidArgument("cursor must be a non-empty name");
        if (plugin.read_only())
            throw Error("the store is open read-only: cursors cannot be created",
                        GS_ERR_UNSUPPORTED);
        store.open_cursor(cursor);
        return GS_OK;
    });
}

gs_status read(void *context, const char *cursor, uint32_t max_entries, gs_journal_fn on_entry,
               void *payload) {
    return self(context).serve([&](Store &store) -> gs_status {
        if (!cursor || !on_entry) throw missing("cursor and on_entry");
        std::vector<gs_value> values;
        for (const store::JournalEntry &entry : store.read_journal(cursor, max_entries)) {
            gs_status st;
            if (entry.kind == store::JournalEntryKind::samples) {
                const store::Batch &b = entry.samples;
                values.clear();
                for (const store::Value &v : b.values)
                    values.push_back(gs_value{sizeof(gs_value), v.circuit, v.data.c_str(), v.value,
                                              v.quality, 0});
                gs_sample_batch batch{sizeof(gs_sample_batch), 0,
                                      b.source.c_str(),        b.ts_utc_ns,
                                      values.data(),           values.size(),
                                      sizeof(gs_value)};
                st = on_entry(payload, entry.seq, &batch, nullptr);
            } else {
                gs_event_record r = record_of(entry.event);
                st = on_entry(payload, entry.seq, nullptr, &r.event);
            }
            if (st != GS_OK) return st;
        }
        return GS_OK;
    });
}

gs_status commit(void *context, const char *cursor, uint64_t seq) {
    StoragePlugin &plugin = self(context);
    return plugin.serve([&](Store &store) -> gs_status {
        if (!cursor) throw missing("cursor");
        if (plugin.read_only())
            throw Error("the store is open read-only: cursors cannot move", GS_ERR_UNSUPPORTED);
        store.commit_cursor(cursor, seq);
        return GS_OK;
    });
}

gs_status import_spool(void *context, char *folder, size_t folder_size) {
    return gs::guarded(
        self(context).host().raw(),
        [&] {
            if (!folder) throw missing("folder");
            std::string path = self(context).import_spool_folder();
            if (path.size() + 1 > folder_size)
                throw Error("the folder needs " + std::to_string(path.size() + 1) + " bytes, " +
                                std::to_string(folder_size) + " given",
                            GS_ERR_BUFFER_TOO_SMALL);
            path.copy(folder, path.size());
            folder[path.size()] = '\0';
        },
        &StoragePlugin::status_of);
}

// --- appended in ABI 1.5: counters for monitoring ---

gs_status counters(void *context, gs_storage_counters *out) {
    return self(context).serve([&](Store &store) -> gs_status {
        if (!out) throw missing("out");
        Store::Counters c = store.counters();
        gs_storage_counters full{sizeof(gs_storage_counters), 0, c.values_appended, c.journal_head};
        // The caller's struct may be older (shorter): fill what it holds.
        size_t n = std::min<size_t>(out->struct_size, sizeof full);
        if (n < sizeof(uint32_t)) throw InvalidArgument("out: struct_size too small");
        full.struct_size = static_cast<uint32_t>(n);
        std::memcpy(out, &full, n);
        return GS_OK;
    });
}

gs_status cursors(void *context, gs_journal_cursor_fn on_cursor, void *payload) {
    return self(context).serve([&](Store &store) -> gs_status {
        if (!on_cursor) throw missing("on_cursor");
        Store::Counters c = store.counters();
        for (const auto &[name, position] : c.cursors) {
            uint64_t lag = c.journal_head > position ? c.journal_head - position : 0;
            if (gs_status st = on_cursor(payload, name.c_str(), position, lag); st != GS_OK)
                return st;
        }
        return GS_OK;
    });
}

} // namespace

void fill_services(StoragePlugin &plugin, gs_storage_query_v1 &query,
                   gs_storage_journal_v1 &journal) {
    query = gs_storage_query_v1{sizeof(gs_storage_query_v1),
                                0,
                                &plugin,
                                &list_series,
                                &find_series,
                                &latest,
                                &range,
                                &consumption,
                                &events,
                                &set_event_state,
                                &history,
                                &import_spool,
                                &counters};
    journal = gs_storage_journal_v1{
        sizeof(gs_storage_journal_v1), 0, &plugin, &open_cursor, &read, &commit, &cursors};
}

} // namespace gs::storage
