// SOCOMEC identification: decoding the common identification block at 50000 (0xC350) and
// choosing a device profile from what the device says. Free of the SDK.
//
// The block (public register facts, socomec-registers.md §2):
//   50000  4 words  STRING_16    "SOCO" (0x0053 0x004F 0x0043 0x004F): the device is SOCOMEC
//   50004  1 word   U16          product order id: 100 COUNTIS, 200 Protection, 300 ATYS, 400 DIRIS
//   50005  1 word   U16          product id (per-model values are not public)
//   50006  1 word   U16          Modbus table version x100
//   50007  1 word   U16          product software version x100
//   50042  8 words  STRING_NORM  vendor name
//   50050  8 words  STRING_NORM  product name
//   50058  8 words  STRING_NORM  extended name (OpenEMS identifies the model from it)
// ATyS p M has a 17-word block (50000..50016): no names; the device refuses a read at 50042.
#pragma once

#include <boost/property_tree/ptree.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gs::socomec {

inline constexpr uint16_t kSignatureAddress = 50000; // 'SOCO', 4 words
inline constexpr uint16_t kSignatureWords = 4;
inline constexpr uint16_t kOrderIdAddress = 50004; // order id, product id, versions: 4 words
inline constexpr uint16_t kOrderIdWords = 4;
inline constexpr uint16_t kNamesAddress = 50042; // vendor, product, extended: 3 x 8 words
inline constexpr uint16_t kNamesWords = 24;

// True when the 4 registers read at 50000 hold 'S','O','C','O' (STRING_16).
bool is_socomec_signature(const uint16_t *registers, size_t count);

// Two characters per register, high byte first, up to the first NUL; trailing spaces removed.
std::string decode_string_norm(const uint16_t *registers, size_t count);

// "COUNTIS" (100), "PROTECTION" (200), "ATYS" (300), "DIRIS" (400), "" for other values.
std::string family_of(uint16_t product_order_id);

// What a SOCOMEC device says about itself.
struct Identity {
    uint16_t product_order_id = 0;
    uint16_t product_id = 0;
    uint16_t table_version = 0;    // x100
    uint16_t software_version = 0; // x100
    std::string vendor;            // "" when the device has no name strings
    std::string product_name;
    std::string extended_name;

    std::string family() const { return family_of(product_order_id); }
    // The extended name, else the product name, else "" (ATyS p M).
    std::string model() const;
};

// Fills the numeric fields from the 4 registers at 50004 and the names from the 24 registers
// at 50042 (empty when the device refused that read).
Identity decode_identity(const std::vector<uint16_t> &order_block,
                         const std::vector<uint16_t> &names_block);

// A device profile as far as identification needs it.
struct ProfileInfo {
    std::string id;                           // "socomec/countis-e2x"
    std::string maker;                        // "SOCOMEC"
    std::string model;                        // primary model name
    std::vector<std::string> models;          // every model name it serves (at least `model`)
    std::string family;                       // "COUNTIS", "DIRIS", "ATYS", "DIGIWARE", ...
    uint32_t circuits = 1;                    //
    std::optional<uint16_t> product_order_id; // identification.product_order_id, if published
};

// A profile with its Modbus points, for polling the profile a device identifies as.
struct ProfilePoint {
    uint32_t circuit = 1;
    std::string data;
    boost::property_tree::ptree attrs; // the point's entry, every key
};

struct ProfileDef {
    ProfileInfo info;
    std::string file; // where it was read ("" for the site document)
    boost::property_tree::ptree defaults;
    std::vector<ProfilePoint> points; // empty when the source did not carry them
};

// The profiles of a gridscope.site/1 document (its "profiles" array). The document lists
// `models` and `identification` only if the kernel adds them; without them `models` = {model}.
// Read with gridscope/site.hpp; throws std::runtime_error when the text is not a site document.
std::vector<ProfileInfo> profiles_from_site_json(const std::string &site_json);
// The same with each profile's `defaults` and points (`data[].attrs`), when the document has
// them.
std::vector<ProfileDef> profile_defs_from_site_json(const std::string &site_json);

// Adds what `extra` knows (models, identification) to the profiles of `base` with the same id;
// profiles only in `extra` are appended.
std::vector<ProfileInfo> merge_profiles(std::vector<ProfileInfo> base,
                                        const std::vector<ProfileInfo> &extra);
// The same for definitions; a profile of `base` without points takes those of `extra`.
std::vector<ProfileDef> merge_profiles(std::vector<ProfileDef> base,
                                       const std::vector<ProfileDef> &extra);

struct Match {
    const ProfileInfo *profile = nullptr; // nullptr: an unknown SOCOMEC model
    std::string matched_name;             // the model name that matched, or ""
    std::string method;                   // "extended_name", "product_name", "product_order_id"
};

// Chooses the profile of a SOCOMEC device among the SOCOMEC profiles (maker compared
// case-insensitively):
//  1. the extended name, then the product name, lower-cased, starts with a lower-cased model
//     name of the profile (the longest such model name wins, as "diris a-10" over "diris a");
//     a profile with a published product_order_id must agree with the device's;
//  2. a device without names (ATyS p M) matches when exactly one profile has its
//     product_order_id.
// Otherwise no profile: the device is reported as an unknown SOCOMEC model.
Match match_profile(const Identity &identity, const std::vector<ProfileInfo> &profiles);

// The key/value pairs a scan reports for a device found at `unit`: unit, vendor, family, model,
// profile ("" = none), circuits, plus product_order_id, product_name, extended_name,
// table_version, software_version and match.
std::vector<std::pair<std::string, std::string>>
discovery_report(uint32_t unit, const Identity &identity, const Match &match);

} // namespace gs::socomec
