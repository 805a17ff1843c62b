// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace tiny_ticket::detail {

// FNV-1a: tokens are short (a few bytes), where its per-byte loop beats
// block hashes that pay setup cost; it is also fully specified, so hashed
// feature buckets are identical across compilers and platforms.
inline constexpr std::uint64_t fnv_offset = 14695981039346656037ull;
inline constexpr std::uint64_t fnv_prime = 1099511628211ull;

inline std::uint64_t fnv1a(std::string_view s, std::uint64_t h = fnv_offset) noexcept {
    for (unsigned char c : s) {
        h ^= c;
        h *= fnv_prime;
    }
    return h;
}

/// Final avalanche so low bits are usable as table indices.
inline std::uint64_t mix64(std::uint64_t x) noexcept {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

}  // namespace tiny_ticket::detail
