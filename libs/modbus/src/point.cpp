#include "modbus/point.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace gs::modbus {
namespace {

Error field_error(std::string_view field, const std::string &message) {
    return Error{"field '" + std::string(field) + "': " + message};
}

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

// Decimal, or hexadecimal with a 0x prefix. No sign, no blanks.
std::optional<uint64_t> parse_unsigned(std::string_view text) {
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text.remove_prefix(2);
    }
    if (text.empty() || text.size() > 20) return std::nullopt;
    uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<double> parse_real(std::string_view text) {
    if (!text.empty() && text[0] == '+') text.remove_prefix(1);
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
        !std::isfinite(value))
        return std::nullopt;
    return value;
}

Result<uint64_t> unsigned_field(std::string_view field, std::string_view text, uint64_t min,
                                uint64_t max) {
    const auto value = parse_unsigned(text);
    const std::string range = " (" + std::to_string(min) + ".." + std::to_string(max) + ")";
    if (!value) return field_error(field, quoted(text) + " is not an unsigned integer" + range);
    if (*value < min || *value > max)
        return field_error(field, quoted(text) + " is out of range" + range);
    return *value;
}

Result<double> real_field(std::string_view field, std::string_view text) {
    const auto value = parse_real(text);
    if (!value) return field_error(field, quoted(text) + " is not a finite number");
    return *value;
}

template <class T> Result<T> with_field(std::string_view field, Result<T> result) {
    if (result) return result;
    return field_error(field, result.error());
}

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<Function> table_of_prefix(char prefix) {
    switch (prefix) {
    case '0':
        return Function::coils;
    case '1':
        return Function::discrete_inputs;
    case '3':
        return Function::input;
    case '4':
        return Function::holding;
    default:
        return std::nullopt;
    }
}

Result<ParsedAddress> parse_reference(std::string_view text, bool zero_based) {
    const std::string expected =
        zero_based ? "a 6-digit reference like 418444 (4 holding, 3 input, 1 discrete inputs, "
                     "0 coils, then the 0-based address)"
                   : "a reference like 400001 or 40001 (4 holding, 3 input, 1 discrete inputs, "
                     "0 coils, then the 1-based register number)";
    const bool length_ok = zero_based ? text.size() == 6 : (text.size() == 5 || text.size() == 6);
    if (!all_digits(text) || !length_ok) return Error{quoted(text) + " is not " + expected};
    const auto function = table_of_prefix(text[0]);
    if (!function)
        return Error{quoted(text) + " has unknown table prefix '" + std::string(1, text[0]) +
                     "' (expected 0, 1, 3 or 4)"};
    const uint64_t number = *parse_unsigned(text.substr(1));
    const uint64_t min = zero_based ? 0 : 1;
    const uint64_t max = zero_based ? 65535 : (text.size() == 5 ? 9999 : 65536);
    if (number < min || number > max)
        return Error{quoted(text) + " is out of range for " + expected};
    return ParsedAddress{static_cast<uint16_t>(zero_based ? number : number - 1), function};
}

} // namespace

bool is_bit_function(Function function) {
    return function == Function::coils || function == Function::discrete_inputs;
}

bool is_writable(Function function) {
    return function == Function::coils || function == Function::holding;
}

Result<Function> parse_function(std::string_view name) {
    if (name == "coils" || name == "1") return Function::coils;
    if (name == "discrete_inputs" || name == "2") return Function::discrete_inputs;
    if (name == "holding" || name == "3") return Function::holding;
    if (name == "input" || name == "4") return Function::input;
    return Error{"unknown function " + quoted(name) +
                 " (expected one of coils, discrete_inputs, holding, input, or 1..4)"};
}

std::string_view to_string(Function function) {
    switch (function) {
    case Function::coils:
        return "coils";
    case Function::discrete_inputs:
        return "discrete_inputs";
    case Function::holding:
        return "holding";
    case Function::input:
        return "input";
    }
    return "invalid";
}

Result<AddressBase> parse_address_base(std::string_view name) {
    if (name == "pdu") return AddressBase::pdu;
    if (name == "one_based") return AddressBase::one_based;
    if (name == "modicon") return AddressBase::modicon;
    if (name == "modicon_zero_based") return AddressBase::modicon_zero_based;
    return Error{"unknown address base " + quoted(name) +
                 " (expected one of pdu, one_based, modicon, modicon_zero_based)"};
}

