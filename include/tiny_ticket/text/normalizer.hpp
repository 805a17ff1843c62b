// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../detail/string_map.hpp"
#include "../error.hpp"
#include "config.hpp"
#include "emoji.hpp"

namespace tiny_ticket {

/// Scratch buffers reused across calls so normalization does not allocate
/// once they have grown to the largest input seen.
struct normalizer_scratch {
    std::string a;      ///< one of two ping-pong buffers
    std::string b;      ///< the other
    std::string emoji;  ///< the text with emoji tokens, when the config asks for them
};

namespace detail {

/// Byte classes used by the normalizer's passes: one table lookup per byte
/// instead of a chain of range comparisons.
enum : unsigned char {
    byte_word = 1,      ///< [A-Za-z0-9_]: \w in ASCII
    byte_token = 2,     ///< [A-Za-z0-9<>]: kept by the final fold
    byte_space = 4,     ///< ' ' \t \n \r \f \v
    byte_digit = 8,     ///< [0-9]
    byte_upper = 16,    ///< [A-Z]
    byte_at = 32,       ///< '@': an e-mail address is possible
    byte_url = 64,      ///< ':' or '.': a URL is possible
    byte_special = 128  ///< lead bytes of the two non-ASCII letters lowercased to ASCII
};

struct byte_class_table {
    unsigned char v[256];
};

constexpr byte_class_table make_byte_classes() {
    byte_class_table t{};
    for (int c = 0; c < 256; ++c) {
        unsigned char k = 0;
        const bool lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z', digit = c >= '0' && c <= '9';
        if (lower || upper || digit || c == '_') k |= byte_word;
        if (lower || upper || digit || c == '<' || c == '>') k |= byte_token;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') k |= byte_space;
        if (digit) k |= byte_digit;
        if (upper) k |= byte_upper;
        if (c == '@') k |= byte_at;
        if (c == ':' || c == '.') k |= byte_url;
        if (c == 0xC4 || c == 0xE2) k |= byte_special;
        t.v[c] = k;
    }
    return t;
}

inline constexpr byte_class_table byte_classes = make_byte_classes();

}  // namespace detail

/// Turns raw bytes into normalized text: lowercase, placeholders, lexicon,
/// `&` -> `and`, every run of characters outside `[a-z0-9<>]` folded to one
/// space, trimmed. Total on any byte string (invalid UTF-8, NUL, control
/// characters); linear time; no regular expressions. Immutable after
/// construction and safe to share between threads.
class normalizer {
public:
    normalizer() : normalizer(normalizer_config{}) {}

    /// Throws tiny_ticket::error (errc::value) for an invalid lexicon key.
    explicit normalizer(normalizer_config config) : config_(std::move(config)) {
        build_lexicon();
    }

    /// The settings it was built with.
    const normalizer_config& config() const noexcept { return config_; }

    /// Normalizes `text` into `out` (cleared first). Never throws except
    /// std::bad_alloc; allocates only when `out` or `scratch` must grow.
    void normalize(std::string_view text, std::string& out, normalizer_scratch& scratch) const {
        std::string& s1 = scratch.a;
        std::string& s2 = scratch.b;
        // The bytes seen while lowercasing tell which placeholder passes can
        // match at all; most tickets need none of them. Once a pass has run,
        // its placeholder may have changed the answer, so the text is asked.
        if (config_.emoji && emoji::mark(text, scratch.emoji)) text = scratch.emoji;
        const unsigned seen = lower_and_trim(text, s1);
        const std::string* cur = &s1;
        bool replaced = false;
        if (!url_token_.empty() && (seen & detail::byte_url) && has_url_start(*cur)) {
            replace_urls(*cur, s2);
            cur = &s2;
            replaced = true;
        }
        if (!email_token_.empty() &&
            (replaced ? cur->find('@') != std::string::npos : (seen & detail::byte_at) != 0)) {
            std::string& dst = (cur == &s1) ? s2 : s1;
            replace_emails(*cur, dst);
            cur = &dst;
            replaced = true;
        }
        if (!number_token_.empty() && (replaced ? has_digit(*cur) : (seen & detail::byte_digit) != 0)) {
            std::string& dst = (cur == &s1) ? s2 : s1;
            replace_numbers(*cur, dst);
            cur = &dst;
        }
        lexicon_and_fold(*cur, out);
    }

    /// Convenience overload; allocates.
    std::string normalize(std::string_view text) const {
        std::string out;
        normalizer_scratch scratch;
        normalize(text, out, scratch);
        return out;
    }

