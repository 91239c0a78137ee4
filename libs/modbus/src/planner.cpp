#include "modbus/planner.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

namespace gs::modbus {
namespace {

std::string point_name(const PointSpec &point) {
    return point.data + "(" + std::to_string(point.circuit) + ")";
}

uint32_t end_of(const PointSpec &point) {
    return uint32_t{point.address} + point.count();
}

std::string unit_name(Function function) {
    return is_bit_function(function) ? "bits" : "registers";
}

std::string limit_name(Function function) {
    return is_bit_function(function) ? "max_bits" : "max_registers";
}

// Builds a request covering exactly the given points.
ReadRequest request_for(Function function, const std::vector<size_t> &indices,
                        const std::vector<PointSpec> &points, std::string frame) {
    uint32_t first = 65536;
    uint32_t end = 0;
    for (size_t index : indices) {
        first = std::min<uint32_t>(first, points[index].address);
        end = std::max(end, end_of(points[index]));
    }
    ReadRequest request;
    request.function = function;
    request.address = static_cast<uint16_t>(first);
    request.count = static_cast<uint16_t>(end - first);
    request.frame = std::move(frame);
    for (size_t index : indices) {
        request.points.push_back(PlannedPoint{
            index, static_cast<uint16_t>(points[index].address - first), points[index].count()});
    }
    std::sort(request.points.begin(), request.points.end(),
              [](const PlannedPoint &a, const PlannedPoint &b) {
                  return std::tie(a.offset, a.index) < std::tie(b.offset, b.index);
              });
    return request;
}

bool request_order(const ReadRequest &a, const ReadRequest &b) {
    return std::tie(a.function, a.address, a.count, a.frame) <
           std::tie(b.function, b.address, b.count, b.frame);
}

std::string json_string(const std::string &text) {
    std::string out = "\"";
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

Result<std::vector<ReadRequest>> plan_frames(const std::vector<PointSpec> &points,
                                             const PlanLimits &limits) {
    std::map<std::string, std::vector<size_t>> frames;
    for (size_t i = 0; i < points.size(); ++i) {
        if (!points[i].frame.empty()) frames[points[i].frame].push_back(i);
    }
    std::vector<ReadRequest> requests;
    for (const auto &[name, indices] : frames) {
        const Function function = points[indices.front()].function;
        for (size_t index : indices) {
            if (points[index].function != function)
                return Error{"frame '" + name + "': mixes functions " +
                             std::string(to_string(function)) + " and " +
                             std::string(to_string(points[index].function)) + " (point " +
                             point_name(points[index]) + ")"};
        }
        auto request = request_for(function, indices, points, name);
        const uint16_t max = limits.max_for(function);
        if (request.count > max)
            return Error{"frame '" + name + "' spans " + std::to_string(request.count) + " " +
                         unit_name(function) + " (" + std::to_string(request.address) + ".." +
                         std::to_string(request.address + request.count - 1) + "), more than " +
                         limit_name(function) + " " + std::to_string(max) +
                         ": it cannot be read in one request"};
        requests.push_back(std::move(request));
    }
    return requests;
}

std::vector<ReadRequest> plan_loose_points(const std::vector<PointSpec> &points,
                                           const PlanLimits &limits) {
    std::vector<size_t> order;
    for (size_t i = 0; i < points.size(); ++i) {
        if (points[i].frame.empty()) order.push_back(i);
    }
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return std::make_tuple(points[a].function, points[a].address, a) <
               std::make_tuple(points[b].function, points[b].address, b);
    });

    std::vector<ReadRequest> requests;
    std::vector<size_t> group;
    uint32_t start = 0;
    uint32_t end = 0;
    const auto flush = [&] {
        if (!group.empty())
            requests.push_back(request_for(points[group.front()].function, group, points, ""));
        group.clear();
    };
    for (size_t index : order) {
        const PointSpec &point = points[index];
        if (!group.empty()) {
            const PointSpec &first = points[group.front()];
            const uint32_t new_end = std::max(end, end_of(point));
            const bool same_function = point.function == first.function;
            const bool gap_ok = point.address <= end + limits.max_gap;
            const bool size_ok = new_end - start <= limits.max_for(point.function);
            if (same_function && gap_ok && size_ok) {
                group.push_back(index);
                end = new_end;
                continue;
            }
            flush();
        }
        group.push_back(index);
        start = point.address;
        end = end_of(point);
    }
    flush();
    return requests;
}

} // namespace

PlanLimits PlanLimits::from(const Defaults &defaults) {
    return PlanLimits{defaults.max_registers, defaults.max_bits, defaults.max_gap};
}

uint16_t PlanLimits::max_for(Function function) const {
    return is_bit_function(function) ? max_bits : max_registers;
}

bool PlannedPoint::operator==(const PlannedPoint &other) const {
    return index == other.index && offset == other.offset && count == other.count;
}

bool ReadRequest::operator==(const ReadRequest &other) const {
    return function == other.function && address == other.address && count == other.count &&
           frame == other.frame && points == other.points;
}

