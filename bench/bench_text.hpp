// SPDX-License-Identifier: MIT
// Helpers shared by the benchmark sources.
#pragma once

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

}  // namespace tiny_ticket_bench
