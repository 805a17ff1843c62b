// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace tiny_ticket::train {

/// SplitMix64 step: a fast, well-mixed 64-bit sequence, used to seed other
/// generators and to derive independent streams from (seed, purpose, index).
inline std::uint64_t splitmix64(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/// Mixes several integers into one seed (order matters).
inline std::uint64_t derive_seed(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0) noexcept {
    std::uint64_t s = a;
    std::uint64_t x = splitmix64(s);
    s = x ^ (b * 0xd1342543de82ef95ull);
    x = splitmix64(s);
    s = x ^ (c * 0x9e3779b97f4a7c15ull);
    return splitmix64(s);
}

/// xoshiro256** with explicit integer-to-range and integer-to-float mappings,
/// so a seed gives the same numbers with every standard library (the std
/// distributions are implementation-defined). Not thread-safe; one per thread.
class rng {
public:
    explicit rng(std::uint64_t seed = 0) noexcept {
        std::uint64_t s = seed;
        for (auto& w : s_) w = splitmix64(s);
    }

    std::uint64_t next() noexcept {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    /// Uniform integer in [0, n); n must be > 0. Rejection sampling removes the
    /// modulo bias exactly.
    std::uint64_t below(std::uint64_t n) noexcept {
        const std::uint64_t threshold = (0 - n) % n;
        for (;;) {
            const std::uint64_t x = next();
            if (x >= threshold) return x % n;
        }
    }

    /// Uniform double in [0, 1) with 53 random bits.
    double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    /// Uniform float in [0, 1) with 24 random bits.
    float uniform_float() noexcept { return static_cast<float>(next() >> 40) * 0x1.0p-24f; }

    /// Fisher-Yates shuffle.
    template <class U>
    void shuffle(std::vector<U>& v) noexcept {
        for (std::size_t i = v.size(); i > 1; --i) {
            const std::size_t j = static_cast<std::size_t>(below(i));
            std::swap(v[i - 1], v[j]);
        }
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
};

}  // namespace tiny_ticket::train
