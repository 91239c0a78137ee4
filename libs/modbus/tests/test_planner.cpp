#include "modbus/planner.hpp"

#include <doctest/doctest.h>

using namespace gs::modbus;

namespace {

PointSpec make(std::string data, uint16_t address, Type type = Type::u16,
               Function function = Function::holding, std::string frame = {}) {
    PointSpec point;
    point.data = std::move(data);
    point.circuit = 1;
    point.address = address;
    point.type = type;
    point.function = function;
    point.frame = std::move(frame);
    if (is_string(type)) point.string_registers = 8;
    return point;
}

std::vector<ReadRequest> plan(const std::vector<PointSpec> &points, PlanLimits limits = {}) {
    auto requests = plan_requests(points, limits);
    REQUIRE_MESSAGE(requests.ok(), (requests.ok() ? "" : requests.error()));
    return requests.value();
}

std::string plan_error(const std::vector<PointSpec> &points, PlanLimits limits = {}) {
    auto requests = plan_requests(points, limits);
    REQUIRE_FALSE(requests.ok());
    return requests.error();
}

PlanLimits limits_with(uint16_t max_registers, uint16_t max_gap, uint16_t max_bits = 2000) {
    PlanLimits limits;
    limits.max_registers = max_registers;
    limits.max_gap = max_gap;
    limits.max_bits = max_bits;
    return limits;
}

} // namespace

TEST_CASE("adjacent points merge into one request") {
    const std::vector<PointSpec> points{make("A", 0), make("B", 1, Type::u32), make("C", 3)};
    const auto requests = plan(points);
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].address == 0);
    CHECK(requests[0].count == 4);
    REQUIRE(requests[0].points.size() == 3);
    CHECK(requests[0].points[1] == PlannedPoint{1, 1, 2});
    CHECK(requests[0].points[2] == PlannedPoint{2, 3, 1});
}

TEST_CASE("holes are read across up to max_gap registers") {
    const std::vector<PointSpec> points{make("A", 0), make("B", 3), make("C", 7)};
    // No gap allowed by default: three requests.
    CHECK(plan(points).size() == 3);
    // Gap 2: A..B (hole of 2) merge, C is 3 registers further and stays apart.
    const auto requests = plan(points, limits_with(125, 2));
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].address == 0);
    CHECK(requests[0].count == 4);
    CHECK(requests[1].address == 7);
    CHECK(requests[1].count == 1);
    // Gap 3: everything in one.
    CHECK(plan(points, limits_with(125, 3)).size() == 1);
}

TEST_CASE("requests respect max_registers, including a lower per-device maximum") {
    std::vector<PointSpec> points;
    for (uint16_t i = 0; i < 130; ++i)
        points.push_back(make("P" + std::to_string(i), i));
    auto requests = plan(points);
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].count == 125);
    CHECK(requests[1].address == 125);
    CHECK(requests[1].count == 5);

    points.resize(25);
    requests = plan(points, limits_with(10, 0));
    REQUIRE(requests.size() == 3);
    CHECK(requests[0].count == 10);
    CHECK(requests[1].count == 10);
    CHECK(requests[2].count == 5);

    // A 32-bit value never straddles two requests.
    const std::vector<PointSpec> wide{make("A", 0), make("B", 1), make("C", 2, Type::u32)};
    requests = plan(wide, limits_with(3, 0));
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].count == 2);
    CHECK(requests[1].address == 2);
    CHECK(requests[1].count == 2);
}

TEST_CASE("a point larger than the maximum is an error naming it") {
    CHECK(plan_error({make("Name", 100, Type::string)}, limits_with(4, 0)) ==
          "point Name(1): needs 8 registers, more than max_registers 4");
}

TEST_CASE("points of one frame are read in one request") {
    // The identification block: frame points at both ends, a loose point in between.
    const std::vector<PointSpec> points{
        make("Soco", 50000, Type::string16, Function::holding, "ident"),
        make("Loose", 50010),
        make("Ext", 50058, Type::string, Function::holding, "ident"),
    };
    const auto requests = plan(points, limits_with(125, 0));
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].address == 50000);
    CHECK(requests[0].count == 66);
    CHECK(requests[0].frame == "ident");
    CHECK(requests[0].points.size() == 2);
    CHECK(requests[1].address == 50010);
    CHECK(requests[1].frame.empty());
    CHECK(describe_request(requests[0], points) ==
          "FC03 @50000 x66 frame 'ident' -> Soco(1)+0, Ext(1)+58");
}

TEST_CASE("a frame that cannot fit one request is an error naming the frame") {
    const std::vector<PointSpec> points{make("A", 0, Type::u16, Function::holding, "big"),
                                        make("B", 200, Type::u16, Function::holding, "big")};
    CHECK(plan_error(points) == "frame 'big' spans 201 registers (0..200), more than "
                                "max_registers 125: it cannot be read in one request");
    const std::vector<PointSpec> mixed{make("A", 0, Type::u16, Function::holding, "f"),
                                       make("B", 1, Type::u16, Function::input, "f")};
    CHECK(plan_error(mixed).rfind("frame 'f': mixes functions holding and input", 0) == 0);
}

