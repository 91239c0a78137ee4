// The box's description for a hub (description.hpp): what a hub's driver_mqtt learns from.
#include "description.hpp"

#include <doctest/doctest.h>

using gs::mqtt::description_message;
using json = gs::site::json;

TEST_CASE("the description lists the enabled sources and circuits with what they publish") {
    const gs::site::Site site = gs::site::parse(R"({
      "name": "Building A", "timezone": "UTC",
      "catalog": [{"name": "IEaPInst", "unit": "Wh", "counter": true},
                  {"name": "IPSumInst", "unit": "W"}, {"name": "F", "unit": "Hz"}],
      "sources": [
        {"name": "tgbt", "profile": "socomec/diris-a40", "period_ms": 5000,
         "location": "Floor 1/Room 2",
         "circuits": [{"index": 2, "name": "Main", "fluid": "electricity", "usage": "Lighting",
                       "zone": "North", "models": ["metered_energy", "metrology"],
                       "collected": ["IEaPInst", "IPSumInst"], "history": ["IEaPInst"]},
                      {"index": 3, "enabled": false, "collected": ["F"]}]},
        {"name": "off", "enabled": false, "circuits": [{"index": 1, "collected": ["F"]}]}]
    })");
    gs::mqtt::Message m = description_message("gridscope/box-01", site);
    CHECK(m.topic == "gridscope/box-01/description");
    CHECK(json::parse(m.payload) == json::parse(R"({
      "format": 1, "site": "Building A",
      "sources": [{"name": "tgbt", "profile": "socomec/diris-a40", "period_ms": 5000,
                   "location": "Floor 1/Room 2",
                   "circuits": [{"index": 2, "name": "Main", "fluid": "electricity",
                                 "usage": "Lighting", "zone": "North",
                                 "models": ["metered_energy", "metrology"],
                                 "data": ["IEaPInst", "IPSumInst"], "history": ["IEaPInst"]}]}],
      "units": {"IEaPInst": "Wh", "IPSumInst": "W"}})"));
}

TEST_CASE("a site without sources describes none") {
    gs::mqtt::Message m = description_message("p", gs::site::parse(R"({"name": "Empty"})"));
    CHECK(json::parse(m.payload) ==
          json::parse(R"({"format": 1, "site": "Empty", "sources": [], "units": {}})"));
}
