// SPDX-License-Identifier: MIT
#pragma once
// Emoji and ASCII emoticons as tokens the featurizer can see.
//
// Without this pass the normalizer folds every symbol to a space, so "😡😡😡"
// and ":(" vanish and an emoji-only ticket is classified like an empty one.
// Here each emoji or emoticon becomes one coarse class token (`<angry>`,
// `<happy>`, ...): a few classes generalize from little training data, where
// one token per code point would need every emoji in the training rows.
// The tokens use `<` and `>`, which the normalizer keeps, like `<url>`.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tiny_ticket {
namespace emoji {

/// The coarse classes; `other` is any emoji without a listed meaning.
enum class emoji_class : std::uint8_t { none, happy, love, thanks, laugh, sad, angry, annoyed, worried, other };

/// The token each class is written as (surrounded by spaces).
inline std::string_view token(emoji_class c) noexcept {
    switch (c) {
        case emoji_class::happy: return "<happy>";
        case emoji_class::love: return "<love>";
        case emoji_class::thanks: return "<thanks>";
        case emoji_class::laugh: return "<laugh>";
        case emoji_class::sad: return "<sad>";
        case emoji_class::angry: return "<angry>";
        case emoji_class::annoyed: return "<annoyed>";
        case emoji_class::worried: return "<worried>";
        case emoji_class::other: return "<emoji>";
        case emoji_class::none: break;
    }
    return {};
}

namespace detail {

struct code_class {
    std::uint32_t cp;
    emoji_class c;
};

// Sorted by code point (binary search). The classes follow the emoji's common
// reading in support messages, not their Unicode names.
inline constexpr code_class listed[] = {
    {0x2639, emoji_class::sad},       // ☹
    {0x263A, emoji_class::happy},     // ☺
    {0x2705, emoji_class::happy},     // ✅
    {0x2728, emoji_class::happy},     // ✨
    {0x2753, emoji_class::worried},   // ❓
    {0x2757, emoji_class::angry},     // ❗
    {0x2764, emoji_class::love},      // ❤
    {0x2B50, emoji_class::happy},     // ⭐
    {0x1F31F, emoji_class::happy},    // 🌟
    {0x1F389, emoji_class::happy},    // 🎉
    {0x1F44C, emoji_class::happy},    // 👌
    {0x1F44D, emoji_class::happy},    // 👍
    {0x1F44E, emoji_class::annoyed},  // 👎
    {0x1F44F, emoji_class::thanks},   // 👏
    {0x1F47F, emoji_class::angry},    // 👿
    {0x1F494, emoji_class::sad},      // 💔
    {0x1F495, emoji_class::love},     // 💕
    {0x1F496, emoji_class::love},     // 💖
    {0x1F497, emoji_class::love},     // 💗
    {0x1F499, emoji_class::love},     // 💙
    {0x1F49A, emoji_class::love},     // 💚
    {0x1F49B, emoji_class::love},     // 💛
    {0x1F49C, emoji_class::love},     // 💜
    {0x1F4A2, emoji_class::angry},    // 💢
    {0x1F4AF, emoji_class::happy},    // 💯
    {0x1F595, emoji_class::angry},    // 🖕
    {0x1F600, emoji_class::happy},    // 😀
    {0x1F601, emoji_class::happy},    // 😁
    {0x1F602, emoji_class::laugh},    // 😂
    {0x1F603, emoji_class::happy},    // 😃
    {0x1F604, emoji_class::happy},    // 😄
    {0x1F605, emoji_class::laugh},    // 😅
    {0x1F606, emoji_class::laugh},    // 😆
    {0x1F607, emoji_class::happy},    // 😇
    {0x1F609, emoji_class::happy},    // 😉
    {0x1F60A, emoji_class::happy},    // 😊
    {0x1F60C, emoji_class::happy},    // 😌
    {0x1F60D, emoji_class::love},     // 😍
    {0x1F60E, emoji_class::happy},    // 😎
    {0x1F610, emoji_class::annoyed},  // 😐
    {0x1F611, emoji_class::annoyed},  // 😑
    {0x1F612, emoji_class::annoyed},  // 😒
    {0x1F613, emoji_class::worried},  // 😓
    {0x1F614, emoji_class::sad},      // 😔
    {0x1F615, emoji_class::worried},  // 😕
    {0x1F616, emoji_class::sad},      // 😖
    {0x1F618, emoji_class::love},     // 😘
    {0x1F61E, emoji_class::sad},      // 😞
    {0x1F61F, emoji_class::worried},  // 😟
    {0x1F620, emoji_class::angry},    // 😠
    {0x1F621, emoji_class::angry},    // 😡
    {0x1F622, emoji_class::sad},      // 😢
    {0x1F623, emoji_class::sad},      // 😣
    {0x1F624, emoji_class::angry},    // 😤
    {0x1F625, emoji_class::sad},      // 😥
    {0x1F628, emoji_class::worried},  // 😨
    {0x1F629, emoji_class::sad},      // 😩
    {0x1F62B, emoji_class::sad},      // 😫
    {0x1F62C, emoji_class::worried},  // 😬
    {0x1F62D, emoji_class::sad},      // 😭
    {0x1F630, emoji_class::worried},  // 😰
    {0x1F631, emoji_class::worried},  // 😱
    {0x1F633, emoji_class::worried},  // 😳
    {0x1F639, emoji_class::laugh},    // 😹
    {0x1F63B, emoji_class::love},     // 😻
    {0x1F63F, emoji_class::sad},      // 😿
    {0x1F641, emoji_class::sad},      // 🙁
    {0x1F642, emoji_class::happy},    // 🙂
    {0x1F644, emoji_class::annoyed},  // 🙄
    {0x1F64F, emoji_class::thanks},   // 🙏
    {0x1F914, emoji_class::worried},  // 🤔
    {0x1F91D, emoji_class::thanks},   // 🤝
    {0x1F923, emoji_class::laugh},    // 🤣
    {0x1F929, emoji_class::happy},    // 🤩
    {0x1F92C, emoji_class::angry},    // 🤬
    {0x1F937, emoji_class::worried},  // 🤷
    {0x1F970, emoji_class::love},     // 🥰
    {0x1F973, emoji_class::happy},    // 🥳
    {0x1F97A, emoji_class::sad},      // 🥺
    {0x1F9E1, emoji_class::love},     // 🧡
};

// Code points that only modify the emoji before them (variation selector,
// zero-width joiner, skin tones, keycap): they add no token of their own.
inline bool is_modifier(std::uint32_t cp) noexcept {
    return cp == 0xFE0F || cp == 0xFE0E || cp == 0x200D || cp == 0x20E3 || (cp >= 0x1F3FB && cp <= 0x1F3FF);
}

inline bool in_emoji_blocks(std::uint32_t cp) noexcept {
    return (cp >= 0x2600 && cp <= 0x27BF) ||   // miscellaneous symbols, dingbats
           (cp >= 0x2B00 && cp <= 0x2BFF) ||   // arrows and stars (⭐)
           (cp >= 0x1F000 && cp <= 0x1FAFF);   // the emoji planes' blocks
}

// Decodes one well-formed UTF-8 sequence of 3 or 4 bytes at s[i]; 0 when it
// is not one (the caller then copies the byte through).
inline std::uint32_t decode(std::string_view s, std::size_t i, std::size_t& len) noexcept {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
    const unsigned char u = b(0);
    if (u >= 0xE0 && u <= 0xEF && cont(1) && cont(2)) {
        const std::uint32_t cp = (std::uint32_t(u & 0x0F) << 12) | (std::uint32_t(b(1) & 0x3F) << 6) | (b(2) & 0x3F);
        if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        len = 3;
        return cp;
    }
    if (u >= 0xF0 && u <= 0xF4 && cont(1) && cont(2) && cont(3)) {
        const std::uint32_t cp = (std::uint32_t(u & 0x07) << 18) | (std::uint32_t(b(1) & 0x3F) << 12) |
                                 (std::uint32_t(b(2) & 0x3F) << 6) | (b(3) & 0x3F);
        if (cp < 0x10000 || cp > 0x10FFFF) return 0;
        len = 4;
        return cp;
    }
    return 0;
}

struct emoticon {
    std::string_view text;
    emoji_class c;
    bool word_like;  // starts with a letter: needs a non-alphanumeric byte before it
};

// Longest first where one is a prefix of another (">:(" before ":(" is not
// needed: matching starts at each byte, and ">" is tried before ":").
inline constexpr emoticon emoticons[] = {
    {">:-(", emoji_class::angry, false}, {">:(", emoji_class::angry, false}, {":-(", emoji_class::sad, false},
    {":'(", emoji_class::sad, false},    {":(", emoji_class::sad, false},    {":[", emoji_class::sad, false},
    {"=(", emoji_class::sad, false},     {";(", emoji_class::sad, false},    {"</3", emoji_class::sad, false},
    {":-)", emoji_class::happy, false},  {":)", emoji_class::happy, false},  {":]", emoji_class::happy, false},
    {"=)", emoji_class::happy, false},   {";-)", emoji_class::happy, false}, {";)", emoji_class::happy, false},
    {":-D", emoji_class::laugh, false},  {":D", emoji_class::laugh, false},  {"xD", emoji_class::laugh, true},
    {"XD", emoji_class::laugh, true},    {":-P", emoji_class::happy, false}, {":P", emoji_class::happy, false},
    {":p", emoji_class::happy, false},   {"^_^", emoji_class::happy, false}, {"^^", emoji_class::happy, false},
    {"<3", emoji_class::love, false},    {":-/", emoji_class::annoyed, false}, {":/", emoji_class::annoyed, false},
    {":|", emoji_class::annoyed, false}, {"-_-", emoji_class::annoyed, false}, {":@", emoji_class::angry, false},
    {"T_T", emoji_class::sad, true},     {":O", emoji_class::worried, false}, {":o", emoji_class::worried, false},
};

inline bool is_alnum(unsigned char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// After an emoticon (and repeats of its last byte, ":)))"): the end, a
// space, sentence punctuation or a non-ASCII byte (an emoji). Anything else
// means the bytes were part of something else ("10:30", "http://", "re:Deal").
inline bool ends_token(std::string_view s, std::size_t j) noexcept {
    if (j >= s.size()) return true;
    const auto c = static_cast<unsigned char>(s[j]);
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '.' || c == ',' || c == '!' || c == '?' ||
           c == ';' || c >= 0x80;
}

}  // namespace detail

/// Length of the emoticon starting at s[i] (0 if none) and its class.
inline std::size_t match_emoticon(std::string_view s, std::size_t i, emoji_class& c) noexcept {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u != ':' && u != ';' && u != '=' && u != '<' && u != '>' && u != 'x' && u != 'X' && u != '^' && u != 'T' &&
        u != '-')
        return 0;
    for (const auto& e : detail::emoticons) {
        if (s.compare(i, e.text.size(), e.text) != 0) continue;
        if ((e.word_like || e.text[0] == '<' || e.text[0] == '-' || e.text[0] == '^') && i > 0 &&
            detail::is_alnum(static_cast<unsigned char>(s[i - 1])))
            continue;
        std::size_t j = i + e.text.size();
        while (j < s.size() && s[j] == e.text.back()) ++j;
        if (!detail::ends_token(s, j)) continue;
        c = e.c;
        return j - i;
    }
    return 0;
}

/// Class of a code point (none when it is not an emoji).
inline emoji_class classify(std::uint32_t cp) noexcept {
    std::size_t lo = 0, hi = sizeof(detail::listed) / sizeof(detail::listed[0]);
    while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        if (detail::listed[mid].cp < cp) lo = mid + 1;
        else hi = mid;
    }
    if (lo < sizeof(detail::listed) / sizeof(detail::listed[0]) && detail::listed[lo].cp == cp) return detail::listed[lo].c;
    return detail::in_emoji_blocks(cp) ? emoji_class::other : emoji_class::none;
}

