// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "../detail/hash.hpp"
#include "../detail/string_map.hpp"
#include "../error.hpp"
#include "../model.hpp"

namespace tiny_ticket {

/// Features of one text: the sparse part as (index, value) pairs in
/// `[0, sparse_width)`, and the embedding rows whose mean is the dense part.
template <class T>
struct basic_feature_vector {
    std::vector<std::uint32_t> index;
    std::vector<T> value;
    std::vector<std::int32_t> embedding_rows;

    void clear() noexcept {
        index.clear();
        value.clear();
        embedding_rows.clear();
    }
};

/// Scratch reused across calls: one slot per sparse feature, -1 when unused,
/// so repeated features merge in O(1) without sorting or hashing.
struct featurizer_scratch {
    std::vector<std::int32_t> slot;
    std::vector<std::uint32_t> order;  ///< touched features in first-seen order
    std::vector<float> count;
    std::string gram;
    std::vector<std::uint64_t> hashes;  ///< per token, shared by the vocabulary lookups
};

namespace detail {

/// Which of a set of phrases occur anywhere in a text, in one pass over the
/// text (an Aho-Corasick automaton, as a full transition table over the
/// bytes that occur in phrases) instead of one search per phrase. States are
/// stored premultiplied by the table width (no multiply per byte) and
/// numbered so that those where a phrase ends come last (one compare per
/// byte); 16-bit entries keep a typical table within a few KB of L1.
class substring_set {
public:
    /// Builds the automaton; empty phrases never match. Leaves the set
    /// unbuilt (built() false) when the table would be unreasonably large.
    /// Allocates.
    void build(const std::vector<std::string>& phrases) {
        *this = substring_set{};
        std::size_t total = 0;
        for (const auto& p : phrases) total += p.size();
        if (total == 0) return;
        for (const auto& p : phrases)
            for (char c : p) cls_[static_cast<unsigned char>(c)] = 1;
        std::uint32_t classes = 1;  // class 0: bytes in no phrase
        for (auto& c : cls_)
            if (c) c = static_cast<std::uint16_t>(classes++);
        const std::size_t w = classes;
        // At most 2^21 entries (8 MB): beyond that, searching phrase by
        // phrase is the lesser evil.
        if ((total + 1) * w > (std::size_t(1) << 21)) return;
        // Trie; 0 in `next` means "no edge" (the root is never a child).
        std::vector<std::uint32_t> next(w, 0);
        std::vector<std::vector<std::uint32_t>> ends(1);
        for (std::size_t k = 0; k < phrases.size(); ++k) {
            if (phrases[k].empty()) continue;
            std::uint32_t st = 0;
            for (char ch : phrases[k]) {
                const std::size_t e = st * w + cls_[static_cast<unsigned char>(ch)];
                if (!next[e]) {
                    next[e] = static_cast<std::uint32_t>(ends.size());
                    ends.emplace_back();
                    next.resize(next.size() + w, 0);
                }
                st = next[e];
            }
            ends[st].push_back(static_cast<std::uint32_t>(k));
        }
        // Breadth-first: failure links complete the trie into a DFA, and
        // each state inherits the phrases ending at its failure state.
        const std::size_t states = ends.size();
        std::vector<std::uint32_t> fail(states, 0), queue;
        queue.reserve(states);
        for (std::size_t c = 0; c < w; ++c)
            if (next[c]) queue.push_back(next[c]);
        for (std::size_t q = 0; q < queue.size(); ++q) {
            const std::uint32_t st = queue[q];
            const auto& inherited = ends[fail[st]];
            ends[st].insert(ends[st].end(), inherited.begin(), inherited.end());
            for (std::size_t c = 0; c < w; ++c) {
                std::uint32_t& e = next[st * w + c];
                const std::uint32_t via_fail = next[fail[st] * w + c];
                if (e) {
                    fail[e] = via_fail;
                    queue.push_back(e);
                } else {
                    e = via_fail;
                }
            }
        }
        // Renumber: states without output first (the root stays 0).
        std::vector<std::uint32_t> order;
        for (std::uint32_t st = 0; st < states; ++st)
            if (ends[st].empty()) order.push_back(st);
        quiet_ = static_cast<std::uint32_t>(order.size());
        for (std::uint32_t st = 0; st < states; ++st)
            if (!ends[st].empty()) order.push_back(st);
        std::vector<std::uint32_t> rank(states);
        for (std::uint32_t r = 0; r < states; ++r) rank[order[r]] = r;
        width_ = static_cast<std::uint32_t>(w);
        wide_ = states * w > 0xffff;
        std::vector<std::uint32_t> table(states * w);
        for (std::uint32_t r = 0; r < states; ++r)
            for (std::size_t c = 0; c < w; ++c) table[r * w + c] = rank[next[order[r] * w + c]] * width_;
        if (wide_) {
            next32_ = std::move(table);
        } else {
            next16_.assign(table.begin(), table.end());
        }
        out_begin_.assign(states - quiet_ + 1, 0);
        for (std::uint32_t r = quiet_; r < states; ++r) {
            const auto& e = ends[order[r]];
            out_begin_[r - quiet_ + 1] = out_begin_[r - quiet_] + static_cast<std::uint32_t>(e.size());
            out_.insert(out_.end(), e.begin(), e.end());
        }
    }