Result<std::vector<ReadRequest>> plan_requests(const std::vector<PointSpec> &points,
                                               const PlanLimits &limits) {
    if (limits.max_registers < 1 || limits.max_registers > kMaxReadRegisters)
        return Error{"max_registers " + std::to_string(limits.max_registers) +
                     " is out of range (1..125)"};
    if (limits.max_bits < 1 || limits.max_bits > kMaxReadBits)
        return Error{"max_bits " + std::to_string(limits.max_bits) + " is out of range (1..2000)"};
    for (const auto &point : points) {
        auto valid = validate_point(point);
        if (!valid) return Error{"point " + point_name(point) + ": " + valid.error()};
        const uint16_t max = limits.max_for(point.function);
        if (point.count() > max)
            return Error{"point " + point_name(point) + ": needs " + std::to_string(point.count()) +
                         " " + unit_name(point.function) + ", more than " +
                         limit_name(point.function) + " " + std::to_string(max)};
    }

    auto requests = plan_frames(points, limits);
    if (!requests) return requests;
    for (auto &request : plan_loose_points(points, limits))
        requests.value().push_back(std::move(request));
    std::sort(requests.value().begin(), requests.value().end(), request_order);
    return requests;
}

std::vector<ReadRequest> split_request(const ReadRequest &request,
                                       const std::vector<PointSpec> &points) {
    if (request.points.size() < 2) return {request};
    const size_t middle = request.points.size() / 2;
    std::vector<size_t> first;
    std::vector<size_t> second;
    for (size_t i = 0; i < request.points.size(); ++i)
        (i < middle ? first : second).push_back(request.points[i].index);
    return {request_for(request.function, first, points, request.frame),
            request_for(request.function, second, points, request.frame)};
}

std::string describe_request(const ReadRequest &request, const std::vector<PointSpec> &points) {
    char head[64];
    std::snprintf(head, sizeof head, "FC%02d @%u x%u", static_cast<int>(request.function),
                  static_cast<unsigned>(request.address), static_cast<unsigned>(request.count));
    std::string line = head;
    if (!request.frame.empty()) line += " frame '" + request.frame + "'";
    line += " ->";
    for (size_t i = 0; i < request.points.size(); ++i) {
        const auto &planned = request.points[i];
        line += i == 0 ? " " : ", ";
        line += point_name(points[planned.index]) + "+" + std::to_string(planned.offset);
    }
    return line;
}

std::string describe_plan(const std::vector<ReadRequest> &requests,
                          const std::vector<PointSpec> &points) {
    std::string text;
    for (const auto &request : requests)
        text += describe_request(request, points) + "\n";
    return text;
}

std::string plan_to_json(const std::vector<ReadRequest> &requests,
                         const std::vector<PointSpec> &points) {
    std::string json = "[";
    for (size_t r = 0; r < requests.size(); ++r) {
        const auto &request = requests[r];
        json += r == 0 ? "" : ",";
        json += "{\"function\":" + std::to_string(static_cast<int>(request.function)) +
                ",\"address\":" + std::to_string(request.address) +
                ",\"count\":" + std::to_string(request.count) +
                ",\"frame\":" + json_string(request.frame) + ",\"points\":[";
        for (size_t p = 0; p < request.points.size(); ++p) {
            const auto &planned = request.points[p];
            const auto &point = points[planned.index];
            json += p == 0 ? "" : ",";
            json += "{\"data\":" + json_string(point.data) +
                    ",\"circuit\":" + std::to_string(point.circuit) +
                    ",\"offset\":" + std::to_string(planned.offset) +
                    ",\"count\":" + std::to_string(planned.count) + "}";
        }
        json += "]}";
    }
    return json + "]";
}

DevicePlanner::DevicePlanner(std::vector<PointSpec> points, PlanLimits limits,
                             std::vector<ReadRequest> requests)
    : points_(std::move(points)), limits_(limits), original_(requests),
      requests_(std::move(requests)) {}

Result<DevicePlanner> DevicePlanner::create(std::vector<PointSpec> points, PlanLimits limits) {
    auto requests = plan_requests(points, limits);
    if (!requests) return Error{requests.error()};
    return DevicePlanner(std::move(points), limits, std::move(requests).value());
}

DevicePlanner::Reaction DevicePlanner::on_exception(const ReadRequest &request, uint8_t code) {
    if (code != 2 && code != 3) return Reaction::none;
    const auto found = std::find(requests_.begin(), requests_.end(), request);
    if (found == requests_.end()) return Reaction::none;
    if (found->points.size() == 1) {
        failed_.push_back(FailedPoint{found->points.front().index, code});
        requests_.erase(found);
        return Reaction::point_failed;
    }
    auto halves = split_request(*found, points_);
    requests_.erase(found);
    for (auto &half : halves)
        requests_.push_back(std::move(half));
    sort_requests();
    return Reaction::split;
}

void DevicePlanner::reset() {
    requests_ = original_;
    failed_.clear();
}

void DevicePlanner::sort_requests() {
    std::stable_sort(requests_.begin(), requests_.end(), request_order);
}

std::string DevicePlanner::describe() const {
    std::string text = describe_plan(requests_, points_);
    for (const auto &failed : failed_) {
        text += "failed: " + point_name(points_[failed.index]) + " exception " +
                std::to_string(failed.exception_code) + "\n";
    }
    return text;
}

} // namespace gs::modbus