std::string_view to_string(AddressBase base) {
    switch (base) {
    case AddressBase::pdu:
        return "pdu";
    case AddressBase::one_based:
        return "one_based";
    case AddressBase::modicon:
        return "modicon";
    case AddressBase::modicon_zero_based:
        return "modicon_zero_based";
    }
    return "invalid";
}

Format PointSpec::format() const {
    return Format{type, byte_order, word_order, coefficient, offset, string_registers};
}

bool is_point_key(std::string_view key) {
    return std::find(kPointKeys.begin(), kPointKeys.end(), key) != kPointKeys.end();
}

bool is_defaults_key(std::string_view key) {
    return std::find(kDefaultsKeys.begin(), kDefaultsKeys.end(), key) != kDefaultsKeys.end();
}

Result<ParsedAddress> parse_address(std::string_view text, AddressBase base) {
    switch (base) {
    case AddressBase::pdu: {
        const auto value = parse_unsigned(text);
        if (!value || *value > 65535)
            return Error{quoted(text) + " is not a PDU address 0..65535 (decimal or 0x-hex)"};
        return ParsedAddress{static_cast<uint16_t>(*value), std::nullopt};
    }
    case AddressBase::one_based: {
        const auto value = parse_unsigned(text);
        if (!value || *value < 1 || *value > 65536)
            return Error{quoted(text) + " is not a 1-based register number 1..65536"};
        return ParsedAddress{static_cast<uint16_t>(*value - 1), std::nullopt};
    }
    case AddressBase::modicon:
        return parse_reference(text, false);
    case AddressBase::modicon_zero_based:
        return parse_reference(text, true);
    }
    return Error{"internal: unknown address base"};
}

Result<Defaults> parse_defaults(const ConfigLookup &get) {
    Defaults defaults;
    if (auto text = get("function")) {
        auto function = with_field("function", parse_function(*text));
        if (!function) return Error{function.error()};
        defaults.function = function.value();
    }
    if (auto text = get("byte_order")) {
        auto order = with_field("byte_order", parse_byte_order(*text));
        if (!order) return Error{order.error()};
        defaults.byte_order = order.value();
    }
    if (auto text = get("word_order")) {
        auto order = with_field("word_order", parse_word_order(*text));
        if (!order) return Error{order.error()};
        defaults.word_order = order.value();
    }
    if (auto text = get("max_registers")) {
        auto value = unsigned_field("max_registers", *text, 1, kMaxReadRegisters);
        if (!value) return Error{value.error()};
        defaults.max_registers = static_cast<uint16_t>(value.value());
    }
    if (auto text = get("max_bits")) {
        auto value = unsigned_field("max_bits", *text, 1, kMaxReadBits);
        if (!value) return Error{value.error()};
        defaults.max_bits = static_cast<uint16_t>(value.value());
    }
    if (auto text = get("max_gap")) {
        auto value = unsigned_field("max_gap", *text, 0, kMaxReadBits);
        if (!value) return Error{value.error()};
        defaults.max_gap = static_cast<uint16_t>(value.value());
    }
    if (auto text = get("timeout_ms")) {
        auto value = unsigned_field("timeout_ms", *text, 1, 600000);
        if (!value) return Error{value.error()};
        defaults.timeout_ms = static_cast<uint32_t>(value.value());
    }
    if (auto text = get("address_base")) {
        auto base = with_field("address_base", parse_address_base(*text));
        if (!base) return Error{base.error()};
        defaults.address_base = base.value();
    }
    return defaults;
}