    /// Splits normalized text on single spaces (its only separator); any
    /// text gives its maximal runs of non-space bytes.
    static void tokenize(std::string_view normalized, std::vector<std::string_view>& tokens) {
        tokens.clear();
        const char* p = normalized.data();
        const std::size_t n = normalized.size();
        std::size_t start = 0, i = 0;
        auto cut = [&](std::size_t at) {
            if (at > start) tokens.emplace_back(p + start, at - start);
            start = at + 1;
        };
        // Eight bytes at a time: a mask with the high bit of each space byte
        // (exact, no borrow between bytes), whose set bits are visited in
        // order; a ticket's ~20 spaces cost ~15 word steps instead of a
        // compare and branch per byte.
        constexpr std::uint64_t low7 = 0x7f7f7f7f7f7f7f7full, spaces = 0x2020202020202020ull;
        for (; i + 8 <= n; i += 8) {
            std::uint64_t v;
            std::memcpy(&v, p + i, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            v = __builtin_bswap64(v);  // byte k of the text in bits 8k..8k+7, as on little-endian
#endif
            v ^= spaces;  // space bytes become zero
            std::uint64_t zero = ~(((v & low7) + low7) | v | low7);
            while (zero) {
                cut(i + lowest_byte(zero));
                zero &= zero - 1;
            }
        }
        for (; i < n; ++i)
            if (p[i] == ' ') cut(i);
        cut(n);
    }
    /// True for the bytes a word may start and end with: ASCII letters, digits, '_'.
    static bool is_word(unsigned char c) noexcept {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

private:
    struct lexicon_entry {
        std::string key;
        std::string value;
    };
    // Most bytes a folded replacement can take ('&' becomes " and ").
    static constexpr std::size_t fold_growth = 5;

    static constexpr std::uint64_t high_bits = 0x8080808080808080ull;
    // High bit of each byte of v in [lo, hi] (ASCII bounds; bytes >= 0x80
    // never match), exactly: no carry crosses a byte.
    static constexpr std::uint64_t byte_range(std::uint64_t v, unsigned char lo, unsigned char hi) noexcept {
        constexpr std::uint64_t ones = 0x0101010101010101ull, low7 = 0x7f7f7f7f7f7f7f7full;
        const std::uint64_t h = v & low7;
        const std::uint64_t ge = h + ones * (0x80u - lo);  // high bit: h >= lo
        const std::uint64_t gt = h + ones * (0x7fu - hi);  // high bit: h > hi
        return ge & ~gt & ~v & high_bits;
    }
    // High bit of each byte of v that is a word character, [A-Za-z0-9_].
    static constexpr std::uint64_t word_bytes(std::uint64_t v) noexcept {
        return byte_range(v, 'a', 'z') | byte_range(v, 'A', 'Z') | byte_range(v, '0', '9') | byte_range(v, '_', '_');
    }

    // Index of the lowest byte whose high bit is set in m (m != 0).
    static std::size_t lowest_byte(std::uint64_t m) noexcept {
#if defined(__GNUC__) || defined(__clang__)
        return static_cast<std::size_t>(__builtin_ctzll(m)) / 8;
#else
        std::size_t k = 0;
        for (; !(m & 0x80); m >>= 8) ++k;
        return k;
#endif
    }

    static bool is_space(unsigned char c) noexcept {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    }
    // The URL pattern's \S excludes only these (not \v), as in RE2.
    static bool is_url_stop(unsigned char c) noexcept {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }
    static bool is_digit(unsigned char c) noexcept { return c >= '0' && c <= '9'; }
    static std::string trimmed(const std::string& s) {
        std::size_t b = 0, e = s.size();
        while (b < e && is_space(static_cast<unsigned char>(s[b]))) ++b;
        while (e > b && is_space(static_cast<unsigned char>(s[e - 1]))) --e;
        return s.substr(b, e - b);
    }

    void build_lexicon() {
        url_token_ = trimmed(config_.url_token);
        email_token_ = trimmed(config_.email_token);
        number_token_ = trimmed(config_.number_token);
        std::vector<lexicon_entry> entries;
        entries.reserve(config_.lexicon.size());
        for (std::size_t i = 0; i < config_.lexicon.size(); ++i) {
            const auto& kv = config_.lexicon[i];
            const std::string& k = kv.first;
            if (k.empty() || !is_word(static_cast<unsigned char>(k.front())) ||
                !is_word(static_cast<unsigned char>(k.back())))
                throw error(errc::value, "/normalizer/lexicon/" + std::to_string(i),
                            "expected a key that starts and ends with a letter, digit or '_', got \"" + k + "\"");
            entries.push_back({k, kv.second});
        }
        // Longest key first, ties in byte order: the reference applies keys in this order.
        std::sort(entries.begin(), entries.end(), [](const lexicon_entry& x, const lexicon_entry& y) {
            if (x.key.size() != y.key.size()) return x.key.size() > y.key.size();
            return x.key < y.key;
        });
        entries.erase(std::unique(entries.begin(), entries.end(),
                                  [](const lexicon_entry& x, const lexicon_entry& y) { return x.key == y.key; }),
                      entries.end());
        // Group by first word so the hot path does one hash lookup per word.
        std::vector<std::pair<std::string, std::vector<std::size_t>>> groups;
        detail::string_map group_index;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            std::size_t w = 0;
            while (w < entries[i].key.size() && is_word(static_cast<unsigned char>(entries[i].key[w]))) ++w;
            std::string first = entries[i].key.substr(0, w);
            std::int32_t g = group_index.find(first);
            if (g < 0) {
                g = static_cast<std::int32_t>(groups.size());
                group_index.insert(first, g);
                groups.push_back({first, {}});
            }
            groups[static_cast<std::size_t>(g)].second.push_back(i);
        }
        first_word_ = std::move(group_index);
        for (auto& m : first_filter_) m = 0;
        for (const auto& g : groups) {
            const std::uint32_t f = fingerprint(g.first.data(), g.first.size());
            first_filter_[f >> 6] |= std::uint64_t(1) << (f & 63);
        }
        group_begin_.clear();
        entries_.clear();
        for (auto& g : groups) {
            group_begin_.push_back(static_cast<std::uint32_t>(entries_.size()));
            for (std::size_t i : g.second) entries_.push_back(entries[i]);
        }
        group_begin_.push_back(static_cast<std::uint32_t>(entries_.size()));
    }

    // 12 bits from a word's length and its first, second and last bytes:
    // what first_filter_ is indexed by (the word is non-empty).
    static std::uint32_t fingerprint(const char* w, std::size_t n) noexcept {
        const std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(w[0])) |
                                static_cast<std::uint32_t>(static_cast<unsigned char>(w[n > 1 ? 1 : 0])) << 8 |
                                static_cast<std::uint32_t>(static_cast<unsigned char>(w[n - 1])) << 16 |
                                static_cast<std::uint32_t>(n < 255 ? n : 255) << 24;
        return (v * 0x9E3779B1u) >> 20;
    }

