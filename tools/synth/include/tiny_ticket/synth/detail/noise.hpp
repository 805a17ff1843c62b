// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "random.hpp"
#include "tables.hpp"
#include "text_util.hpp"

// Surface noise: the ways real customers type. Applied after the text is
// written, so it never changes what the ticket means, only how it looks.

namespace tiny_ticket::synth::detail {

/// Calls fn(core) for the letters of each whitespace-separated chunk, keeping
/// leading and trailing punctuation. Chunks holding digits, '@', '/', or
/// non-ASCII bytes (ids, emails, URLs, emoji, currency) are left untouched.
template <class Fn>
void map_words(std::string& text, Fn&& fn) {
    std::string out;
    out.reserve(text.size() + 16);
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == ' ' || text[i] == '\n') {
            out += text[i++];
            continue;
        }
        std::size_t j = i;
        bool protect = false;
        while (j < text.size() && text[j] != ' ' && text[j] != '\n') {
            const char c = text[j];
            if (is_digit(c) || c == '@' || c == '/' || c == '_' || static_cast<unsigned char>(c) >= 0x80) protect = true;
            ++j;
        }
        std::string chunk = text.substr(i, j - i);
        if (!protect) {
            std::size_t a = 0, b = chunk.size();
            while (a < b && !is_alpha(chunk[a])) ++a;
            while (b > a && !is_alpha(chunk[b - 1])) --b;
            if (a < b) {
                std::string core = chunk.substr(a, b - a);
                fn(core);
                chunk = chunk.substr(0, a) + core + chunk.substr(b);
            }
        }
        out += chunk;
        i = j;
    }
    text.swap(out);
}

