// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <string>

// ASCII-only case helpers: std::toupper depends on the C locale and would
// touch UTF-8 continuation bytes under some locales; these never do.

namespace tiny_ticket::synth::detail {

inline bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }
inline bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
inline bool is_alpha(char c) noexcept { return is_lower(c) || is_upper(c); }
inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
inline char to_lower(char c) noexcept { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
inline char to_upper(char c) noexcept { return is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c; }

inline void lower_ascii(std::string& s) noexcept {
    for (auto& c : s) c = to_lower(c);
}

inline void upper_ascii(std::string& s) noexcept {
    for (auto& c : s) c = to_upper(c);
}

/// Uppercases the first ASCII letter, unless a digit or other word character
/// comes first (so "iPhone" stays and "{oid} ..." is left alone).
inline void capitalize_first(std::string& s) noexcept {
    for (auto& c : s) {
        if (is_lower(c)) {
            c = to_upper(c);
            return;
        }
        if (is_upper(c) || is_digit(c) || static_cast<unsigned char>(c) >= 0x80) return;
    }
}

/// Removes one trailing '.' (chat messages rarely end with a full stop).
inline void strip_final_period(std::string& s) {
    while (!s.empty() && s.back() == ' ') s.pop_back();
    if (s.size() >= 2 && s.back() == '.' && s[s.size() - 2] != '.') s.pop_back();
}

}  // namespace tiny_ticket::synth::detail
