// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tiny_ticket::detail {

inline std::string base64_encode(const void* data, std::size_t n) {
    static constexpr char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const auto* p = static_cast<const unsigned char*>(data);
    std::string out;
    out.reserve((n + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        const std::uint32_t v = (std::uint32_t(p[i]) << 16) | (std::uint32_t(p[i + 1]) << 8) | p[i + 2];
        out += tbl[v >> 18];
        out += tbl[(v >> 12) & 63];
        out += tbl[(v >> 6) & 63];
        out += tbl[v & 63];
    }
    if (i < n) {
        std::uint32_t v = std::uint32_t(p[i]) << 16;
        if (i + 1 < n) v |= std::uint32_t(p[i + 1]) << 8;
        out += tbl[v >> 18];
        out += tbl[(v >> 12) & 63];
        out += (i + 1 < n) ? tbl[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

/// Decoded size of a padded base64 string, or -1 if its length is impossible.
inline long long base64_decoded_size(std::string_view s) noexcept {
    if (s.size() % 4 != 0) return -1;
    long long n = static_cast<long long>(s.size() / 4 * 3);
    if (!s.empty() && s.back() == '=') --n;
    if (s.size() >= 2 && s[s.size() - 2] == '=') --n;
    return n;
}

/// Strict RFC 4648 decoding (padding required, no whitespace). On failure
/// returns false and sets `bad_at` to the offending character's offset.
inline bool base64_decode(std::string_view s, std::vector<unsigned char>& out, std::size_t& bad_at) {
    auto val = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    out.clear();
    if (s.size() % 4 != 0) {
        bad_at = s.size();
        return false;
    }
    out.reserve(s.size() / 4 * 3);
    for (std::size_t i = 0; i < s.size(); i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = s[i + static_cast<std::size_t>(k)];
            const bool last_quad = i + 4 == s.size();
            if (c == '=' && last_quad && k >= 2 && (k == 3 || s[i + 3] == '=')) {
                v[k] = 0;
                ++pad;
                continue;
            }
            v[k] = val(c);
            if (v[k] < 0 || pad) {
                bad_at = i + static_cast<std::size_t>(k);
                return false;
            }
        }
        const std::uint32_t x = (std::uint32_t(v[0]) << 18) | (std::uint32_t(v[1]) << 12) | (std::uint32_t(v[2]) << 6) |
                                std::uint32_t(v[3]);
        out.push_back(static_cast<unsigned char>(x >> 16));
        if (pad < 2) out.push_back(static_cast<unsigned char>((x >> 8) & 0xFF));
        if (pad < 1) out.push_back(static_cast<unsigned char>(x & 0xFF));
    }
    return true;
}

}  // namespace tiny_ticket::detail