/// Replaces letters by a neighbouring key on a QWERTY keyboard.
inline char neighbour_key(char c, rng& r) {
    static const char* rows[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
    const char lc = to_lower(c);
    for (int row = 0; row < 3; ++row) {
        const std::string_view rs(rows[row]);
        const std::size_t p = rs.find(lc);
        if (p == std::string_view::npos) continue;
        std::string cand;
        if (p > 0) cand += rs[p - 1];
        if (p + 1 < rs.size()) cand += rs[p + 1];
        const char n = cand[r.below(cand.size())];
        return is_upper(c) ? to_upper(n) : n;
    }
    return c;
}

/// Keyboard slips: swapped, dropped, doubled or neighbouring letters.
inline void add_typos(std::string& text, rng& r) {
    const double rate = 0.06 + 0.12 * r.uniform();
    map_words(text, [&](std::string& w) {
        if (w.size() < 4 || !r.chance(rate)) return;
        const std::size_t p = 1 + r.below(w.size() - 2);  // keep the first letter: people rarely miss it
        switch (r.below(5)) {
            case 0: std::swap(w[p], w[p + 1]); break;
            case 1: w.erase(p, 1); break;
            case 2: w.insert(p, 1, w[p]); break;
            case 3: w[p] = neighbour_key(w[p], r); break;
            default: {
                const std::size_t q = w.find('\'');
                if (q != std::string::npos) w.erase(q, 1);
                else std::swap(w[p], w[p + 1]);
            }
        }
    });
}

/// SMS-speak replacements, matched on the lowercased word.
inline void add_sms(const noise_tables& nt, std::string& text, rng& r) {
    const double p = 0.5 + 0.4 * r.uniform();
    map_words(text, [&](std::string& w) {
        std::string lw = w;
        lower_ascii(lw);
        for (const auto& kv : nt.sms) {
            if (lw != kv.first) continue;
            if (!r.chance(p)) return;
            std::string rep = pick(r, kv.second);
            bool all_caps = w.size() > 1;
            for (char c : w)
                if (is_lower(c)) all_caps = false;
            if (all_caps) upper_ascii(rep);
            else if (is_upper(w[0])) capitalize_first(rep);
            w = rep;
            return;
        }
    });
}

/// Elongation: "pleaseee", "sooo", "hiii".
inline void add_elongation(const noise_tables& nt, std::string& text, rng& r) {
    int budget = 1 + static_cast<int>(r.below(2));
    bool any = false;
    map_words(text, [&](std::string& w) {
        if (budget == 0) return;
        std::string lw = w;
        lower_ascii(lw);
        bool fav = false;
        for (const std::string& f : nt.elongation)
            if (lw == f) fav = true;
        if (!fav || !r.chance(0.7)) return;
        w.append(2 + r.below(4), w.back());
        --budget;
        any = true;
    });
    if (!any) {  // nothing favourite: stretch the last word instead
        bool done = false;
        std::size_t count = 0;
        map_words(text, [&](std::string&) { ++count; });
        std::size_t idx = 0;
        map_words(text, [&](std::string& w) {
            if (++idx == count && !done && w.size() >= 2) {
                w.append(2 + r.below(3), w.back());
                done = true;
            }
        });
    }
}

/// Shouting. Whole-message caps and "!!!" only when the writer is angry;
/// otherwise a single emphasised word, as polite people do ("PLEASE").
inline void add_shouting(const noise_tables& nt, std::string& text, bool negative, rng& r) {
    if (negative) {
        const std::size_t mode = r.below(3);
        if (mode == 0) {
            upper_ascii(text);
        } else if (mode == 1) {
            map_words(text, [&](std::string& w) {
                std::string lw = w;
                lower_ascii(lw);
                for (const std::string& l : nt.shouting)
                    if (lw == l && r.chance(0.8)) upper_ascii(w);
            });
        } else {
            // Shout one sentence: from a random sentence start to its end.
            std::vector<std::size_t> starts{0};
            for (std::size_t i = 0; i + 1 < text.size(); ++i)
                if ((text[i] == '.' || text[i] == '!' || text[i] == '?') && text[i + 1] == ' ') starts.push_back(i + 2);
            std::size_t s = starts[r.below(starts.size())];
            std::size_t e = text.find_first_of(".!?\n", s);
            if (e == std::string::npos) e = text.size();
            for (std::size_t i = s; i < e; ++i) text[i] = to_upper(text[i]);
        }
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if ((text[i] == '.' || text[i] == '!') && (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n') &&
                (i == 0 || text[i - 1] != '.') && r.chance(0.6)) {
                out += std::string(2 + r.below(3), '!');
                continue;
            }
            out += text[i];
        }
        if (!out.empty() && out.back() != '!' && r.chance(0.5)) out += "!!!";
        text.swap(out);
        return;
    }
    bool done = false;
    map_words(text, [&](std::string& w) {
        if (done) return;
        std::string lw = w;
        lower_ascii(lw);
        for (const std::string& e : nt.emphasis)
            if (lw == e && r.chance(0.6)) {
                upper_ascii(w);
                done = true;
                return;
            }
    });
}

/// Emoji at the end or after a sentence, sometimes repeated.
inline void add_emoji(const noise_tables& nt, std::string& text, bool negative, bool positive, rng& r) {
    const words& pool = negative ? nt.emoji_negative : positive ? nt.emoji_positive : nt.emoji_neutral;
    std::string e = pick(r, pool);
    if (r.chance(0.3)) {
        const std::size_t reps = 1 + r.below(2);
        const std::string one = e;
        for (std::size_t i = 0; i < reps; ++i) e += one;
    } else if (r.chance(0.3)) {
        e += pick(r, pool);
    }
    if (r.chance(0.65) || text.find(". ") == std::string::npos) {
        while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.pop_back();
        text += r.chance(0.8) ? " " + e : e;
        return;
    }
    const std::size_t p = text.find(". ");
    text.insert(p + 1, " " + e);
}

/// Punctuation habits: "???", "...", missing apostrophes, no final stop.
inline void add_punctuation(std::string& text, bool negative, rng& r) {
    std::string out;
    const bool drop_apostrophes = r.chance(0.5);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\'' && drop_apostrophes && i > 0 && is_alpha(text[i - 1]) && i + 1 < text.size() && is_alpha(text[i + 1])) continue;
        if (c == '?' && r.chance(0.6)) {
            out += std::string(2 + r.below(3), '?');
            if (negative && r.chance(0.3)) out += "!!";
            continue;
        }
        if (c == '.' && i + 1 < text.size() && text[i + 1] == ' ' && (i == 0 || text[i - 1] != '.') && r.chance(0.3)) {
            out += negative ? "!!" : "...";
            continue;
        }
        if (c == ',' && r.chance(0.3)) continue;  // lazy typists drop commas
        out += c;
    }
    strip_final_period(out);
    text.swap(out);
}

/// Applies one to three noise kinds to a finished ticket.
inline void add_noise(const noise_tables& nt, std::string& text, bool negative, bool positive, rng& r) {
    // typos, sms, elongation, shouting, emoji, punctuation
    unsigned w[] = {3, 3, 2, negative ? 3u : 1u, 3, 2};
    std::size_t kinds = 1;
    if (r.chance(0.45)) ++kinds;
    if (r.chance(0.2)) ++kinds;
    std::vector<std::size_t> chosen;
    for (std::size_t k = 0; k < kinds; ++k) {
        const std::size_t i = r.weighted(w);
        w[i] = 0;  // each kind at most once
        chosen.push_back(i);
    }
    // Fixed order: shouting before emoji so emoji are never "uppercased" into
    // something else, and SMS-speak before typos so table words still match.
    static const std::size_t order[] = {1, 0, 2, 3, 5, 4};
    for (std::size_t kind : order) {
        bool on = false;
        for (std::size_t c : chosen) on = on || c == kind;
        if (!on) continue;
        switch (kind) {
            case 0: add_typos(text, r); break;
            case 1: add_sms(nt, text, r); break;
            case 2: add_elongation(nt, text, r); break;
            case 3: add_shouting(nt, text, negative, r); break;
            case 4: add_emoji(nt, text, negative, positive, r); break;
            default: add_punctuation(text, negative, r); break;
        }
    }
}

}  // namespace tiny_ticket::synth::detail
