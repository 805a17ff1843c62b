// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>

namespace tiny_ticket::synth::detail {

/// SplitMix64 step; seeds xoshiro and derives one independent stream per ticket.
inline std::uint64_t splitmix64(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/// xoshiro256** with its own range and float mappings. The std distributions
/// and std::shuffle are implementation-defined, so they would make the corpus
/// differ between libstdc++, libc++ and MSVC. Not thread-safe; one per ticket.
class rng {
public:
    explicit rng(std::uint64_t seed) noexcept {
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

    /// Uniform integer in [0, n); returns 0 for n == 0. Rejection sampling
    /// removes the modulo bias exactly.
    std::size_t below(std::size_t n) noexcept {
        if (n <= 1) return 0;
        const std::uint64_t m = n;
        const std::uint64_t threshold = (0 - m) % m;
        for (;;) {
            const std::uint64_t x = next();
            if (x >= threshold) return static_cast<std::size_t>(x % m);
        }
    }

    /// Uniform integer in [lo, hi] (inclusive); requires lo <= hi.
    int between(int lo, int hi) noexcept {
        return lo + static_cast<int>(below(static_cast<std::size_t>(hi - lo) + 1));
    }

    /// Uniform double in [0, 1) from 53 random bits; exact on every IEEE-754 platform.
    double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    /// True with probability p (p <= 0 never, p >= 1 always).
    bool chance(double p) noexcept { return uniform() < p; }

    /// Index drawn in proportion to integer weights; weights must not all be 0.
    template <class Weights>
    std::size_t weighted(const Weights& w) noexcept {
        std::uint64_t total = 0;
        for (auto x : w) total += x;
        std::uint64_t r = below(static_cast<std::size_t>(total));
        std::size_t i = 0;
        for (auto x : w) {
            if (r < x) return i;
            r -= x;
            ++i;
        }
        return 0;
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
};

/// One entry of a non-empty list, uniformly.
template <class List>
auto pick(rng& r, const List& list) noexcept -> decltype(list[0]) {
    return list[r.below(list.size())];
}

/// Seed for ticket `index` of a corpus: each ticket has its own stream, so a
/// shorter corpus is a prefix of a longer one with the same seed.
inline std::uint64_t ticket_seed(std::uint64_t seed, std::uint64_t index) noexcept {
    std::uint64_t s = seed ^ 0x7469636b65747331ull;  // "tickets1": keeps seed 0 away from a zero state
    const std::uint64_t a = splitmix64(s);
    s = a ^ (index * 0xd1342543de82ef95ull);
    return splitmix64(s);
}

}  // namespace tiny_ticket::synth::detail
