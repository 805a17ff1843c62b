// SPDX-License-Identifier: MIT
// Helpers shared by the benchmark sources.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string>

namespace tiny_ticket_bench {

/// Whitespace-separated words of a raw ticket: how the "18-22 words"
/// subsets of the benchmarks are chosen.
inline std::size_t count_words(const std::string& s) {
    std::size_t n = 0;
    bool in_word = false;
    for (const char c : s) {
        const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (!space && !in_word) ++n;
        in_word = !space;
    }
    return n;
}

/// The least time between two readings of the steady clock, in
/// microseconds: what each per-ticket timing subtracts.
inline double clock_overhead_us() {
    using clock = std::chrono::steady_clock;
    double overhead = 1e9;
    for (int k = 0; k < 1000; ++k) {
        const auto t0 = clock::now();
        const auto t1 = clock::now();
        overhead = std::min(overhead, std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
    return overhead;
}

}  // namespace tiny_ticket_bench
