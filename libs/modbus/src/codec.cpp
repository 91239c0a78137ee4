#include "modbus/codec.hpp"

#include <array>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

namespace gs::modbus {
namespace {

struct TypeName {
    Type type;
    std::string_view name;
};

constexpr std::array<TypeName, 11> kTypeNames{{
    {Type::bit, "bit"},
    {Type::u16, "u16"},
    {Type::s16, "s16"},
    {Type::u32, "u32"},
    {Type::s32, "s32"},
    {Type::u64, "u64"},
    {Type::s64, "s64"},
    {Type::f32, "f32"},
    {Type::f64, "f64"},
    {Type::string, "string"},
    {Type::string16, "string16"},
}};

uint16_t swap_bytes(uint16_t word) {
    return static_cast<uint16_t>((word << 8) | (word >> 8));
}

// The value's registers in most-significant-first order with bytes in big-endian order.
std::vector<uint16_t> normalized_words(const Format &format, const uint16_t *registers,
                                       size_t count) {
    std::vector<uint16_t> words(registers, registers + count);
    if (format.byte_order == ByteOrder::little) {
        for (auto &word : words)
            word = swap_bytes(word);
    }
    if (format.word_order == WordOrder::low_first && !is_string(format.type)) {
        std::vector<uint16_t> reversed(words.rbegin(), words.rend());
        words.swap(reversed);
    }
    return words;
}

// Inverse of normalized_words.
std::vector<uint16_t> device_words(const Format &format, std::vector<uint16_t> words) {
    if (format.word_order == WordOrder::low_first && !is_string(format.type)) {
        std::vector<uint16_t> reversed(words.rbegin(), words.rend());
        words.swap(reversed);
    }
    if (format.byte_order == ByteOrder::little) {
        for (auto &word : words)
            word = swap_bytes(word);
    }
    return words;
}

uint64_t combine(const std::vector<uint16_t> &words) {
    uint64_t value = 0;
    for (uint16_t word : words)
        value = (value << 16) | word;
    return value;
}

std::vector<uint16_t> split(uint64_t value, size_t count) {
    std::vector<uint16_t> words(count);
    for (size_t i = count; i-- > 0;) {
        words[i] = static_cast<uint16_t>(value & 0xFFFFu);
        value >>= 16;
    }
    return words;
}

template <class To, class From> To bit_cast(From from) {
    static_assert(sizeof(To) == sizeof(From));
    To to;
    std::memcpy(&to, &from, sizeof(To));
    return to;
}

std::string decode_text(const Format &format, const std::vector<uint16_t> &words) {
    std::string text;
    for (uint16_t word : words) {
        if (format.type == Type::string16) {
            text.push_back(static_cast<char>(word & 0xFF));
        } else {
            text.push_back(static_cast<char>(word >> 8));
            text.push_back(static_cast<char>(word & 0xFF));
        }
    }
    // NUL padded: the text ends at the first NUL.
    auto end = text.find('\0');
    if (end != std::string::npos) text.resize(end);
    return text;
}

Result<std::vector<uint16_t>> encode_text(const Format &format, const std::string &text) {
    const size_t registers = format.string_registers;
    const size_t capacity = format.type == Type::string16 ? registers : registers * 2;
    if (text.size() > capacity)
        return Error{"string of " + std::to_string(text.size()) + " characters does not fit in " +
                     std::to_string(registers) + " registers"};
    std::vector<uint16_t> words(registers, 0);
    for (size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<uint8_t>(text[i]);
        if (format.type == Type::string16)
            words[i] = byte;
        else if (i % 2 == 0)
            words[i / 2] = static_cast<uint16_t>(byte << 8);
        else
            words[i / 2] = static_cast<uint16_t>(words[i / 2] | byte);
    }
    return words;
}

// Rounds and range-checks a raw number for an integer type.
Result<RawValue> integer_raw(Type type, double raw) {
    if (!std::isfinite(raw)) return Error{"value is not a finite number"};
    const double rounded = std::nearbyint(raw);
    const auto out_of_range = [&] {
        return Error{"value " + std::to_string(raw) + " is out of range for " +
                     std::string(to_string(type))};
    };
    switch (type) {
    case Type::u16:
        if (rounded < 0 || rounded > 65535.0) return out_of_range();
        return RawValue{static_cast<uint64_t>(rounded)};
    case Type::u32:
        if (rounded < 0 || rounded > 4294967295.0) return out_of_range();
        return RawValue{static_cast<uint64_t>(rounded)};
    case Type::u64:
        if (rounded < 0 || rounded >= 18446744073709551616.0) return out_of_range();
        return RawValue{static_cast<uint64_t>(rounded)};
    case Type::s16:
        if (rounded < -32768.0 || rounded > 32767.0) return out_of_range();
        return RawValue{static_cast<int64_t>(rounded)};
    case Type::s32:
        if (rounded < -2147483648.0 || rounded > 2147483647.0) return out_of_range();
        return RawValue{static_cast<int64_t>(rounded)};
    case Type::s64:
        if (rounded < -9223372036854775808.0 || rounded >= 9223372036854775808.0)
            return out_of_range();
        return RawValue{static_cast<int64_t>(rounded)};
    default:
        return Error{"internal: not an integer type"};
    }
}

} // namespace

bool is_string(Type type) {
    return type == Type::string || type == Type::string16;
}
bool is_float(Type type) {
    return type == Type::f32 || type == Type::f64;
}
bool is_signed(Type type) {
    return type == Type::s16 || type == Type::s32 || type == Type::s64 || is_float(type);
}

uint16_t register_count(Type type, uint16_t string_registers) {
    switch (type) {
    case Type::bit:
    case Type::u16:
    case Type::s16:
        return 1;
    case Type::u32:
    case Type::s32:
    case Type::f32:
        return 2;
    case Type::u64:
    case Type::s64:
    case Type::f64:
        return 4;
    case Type::string:
    case Type::string16:
        return string_registers;
    }
    return 0;
}

std::string type_names() {
    std::string names;
    for (const auto &entry : kTypeNames) {
        if (!names.empty()) names += ", ";
        names += entry.name;
    }
    return names;
}

Result<Type> parse_type(std::string_view name) {
    for (const auto &entry : kTypeNames) {
        if (entry.name == name) return entry.type;
    }
    return Error{"unknown type '" + std::string(name) + "' (expected one of " + type_names() + ")"};
}

Result<ByteOrder> parse_byte_order(std::string_view name) {
    if (name == "big") return ByteOrder::big;
    if (name == "little") return ByteOrder::little;
    return Error{"unknown byte order '" + std::string(name) + "' (expected big or little)"};
}

Result<WordOrder> parse_word_order(std::string_view name) {
    if (name == "high_first") return WordOrder::high_first;
    if (name == "low_first") return WordOrder::low_first;
    return Error{"unknown word order '" + std::string(name) +
                 "' (expected high_first or low_first)"};
}

std::string_view to_string(Type type) {
    for (const auto &entry : kTypeNames) {
        if (entry.type == type) return entry.name;
    }
    return "invalid";
}

std::string_view to_string(ByteOrder order) {
    return order == ByteOrder::little ? "little" : "big";
}

std::string_view to_string(WordOrder order) {
    return order == WordOrder::low_first ? "low_first" : "high_first";
}

Result<RawValue> decode_raw(const Format &format, const uint16_t *registers, size_t count) {
    const size_t needed = register_count(format.type, format.string_registers);
    if (needed == 0)
        return Error{"type " + std::string(to_string(format.type)) + " needs a register count"};
    if (registers == nullptr || count < needed)
        return Error{"need " + std::to_string(needed) + " registers, got " +
                     std::to_string(registers == nullptr ? 0 : count)};

    if (format.type == Type::bit) return RawValue{registers[0] != 0};

    const auto words = normalized_words(format, registers, needed);
    if (is_string(format.type)) return RawValue{decode_text(format, words)};

    const uint64_t bits = combine(words);
    switch (format.type) {
    case Type::u16:
    case Type::u32:
    case Type::u64:
        return RawValue{bits};
    case Type::s16:
        return RawValue{static_cast<int64_t>(bit_cast<int16_t>(static_cast<uint16_t>(bits)))};
    case Type::s32:
        return RawValue{static_cast<int64_t>(bit_cast<int32_t>(static_cast<uint32_t>(bits)))};
    case Type::s64:
        return RawValue{bit_cast<int64_t>(bits)};
    case Type::f32:
        return RawValue{static_cast<double>(bit_cast<float>(static_cast<uint32_t>(bits)))};
    case Type::f64:
        return RawValue{bit_cast<double>(bits)};
    default:
        return Error{"internal: unhandled type"};
    }
}

Value scale(const RawValue &raw, double coefficient, double offset) {
    struct Scaler {
        double coefficient;
        double offset;
        Value operator()(bool bit) const { return (bit ? 1.0 : 0.0) * coefficient + offset; }
        Value operator()(uint64_t number) const {
            return static_cast<double>(number) * coefficient + offset;
        }
        Value operator()(int64_t number) const {
            return static_cast<double>(number) * coefficient + offset;
        }
        Value operator()(double number) const { return number * coefficient + offset; }
        Value operator()(const std::string &text) const { return text; }
    };
    return std::visit(Scaler{coefficient, offset}, raw);
}

Result<Value> decode(const Format &format, const uint16_t *registers, size_t count) {
    auto raw = decode_raw(format, registers, count);
    if (!raw) return Error{raw.error()};
    return scale(raw.value(), format.coefficient, format.offset);
}

Result<std::vector<uint16_t>> encode_raw(const Format &format, const RawValue &raw) {
    const size_t count = register_count(format.type, format.string_registers);
    if (count == 0)
        return Error{"type " + std::string(to_string(format.type)) + " needs a register count"};

    if (is_string(format.type)) {
        const auto *text = std::get_if<std::string>(&raw);
        if (text == nullptr) return Error{"a string type needs a text value"};
        auto words = encode_text(format, *text);
        if (!words) return words;
        return device_words(format, std::move(words).value());
    }
    if (std::holds_alternative<std::string>(raw))
        return Error{"type " + std::string(to_string(format.type)) + " needs a numeric value"};

    if (format.type == Type::bit) {
        if (const auto *bit = std::get_if<bool>(&raw))
            return std::vector<uint16_t>{static_cast<uint16_t>(*bit ? 1 : 0)};
        return Error{"type bit needs a boolean value"};
    }

    uint64_t bits = 0;
    if (const auto *unsigned_value = std::get_if<uint64_t>(&raw))
        bits = *unsigned_value;
    else if (const auto *signed_value = std::get_if<int64_t>(&raw))
        bits = bit_cast<uint64_t>(*signed_value);
    else if (const auto *real = std::get_if<double>(&raw)) {
        if (format.type == Type::f32)
            bits = bit_cast<uint32_t>(static_cast<float>(*real));
        else if (format.type == Type::f64)
            bits = bit_cast<uint64_t>(*real);
        else
            return Error{"internal: floating raw value for an integer type"};
    } else {
        return Error{"internal: boolean raw value for a register type"};
    }
    return device_words(format, split(bits, count));
}

Result<std::vector<uint16_t>> encode(const Format &format, const Value &value) {
    if (is_string(format.type)) {
        const auto *text = std::get_if<std::string>(&value);
        if (text == nullptr)
            return Error{"type " + std::string(to_string(format.type)) + " needs a text value"};
        return encode_raw(format, RawValue{*text});
    }
    const auto *number = std::get_if<double>(&value);
    if (number == nullptr)
        return Error{"type " + std::string(to_string(format.type)) + " needs a numeric value"};
    if (format.coefficient == 0.0 || !std::isfinite(format.coefficient))
        return Error{"cannot invert coefficient " + std::to_string(format.coefficient)};

    const double raw = (*number - format.offset) / format.coefficient;
    if (!std::isfinite(raw)) return Error{"value is not a finite number"};

    if (format.type == Type::bit) {
        const double rounded = std::nearbyint(raw);
        if (rounded != 0.0 && rounded != 1.0)
            return Error{"bit value must be 0 or 1, got " + std::to_string(raw)};
        return encode_raw(format, RawValue{rounded == 1.0});
    }
    if (format.type == Type::f32) {
        if (std::fabs(raw) > FLT_MAX)
            return Error{"value " + std::to_string(raw) + " is out of range for f32"};
        return encode_raw(format, RawValue{raw});
    }
    if (format.type == Type::f64) return encode_raw(format, RawValue{raw});

    auto integer = integer_raw(format.type, raw);
    if (!integer) return Error{integer.error()};
    return encode_raw(format, integer.value());
}

} // namespace gs::modbus
