// State, acknowledgements and running delays across restarts (a new Engine on the same folder),
// crash-safety of the journal and its bound.
#include "helpers.hpp"

#include <fstream>

using namespace gs::alarms;
using namespace gs::alarms::test;

namespace {

const char *kRules = R"(
alarms:
  - {name: hi, data: IPInst, high: 100, deadband: "2%", on_delay_s: 10}
)";

std::uintmax_t file_size(const TempDir &d, const char *name) {
    return std::filesystem::file_size(d.path / name);
}

} // namespace

TEST_CASE("acknowledge, restart: still acknowledged, not raised again") {
    TempDir dir;
    uint64_t id = 0;
    {
        Engine e(rules(kRules), {}, in_dir(dir));
        for (int i = 0; i <= 10; ++i)
            feed(e, "m1", 1, "IPInst", 120, at(i));
        REQUIRE(active(e).size() == 1);
        id = active(e)[0].id;
        e.acknowledge({id}, "alice", "on it", at(11));
        // No save(): a crash right after the acknowledgement returned.
    }
    Engine e(rules(kRules), {}, in_dir(dir));
    CHECK(e.skipped_at_load() == 0);
    auto open = active(e);
    REQUIRE(open.size() == 1);
    CHECK(open[0].id == id);
    CHECK(open[0].acked);
    CHECK(open[0].acked_by == "alice");
    CHECK(open[0].ack_comment == "on it");
    CHECK(open[0].acked_at == at(11));
    CHECK(e.unacked_count() == 0);
    for (int i = 20; i <= 40; ++i)
        feed(e, "m1", 1, "IPInst", 120, at(i));
    e.tick(at(41));
    REQUIRE(e.records().size() == 1);
    CHECK(e.records()[0].activations == 1); // no second activation
    CHECK(e.take_changes().empty());
    // Its return to normal still finishes it (acknowledged before the restart).
    feed(e, "m1", 1, "IPInst", 50, at(50));
    CHECK(e.record(id)->finished());
    CHECK(e.unacked_count() == 0);
}

TEST_CASE("restart during an on-delay resumes it where it was") {
    TempDir dir;
    {
        Engine e(rules(kRules), {}, in_dir(dir));
        for (int i = 0; i <= 4; ++i)
            feed(e, "m1", 1, "IPInst", 120, at(i)); // 4 s of 10
        e.save(at(4));
    }
    // Down for 96 s; the condition holds when it comes back: 6 s remain.
    Engine e(rules(kRules), {}, in_dir(dir));
    for (int i = 100; i <= 105; ++i)
        feed(e, "m1", 1, "IPInst", 120, at(i));
    CHECK(e.records().empty());
    feed(e, "m1", 1, "IPInst", 120, at(106));
    REQUIRE(active(e).size() == 1);
    CHECK(active(e)[0].raised == at(106));
}

TEST_CASE("after a crash the on-delay resumes from the last second the journal knew") {
    TempDir dir;
    {
        Engine e(rules(kRules), {}, in_dir(dir));
        for (int i = 0; i <= 7; ++i) {
            feed(e, "m1", 1, "IPInst", 120, at(i));
            e.tick(at(i + 0.5));
        }
        // killed: no save
    }
    Engine e(rules(kRules), {}, in_dir(dir));
    feed(e, "m1", 1, "IPInst", 120, at(200)); // 7.5 s had run
    feed(e, "m1", 1, "IPInst", 120, at(202));
    CHECK(e.records().empty());
    feed(e, "m1", 1, "IPInst", 120, at(203));
    CHECK(active(e).size() == 1);
}

TEST_CASE("a delay that resumes is cancelled by a value back in range") {
    TempDir dir;
    {
        Engine e(rules(kRules), {}, in_dir(dir));
        feed(e, "m1", 1, "IPInst", 120, at(0));
        e.save(at(8));
    }
    Engine e(rules(kRules), {}, in_dir(dir));
    feed(e, "m1", 1, "IPInst", 50, at(100));
    feed(e, "m1", 1, "IPInst", 120, at(101));
    feed(e, "m1", 1, "IPInst", 120, at(105));
    CHECK(e.records().empty());
}

TEST_CASE("shelving, out of service, history and ids survive a restart") {
    TempDir dir;
    const char *two = R"(
alarms:
  - {name: hi, data: IPInst, high: 100}
  - {name: lo, data: IPInst, low: 10}
)";
    {
        Engine e(rules(two), {}, in_dir(dir));
        feed(e, "m1", 1, "IPInst", 120, at(0));
        feed(e, "m2", 1, "IPInst", 1, at(0));
        e.acknowledge({2}, "a", "", at(1));
        feed(e, "m2", 1, "IPInst", 50, at(2)); // record 2 finished
        REQUIRE(e.shelve(1, 600 * S, "op", at(3)) == "");
        REQUIRE(e.set_out_of_service("lo", true, "admin", at(4)) == "");
    }
    Engine e(rules(two), {}, in_dir(dir));
    REQUIRE(e.records().size() == 2);
    CHECK(e.record(2)->finished());
    CHECK(e.record(1)->shelved);
    feed(e, "m1", 1, "IPInst", 120, at(10));
    e.tick(at(602));
    CHECK(e.record(1)->shelved);
    e.tick(at(603));
    CHECK_FALSE(e.record(1)->shelved);
    feed(e, "m2", 1, "IPInst", 1, at(700)); // lo is out of service
    CHECK(e.records().size() == 2);
    feed(e, "m3", 1, "IPInst", 120, at(701));
    CHECK(active(e).back().id == 3);
}

