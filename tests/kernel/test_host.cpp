// The host services a plugin gets: typed config getters with located errors, config as a
// property tree through the C++ layer, and service lookup.
#include "host/host_context.hpp"

#include <gridscope/plugin.hpp>

#include <doctest/doctest.h>

using namespace gs::kernel;

TEST_CASE("config getters read typed values and locate wrong ones") {
    YAML::Node section = YAML::Load("timeout_ms: 250\nratio: 0.5\nenabled: yes\nname: gw-1\n"
                                    "tls: {cert: /etc/c.pem}\nlist: [a, b]\nbad: [1]\n");
    HostContext ctx("test", ConfigNode{section, "site.yaml"});
    const gs_host *h = ctx.raw();
    int64_t i = 0;
    double d = 0;
    int32_t b = 0;
    CHECK(h->config_get_int(h, nullptr, "timeout_ms", &i) == GS_OK);
    CHECK(i == 250);
    CHECK(h->config_get_double(h, nullptr, "ratio", &d) == GS_OK);
    CHECK(d == 0.5);
    CHECK(h->config_get_bool(h, nullptr, "enabled", &b) == GS_OK);
    CHECK(b == 1);
    CHECK(h->config_get_int(h, nullptr, "missing", &i) == GS_ERR_NOT_FOUND);
    CHECK(h->config_get_int(h, nullptr, "name", &i) == GS_ERR_INVALID_ARG);
    CHECK(ctx.take_error("") == "site.yaml:4:7: field 'name': expected an integer");

    char buf[8];
    size_t needed = 0;
    CHECK(h->config_get_string(h, nullptr, "tls.cert", buf, sizeof buf, &needed) ==
          GS_ERR_BUFFER_TOO_SMALL);
    CHECK(needed == 11);
    char big[32];
    CHECK(h->config_get_string(h, nullptr, "tls.cert", big, sizeof big, &needed) == GS_OK);
    CHECK(std::string(big) == "/etc/c.pem");
    CHECK(h->config_get_string(h, nullptr, "list.1", big, sizeof big, &needed) == GS_OK);
    CHECK(std::string(big) == "b");
    CHECK(h->config_get_int(h, nullptr, "bad", &i) == GS_ERR_INVALID_ARG);

    const gs_config *tls = h->config_child(h, nullptr, "tls");
    REQUIRE(tls);
    CHECK(h->config_get_string(h, tls, "cert", big, sizeof big, &needed) == GS_OK);
    CHECK(h->config_child(h, nullptr, "nothing") == nullptr);
    char where[64];
    CHECK(h->config_location(h, tls, where, sizeof where) == GS_OK);
    CHECK(std::string(where) == "site.yaml:5:6");
}

TEST_CASE("the C++ layer sees the config as a property tree") {
    YAML::Node section =
        YAML::Load("timeout_ms: 250\npoints:\n  - {address: 10}\n  - {address: 12}\n");
    HostContext ctx("test", ConfigNode{section, "site.yaml"});
    gs::Host host(ctx.raw());
    gs::ptree cfg = host.config();
    CHECK(cfg.get<int>("timeout_ms", 500) == 250);
    CHECK(cfg.get<int>("retries", 3) == 3);
    CHECK(cfg.get<int>("points.1.address") == 12);
    CHECK(cfg.get_child("points").size() == 2);
}

TEST_CASE("services are looked up by versioned id") {
    static const int service = 42;
    HostHooks hooks;
    hooks.get_service = [](const std::string &id) -> const void * {
        return id == "gridscope.test/1" ? &service : nullptr;
    };
    HostContext ctx("test", ConfigNode{}, hooks);
    gs::Host host(ctx.raw());
    CHECK(host.service<int>("gridscope.test/1") == &service);
    CHECK(host.service<int>("gridscope.test/2") == nullptr);
}

TEST_CASE("publishing a malformed batch is refused, not crashed on") {
    HostHooks hooks;
    int published = 0;
    hooks.publish_samples = [&](const gs_sample_batch &) {
        ++published;
        return GS_OK;
    };
    HostContext ctx("test", ConfigNode{}, hooks);
    const gs_host *h = ctx.raw();
    gs_sample_batch bad{sizeof(gs_sample_batch), 0, "m", 0, nullptr, 3, sizeof(gs_value)};
    CHECK(h->publish_samples(h, &bad) == GS_ERR_INVALID_ARG);
    CHECK(h->publish_samples(h, nullptr) == GS_ERR_INVALID_ARG);
    gs_sample_batch empty{sizeof(gs_sample_batch), 0, "m", 0, nullptr, 0, sizeof(gs_value)};
    CHECK(h->publish_samples(h, &empty) == GS_OK);
    CHECK(published == 1);
}
