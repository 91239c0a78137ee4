// The header-only C++ layer: descriptors built from a class, noexcept thunks that turn
// exceptions into statuses with messages, optional entries left NULL, and the FakeHost.
#include <gridscope/plugin.hpp>
#include <gridscope/testing.hpp>

#include <doctest/doctest.h>

namespace {

class Probe : public gs::Plugin {
public:
    static constexpr gs_plugin_kind kind = GS_KIND_DRIVER;
    static constexpr const char *id = "probe";
    static constexpr const char *version = "2.1.0";
    static constexpr const char *description = "test driver";
    static constexpr gs_config_field config_fields[] = {
        gs::field(GS_CONFIG_INT, "timeout_ms", "500", "response timeout"),
        gs::field(GS_CONFIG_STRING, "host", nullptr, "address", true)};

    explicit Probe(gs::Host host) : Plugin(host) {
        timeout_ms = config().get<int>("timeout_ms", 500);
        if (config().get<std::string>("host", "") == "throw") throw gs::InvalidArgument("bad host");
    }
    static void validate_point(gs::Host &, const gs::ptree &, const gs::ptree &point) {
        if (!point.get_optional<int>("address"))
            throw gs::InvalidArgument("field 'address': missing");
    }
    void add_source(const gs::Source &s) { sources.push_back(s); }
    void start() {
        gs::SampleBatch b("m1", host().now_utc_ns());
        b.add(1, "IV1Inst", 231.5);
        b.add(2, "II1Inst", 0, GS_QUALITY_TIMEOUT);
        host().publish(b.view());
    }
    void stop() { throw std::runtime_error("stop failed"); }
    std::vector<gs::SampleBatch> read(const std::string &) { throw gs::RetryLater("busy"); }

    int timeout_ms = 0;
    std::vector<gs::Source> sources;
};

class Sink : public gs::Plugin {
public:
    static constexpr gs_plugin_kind kind = GS_KIND_EXPORTER;
    static constexpr const char *id = "sink";
    static constexpr const char *version = "1.0.0";
    static constexpr const char *description = "test exporter";
    explicit Sink(gs::Host host) : Plugin(host) {}
    void start() {}
    void stop() {}
    void consume_samples(const gs_sample_batch &b) { count += b.value_count; }
    size_t count = 0;
};

} // namespace

TEST_CASE("a descriptor is built from the class") {
    const gs_plugin_descriptor *d = gs::descriptor<Probe>();
    CHECK(d->struct_size == sizeof(gs_plugin_descriptor));
    CHECK(d->kind == GS_KIND_DRIVER);
    CHECK(std::string(d->id) == "probe");
    CHECK(d->config_field_count == 2);
    CHECK(d->config_fields[1].required == 1);
    auto *vt = static_cast<const gs_driver_vtable *>(d->vtable);
    CHECK(vt->struct_size == sizeof(gs_driver_vtable));
    CHECK(bool(vt->read));
    CHECK_FALSE(bool(vt->write)); // not implemented: "not supported"
    CHECK_FALSE(bool(vt->scan));
    auto *sink = static_cast<const gs_exporter_vtable *>(gs::descriptor<Sink>()->vtable);
    CHECK(bool(sink->consume_samples));
    CHECK_FALSE(bool(sink->consume_event));
    CHECK_FALSE(bool(sink->flush));
}