    bool built() const noexcept { return width_ != 0; }

    /// Calls `hit(k)` for each occurrence of phrase k in `text` (a phrase
    /// found twice is reported twice).
    template <class F>
    void scan(std::string_view text, F&& hit) const {
        if (wide_) scan_table(next32_.data(), text, hit);
        else scan_table(next16_.data(), text, hit);
    }

private:
    template <class U, class F>
    void scan_table(const U* next, std::string_view text, F& hit) const {
        const std::uint32_t first_hit = quiet_ * width_;
        std::uint32_t st = 0;
        for (char ch : text) {
            st = next[st + cls_[static_cast<unsigned char>(ch)]];
            if (st >= first_hit) {
                const std::uint32_t r = st / width_ - quiet_;
                for (std::uint32_t i = out_begin_[r]; i < out_begin_[r + 1]; ++i) hit(out_[i]);
            }
        }
    }

    std::uint16_t cls_[256] = {};
    std::uint32_t width_ = 0;
    std::uint32_t quiet_ = 0;  ///< states without output: numbers [0, quiet_)
    bool wide_ = false;
    std::vector<std::uint16_t> next16_;
    std::vector<std::uint32_t> next32_;
    std::vector<std::uint32_t> out_begin_, out_;
};

}  // namespace detail

/// Maps tokens to features as described by a feature_spec. Immutable after
/// construction; safe to share between threads.
template <class T>
class basic_featurizer {
public:
    basic_featurizer() = default;

    /// Throws artifact_error (errc::value) on duplicate vocabulary entries.
    explicit basic_featurizer(const feature_spec<T>& spec) : spec_(&spec) {
        words_.reserve(spec.bow.vocab.size() + spec.embedding.vocab.size());
        add_words(spec.bow.vocab, "/features/bow/vocab", &word_ids::bow);
        add_words(spec.embedding.vocab, "/features/embedding/vocab", &word_ids::embedding);
        for (const auto& w : word_ids_) has_bow_ = has_bow_ || w.bow >= 0;
        build_map(bigrams_, spec.bigrams.vocab, "/features/bigrams/vocab");
        if (spec.keywords.match == keyword_match::token) {
            std::vector<std::string_view> words;
            for (std::size_t k = 0; k < spec.keywords.phrases.size(); ++k) {
                normalizer::tokenize(spec.keywords.phrases[k], words);
                if (words.empty()) continue;
                std::int32_t g = keyword_first_.find(words[0]);
                if (g < 0) {
                    g = static_cast<std::int32_t>(keyword_groups_.size());
                    keyword_first_.insert(words[0], g);
                    keyword_groups_.emplace_back();
                }
                keyword_groups_[static_cast<std::size_t>(g)].push_back(
                    {static_cast<std::uint32_t>(k), std::vector<std::string>(words.begin(), words.end())});
            }
        }
        if (spec.keywords.match == keyword_match::substring) substrings_.build(spec.keywords.phrases);
        for (std::size_t c = 0; c < log1p_table_size; ++c)
            log1p_[c] = static_cast<T>(std::log1p(static_cast<double>(c)));
        sparse_width_ = spec.sparse_width();
    }

    const feature_spec<T>& spec() const noexcept { return *spec_; }
    std::size_t sparse_width() const noexcept { return sparse_width_; }

    /// Prepares scratch for this featurizer (allocates once).
    void prepare(featurizer_scratch& s) const {
        if (s.slot.size() < sparse_width_) s.slot.assign(sparse_width_, -1);
        s.order.reserve(256);
        s.count.reserve(256);
        s.gram.reserve(64);
        s.hashes.reserve(256);
    }