Result<PointSpec> parse_point(const ConfigLookup &get, const Defaults &defaults) {
    PointSpec point;
    point.byte_order = defaults.byte_order;
    point.word_order = defaults.word_order;

    auto data = get("data");
    if (!data) data = get("name"); // a profile command: its name stands for the data
    if (!data) return field_error("data", "required");
    point.data = *data;

    if (auto text = get("circuit")) {
        auto circuit = unsigned_field("circuit", *text, 0, UINT32_MAX);
        if (!circuit) return Error{circuit.error()};
        point.circuit = static_cast<uint32_t>(circuit.value());
    }

    std::optional<Function> explicit_function;
    if (auto text = get("function")) {
        auto function = with_field("function", parse_function(*text));
        if (!function) return Error{function.error()};
        explicit_function = function.value();
    }

    const auto address_text = get("address");
    if (!address_text) return field_error("address", "required");
    auto address = with_field("address", parse_address(*address_text, defaults.address_base));
    if (!address) return Error{address.error()};
    point.address = address.value().address;
    point.function = explicit_function.value_or(defaults.function);
    if (const auto implied = address.value().function) {
        if (explicit_function && *explicit_function != *implied)
            return field_error("address", "reference " + quoted(*address_text) + " is in the " +
                                              std::string(to_string(*implied)) +
                                              " table but function is " +
                                              std::string(to_string(*explicit_function)));
        point.function = *implied;
    }

    const auto type_text = get("type");
    if (!type_text) return field_error("type", "required");
    auto type = with_field("type", parse_type(*type_text));
    if (!type) return Error{type.error()};
    point.type = type.value();

    if (auto text = get("byte_order")) {
        auto order = with_field("byte_order", parse_byte_order(*text));
        if (!order) return Error{order.error()};
        point.byte_order = order.value();
    }
    if (auto text = get("word_order")) {
        auto order = with_field("word_order", parse_word_order(*text));
        if (!order) return Error{order.error()};
        point.word_order = order.value();
    }
    if (auto text = get("coefficient")) {
        auto value = real_field("coefficient", *text);
        if (!value) return Error{value.error()};
        point.coefficient = value.value();
    }
    if (auto text = get("offset")) {
        auto value = real_field("offset", *text);
        if (!value) return Error{value.error()};
        point.offset = value.value();
    }
    if (auto text = get("frame")) point.frame = *text;

    const auto registers = get("registers");
    if (is_string(point.type)) {
        if (!registers)
            return field_error("registers",
                               "required for type " + std::string(to_string(point.type)));
        auto count = unsigned_field("registers", *registers, 1, kMaxReadRegisters);
        if (!count) return Error{count.error()};
        point.string_registers = static_cast<uint16_t>(count.value());
    } else if (registers) {
        return field_error("registers", "only string types take a register count; type " +
                                            std::string(to_string(point.type)) + " uses " +
                                            std::to_string(point.count()));
    }

    auto valid = validate_point(point);
    if (!valid) return Error{valid.error()};
    return point;
}

Status validate_point(const PointSpec &point) {
    if (point.data.empty()) return Status::failure("field 'data': must not be empty");
    if (point.function != Function::coils && point.function != Function::discrete_inputs &&
        point.function != Function::holding && point.function != Function::input)
        return Status::failure("field 'function': invalid function code " +
                               std::to_string(static_cast<int>(point.function)));
    if (point.type == Type::bit && !is_bit_function(point.function))
        return Status::failure("field 'type': type bit needs function coils or discrete_inputs, "
                               "not " +
                               std::string(to_string(point.function)));
    if (point.type != Type::bit && is_bit_function(point.function))
        return Status::failure("field 'type': type " + std::string(to_string(point.type)) +
                               " needs function holding or input, not " +
                               std::string(to_string(point.function)) +
                               " (use type bit for coils and discrete inputs)");
    if (is_string(point.type) &&
        (point.string_registers < 1 || point.string_registers > kMaxReadRegisters))
        return Status::failure("field 'registers': " + std::to_string(point.string_registers) +
                               " is out of range (1..125)");
    const uint32_t last = uint32_t{point.address} + point.count() - 1;
    if (last > 65535)
        return Status::failure("field 'address': " + std::string(to_string(point.type)) + " at " +
                               std::to_string(point.address) + " needs " +
                               std::to_string(point.count()) + " registers and runs past 65535");
    if (!std::isfinite(point.coefficient) || point.coefficient == 0.0)
        return Status::failure("field 'coefficient': must be a finite non-zero number");
    if (!std::isfinite(point.offset))
        return Status::failure("field 'offset': must be a finite number");
    return Status::success();
}

} // namespace gs::modbus