TEST_CASE("thunks turn exceptions into statuses with their messages") {
    gs::ptree cfg;
    cfg.put("host", "throw");
    gs::testing::FakeHost bad(cfg);
    auto *vt = static_cast<const gs_driver_vtable *>(gs::descriptor<Probe>()->vtable);
    gs_instance *inst = nullptr;
    CHECK(vt->create(bad.raw(), &inst) == GS_ERR_INVALID_ARG);
    CHECK(inst == nullptr);
    CHECK(bad.last_error == "bad host");

    gs::ptree good_cfg;
    good_cfg.put("host", "gw");
    good_cfg.put("timeout_ms", 250);
    gs::testing::FakeHost host(good_cfg);
    REQUIRE(vt->create(host.raw(), &inst) == GS_OK);
    CHECK(reinterpret_cast<Probe *>(inst)->timeout_ms == 250);

    CHECK(vt->start(inst) == GS_OK);
    auto samples = host.samples_copy();
    REQUIRE(samples.size() == 1);
    CHECK(samples[0].source == "m1");
    CHECK(samples[0].values[0].value == 231.5);
    CHECK(samples[0].values[1].quality == GS_QUALITY_TIMEOUT);

    CHECK(vt->read(inst, "m1", nullptr, nullptr) == GS_ERR_RETRY_LATER);
    CHECK(host.last_error == "busy");
    CHECK(vt->stop(inst) == GS_ERR_FAILED);
    CHECK(host.last_error == "stop failed");
    vt->destroy(inst);
}

TEST_CASE("validate_point and add_source see the config through property trees") {
    gs::ptree good, bad, attrs;
    good.put("address", 50000);
    bad.put("type", "u16");
    gs::testing::FakeHost host;
    auto *vt = static_cast<const gs_driver_vtable *>(gs::descriptor<Probe>()->vtable);
    CHECK(vt->validate_point(host.raw(), nullptr, gs::testing::FakeHost::node(good)) == GS_OK);
    CHECK(vt->validate_point(host.raw(), nullptr, gs::testing::FakeHost::node(bad)) ==
          GS_ERR_INVALID_ARG);
    CHECK(host.last_error == "field 'address': missing");

    gs::ptree cfg;
    cfg.put("host", "gw");
    gs::testing::FakeHost h2(cfg);
    gs_instance *inst = nullptr;
    REQUIRE(vt->create(h2.raw(), &inst) == GS_OK);
    attrs.put("unit", 5);
    gs_point points[2] = {{sizeof(gs_point), 1, "IV1Inst", "V", gs::testing::FakeHost::node(good)},
                          {sizeof(gs_point), 2, "IEaPInst", "Wh", nullptr}};
    gs_point commands[1] = {{sizeof(gs_point), 0, "partial_energy_reset", "", nullptr}};
    gs_source src{sizeof(gs_source),
                  2,
                  "m1",
                  "acme/meter",
                  gs::testing::FakeHost::node(attrs),
                  nullptr,
                  points,
                  2,
                  sizeof(gs_point),
                  1000,
                  commands,
                  1,
                  sizeof(gs_point)};
    CHECK(vt->add_source(inst, &src) == GS_OK);
    auto &probe = *reinterpret_cast<Probe *>(inst);
    REQUIRE(probe.sources.size() == 1);
    CHECK(probe.sources[0].attrs.get<int>("unit") == 5);
    CHECK(probe.sources[0].points[0].attrs.get<int>("address") == 50000);
    CHECK(probe.sources[0].points[1].unit == "Wh");
    REQUIRE(probe.sources[0].commands.size() == 1); // ABI 1.1: the profile's commands
    CHECK(probe.sources[0].commands[0].data == "partial_energy_reset");
    CHECK(probe.sources[0].commands[0].circuit == 0);
    vt->destroy(inst);
}

TEST_CASE("FakeHost can simulate a full bus") {
    gs::testing::FakeHost host;
    host.publish_result = GS_ERR_RETRY_LATER;
    gs::SampleBatch b("m1", 1);
    b.add(1, "IV1Inst", 1);
    CHECK_THROWS_AS(host.host().publish(b.view()), gs::RetryLater);
}