    /// Computes features of `tokens` (from `normalized`). Allocates only when
    /// output or scratch vectors must grow.
    void extract(std::string_view normalized, const std::vector<std::string_view>& tokens,
                 basic_feature_vector<T>& out, featurizer_scratch& s) const {
        out.clear();
        prepare(s);
        const feature_spec<T>& sp = *spec_;

        // One lookup per token gives both its bag-of-words index and its
        // embedding row (one map holds both vocabularies); the hash is kept
        // for the token keywords, whose map shares the hash function.
        std::size_t emb_limit = 0;
        if (sp.embedding.dim > 0) {
            emb_limit = tokens.size();
            if (sp.embedding.max_tokens > 0 && emb_limit > sp.embedding.max_tokens) emb_limit = sp.embedding.max_tokens;
        }
        const bool token_keywords = !keyword_groups_.empty();
        if (token_keywords) s.hashes.resize(tokens.size());
        const std::size_t looked_up = (has_bow_ || token_keywords) ? tokens.size() : emb_limit;
        begin(s);
        for (std::size_t i = 0; i < looked_up; ++i) {
            const std::uint64_t h = detail::string_map::hash(tokens[i]);
            if (token_keywords) s.hashes[i] = h;
            const std::int32_t w = words_.find_hashed(tokens[i], h);
            const word_ids ids = w >= 0 ? word_ids_[static_cast<std::size_t>(w)] : word_ids{};
            if (ids.bow >= 0) add(s, static_cast<std::uint32_t>(ids.bow), 1.0f);
            if (i < emb_limit) {
                const std::int32_t row = ids.embedding >= 0 ? ids.embedding : sp.embedding.unk;
                if (row >= 0) out.embedding_rows.push_back(row);
            }
        }
        if (has_bow_) flush(s, out, sp.bow.mode, sp.bow.l2);

        if (!sp.keywords.phrases.empty()) {
            const std::uint32_t off = static_cast<std::uint32_t>(sp.keyword_offset());
            begin(s);
            if (sp.keywords.match == keyword_match::substring) {
                if (substrings_.built()) {
                    substrings_.scan(normalized, [&](std::uint32_t k) { add(s, off + k, 1.0f); });
                    // Flags in phrase order, as a per-phrase search would list them.
                    std::sort(s.order.begin(), s.order.end());
                } else {
                    for (std::size_t k = 0; k < sp.keywords.phrases.size(); ++k) {
                        const std::string& p = sp.keywords.phrases[k];
                        if (!p.empty() && normalized.find(p) != std::string_view::npos)
                            add(s, off + static_cast<std::uint32_t>(k), 1.0f);
                    }
                }
            } else if (token_keywords) {
                for (std::size_t i = 0; i < tokens.size(); ++i) {
                    const std::int32_t g = keyword_first_.find_hashed(tokens[i], s.hashes[i]);
                    if (g < 0) continue;
                    for (const keyword_entry& e : keyword_groups_[static_cast<std::size_t>(g)]) {
                        if (i + e.words.size() > tokens.size()) continue;
                        bool ok = true;
                        for (std::size_t w = 1; w < e.words.size() && ok; ++w) ok = tokens[i + w] == e.words[w];
                        if (ok) add(s, off + e.index, 1.0f);
                    }
                }
            }
            flush(s, out, count_mode::binary, false);
        }

        if (!bigrams_.empty() && tokens.size() >= 2) {
            const std::uint32_t off = static_cast<std::uint32_t>(sp.bigram_offset());
            begin(s);
            for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
                s.gram.assign(tokens[i].data(), tokens[i].size());
                s.gram.push_back(' ');
                s.gram.append(tokens[i + 1].data(), tokens[i + 1].size());
                const std::int32_t id = bigrams_.find(s.gram);
                if (id >= 0) add(s, off + static_cast<std::uint32_t>(id), 1.0f);
            }
            flush(s, out, sp.bigrams.mode, sp.bigrams.l2);
        }

        if (sp.char_ngrams.buckets > 0) {
            const std::uint32_t off = static_cast<std::uint32_t>(sp.char_offset());
            const std::uint32_t buckets = sp.char_ngrams.buckets;
            const std::size_t lo = sp.char_ngrams.min_n, hi = sp.char_ngrams.max_n;
            begin(s);
            for (std::string_view t : tokens) {
                s.gram.assign(1, '<');
                s.gram.append(t.data(), t.size());
                s.gram.push_back('>');
                const std::size_t n = s.gram.size();
                for (std::size_t a = 0; a < n; ++a) {
                    std::uint64_t h = detail::fnv_offset;
                    for (std::size_t len = 1; len <= hi && a + len <= n; ++len) {
                        h ^= static_cast<unsigned char>(s.gram[a + len - 1]);
                        h *= detail::fnv_prime;
                        // The whole token as one n-gram ("<ab>") is the bag of
                        // words' job; skip it so short tokens do not double count.
                        if (len >= lo && !(a == 0 && len == n))
                            add(s, off + static_cast<std::uint32_t>(detail::mix64(h) % buckets), 1.0f);
                    }
                }
            }
            flush(s, out, sp.char_ngrams.mode, sp.char_ngrams.l2);
        }
    }