    // Trimmed copy of `in`, lowercased when configured; returns the OR of the
    // byte classes seen (before lowercasing).
    unsigned lower_and_trim(std::string_view in, std::string& out) const {
        const unsigned char* cls = detail::byte_classes.v;
        std::size_t b = 0, e = in.size();
        while (b < e && (cls[static_cast<unsigned char>(in[b])] & detail::byte_space)) ++b;
        while (e > b && (cls[static_cast<unsigned char>(in[e - 1])] & detail::byte_space)) --e;
        out.assign(in.data() + b, e - b);
        unsigned seen = 0;
        if (config_.lowercase) {
            // Comparisons instead of table lookups, so the compiler turns the
            // loop into vector code; only the classes normalize() asks about
            // are collected.
            unsigned char digit = 0, at = 0, url = 0, special = 0;
            unsigned char* p = reinterpret_cast<unsigned char*>(&out[0]);
            const std::size_t n = out.size();
            for (std::size_t i = 0; i < n; ++i) {
                const unsigned char u = p[i];
                digit |= static_cast<unsigned char>(static_cast<unsigned char>(u - '0') < 10);
                at |= static_cast<unsigned char>(u == '@');
                url |= static_cast<unsigned char>((u == ':') | (u == '.'));
                special |= static_cast<unsigned char>((u == 0xC4) | (u == 0xE2));
                p[i] = static_cast<unsigned char>(u + (static_cast<unsigned char>(static_cast<unsigned char>(u - 'A') < 26) << 5));
            }
            seen = (digit ? unsigned(detail::byte_digit) : 0u) | (at ? unsigned(detail::byte_at) : 0u) |
                   (url ? unsigned(detail::byte_url) : 0u) | (special ? unsigned(detail::byte_special) : 0u);
            if (seen & detail::byte_special) lower_exact(in.substr(b, e - b), out);
        } else {
            for (char c : out) seen |= cls[static_cast<unsigned char>(c)];
        }
        return seen;
    }

