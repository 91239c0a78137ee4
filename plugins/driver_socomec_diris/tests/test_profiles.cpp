// For each SOCOMEC profile: known raw registers decode to the expected catalog values.
// Every profiles/socomec/*.yaml must have a case here (a new profile without one fails), and
// every expectation was computed by hand from the public register facts
// (/work/shared/reference/socomec-registers.md): address, type and scale.
#include "modbus_driver/source_config.hpp"
#include "profile_files.hpp"

#include "modbus/codec.hpp"
#include "modbus/planner.hpp"
#include "modbus/point.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <set>

using namespace gs::socomec;
namespace mb = gs::modbus;

namespace {

struct Expect {
    const char *data;
    uint32_t circuit;
    uint16_t address;          // from the SOCOMEC table
    std::vector<uint16_t> raw; // the registers as the device holds them
    double value;              // in catalog units
};

// Raw words used below (MSW first):
//   230.12 V    = 23012 V/100     -> 0x0000 0x59E4
//   123.456 A   = 123456 mA       -> 0x0001 0xE240
//   -12340 W    = -1234 x 10 W    -> 0xFFFF 0xFB2E   (C550, S32, W/0.1)
//   -12340 W    = -12340 x 1 W    -> 0xFFFF 0xCFCC   (Digiware/B-30, S32, W)
//   PF -0.930   = -930/1000       -> 0xFFFF 0xFC5E   (C550 S32; - = leading)
//   PF 0.930    = 930/1000        -> 0x03A2          (Digiware S16 magnitude)
//   50.012 Hz   = 50012 Hz/1000   -> 0x0000 0xC35C   (COUNTIS E2x)
//   50.01 Hz    = 5001 Hz/100     -> 0x0000 0x1389   (E3x/E4x, E47, A-10, A-30, A40)
//   49.987 Hz   = 49987 mHz       -> 0x0000 0xC343   (Digiware/B-30)
//   123456 x 10 Wh                -> 0x0001 0xE240   (C700 "Unit/100")
//   70000 kWh                     -> 0x0001 0x1170
const std::vector<uint16_t> kV{0x0000, 0x59E4}, kI{0x0001, 0xE240}, kP10{0xFFFF, 0xFB2E},
    kP1{0xFFFF, 0xCFCC}, kPf32{0xFFFF, 0xFC5E}, kPf16{0x03A2}, kF1000{0x0000, 0xC35C},
    kF100{0x0000, 0x1389}, kFmHz{0x0000, 0xC343}, kE10{0x0001, 0xE240}, kEk{0x0001, 0x1170};

std::vector<Expect> c550(bool hz1000) {
    return {{"IV1Inst", 1, 50520, kV, 230.12},
            {"II1Inst", 1, 50528, kI, 123.456},
            {"IPSumInst", 1, 50536, kP10, -12340},
            {"IP1Inst", 1, 50544, kP10, -12340},
            {"IpFSumInst", 1, 50542, kPf32, -0.93},
            {"IFreqInst", 1, 50526, hz1000 ? kF1000 : kF100, hz1000 ? 50.012 : 50.01}};
}

std::vector<Expect> digiware(uint32_t loads) {
    std::vector<Expect> out;
    for (uint32_t k = 1; k <= loads; ++k) {
        uint16_t d = static_cast<uint16_t>((k - 1) * 0x800); // load stride
        out.push_back({"IV1Inst", k, static_cast<uint16_t>(18444 + d), kV, 230.12});
        out.push_back({"II1Inst", k, static_cast<uint16_t>(18458 + d), kI, 123.456});
        out.push_back({"IPSumInst", k, static_cast<uint16_t>(18476 + d), kP1, -12340});
        out.push_back({"IP1Inst", k, static_cast<uint16_t>(18488 + d), kP1, -12340});
        out.push_back({"IpFSumInst", k, static_cast<uint16_t>(18486 + d), kPf16, 0.93});
        out.push_back({"IFreqInst", k, static_cast<uint16_t>(18442 + d), kFmHz, 49.987});
        out.push_back({"IEaPInst", k, static_cast<uint16_t>(19843 + d), kEk, 70000e3});
        out.push_back({"IEaPPartialInst", k, static_cast<uint16_t>(19872 + d), kEk, 70000e3});
    }
    return out;
}

std::vector<Expect> plus(std::vector<Expect> a, const std::vector<Expect> &b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

const std::map<std::string, std::vector<Expect>> &cases() {
    static const std::map<std::string, std::vector<Expect>> all{
        {"socomec/countis-e2x", plus(c550(true), {{"IEaPInst", 1, 50946, kE10, 1234560},
                                                  {"IEaNInst", 1, 50952, kE10, 1234560},
                                                  {"IEaPPartialInst", 1, 50780, kEk, 70000e3},
                                                  {"IISysInst", 1, 50568, kI, 123.456}})},
        {"socomec/countis-e3x-e4x",
         plus(c550(false), {{"IEaPInst", 1, 50946, kE10, 1234560},
                            {"IEaNInst", 1, 50952, kE10, 1234560},
                            {"IEaPPartialInst", 1, 50780, kEk, 70000e3}})},
        {"socomec/countis-e47", plus(c550(false), {{"IEaPInst", 1, 50770, kEk, 70000e3},
                                                   {"IErNInst", 1, 50778, kEk, 70000e3},
                                                   {"IEaPPartialInst", 1, 50780, kEk, 70000e3}})},
        {"socomec/diris-a10", plus(c550(false), {{"IEaPPartialInst", 1, 50780, kEk, 70000e3},
                                                 {"IEaNPartialInst", 1, 50786, kEk, 70000e3}})},
        {"socomec/diris-a30", plus(c550(false), {{"IEaPPartialInst", 1, 50780, kEk, 70000e3}})},
        {"socomec/diris-a40", plus(c550(false), {{"IEaPInst", 1, 50770, kEk, 70000e3},
                                                 {"IEaNInst", 1, 50776, kEk, 70000e3}})},
        {"socomec/diris-b30", digiware(4)},
        {"socomec/digiware-i3x", digiware(3)},
        {"socomec/digiware-i60", digiware(4)}, // loads 5-6: addresses UNKNOWN, no points
        {"socomec/atys-pm",
         {{"AtysNetworkType", 0, 20480, {0x0002}, 2},
          {"AtysOperatingMode", 0, 20481, {0x0010}, 16},
          {"AtysSwitchPosition", 0, 20482, {0x0003}, 3},
          {"AtysSource1State", 0, 20486, {0x0002}, 2},
          {"AtysSource2State", 0, 20487, {0x0001}, 1},
          {"AtysCycleCounter", 0, 20489, {0x04D2}, 1234}}},
    };
    return all;
}

struct Loaded {
    ProfileDef file;
    std::vector<mb::PointSpec> points;
};

Loaded load(const std::filesystem::path &path) {
    std::string id = "socomec/" + path.stem().string();
    Loaded out{load_profile_file(path.string(), id), {}};
    auto defaults = mb::parse_defaults(mb::ptree_lookup(out.file.defaults));
    REQUIRE_MESSAGE(defaults, path.string() << ": " << (defaults ? "" : defaults.error()));
    for (const auto &p : out.file.points) {
        // The driver's own point check (validate_point) accepts every point...
        CHECK_NOTHROW(mb::check_point(out.file.defaults, p.attrs));
        auto spec = mb::parse_point(mb::ptree_lookup(p.attrs), defaults.value());
        REQUIRE_MESSAGE(spec, path.string() << " " << p.data << ": " << (spec ? "" : spec.error()));
        spec.value().data = p.data;
        spec.value().circuit = p.circuit;
        out.points.push_back(spec.value());
    }
    return out;
}

} // namespace

TEST_CASE("every SOCOMEC profile decodes known raw registers to catalog values") {
    std::set<std::string> seen;
    for (const auto &entry : std::filesystem::directory_iterator(GS_PROFILES_DIR "/socomec")) {
        if (entry.path().extension() != ".yaml") continue;
        if (entry.path().stem() == "auto") continue; // the placeholder: no points of its own
        Loaded loaded = load(entry.path());
        const std::string &id = loaded.file.info.id;
        CAPTURE(id);
        seen.insert(id);
        CHECK(loaded.file.info.maker == "SOCOMEC");
        // ...(data, circuit) pairs are unique, circuits in range, and the plan is valid.
        std::set<std::pair<std::string, uint32_t>> keys;
        for (const auto &p : loaded.points) {
            CHECK_MESSAGE(keys.insert({p.data, p.circuit}).second,
                          p.data << "(" << p.circuit << ")");
            CHECK(p.circuit <= loaded.file.info.circuits);
        }
        auto plan = mb::plan_requests(loaded.points, mb::PlanLimits{});
        CHECK_MESSAGE(plan, (plan ? "" : plan.error()));

        auto expected = cases().find(id);
        REQUIRE_MESSAGE(expected != cases().end(), "no decoding case for profile " << id);
        for (const Expect &e : expected->second) {
            CAPTURE(e.data);
            CAPTURE(e.circuit);
            auto it = std::find_if(
                loaded.points.begin(), loaded.points.end(),
                [&](const mb::PointSpec &p) { return p.data == e.data && p.circuit == e.circuit; });
            REQUIRE_MESSAGE(it != loaded.points.end(), id << " has no point " << e.data);
            CHECK(it->address == e.address);
            CHECK(it->count() == e.raw.size());
            auto value = mb::decode(it->format(), e.raw.data(), e.raw.size());
            REQUIRE(value);
            REQUIRE(std::holds_alternative<double>(value.value()));
            CHECK(std::get<double>(value.value()) == doctest::Approx(e.value).epsilon(1e-9));
        }
    }
    CHECK(seen.size() == cases().size());
}

TEST_CASE("a profile file keeps its identification and model aliases") {
    auto f = load_profile_file(GS_PROFILES_DIR "/socomec/countis-e2x.yaml", "socomec/countis-e2x");
    CHECK(f.info.models == std::vector<std::string>{"COUNTIS E23", "COUNTIS E24"});
    CHECK(f.info.product_order_id == 100);
    CHECK(f.info.family == "COUNTIS");
    std::vector<std::string> errors;
    auto all = load_profile_dir(GS_PROFILES_DIR, errors);
    CHECK(errors.empty());
    CHECK(std::count_if(all.begin(), all.end(), [](const ProfileDef &p) {
              return p.info.id.rfind("socomec/", 0) == 0 && p.info.id != "socomec/auto";
          }) == 10);
    CHECK_THROWS_AS(load_profile_file(GS_PROFILES_DIR "/catalog.yaml", "catalog"),
                    std::runtime_error);
}