/// Copies `in` to `out` with every emoji and emoticon replaced by its class
/// token between spaces and emoji modifiers dropped. Returns false, leaving
/// `out` unspecified, when `in` has none: the caller then keeps `in`.
/// Total on any bytes: invalid UTF-8 is copied through unchanged.
inline bool mark(std::string_view in, std::string& out) {
    bool any = false;
    out.clear();
    std::size_t copied = 0;  // in[copied, i) not yet written
    auto emit = [&](std::size_t i, std::size_t len, emoji_class c) {
        if (!any) out.reserve(in.size() + 16);
        any = true;
        out.append(in.data() + copied, i - copied);
        if (c != emoji_class::none) {
            out.push_back(' ');
            out.append(token(c));
            out.push_back(' ');
        }
        copied = i + len;
    };
    for (std::size_t i = 0; i < in.size();) {
        const auto u = static_cast<unsigned char>(in[i]);
        if (u >= 0xE0) {
            std::size_t len = 1;
            const std::uint32_t cp = detail::decode(in, i, len);
            if (cp == 0) {
                ++i;
                continue;
            }
            if (detail::is_modifier(cp)) emit(i, len, emoji_class::none);
            else if (const emoji_class c = classify(cp); c != emoji_class::none) emit(i, len, c);
            i += len;
            continue;
        }
        emoji_class c = emoji_class::none;
        if (const std::size_t len = match_emoticon(in, i, c)) {
            emit(i, len, c);
            i += len;
            continue;
        }
        ++i;
    }
    if (any) out.append(in.data() + copied, in.size() - copied);
    return any;
}

}  // namespace emoji
}  // namespace tiny_ticket
