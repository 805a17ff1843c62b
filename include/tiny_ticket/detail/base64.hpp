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

/// Strict RFC 4648 decoding (padding required, no whitespace) into `dst`,
/// which must hold base64_decoded_size(s) bytes (the length must be a multiple
/// of 4). On failure returns false and sets `bad_at` to the offending
/// character's offset; `dst` then holds garbage.
inline bool base64_decode_into(std::string_view s, unsigned char* dst, std::size_t& bad_at) {
    // 0xFF: not in the alphabet ('=' included: it is handled in the last quad).
    struct table {
        unsigned char v[256];
        constexpr table() : v() {
            for (int i = 0; i < 256; ++i) v[i] = 0xFF;
            for (int i = 0; i < 26; ++i) {
                v['A' + i] = static_cast<unsigned char>(i);
                v['a' + i] = static_cast<unsigned char>(i + 26);
            }
            for (int i = 0; i < 10; ++i) v['0' + i] = static_cast<unsigned char>(i + 52);
            v[static_cast<unsigned char>('+')] = 62;
            v[static_cast<unsigned char>('/')] = 63;
        }
    };
    static constexpr table tbl{};
    auto val = [](char c) -> int {
        const unsigned char x = tbl.v[static_cast<unsigned char>(c)];
        return x == 0xFF ? -1 : x;
    };
    if (s.size() % 4 != 0) {
        bad_at = s.size();
        return false;
    }
    if (s.empty()) return true;
    // Weights are megabytes of base64: every quad but the last (the only one
    // that may hold padding) is decoded with one validity test per quad,
    // straight into the caller's buffer (a model's weight vector, so the
    // bytes are written once).
    unsigned char* o = dst;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t full = s.size() - 4;
    std::size_t i = 0;
    // Two quads (six bytes) per step: one validity test and the table
    // lookups of both quads interleaved.
    for (; i + 8 <= full; i += 8) {
        const unsigned a = tbl.v[p[i]], b = tbl.v[p[i + 1]], c = tbl.v[p[i + 2]], d = tbl.v[p[i + 3]];
        const unsigned e = tbl.v[p[i + 4]], f = tbl.v[p[i + 5]], g = tbl.v[p[i + 6]], h = tbl.v[p[i + 7]];
        if ((a | b | c | d | e | f | g | h) & 0x80) break;  // the quad loop below finds the offset
        const std::uint32_t x = (a << 18) | (b << 12) | (c << 6) | d;
        const std::uint32_t y = (e << 18) | (f << 12) | (g << 6) | h;
        o[0] = static_cast<unsigned char>(x >> 16);
        o[1] = static_cast<unsigned char>((x >> 8) & 0xFF);
        o[2] = static_cast<unsigned char>(x & 0xFF);
        o[3] = static_cast<unsigned char>(y >> 16);
        o[4] = static_cast<unsigned char>((y >> 8) & 0xFF);
        o[5] = static_cast<unsigned char>(y & 0xFF);
        o += 6;
    }
    for (; i < full; i += 4) {
        const unsigned a = tbl.v[p[i]], b = tbl.v[p[i + 1]], c = tbl.v[p[i + 2]], d = tbl.v[p[i + 3]];
        if ((a | b | c | d) & 0x80) {
            for (std::size_t k = 0;; ++k)
                if (tbl.v[p[i + k]] == 0xFF) {
                    bad_at = i + k;
                    return false;
                }
        }
        const std::uint32_t x = (a << 18) | (b << 12) | (c << 6) | d;
        o[0] = static_cast<unsigned char>(x >> 16);
        o[1] = static_cast<unsigned char>((x >> 8) & 0xFF);
        o[2] = static_cast<unsigned char>(x & 0xFF);
        o += 3;
    }
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
        const char c = s[i + static_cast<std::size_t>(k)];
        if (c == '=' && k >= 2 && (k == 3 || s[i + 3] == '=')) {
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
    *o++ = static_cast<unsigned char>(x >> 16);
    if (pad < 2) *o++ = static_cast<unsigned char>((x >> 8) & 0xFF);
    if (pad < 1) *o++ = static_cast<unsigned char>(x & 0xFF);
    return true;
}

/// Strict RFC 4648 decoding (padding required, no whitespace). On failure
/// returns false and sets `bad_at` to the offending character's offset.
inline bool base64_decode(std::string_view s, std::vector<unsigned char>& out, std::size_t& bad_at) {
    out.clear();
    const long long n = base64_decoded_size(s);
    if (n < 0) {
        bad_at = s.size();
        return false;
    }
    out.resize(static_cast<std::size_t>(n));
    if (base64_decode_into(s, out.data(), bad_at)) return true;
    out.clear();
    return false;
}

}  // namespace tiny_ticket::detail