// The config map read from the C++ layer (issue 11, item 4): cfg.get<T>("key") returns the
// value or the declared default, and checks the declared type, bounds and allowed values.
namespace {
const char *const kModes[] = {"fast", "slow", nullptr};
constexpr gs_config_field kMap[] = {
    gs::bounded(gs::field(GS_CONFIG_INT, "port", "8080", "port"), "0", "65535"),
    gs::bounded(gs::field(GS_CONFIG_INT, "retries", "3", "retries"), "1", nullptr),
    gs::one_of(gs::field(GS_CONFIG_STRING, "mode", "fast", "mode"), kModes),
    gs::field(GS_CONFIG_BOOL, "verbose", "false", "verbose"),
    gs::field(GS_CONFIG_DOUBLE, "ratio", "0.25", "ratio"),
    gs::field(GS_CONFIG_STRING, "token", nullptr, "token")};

gs::Config config_of(std::initializer_list<std::pair<const char *, const char *>> kv) {
    gs::ptree tree;
    for (const auto &[k, v] : kv)
        tree.put(k, v);
    return gs::Config(tree, kMap);
}
} // namespace

TEST_CASE("gs::Config: values, declared defaults, optional keys") {
    gs::Config empty = config_of({});
    CHECK(empty.get<int>("port") == 8080);
    CHECK(empty.get<std::string>("mode") == "fast");
    CHECK(empty.get<bool>("verbose") == false);
    CHECK(empty.get<double>("ratio") == 0.25);
    CHECK_FALSE(empty.find<std::string>("token"));
    CHECK_FALSE(empty.has("port"));
    CHECK_THROWS_WITH_AS(empty.get<std::string>("token"), "field 'token': is required",
                         gs::InvalidArgument);
    CHECK_THROWS_AS(empty.get<int>("undeclared"), std::logic_error);

    gs::Config set =
        config_of({{"port", "9000"}, {"mode", "slow"}, {"verbose", "true"}, {"token", "abc"}});
    CHECK(set.get<uint16_t>("port") == 9000);
    CHECK(set.has("port"));
    CHECK(set.get<std::string>("mode") == "slow");
    CHECK(set.get<bool>("verbose"));
    CHECK(*set.find<std::string>("token") == "abc");
}

TEST_CASE("gs::Config: wrong types, bounds and values are refused naming the field") {
    CHECK_THROWS_WITH_AS(config_of({{"port", "70000"}}).get<int>("port"),
                         "field 'port': expected an integer from 0 to 65535, found '70000'",
                         gs::InvalidArgument);
    CHECK_THROWS_WITH_AS(config_of({{"port", "lots"}}).get<int>("port"),
                         "field 'port': expected an integer from 0 to 65535, found 'lots'",
                         gs::InvalidArgument);
    CHECK_THROWS_WITH_AS(config_of({{"port", "-3"}}).get<unsigned>("port"),
                         "field 'port': expected an integer from 0 to 65535, found '-3'",
                         gs::InvalidArgument);
    CHECK_THROWS_WITH_AS(config_of({{"retries", "0"}}).get<int>("retries"),
                         "field 'retries': must be at least 1", gs::InvalidArgument);
    CHECK_THROWS_WITH_AS(config_of({{"mode", "turbo"}}).get<std::string>("mode"),
                         "field 'mode': expected one of fast, slow, found 'turbo'",
                         gs::InvalidArgument);
    CHECK_THROWS_WITH_AS(config_of({{"verbose", "maybe"}}).get<bool>("verbose"),
                         "field 'verbose': expected true or false, found 'maybe'",
                         gs::InvalidArgument);
    CHECK_THROWS_WITH_AS(config_of({{"ratio", "1.5x"}}).get<double>("ratio"),
                         "field 'ratio': expected a number, found '1.5x'", gs::InvalidArgument);
    CHECK_THROWS_WITH_AS(config_of({{"colour", "red"}}).refuse_unknown_keys(),
                         "field 'colour': unknown key", gs::InvalidArgument);
    CHECK_NOTHROW(config_of({{"name", "m1"}}).refuse_unknown_keys(gs::is_kernel_source_key));
}