TEST_CASE("bits are planned with max_bits") {
    std::vector<PointSpec> points;
    for (uint16_t i = 0; i < 2100; ++i)
        points.push_back(make("C" + std::to_string(i), i, Type::bit, Function::coils));
    auto requests = plan(points);
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].function == Function::coils);
    CHECK(requests[0].count == 2000);
    CHECK(requests[1].count == 100);
    requests = plan(points, limits_with(125, 0, 1000));
    CHECK(requests.size() == 3);
}

TEST_CASE("output is sorted by function then address and is deterministic") {
    const std::vector<PointSpec> points{make("I", 10, Type::u16, Function::input), make("H2", 20),
                                        make("H1", 5),
                                        make("D", 3, Type::bit, Function::discrete_inputs),
                                        make("C", 7, Type::bit, Function::coils)};
    const auto requests = plan(points);
    REQUIRE(requests.size() == 5);
    CHECK(requests[0].function == Function::coils);
    CHECK(requests[1].function == Function::discrete_inputs);
    CHECK(requests[2].address == 5);
    CHECK(requests[3].address == 20);
    CHECK(requests[4].function == Function::input);
    CHECK(plan(points) == requests);
    CHECK(describe_plan(requests, points) == "FC01 @7 x1 -> C(1)+0\n"
                                             "FC02 @3 x1 -> D(1)+0\n"
                                             "FC03 @5 x1 -> H1(1)+0\n"
                                             "FC03 @20 x1 -> H2(1)+0\n"
                                             "FC04 @10 x1 -> I(1)+0\n");
}

TEST_CASE("overlapping points share a request") {
    const std::vector<PointSpec> points{make("Word", 10, Type::u32), make("Low", 11)};
    const auto requests = plan(points);
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].count == 2);
}

TEST_CASE("the plan converts to JSON") {
    auto quoted = make("Q\"x", 1);
    const std::vector<PointSpec> points{make("A", 0), quoted};
    CHECK(plan_to_json(plan(points), points) ==
          "[{\"function\":3,\"address\":0,\"count\":2,\"frame\":\"\",\"points\":["
          "{\"data\":\"A\",\"circuit\":1,\"offset\":0,\"count\":1},"
          "{\"data\":\"Q\\\"x\",\"circuit\":1,\"offset\":1,\"count\":1}]}]");
}

TEST_CASE("exception 2 splits a merged request, and the split is remembered") {
    std::vector<PointSpec> points;
    for (uint16_t i = 0; i < 4; ++i)
        points.push_back(make("P" + std::to_string(i), static_cast<uint16_t>(i * 2)));
    auto created = DevicePlanner::create(points, limits_with(125, 1));
    REQUIRE(created.ok());
    DevicePlanner planner = std::move(created).value();
    REQUIRE(planner.requests().size() == 1);
    const ReadRequest merged = planner.requests()[0];
    CHECK(merged.count == 7);

    CHECK(planner.on_exception(merged, 2) == DevicePlanner::Reaction::split);
    REQUIRE(planner.requests().size() == 2);
    CHECK(planner.requests()[0].address == 0);
    CHECK(planner.requests()[0].count == 3);
    CHECK(planner.requests()[1].address == 4);
    CHECK(planner.requests()[1].count == 3);
    // The merged request is gone for good: a late report about it changes nothing.
    CHECK(planner.on_exception(merged, 2) == DevicePlanner::Reaction::none);

    // The second half refuses too (exception 3): split again down to single points.
    const ReadRequest second = planner.requests()[1];
    CHECK(planner.on_exception(second, 3) == DevicePlanner::Reaction::split);
    REQUIRE(planner.requests().size() == 3);
    const ReadRequest single = planner.requests()[2];
    REQUIRE(single.points.size() == 1);
    CHECK(single.points[0].index == 3);

    // A single point still refused: that point is failed, the others are unaffected.
    CHECK(planner.on_exception(single, 2) == DevicePlanner::Reaction::point_failed);
    REQUIRE(planner.failed_points().size() == 1);
    CHECK(planner.failed_points()[0].index == 3);
    CHECK(planner.failed_points()[0].exception_code == 2);
    REQUIRE(planner.requests().size() == 2);
    CHECK(planner.describe() == "FC03 @0 x3 -> P0(1)+0, P1(1)+2\n"
                                "FC03 @4 x1 -> P2(1)+0\n"
                                "failed: P3(1) exception 2\n");

    planner.reset();
    CHECK(planner.requests().size() == 1);
    CHECK(planner.failed_points().empty());
}

TEST_CASE("other exceptions do not change the plan") {
    auto created = DevicePlanner::create({make("A", 0), make("B", 1)}, {});
    REQUIRE(created.ok());
    DevicePlanner planner = std::move(created).value();
    const ReadRequest request = planner.requests()[0];
    CHECK(planner.on_exception(request, 4) == DevicePlanner::Reaction::none);
    CHECK(planner.on_exception(request, 6) == DevicePlanner::Reaction::none);
    CHECK(planner.requests().size() == 1);
}

TEST_CASE("split_request halves along point boundaries") {
    const std::vector<PointSpec> points{make("A", 0), make("B", 1, Type::u32), make("C", 10)};
    const auto halves = split_request(plan(points, limits_with(125, 10))[0], points);
    REQUIRE(halves.size() == 2);
    CHECK(halves[0].address == 0);
    CHECK(halves[0].count == 1);
    CHECK(halves[1].address == 1);
    CHECK(halves[1].count == 10);
    CHECK(halves[1].points[1] == PlannedPoint{2, 9, 1});
}
