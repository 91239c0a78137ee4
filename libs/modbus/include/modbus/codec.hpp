// Decoding and encoding of Modbus values: register words <-> numbers and strings.
//
// Conventions
// - Registers are the 16-bit words as the Modbus PDU carries them (high byte first on the wire).
//   Bits (coils, discrete inputs) are passed as one word per bit, 0 or 1.
// - ByteOrder::little swaps the two bytes of every register before anything else.
// - WordOrder::low_first means the least significant register comes first (lowest address);
//   it applies to the multi-register numeric types, not to strings (characters always run
//   from the lowest address up).
// - Scaling: value = raw * coefficient + offset. The coefficient converts raw units into
//   catalog units (raw kWh -> Wh: 1000; raw V/100 -> V: 0.01).
#pragma once

#include "modbus/result.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gs::modbus {

enum class Type : uint8_t {
    bit = 1, // one coil or discrete input
    u16,
    s16,
    u32,
    s32,
    u64,
    s64,
    f32,
    f64,
    string,   // two ASCII characters per register, high byte first, NUL padded
    string16, // one ASCII character per register in the low byte (SOCOMEC STRING_16)
};

enum class ByteOrder : uint8_t { big = 1, little };
enum class WordOrder : uint8_t { high_first = 1, low_first };

bool is_string(Type type);
bool is_float(Type type);
bool is_signed(Type type);

// Number of registers (or bits, for Type::bit) a value occupies. string_registers is used
// only by the string types.
uint16_t register_count(Type type, uint16_t string_registers);

Result<Type> parse_type(std::string_view name);
Result<ByteOrder> parse_byte_order(std::string_view name);
Result<WordOrder> parse_word_order(std::string_view name);
std::string_view to_string(Type type);
std::string_view to_string(ByteOrder order);
std::string_view to_string(WordOrder order);
// "bit, u16, s16, ..." for error messages.
std::string type_names();

// How a value is laid out and scaled.
struct Format {
    Type type = Type::u16;
    ByteOrder byte_order = ByteOrder::big;
    WordOrder word_order = WordOrder::high_first;
    double coefficient = 1.0;
    double offset = 0.0;
    uint16_t string_registers = 0; // string types only
};

// The value exactly as the device holds it, before scaling. Integers keep full 64-bit precision.
using RawValue = std::variant<bool, uint64_t, int64_t, double, std::string>;
// The scaled value: numbers in catalog units, or text.
using Value = std::variant<double, std::string>;

// Precondition for both decoders: count >= register_count(format.type, format.string_registers);
// otherwise an error is returned.
Result<RawValue> decode_raw(const Format &format, const uint16_t *registers, size_t count);
Result<Value> decode(const Format &format, const uint16_t *registers, size_t count);
// raw * coefficient + offset; strings pass through.
Value scale(const RawValue &raw, double coefficient, double offset);

// Inverse of decode, for writes: (value - offset) / coefficient, rounded to the nearest integer
// for integer types, range-checked. Strings longer than the register space are refused.
Result<std::vector<uint16_t>> encode(const Format &format, const Value &value);
Result<std::vector<uint16_t>> encode_raw(const Format &format, const RawValue &raw);

} // namespace gs::modbus
