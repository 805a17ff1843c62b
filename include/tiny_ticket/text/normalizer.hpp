// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../detail/string_map.hpp"
#include "../error.hpp"

namespace tiny_ticket {

/// How raw text is normalized. Stored in every artifact so that training and
/// serving run exactly the same normalization.
struct normalizer_config {
    /// Lowercase ASCII letters (plus the two non-ASCII letters whose lowercase
    /// form is ASCII: U+0130 and the Kelvin sign), as Unicode lowercasing would
    /// before non-ASCII characters are folded away.
    bool lowercase = true;
    /// Placeholder for `http(s)://...` and `www....` runs; empty disables.
    std::string url_token = "<url>";
    /// Placeholder for e-mail addresses; empty disables.
    std::string email_token = "<email>";
    /// Placeholder for stand-alone digit runs; empty disables.
    std::string number_token = "<num>";
    /// Whole-word replacements (`nahi` -> `not`, `kar do` -> `please do`).
    /// Keys must start and end with `[a-z0-9_]`; they may contain spaces.
    /// Where several keys start at the same word the longest wins; replaced
    /// text is not scanned again.
    std::vector<std::pair<std::string, std::string>> lexicon;
    /// When > 0, runs of one repeated ASCII letter longer than this are cut to
    /// this length (`pleeeease` -> `pleease` for 2), after placeholders and the
    /// lexicon have been applied. 0 keeps text as is.
    unsigned max_repeat = 0;
};

/// Scratch buffers reused across calls so normalization does not allocate
/// once they have grown to the largest input seen.
struct normalizer_scratch {
    std::string a;
    std::string b;
};

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

    const normalizer_config& config() const noexcept { return config_; }

    /// Normalizes `text` into `out` (cleared first). Never throws except
    /// std::bad_alloc; allocates only when `out` or `scratch` must grow.
    void normalize(std::string_view text, std::string& out, normalizer_scratch& scratch) const {
        std::string& s1 = scratch.a;
        std::string& s2 = scratch.b;
        lower_and_trim(text, s1);
        const std::string* cur = &s1;
        if (!url_token_.empty() && has_url_start(*cur)) {
            replace_urls(*cur, s2);
            cur = &s2;
        }
        if (!email_token_.empty() && cur->find('@') != std::string::npos) {
            std::string& dst = (cur == &s1) ? s2 : s1;
            replace_emails(*cur, dst);
            cur = &dst;
        }
        if (!number_token_.empty() && has_digit(*cur)) {
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

    /// Splits normalized text on single spaces (its only separator).
    static void tokenize(std::string_view normalized, std::vector<std::string_view>& tokens) {
        tokens.clear();
        std::size_t i = 0;
        const std::size_t n = normalized.size();
        while (i < n) {
            std::size_t j = normalized.find(' ', i);
            if (j == std::string_view::npos) j = n;
            if (j > i) tokens.push_back(normalized.substr(i, j - i));
            i = j + 1;
        }
    }

    static bool is_word(unsigned char c) noexcept {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

private:
    struct lexicon_entry {
        std::string key;
        std::string value;
    };

    static bool is_space(unsigned char c) noexcept {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    }
    // The URL pattern's \S excludes only these (not \v), as in RE2.
    static bool is_url_stop(unsigned char c) noexcept {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }
    static bool is_digit(unsigned char c) noexcept { return c >= '0' && c <= '9'; }
    static bool is_token_char(unsigned char c) noexcept {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '<' || c == '>';
    }
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
        group_begin_.clear();
        entries_.clear();
        for (auto& g : groups) {
            group_begin_.push_back(static_cast<std::uint32_t>(entries_.size()));
            for (std::size_t i : g.second) entries_.push_back(entries[i]);
        }
        group_begin_.push_back(static_cast<std::uint32_t>(entries_.size()));
    }

    void lower_and_trim(std::string_view in, std::string& out) const {
        out.clear();
        std::size_t b = 0, e = in.size();
        while (b < e && is_space(static_cast<unsigned char>(in[b]))) ++b;
        while (e > b && is_space(static_cast<unsigned char>(in[e - 1]))) --e;
        const bool lower = config_.lowercase;
        for (std::size_t i = b; i < e; ++i) {
            char c = in[i];
            const auto u = static_cast<unsigned char>(c);
            if (lower) {
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
    void replace_numbers(const std::string& in, std::string& out) const {
        out.clear();
        const std::size_t n = in.size();
        std::size_t i = 0;
        while (i < n) {
            if (!is_word(static_cast<unsigned char>(in[i]))) {
                out.push_back(in[i++]);
                continue;
            }
            std::size_t j = i;
            bool digits = true;
            while (j < n && is_word(static_cast<unsigned char>(in[j]))) {
                digits = digits && is_digit(static_cast<unsigned char>(in[j]));
                ++j;
            }
            if (digits) append_placeholder(out, number_token_);
            else out.append(in, i, j - i);
            i = j;
        }
    }

    // Writes `c` through the final folding step: token characters kept, '&'
    // spelled out, anything else becomes a single separating space.
    static void fold_char(std::string& out, char c) {
        const auto u = static_cast<unsigned char>(c);
        if (is_token_char(u)) {
            out.push_back(c);
        } else if (c == '&') {
            if (!out.empty() && out.back() != ' ') out.push_back(' ');
            out.append("and ");
        } else if (!out.empty() && out.back() != ' ') {
            out.push_back(' ');
        }
    }

    void lexicon_and_fold(const std::string& in, std::string& out) const {
        out.clear();
        const std::size_t n = in.size();
        const bool lex = !entries_.empty();
        std::size_t i = 0;
        while (i < n) {
            if (!is_word(static_cast<unsigned char>(in[i]))) {
                fold_char(out, in[i++]);
                continue;
            }
            std::size_t j = i;
            while (j < n && is_word(static_cast<unsigned char>(in[j]))) ++j;
            if (lex) {
                const std::int32_t g = first_word_.find(std::string_view(in).substr(i, j - i));
                if (g >= 0) {
                    bool replaced = false;
                    for (std::uint32_t e = group_begin_[static_cast<std::size_t>(g)];
                         e < group_begin_[static_cast<std::size_t>(g) + 1]; ++e) {
                        const std::string& key = entries_[e].key;
                        if (in.compare(i, key.size(), key) == 0 && !word_at(in, i + key.size())) {
                            for (char c : entries_[e].value) fold_char(out, c);
                            i += key.size();
                            replaced = true;
                            break;
                        }
                    }
                    if (replaced) continue;
                }
            }
            for (std::size_t k = i; k < j; ++k) fold_char(out, in[k]);
            i = j;
        }
        if (!out.empty() && out.back() == ' ') out.pop_back();
        if (config_.max_repeat > 0) squash_repeats(out, config_.max_repeat);
    }

    // Runs after placeholders and the lexicon, so `www.` and lexicon keys are
    // matched on the text as written.
    static void squash_repeats(std::string& s, unsigned max_rep) {
        std::size_t w = 0;
        unsigned run = 0;
        char prev = 0;
        for (char c : s) {
            const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            run = (letter && c == prev) ? run + 1 : 1;
            prev = c;
            if (letter && run > max_rep) continue;
            s[w++] = c;
        }
        s.resize(w);
    }

    normalizer_config config_;
    std::string url_token_, email_token_, number_token_;
    detail::string_map first_word_;
    std::vector<std::uint32_t> group_begin_;
    std::vector<lexicon_entry> entries_;
};

}  // namespace tiny_ticket
