// A deterministic, bounded stand-in for libFuzzer: feeds LLVMFuzzerTestOneInput with ~200k
// inputs built from valid TCP and RTU responses (then bit-flipped, truncated, extended or
// overwritten) and with random bytes, from a fixed seed. Each input sits in a buffer of its
// exact size so AddressSanitizer catches any read past the end.
#include "fuzz_frame_input.hpp"
#include "modbus/frame.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

using namespace gs::modbus;
using Bytes = std::vector<uint8_t>;

namespace {

constexpr int kIterations = 200000;

class Generator {
public:
    explicit Generator(uint64_t seed) : random_{seed} {}

    uint32_t below(uint32_t bound) { return static_cast<uint32_t>(random_() % bound); }
    uint8_t byte() { return static_cast<uint8_t>(random_()); }
    bool chance(uint32_t percent) { return below(100) < percent; }

    fuzzing::FuzzRequest request() {
        static constexpr uint8_t kFunctions[] = {1, 2, 3, 4, 5, 6, 15, 16};
        fuzzing::FuzzRequest fuzz;
        fuzz.transaction = static_cast<uint16_t>(random_());
        fuzz.unit = byte();
        auto &request = fuzz.request;
        request.function = kFunctions[below(8)];
        request.address = static_cast<uint16_t>(random_());
        switch (request.function) {
        case 1:
        case 2:
            request.quantity = static_cast<uint16_t>(1 + below(chance(90) ? 64 : 2000));
            break;
        case 3:
        case 4:
            request.quantity = static_cast<uint16_t>(1 + below(125));
            break;
        case 5:
        case 6:
            request.quantity = 1;
            request.values = {request.function == 5 ? static_cast<uint16_t>(below(2))
                                                    : static_cast<uint16_t>(random_())};
            break;
        default:
            // Mostly short writes: long ones cost time and exercise nothing new.
            request.quantity = static_cast<uint16_t>(
                1 + below(chance(90) ? 16 : (request.function == 15 ? 1968 : 123)));
            for (size_t i = 0; i < request.quantity; ++i)
                request.values.push_back(fuzzing::pattern_value(request.function, i));
            break;
        }
        if (chance(3)) // occasionally a malformed request
            request.quantity = static_cast<uint16_t>(random_());
        return fuzz;
    }

    // A correct answer to the request: a normal response or an exception, TCP or RTU.
    Bytes response(const fuzzing::FuzzRequest &fuzz, bool tcp) {
        Bytes pdu;
        if (chance(20)) {
            pdu = encode_exception_pdu(fuzz.request.function, static_cast<uint8_t>(1 + below(11)));
        } else {
            std::vector<uint16_t> values;
            if (is_read_function(fuzz.request.function)) {
                for (size_t i = 0; i < fuzz.request.quantity; ++i)
                    values.push_back(is_bit_read(fuzz.request.function)
                                         ? static_cast<uint16_t>(below(2))
                                         : static_cast<uint16_t>(random_()));
            }
            auto encoded = encode_response_pdu(fuzz.request, values);
            if (!encoded.ok()) return random_bytes(below(300));
            pdu = std::move(encoded).value();
        }
        return tcp ? wrap_tcp(fuzz.transaction, fuzz.unit, pdu) : wrap_rtu(fuzz.unit, pdu);
    }

    Bytes random_bytes(size_t size) {
        Bytes bytes(size);
        for (auto &b : bytes)
            b = byte();
        return bytes;
    }

    void mutate(Bytes &frame) {
        switch (below(6)) {
        case 0: // bit flips
            for (uint32_t flips = 1 + below(4); flips > 0 && !frame.empty(); --flips)
                frame[below(static_cast<uint32_t>(frame.size()))] ^=
                    static_cast<uint8_t>(1u << below(8));
            break;
        case 1: // truncation
            frame.resize(frame.empty() ? 0 : below(static_cast<uint32_t>(frame.size())));
            break;
        case 2: // extension
            for (uint32_t extra = 1 + below(16); extra > 0; --extra)
                frame.push_back(byte());
            break;
        case 3: // one byte overwritten (lengths, counts, ids are all near the front)
            if (!frame.empty())
                frame[below(static_cast<uint32_t>(std::min<size_t>(frame.size(), 10)))] = byte();
            break;
        case 4: // replaced by random bytes of a similar size
            frame = random_bytes(below(static_cast<uint32_t>(frame.size() + 8)));
            break;
        default: // a run of bytes duplicated or dropped in the middle
            if (frame.size() > 4) {
                const size_t at = below(static_cast<uint32_t>(frame.size()));
                if (chance(50))
                    frame.insert(frame.begin() + static_cast<long>(at), frame[at]);
                else
                    frame.erase(frame.begin() + static_cast<long>(at));
            }
            break;
        }
    }

private:
    // splitmix64: deterministic everywhere and cheap even without optimisation.
    struct SplitMix {
        uint64_t state;
        uint64_t operator()() {
            uint64_t z = (state += 0x9E3779B97F4A7C15ull);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            return z ^ (z >> 31);
        }
    };
    SplitMix random_;
};

} // namespace

int main() {
    Generator generate(0x6d6f64627573ull);
    unsigned ok = 0;
    unsigned unmutated_rejected = 0;
    for (int i = 0; i < kIterations; ++i) {
        const auto fuzz = generate.request();
        const bool tcp = generate.chance(50);
        Bytes frame;
        const bool random = generate.chance(5);
        const bool mutated = random || generate.chance(85);
        if (random) {
            frame = generate.random_bytes(generate.below(512));
        } else {
            frame = generate.response(fuzz, tcp);
            if (mutated) generate.mutate(frame);
        }
        Bytes input = fuzzing::write_header(fuzz);
        input.insert(input.end(), frame.begin(), frame.end());

        // Exactly sized heap copy: ASan reports any read past its end.
        auto exact = std::make_unique<uint8_t[]>(input.size());
        std::copy(input.begin(), input.end(), exact.get());
        LLVMFuzzerTestOneInput(exact.get(), input.size());

        // Sanity: an untouched valid answer must decode (guards the generator itself).
        if (!mutated &&
            fuzzing::read_header(input.data()).request.quantity == fuzz.request.quantity) {
            const auto response =
                tcp ? decode_tcp_response(fuzz.transaction, fuzz.unit, fuzz.request, frame.data(),
                                          frame.size())
                    : decode_rtu_response(fuzz.unit, fuzz.request, frame.data(), frame.size());
            if (response.verdict == Verdict::invalid &&
                response.reason != InvalidReason::bad_request)
                ++unmutated_rejected;
            else
                ++ok;
        }
    }
    std::printf("fuzz_frame_bounded: %d inputs, %u unmutated answers decoded, %u rejected\n",
                kIterations, ok, unmutated_rejected);
    return unmutated_rejected == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