TEST_CASE("a driver's source_fields reach its vtable; gs::field leaves the 1.3 members NULL") {
    const auto *vt = static_cast<const gs_driver_vtable *>(gs::descriptor<Probe>()->vtable);
    CHECK(vt->source_fields == nullptr);
    CHECK(vt->source_field_count == 0);
    constexpr gs_config_field plain = gs::field(GS_CONFIG_INT, "k", "1", "d");
    CHECK(plain.struct_size == sizeof(gs_config_field));
    CHECK(plain.min_value == nullptr);
    CHECK(plain.allowed_values == nullptr);
}

namespace {
// A core's own error type, as a domain hook sees it.
struct CoreError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
gs_status core_status(const std::exception &e) noexcept {
    return dynamic_cast<const CoreError *>(&e) ? GS_ERR_TIMEOUT : GS_OK;
}

// A plugin class whose thunks use its hook.
class Hooked : public gs::Plugin {
public:
    static constexpr gs_plugin_kind kind = GS_KIND_EXPORTER;
    static constexpr const char *id = "hooked";
    static constexpr const char *version = "1.0.0";
    static constexpr const char *description = "throws a core error on start";
    explicit Hooked(gs::Host host) : Plugin(host) {}
    static gs_status status_of(const std::exception &e) noexcept { return core_status(e); }
    void start() { throw CoreError("the core timed out"); }
    void stop() {}
};
} // namespace

TEST_CASE("gs::guarded maps each kind of exception to its status and reports the message") {
    gs::testing::FakeHost host;
    auto run = [&](auto &&f, auto &&...hook) {
        host.last_error.clear();
        host.last_error_code = GS_OK;
        return gs::guarded(host.raw(), f, hook...);
    };
    CHECK(run([] {}) == GS_OK);
    CHECK(host.last_error.empty());
    CHECK(run([]() -> gs_status { return GS_ERR_RETRY_LATER; }) == GS_ERR_RETRY_LATER);
    CHECK(run([] { throw gs::InvalidArgument("field 'x': bad"); }) == GS_ERR_INVALID_ARG);
    CHECK(host.last_error == "field 'x': bad");
    CHECK(host.last_error_code == GS_ERR_INVALID_ARG);
    CHECK(run([] { throw gs::RetryLater("bus full"); }) == GS_ERR_RETRY_LATER);
    CHECK(run([] { throw gs::Error("gone", GS_ERR_NOT_FOUND); }) == GS_ERR_NOT_FOUND);
    CHECK(run([] { throw std::bad_alloc(); }) == GS_ERR_NO_MEMORY);
    CHECK(host.last_error == "out of memory");
    CHECK(run([] { throw std::logic_error("oops"); }) == GS_ERR_FAILED);
    CHECK(host.last_error == "oops");
    CHECK(run([] { throw 42; }) == GS_ERR_FAILED);
    CHECK(host.last_error == "unknown exception");
    // The domain hook: a core's error by its type, others fall through to GS_ERR_FAILED.
    CHECK(run([] { throw CoreError("slow"); }, &core_status) == GS_ERR_TIMEOUT);
    CHECK(host.last_error == "slow");
    CHECK(run([] { throw std::runtime_error("slow"); }, &core_status) == GS_ERR_FAILED);
    CHECK(run([] { throw CoreError("slow"); }) == GS_ERR_FAILED); // no hook, no code
    // A hook is consulted only for std::exceptions that are not gs::Error.
    CHECK(run([] { throw gs::Error("mine", GS_ERR_STATE); }, &core_status) == GS_ERR_STATE);
    // Without a host the status is still returned.
    CHECK(gs::guarded(nullptr, [] { throw gs::InvalidArgument("x"); }) == GS_ERR_INVALID_ARG);
}

TEST_CASE("a plugin class's status_of is the hook of its thunks") {
    gs::testing::FakeHost host;
    auto *vt = static_cast<const gs_exporter_vtable *>(gs::descriptor<Hooked>()->vtable);
    gs_instance *instance = nullptr;
    REQUIRE(vt->create(host.raw(), &instance) == GS_OK);
    CHECK(vt->start(instance) == GS_ERR_TIMEOUT);
    CHECK(host.last_error == "the core timed out");
    vt->destroy(instance);
}
