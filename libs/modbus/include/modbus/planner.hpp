// The request planner: groups the points of one device into as few read requests as the
// device allows, and learns from Modbus exceptions which merges the device refuses.
#pragma once

#include "modbus/point.hpp"
#include "modbus/result.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gs::modbus {

struct PlanLimits {
    uint16_t max_registers = kMaxReadRegisters; // per request, FC 3/4
    uint16_t max_bits = kMaxReadBits;           // per request, FC 1/2
    uint16_t max_gap = 0; // unused registers (bits) a request may span between two points

    static PlanLimits from(const Defaults &defaults);
    uint16_t max_for(Function function) const;
};

// One point served by a request.
struct PlannedPoint {
    size_t index = 0;    // into the device's point list
    uint16_t offset = 0; // first register (bit) of the point, relative to the request address
    uint16_t count = 0;  // registers (bits) of the point

    bool operator==(const PlannedPoint &other) const;
};

struct ReadRequest {
    Function function = Function::holding;
    uint16_t address = 0;
    uint16_t count = 0;
    std::string frame;                // non-empty when the request was built for a frame
    std::vector<PlannedPoint> points; // sorted by offset, then index

    bool operator==(const ReadRequest &other) const;
    bool operator!=(const ReadRequest &other) const { return !(*this == other); }
};

// Plans the requests of one device. Points sharing a non-empty frame go into one request of
// their own (max_gap does not apply inside a frame); the other points are merged per function
// in address order while the span stays within the limit and holes stay within max_gap.
// Output is sorted by function, then address. Errors name the point or the frame.
Result<std::vector<ReadRequest>> plan_requests(const std::vector<PointSpec> &points,
                                               const PlanLimits &limits);

// Splits a request of two or more points into two requests along the point boundary in the
// middle of its point list. Each half spans only its own points.
std::vector<ReadRequest> split_request(const ReadRequest &request,
                                       const std::vector<PointSpec> &points);

// "FC03 @50000 x66 -> IEaPInst(1)+0, VPhN(1)+2", one line per request; frame requests carry
// "frame 'name'" before the arrow. Points are "data(circuit)+offset".
std::string describe_request(const ReadRequest &request, const std::vector<PointSpec> &points);
std::string describe_plan(const std::vector<ReadRequest> &requests,
                          const std::vector<PointSpec> &points);
// [{"function":3,"address":50000,"count":66,"frame":"","points":[{"data":"IEaPInst",
//   "circuit":1,"offset":0,"count":2},...]},...]
std::string plan_to_json(const std::vector<ReadRequest> &requests,
                         const std::vector<PointSpec> &points);

// The plan of one device and what the device taught it. Not thread-safe: owned by the link
// thread that polls the device.
class DevicePlanner {
public:
    struct FailedPoint {
        size_t index = 0;
        uint8_t exception_code = 0;
    };

    enum class Reaction {
        none,         // exception other than 2/3, or request no longer in the plan
        split,        // the request was replaced by two smaller ones
        point_failed, // the request held a single point: it is now failed
    };

    static Result<DevicePlanner> create(std::vector<PointSpec> points, PlanLimits limits);

    const std::vector<PointSpec> &points() const { return points_; }
    const PlanLimits &limits() const { return limits_; }
    // The active requests; failed points are no longer read.
    const std::vector<ReadRequest> &requests() const { return requests_; }
    const std::vector<FailedPoint> &failed_points() const { return failed_; }

    // Called when `request` (a copy of one of requests()) got Modbus exception `code`.
    // Codes 2 (illegal data address) and 3 (illegal data value) split a merged request in
    // halves along point boundaries; a single-point request marks its point failed with that
    // code. The change persists across cycles until reset(). Frame requests are split too: a
    // device that refuses the whole frame still delivers the points it accepts.
    Reaction on_exception(const ReadRequest &request, uint8_t code);

    // Forgets every split and failure (e.g. after the profile or the device changed).
    void reset();

    // describe_plan() plus one "failed: data(circuit) exception N" line per failed point.
    std::string describe() const;

private:
    DevicePlanner(std::vector<PointSpec> points, PlanLimits limits,
                  std::vector<ReadRequest> requests);
    void sort_requests();

    std::vector<PointSpec> points_;
    PlanLimits limits_;
    std::vector<ReadRequest> original_;
    std::vector<ReadRequest> requests_;
    std::vector<FailedPoint> failed_;
};

} // namespace gs::modbus
