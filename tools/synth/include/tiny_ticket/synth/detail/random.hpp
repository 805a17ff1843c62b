// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>

#include <tiny_ticket/train/rng.hpp>

namespace tiny_ticket::synth::detail {

using train::splitmix64;

/// The library's xoshiro256** generator (train/rng.hpp: its own range and
/// float mappings, since the std distributions would make the corpus differ
/// between standard libraries) plus the draws the generator needs. Not
/// thread-safe; one per ticket.
class rng : public train::rng {
public:
    explicit rng(std::uint64_t seed) noexcept : train::rng(seed) {}

    /// Uniform integer in [0, n); 0 for n <= 1 without drawing, so a
    /// one-entry list leaves the stream where it was.
    std::size_t below(std::size_t n) noexcept {
        return n <= 1 ? 0 : static_cast<std::size_t>(train::rng::below(n));
    }

    /// Uniform integer in [lo, hi] (inclusive); requires lo <= hi.
    int between(int lo, int hi) noexcept {
        return lo + static_cast<int>(below(static_cast<std::size_t>(hi - lo) + 1));
    }

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