    // Lowercasing that also maps the two multi-byte letters whose lowercase
    // form is ASCII; only texts containing their lead bytes come here.
    static void lower_exact(std::string_view in, std::string& out) {
        out.clear();
        const std::size_t e = in.size();
        for (std::size_t i = 0; i < e; ++i) {
            char c = in[i];
            const auto u = static_cast<unsigned char>(c);
            if (u >= 'A' && u <= 'Z') {
                c = static_cast<char>(u + 32);
            } else if (u == 0xC4 && i + 1 < e && static_cast<unsigned char>(in[i + 1]) == 0xB0) {
                c = 'i';  // U+0130 LATIN CAPITAL LETTER I WITH DOT ABOVE
                ++i;
            } else if (u == 0xE2 && i + 2 < e && static_cast<unsigned char>(in[i + 1]) == 0x84 &&
                       static_cast<unsigned char>(in[i + 2]) == 0xAA) {
                c = 'k';  // U+212A KELVIN SIGN
                i += 2;
            }
            out.push_back(c);
        }
    }

    static bool has_url_start(const std::string& s) noexcept {
        return s.find("http") != std::string::npos || s.find("www.") != std::string::npos;
    }
    static bool has_digit(const std::string& s) noexcept {
        for (char c : s)
            if (is_digit(static_cast<unsigned char>(c))) return true;
        return false;
    }

    void append_placeholder(std::string& out, const std::string& token) const {
        out.push_back(' ');
        out.append(token);
        out.push_back(' ');
    }

    // https?://\S+ | www\.\S+ , leftmost-first, no word boundary required.
    void replace_urls(const std::string& in, std::string& out) const {
        out.clear();
        const std::size_t n = in.size();
        std::size_t i = 0;
        while (i < n) {
            std::size_t body = 0;
            if (in.compare(i, 7, "http://") == 0) body = i + 7;
            else if (in.compare(i, 8, "https://") == 0) body = i + 8;
            if (body && !(body < n && !is_url_stop(static_cast<unsigned char>(in[body])))) body = 0;
            if (!body && in.compare(i, 4, "www.") == 0 && i + 4 < n &&
                !is_url_stop(static_cast<unsigned char>(in[i + 4])))
                body = i + 4;
            if (body) {
                std::size_t j = body;
                while (j < n && !is_url_stop(static_cast<unsigned char>(in[j]))) ++j;
                append_placeholder(out, url_token_);
                i = j;
            } else {
                out.push_back(in[i]);
                ++i;
            }
        }
    }

    static bool word_at(const std::string& s, std::size_t i) noexcept {
        return i < s.size() && is_word(static_cast<unsigned char>(s[i]));
    }
    static bool boundary(const std::string& s, std::size_t i) noexcept {
        const bool before = i > 0 && is_word(static_cast<unsigned char>(s[i - 1]));
        return before != word_at(s, i);
    }

    // \b[\w.+-]+@[\w-]+\.[\w.-]+\b with leftmost-first backtracking semantics.
    // Every start inside one run of local-part characters reaches the same '@'
    // and domain, so each run is decided once: linear time.
    void replace_emails(const std::string& in, std::string& out) const {
        out.clear();
        const std::size_t n = in.size();
        auto local = [](unsigned char c) { return is_word(c) || c == '.' || c == '+' || c == '-'; };
        auto dom1 = [](unsigned char c) { return is_word(c) || c == '-'; };
        auto dom2 = [](unsigned char c) { return is_word(c) || c == '.' || c == '-'; };
        std::size_t i = 0;
        while (i < n) {
            if (!local(static_cast<unsigned char>(in[i]))) {
                out.push_back(in[i++]);
                continue;
            }
            std::size_t j = i;
            while (j < n && local(static_cast<unsigned char>(in[j]))) ++j;
            std::size_t match_start = n, match_end = 0;
            if (j < n && in[j] == '@') {
                std::size_t k = j + 1;
                while (k < n && dom1(static_cast<unsigned char>(in[k]))) ++k;
                if (k > j + 1 && k < n && in[k] == '.') {
                    std::size_t m = k + 1;
                    while (m < n && dom2(static_cast<unsigned char>(in[m]))) ++m;
                    for (std::size_t e = m; e >= k + 2; --e) {
                        if (boundary(in, e)) {
                            match_end = e;
                            break;
                        }
                    }
                    if (match_end) {
                        for (std::size_t s = i; s < j; ++s) {
                            if (boundary(in, s)) {
                                match_start = s;
                                break;
                            }
                        }
                    }
                }
            }
            if (match_end && match_start < j) {
                out.append(in, i, match_start - i);
                append_placeholder(out, email_token_);
                i = match_end;
            } else {
                out.append(in, i, j - i);
                i = j;
            }
        }
    }