    /// Index of `token` in the bag-of-words vocabulary, or -1.
    std::int32_t bow_index(std::string_view token) const noexcept {
        const std::int32_t w = words_.find(token);
        return w >= 0 ? word_ids_[static_cast<std::size_t>(w)].bow : -1;
    }
    /// Row of `token` in the embedding table, or -1 (no `<unk>` substitution).
    std::int32_t embedding_index(std::string_view token) const noexcept {
        const std::int32_t w = words_.find(token);
        return w >= 0 ? word_ids_[static_cast<std::size_t>(w)].embedding : -1;
    }

    /// Human-readable name of sparse feature `i` (for explanations).
    std::string feature_name(std::size_t i) const {
        const feature_spec<T>& sp = *spec_;
        if (i < sp.keyword_offset()) return sp.bow.vocab[i];
        if (i < sp.bigram_offset()) return "kw:" + sp.keywords.phrases[i - sp.keyword_offset()];
        if (i < sp.char_offset()) return sp.bigrams.vocab[i - sp.bigram_offset()];
        return "char#" + std::to_string(i - sp.char_offset());
    }

private:
    struct keyword_entry {
        std::uint32_t index;
        std::vector<std::string> words;
    };

    struct word_ids {
        std::int32_t bow = -1;
        std::int32_t embedding = -1;
    };

    void add_words(const std::vector<std::string>& vocab, const char* where, std::int32_t word_ids::*field) {
        for (std::size_t i = 0; i < vocab.size(); ++i) {
            // Empty entries are placeholders for unused indices (tokens are never empty).
            if (vocab[i].empty()) continue;
            std::int32_t w = words_.find(vocab[i]);
            if (w < 0) {
                w = static_cast<std::int32_t>(word_ids_.size());
                words_.insert(vocab[i], w);
                word_ids_.emplace_back();
            }
            std::int32_t& id = word_ids_[static_cast<std::size_t>(w)].*field;
            if (id >= 0)
                throw artifact_error(errc::value, std::string(where) + "/" + std::to_string(i),
                                     "expected unique entries, got a second \"" + vocab[i] + "\"");
            id = static_cast<std::int32_t>(i);
        }
    }

    static void build_map(detail::string_map& m, const std::vector<std::string>& vocab, const char* where) {
        m.reserve(vocab.size());
        for (std::size_t i = 0; i < vocab.size(); ++i) {
            // Empty entries are placeholders for unused indices (tokens are never empty).
            if (vocab[i].empty()) continue;
            if (!m.insert(vocab[i], static_cast<std::int32_t>(i)))
                throw artifact_error(errc::value, std::string(where) + "/" + std::to_string(i),
                                     "expected unique entries, got a second \"" + vocab[i] + "\"");
        }
    }

    static void begin(featurizer_scratch& s) noexcept {
        s.order.clear();
        s.count.clear();
    }
    static void add(featurizer_scratch& s, std::uint32_t idx, float v) {
        std::int32_t& slot = s.slot[idx];
        if (slot < 0) {
            slot = static_cast<std::int32_t>(s.order.size());
            s.order.push_back(idx);
            s.count.push_back(v);
        } else {
            s.count[static_cast<std::size_t>(slot)] += v;
        }
    }
    void flush(featurizer_scratch& s, basic_feature_vector<T>& out, count_mode mode, bool l2) const {
        const std::size_t first = out.value.size();
        double norm = 0;
        for (std::size_t k = 0; k < s.order.size(); ++k) {
            s.slot[s.order[k]] = -1;
            const float c = s.count[k];
            T v;
            switch (mode) {
                case count_mode::count: v = static_cast<T>(c); break;
                case count_mode::log1p: {
                    // Counts are small whole numbers: a table holds exactly what log1p returns.
                    const bool small = c >= 0.0f && c < static_cast<float>(log1p_table_size);
                    const std::size_t ci = small ? static_cast<std::size_t>(c) : 0;
                    v = small && static_cast<float>(ci) == c ? log1p_[ci]
                                                             : static_cast<T>(std::log1p(static_cast<double>(c)));
                    break;
                }
                default: v = T(1); break;
            }
            norm += static_cast<double>(v) * static_cast<double>(v);
            out.index.push_back(s.order[k]);
            out.value.push_back(v);
        }
        if (l2 && norm > 0) {
            const T inv = static_cast<T>(1.0 / std::sqrt(norm));
            for (std::size_t k = first; k < out.value.size(); ++k) out.value[k] *= inv;
        }
    }

    static constexpr std::size_t log1p_table_size = 64;

    const feature_spec<T>* spec_ = nullptr;
    detail::string_map words_, bigrams_, keyword_first_;
    std::vector<word_ids> word_ids_;  ///< per entry of words_
    bool has_bow_ = false;
    std::vector<std::vector<keyword_entry>> keyword_groups_;
    detail::substring_set substrings_;
    T log1p_[log1p_table_size] = {};
    std::size_t sparse_width_ = 0;
};

}  // namespace tiny_ticket