TEST_CASE("an alarm whose rule left the site file returns to normal at the stop") {
    TempDir dir;
    {
        Engine e(rules(kRules), {}, in_dir(dir));
        for (int i = 0; i <= 10; ++i)
            feed(e, "m1", 1, "IPInst", 120, at(i));
        e.save(at(30));
    }
    Engine e(rules(R"(
alarms:
  - {name: other, data: IPInst, low: 0}
)"),
             {}, in_dir(dir));
    auto all = e.records();
    REQUIRE(all.size() == 1);
    CHECK_FALSE(all[0].active);
    CHECK(all[0].cleared == at(30));
    CHECK(e.unacked_count() == 1); // still to acknowledge
    e.acknowledge({all[0].id}, "a", "", at(40));
    CHECK(e.record(all[0].id)->finished());
}

TEST_CASE("a torn or corrupt journal line is skipped, the rest is kept") {
    TempDir dir;
    {
        Engine e(rules(kRules), {}, in_dir(dir));
        for (int i = 0; i <= 10; ++i)
            feed(e, "m1", 1, "IPInst", 120, at(i));
        e.acknowledge({1}, "alice", "", at(11));
    }
    {
        std::ofstream j(dir.path / Journal::kJournalFile, std::ios::app);
        j << "deadbeef 999 R\tbroken\n"; // CRC mismatch
        j << "0000";                     // torn by a crash
    }
    Engine e(rules(kRules), {}, in_dir(dir));
    CHECK(e.skipped_at_load() == 2);
    REQUIRE(e.records().size() == 1);
    CHECK(e.records()[0].acked);
}

TEST_CASE("the journal stays bounded: compacted into the snapshot, nothing lost") {
    TempDir dir;
    EngineOptions o = in_dir(dir);
    o.journal_max_bytes = 8 * 1024;
    const char *chatty = R"(
alarms:
  - {name: hi, data: IPInst, high: 100}
)";
    std::uintmax_t largest = 0;
    std::vector<AlarmRecord> before;
    {
        Engine e(rules(chatty), {}, o);
        for (int i = 0; i < 3000; ++i) {
            feed(e, "m" + std::to_string(i % 50), 1, "IPInst", (i / 50) % 2 ? 50 : 150, at(i));
            if (i % 7 == 0) e.acknowledge({static_cast<uint64_t>(1 + i % 40)}, "a", "", at(i));
            largest = std::max(largest, file_size(dir, Journal::kJournalFile));
        }
        CHECK(largest < o.journal_max_bytes + 1024);
        CHECK(largest > o.journal_max_bytes / 2); // it did grow, and was compacted
        before = e.records();
    }
    Engine a(rules(chatty), {}, o);
    CHECK(a.skipped_at_load() == 0);
    CHECK(file_size(dir, Journal::kJournalFile) == 0); // a start writes a fresh snapshot
    auto after = a.records();
    REQUIRE(after.size() == before.size());
    CHECK(before.size() >= 50);
    for (std::size_t i = 0; i < before.size(); ++i) {
        CHECK(after[i].id == before[i].id);
        CHECK(after[i].active == before[i].active);
        CHECK(after[i].acked == before[i].acked);
        CHECK(after[i].activations == before[i].activations);
    }
}

TEST_CASE("one engine per folder; the folder can be read while it runs") {
    TempDir dir;
    Engine e(rules(kRules), {}, in_dir(dir));
    for (int i = 0; i <= 10; ++i)
        feed(e, "m1", 1, "IPInst", 120, at(i));
    CHECK_THROWS_AS(Engine(rules(kRules), {}, in_dir(dir)), std::runtime_error);
    Journal::Contents c = Journal::read(dir.str());
    CHECK(c.skipped == 0);
    bool seen_record = false;
    for (const auto &p : c.payloads)
        seen_record = seen_record || p.rfind("R\t1\thi\t", 0) == 0;
    CHECK(seen_record);
}

TEST_CASE("a folder that cannot be used is a clear error") {
    TempDir dir;
    { std::ofstream f(dir.path); } // a file where the folder should be
    EngineOptions o;
    o.state_dir = (dir.path / "sub").string();
    CHECK_THROWS_AS(Engine(rules(kRules), {}, o), std::runtime_error);
    std::filesystem::remove(dir.path);
}

TEST_CASE("a damaged snapshot is reported and the engine starts") {
    TempDir dir;
    {
        Engine e(rules(kRules), {}, in_dir(dir));
        for (int i = 0; i <= 10; ++i)
            feed(e, "m1", 1, "IPInst", 120, at(i));
    }
    {
        std::ofstream s(dir.path / Journal::kSnapshotFile, std::ios::binary | std::ios::trunc);
        s << "\x01\x02 not a snapshot\n\xff";
    }
    Engine e(rules(kRules), {}, in_dir(dir));
    CHECK(e.skipped_at_load() >= 1);
    CHECK(Journal::read(dir.str()).snapshot_damaged == false); // rewritten at the start
}

TEST_CASE("restart during an off-delay resumes it too") {
    TempDir dir;
    const char *off = R"(
alarms:
  - {name: hi, data: IPInst, high: 100, off_delay_s: 10}
)";
    {
        Engine e(rules(off), {}, in_dir(dir));
        feed(e, "m1", 1, "IPInst", 120, at(0));
        REQUIRE(active(e).size() == 1);
        feed(e, "m1", 1, "IPInst", 50, at(1)); // back in range: 10 s to wait
        e.save(at(7));                         // 6 s have run
    }
    Engine e(rules(off), {}, in_dir(dir));
    feed(e, "m1", 1, "IPInst", 50, at(100));
    e.tick(at(103.9));
    CHECK(active(e).size() == 1);
    e.tick(at(104));
    CHECK(active(e).empty());
    CHECK(e.records()[0].cleared == at(104));
    CHECK(e.records()[0].activations == 1);
}