    // \b\d+\b is exactly a maximal run of word characters that are all digits.
    // Text between such runs is appended in one piece. Digits are few: the
    // scan jumps from one to the next (eight bytes at a time) and looks at
    // the word around each, instead of classifying every byte.
    void replace_numbers(const std::string& in, std::string& out) const {
        out.clear();
        const unsigned char* cls = detail::byte_classes.v;
        const char* p = in.data();
        const std::size_t n = in.size();
        // Bytes before `done` belong to words already decided, or to none.
        std::size_t done = 0, copied = 0;
        for (;;) {
            std::size_t d = done;
            bool found = false;
            for (; d + 8 <= n; d += 8) {
                std::uint64_t v;
                std::memcpy(&v, p + d, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
                v = __builtin_bswap64(v);
#endif
                if (const std::uint64_t m = byte_range(v, '0', '9')) {
                    d += lowest_byte(m);
                    found = true;
                    break;
                }
            }
            if (!found) {
                while (d < n && !is_digit(static_cast<unsigned char>(p[d]))) ++d;
                if (d >= n) break;
            }
            // The word holding this first digit: it starts at d unless word
            // characters (then not digits) come right before it.
            const bool starts_here = d == done || !(cls[static_cast<unsigned char>(p[d - 1])] & detail::byte_word);
            std::size_t j = d;
            unsigned all = detail::byte_digit;
            for (; j < n; ++j) {
                const unsigned k = cls[static_cast<unsigned char>(p[j])];
                if (!(k & detail::byte_word)) break;
                all &= k;
            }
            if (starts_here && all) {
                out.append(p + copied, d - copied);
                append_placeholder(out, number_token_);
                copied = j;
            }
            done = j;
        }
        out.append(p + copied, n - copied);
    }

    // Writes `c` through the final folding step at `o`: token characters
    // kept, '&' spelled out, anything else a single separating space (none
    // at the start). Writes at most fold_growth bytes.
    static char* fold_char(char* o, const char* base, char c) noexcept {
        const auto u = static_cast<unsigned char>(c);
        if (detail::byte_classes.v[u] & detail::byte_token) {
            *o++ = c;
        } else if (c == '&') {
            if (o != base && o[-1] != ' ') *o++ = ' ';
            std::memcpy(o, "and ", 4);
            o += 4;
        } else if (o != base && o[-1] != ' ') {
            *o++ = ' ';
        }
        return o;
    }

    // Lexicon and final fold in one pass, writing through a raw pointer. The
    // buffer always has room for one output byte per remaining input byte
    // (plain bytes never grow); '&' and replacements make room first.
    void lexicon_and_fold(const std::string& in, std::string& out) const {
        const unsigned char* cls = detail::byte_classes.v;
        const std::size_t n = in.size();
        const char* src = in.data();
        out.resize(n + 16);
        char* base = &out[0];
        char* o = base;
        auto make_room = [&](std::size_t i, std::size_t extra) {
            const std::size_t used = static_cast<std::size_t>(o - base), need = used + (n - i) + extra + 16;
            if (need > out.size()) {
                out.resize(std::max(need, 2 * out.size()));
                base = &out[0];
                o = base + used;
            }
        };
        const bool lex = !entries_.empty();
        std::size_t i = 0;
        while (i < n) {
            const char c = src[i];
            if (!(cls[static_cast<unsigned char>(c)] & detail::byte_word)) {
                if (c == '&') make_room(i, fold_growth);
                o = fold_char(o, base, c);
                ++i;
                continue;
            }
            // Copy the word while scanning it; the copy is kept only if no
            // lexicon key replaces it and it has no '_' to fold.
            std::size_t j = i;
            unsigned all = detail::byte_token;
            // Eight bytes at a time while they last: the word's end comes
            // from a mask instead of a branch per byte, which mispredicted
            // once per word.
            for (; j + 8 <= n; j += 8) {
                std::uint64_t v;
                std::memcpy(&v, src + j, 8);
                std::memcpy(o + (j - i), &v, 8);  // room: see make_room
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
                v = __builtin_bswap64(v);
#endif
                const std::uint64_t word = word_bytes(v);
                const std::uint64_t rest = ~word & high_bits;
                const std::uint64_t in_word = rest ? (rest & (0 - rest)) - 1 : ~std::uint64_t(0);
                if (byte_range(v, '_', '_') & in_word) all = 0;
                if (rest) {
                    j += lowest_byte(rest);
                    break;
                }
            }
            if (j + 8 > n) {
                for (; j < n; ++j) {
                    const unsigned k = cls[static_cast<unsigned char>(src[j])];
                    if (!(k & detail::byte_word)) break;
                    all &= k;
                    o[j - i] = src[j];
                }
            }
            if (lex && filter_hit(src + i, j - i) &&
                replace_word(in, i, j, o, base, make_room))
                continue;
            if (all) {
                o += j - i;
            } else {
                for (std::size_t k = i; k < j; ++k) o = fold_char(o, base, src[k]);
            }
            i = j;
        }
        if (o != base && o[-1] == ' ') --o;
        out.resize(static_cast<std::size_t>(o - base));
        if (config_.max_repeat > 0) squash_repeats(out, config_.max_repeat);
    }

    // The word in[i, j) starts a lexicon key (longest first, whole words):
    // writes its folded replacement and moves i past the key.
    template <class Room>
    bool replace_word(const std::string& in, std::size_t& i, std::size_t j, char*& o, char*& base,
                      Room& make_room) const {
        const std::int32_t g = first_word_.find(std::string_view(in).substr(i, j - i));
        if (g < 0) return false;
        const std::size_t group = static_cast<std::size_t>(g);
        for (std::uint32_t e = group_begin_[group]; e < group_begin_[group + 1]; ++e) {
            const std::string& key = entries_[e].key;
            if (in.compare(i, key.size(), key) == 0 && !word_at(in, i + key.size())) {
                const std::string& value = entries_[e].value;
                make_room(i, fold_growth * value.size());
                for (char ch : value) o = fold_char(o, base, ch);
                i += key.size();
                return true;
            }
        }
        return false;
    }

    bool filter_hit(const char* w, std::size_t n) const noexcept {
        const std::uint32_t f = fingerprint(w, n);
        return (first_filter_[f >> 6] >> (f & 63)) & 1;
    }

    // Runs after placeholders and the lexicon, so `www.` and lexicon keys are
    // matched on the text as written.
    static void squash_repeats(std::string& s, unsigned max_rep) {
        const std::size_t n = s.size();
        if (n <= max_rep) return;
        {
            // An over-long run contains max_rep + 1 equal bytes in a row;
            // for the usual limits that is tested branch-free (vector code)
            // and most texts stop here.
            const auto* p = reinterpret_cast<const unsigned char*>(s.data());
            unsigned char any = 0;
            if (max_rep == 1) {
                for (std::size_t i = 0; i + 1 < n; ++i) any |= static_cast<unsigned char>(p[i] == p[i + 1]);
                if (!any) return;
            } else if (max_rep == 2) {
                for (std::size_t i = 0; i + 2 < n; ++i)
                    any |= static_cast<unsigned char>((p[i] == p[i + 1]) & (p[i] == p[i + 2]));
                if (!any) return;
            }
        }
        unsigned run = 0;
        char prev = 0;
        auto excess = [&](char c) {
            const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            run = (letter && c == prev) ? run + 1 : 1;
            prev = c;
            return letter && run > max_rep;
        };
        // Most texts have no over-long run: find the first excess letter
        // before writing anything.
        std::size_t i = 0;
        while (i < n && !excess(s[i])) ++i;
        if (i == n) return;
        std::size_t w = i;
        for (++i; i < n; ++i)
            if (!excess(s[i])) s[w++] = s[i];
        s.resize(w);
    }

    normalizer_config config_;
    std::string url_token_, email_token_, number_token_;
    detail::string_map first_word_;
    /// One bit per fingerprint() of the keys' first words: most words of a
    /// text are ruled out without hashing (a few percent of others pass).
    std::uint64_t first_filter_[64] = {};
    std::vector<std::uint32_t> group_begin_;
    std::vector<lexicon_entry> entries_;
};

}  // namespace tiny_ticket
