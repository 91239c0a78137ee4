// A value or a human-readable error message. The core never throws across its public API:
// every fallible call returns a Result so the plugin glue can hand the message to the host.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace gs::modbus {

struct Error {
    std::string message;
};

template <class T> class Result {
public:
    Result(T value) : state_(std::move(value)) {}
    Result(Error error) : state_(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }

    // Precondition: ok().
    const T &value() const & { return std::get<T>(state_); }
    T &value() & { return std::get<T>(state_); }
    T &&value() && { return std::get<T>(std::move(state_)); }

    // Precondition: !ok().
    const std::string &error() const { return std::get<Error>(state_).message; }

private:
    std::variant<T, Error> state_;
};

// Result<void>: success, or an error message.
struct Status {
    static Status success() { return Status{}; }
    static Status failure(std::string message) { return Status{std::move(message), true}; }

    bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    const std::string &error() const { return message_; }

private:
    Status() = default;
    Status(std::string message, bool failed) : message_(std::move(message)), failed_(failed) {}
    std::string message_;
    bool failed_ = false;
};

} // namespace gs::modbus
