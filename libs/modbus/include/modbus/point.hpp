// The point model: one value to read from a device, and the per-profile defaults, with
// validation from any string key/value configuration source.
#pragma once

#include "modbus/codec.hpp"
#include "modbus/result.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace gs::modbus {

// Modbus read function codes. Writes use FC 5/15 for coils and FC 6/16 for holding registers.
enum class Function : uint8_t { coils = 1, discrete_inputs = 2, holding = 3, input = 4 };

bool is_bit_function(Function function);
bool is_writable(Function function);
// Accepts "coils", "discrete_inputs", "holding", "input" or the codes "1".."4".
Result<Function> parse_function(std::string_view name);
std::string_view to_string(Function function);

// How the 'address' of a point is written in a profile (key 'address_base' in the defaults).
//   pdu                 0-based PDU address as sent on the wire, 0..65535; decimal or 0x-hex.
//                       This is the default and SOCOMEC's "Dec address" column.
//   one_based           1-based "register number" 1..65536 (address = n - 1).
//   modicon             classic 1-based reference whose first digit is the table:
//                       0xxxxx coils, 1xxxxx discrete inputs, 3xxxxx input, 4xxxxx holding;
//                       5 digits (40001..49999) or 6 digits (400001..465536); 400001 -> FC3 @0.
//   modicon_zero_based  the vendor-tool variant "table prefix * 100000 + PDU address" that
//                       SOCOMEC's tables use: 418444 -> FC3 @18444 (6 digits only).
// With the modicon notations the prefix sets the function; an explicit 'function' that
// disagrees is an error. Other notations are never guessed.
enum class AddressBase : uint8_t { pdu = 1, one_based, modicon, modicon_zero_based };

Result<AddressBase> parse_address_base(std::string_view name);
std::string_view to_string(AddressBase base);

inline constexpr uint16_t kMaxReadRegisters = 125;
inline constexpr uint16_t kMaxReadBits = 2000;

struct Defaults {
    Function function = Function::holding;
    ByteOrder byte_order = ByteOrder::big;
    WordOrder word_order = WordOrder::high_first;
    uint16_t max_registers = kMaxReadRegisters; // per request, FC 3/4, 1..125
    uint16_t max_bits = kMaxReadBits;           // per request, FC 1/2, 1..2000
    uint16_t max_gap = 0; // unused registers (or bits) a merged request may read across
    uint32_t timeout_ms = 1000;
    AddressBase address_base = AddressBase::pdu;
};

struct PointSpec {
    std::string data;     // catalog data name, e.g. "IEaPInst"
    uint32_t circuit = 0; // catalog circuit number
    uint16_t address = 0; // 0-based PDU address
    Function function = Function::holding;
    Type type = Type::u16;
    ByteOrder byte_order = ByteOrder::big;
    WordOrder word_order = WordOrder::high_first;
    double coefficient = 1.0;
    double offset = 0.0;
    std::string frame;             // points sharing a non-empty frame are read in one request
    uint16_t string_registers = 0; // string types only

    Format format() const;
    uint16_t count() const { return register_count(type, string_registers); }
};

// Keys a point entry may carry. Anything else should be refused by the caller.
//   data (required), circuit, address (required), function, type (required), byte_order,
//   word_order, coefficient, offset, frame, registers (required for string types).
inline constexpr std::array<std::string_view, 11> kPointKeys{
    "data",       "circuit",     "address", "function", "type",     "byte_order",
    "word_order", "coefficient", "offset",  "frame",    "registers"};

// Keys of the per-profile (or per-device) defaults block.
inline constexpr std::array<std::string_view, 8> kDefaultsKeys{
    "function", "byte_order", "word_order", "max_registers",
    "max_bits", "max_gap",    "timeout_ms", "address_base"};

bool is_point_key(std::string_view key);
bool is_defaults_key(std::string_view key);

// Returns the value of a key, or nullopt when the key is absent.
using ConfigLookup = std::function<std::optional<std::string>(std::string_view key)>;

// Errors read "field 'type': unknown type 'f33' (expected one of bit, u16, ...)".
Result<Defaults> parse_defaults(const ConfigLookup &get);
// Parses and validates one point; absent keys take their value from the defaults.
Result<PointSpec> parse_point(const ConfigLookup &get, const Defaults &defaults);
// Checks a point built by other means: type/function compatibility, address range, scaling.
Status validate_point(const PointSpec &point);

struct ParsedAddress {
    uint16_t address = 0;             // 0-based PDU address
    std::optional<Function> function; // set by the modicon notations only
};
// Converts an address written in the given notation.
Result<ParsedAddress> parse_address(std::string_view text, AddressBase base);

} // namespace gs::modbus
