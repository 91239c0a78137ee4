// Home Assistant discovery messages of the site's stored counters (discovery.hpp).
#include "discovery.hpp"

#include <doctest/doctest.h>

using gs::mqtt::discovery_messages;
using gs::mqtt::Message;
using json = gs::site::json;

namespace {

gs::site::Site site() {
    return gs::site::parse(R"({
      "name": "Demo", "timezone": "UTC",
      "catalog": [
        {"name": "IEaPInst", "unit": "Wh", "counter": true, "description": "Active energy +"},
        {"name": "IErPInst", "unit": "varh", "counter": true},
        {"name": "IEsInst", "unit": "VAh", "counter": true},
        {"name": "IPSumInst", "unit": "W", "counter": false}],
      "profiles": [{"id": "socomec/diris-a40", "name": "DIRIS A-40", "maker": "SOCOMEC"}],
      "sources": [
        {"name": "tgbt/main", "profile": "socomec/diris-a40", "location": "Floor 1",
         "circuits": [{"index": 2, "name": "Main",
                       "history": ["IEaPInst", "IErPInst", "IEsInst", "IPSumInst"]},
                      {"index": 3, "enabled": false, "history": ["IEaPInst"]}]},
        {"name": "off", "enabled": false, "circuits": [{"index": 1, "history": ["IEaPInst"]}]}]
    })");
}

} // namespace

TEST_CASE("one retained config per stored counter, with the energy sensor's fields") {
    std::vector<Message> out = discovery_messages("homeassistant", "gridscope/demo", site());
    REQUIRE(out.size() == 3); // not IPSumInst (no counter), nor disabled circuits and sources
    CHECK(out[0].topic == "homeassistant/sensor/tgbt_main/2_IEaPInst/config");
    json c = json::parse(out[0].payload);
    CHECK(c == json::parse(R"({
      "name": "Main Active energy +",
      "unique_id": "gridscope_gridscope_demo_tgbt_main_2_IEaPInst",
      "state_topic": "gridscope/demo/tgbt_main/2",
      "value_template": "{{ value_json['values'][\"IEaPInst\"] }}",
      "device_class": "energy", "state_class": "total_increasing",
      "unit_of_measurement": "Wh",
      "availability_topic": "gridscope/demo/status",
      "payload_available": "online", "payload_not_available": "offline",
      "device": {"identifiers": ["gridscope_gridscope_demo_tgbt_main"], "name": "tgbt/main",
                 "manufacturer": "SOCOMEC", "model": "DIRIS A-40",
                 "suggested_area": "Floor 1"}})"));
}

TEST_CASE("reactive energy has its device class; apparent energy has none") {
    std::vector<Message> out = discovery_messages("ha", "p", site());
    REQUIRE(out.size() == 3);
    json reactive = json::parse(out[1].payload), apparent = json::parse(out[2].payload);
    CHECK(out[1].topic == "ha/sensor/tgbt_main/2_IErPInst/config");
    CHECK(reactive["device_class"] == "reactive_energy");
    CHECK(reactive["unit_of_measurement"] == "varh");
    CHECK(reactive["name"] == "Main IErPInst");
    CHECK_FALSE(apparent.contains("device_class"));
    CHECK(apparent["state_class"] == "total_increasing");
    CHECK(apparent["unit_of_measurement"] == "VAh");
}
