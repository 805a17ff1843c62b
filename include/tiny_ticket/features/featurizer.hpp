// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../detail/hash.hpp"
#include "../detail/string_map.hpp"
#include "../error.hpp"
#include "../model.hpp"
#include "../text/normalizer.hpp"
#include "feature_vector.hpp"

namespace tiny_ticket {

/// Scratch reused across calls: one count per sparse feature, 0 when unused,
/// so repeated features merge in O(1) without sorting or hashing.
struct featurizer_scratch {
    std::vector<float> acc;            ///< per sparse feature: its count so far
    std::vector<std::uint32_t> order;  ///< touched features in first-seen order (first `touched` entries)
    std::size_t touched = 0;  ///< how many entries of `order` are in use
    std::vector<std::int32_t> word;     ///< per token: its entry in the featurizer's word map, or -1
    std::vector<std::uint64_t> hashes;  ///< per token, shared by the vocabulary lookups
    /// Folded form, per character bucket: how many of its counts came from
    /// unknown tokens; 0 when untouched.
    std::vector<std::uint32_t> unknown;
    /// Folded form, texts up to ~16 KB: per character bucket its count, 0
    /// when untouched, and the buckets that need an entry of their own.
    std::vector<std::uint16_t> count16;
    std::vector<std::uint32_t> listed;  ///< folded form: buckets with an entry of their own
    /// Folded form: the known tokens' inline n-gram buckets, end to end.
    std::vector<std::uint16_t> gathered;
    std::string gram;  ///< the character n-gram being hashed
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

namespace detail {

/// Immutable open-addressing map from a pair of word ids to an int32: a
/// bigram is found from the ids its two tokens already got, with no string
/// built and no bytes hashed. Key and value share a slot, so a lookup reads
/// one cache line.
class pair_map {
public:
    // At most a quarter full: a pair's home slot and the next one settle
    // nearly every lookup, found or not, without a branch.
    void reserve(std::size_t n) {
        std::size_t cap = 16;
        while (cap < n * 4) cap <<= 1;
        slots_.assign(cap, slot{});
    }
    /// Adds (a, b) -> v; returns false if the pair is already present.
    bool insert(std::uint32_t a, std::uint32_t b, std::int32_t v) {
        const std::uint64_t k = key(a, b);
        std::size_t i = index(k);
        for (; slots_[i].value >= 0; i = (i + 1) & (slots_.size() - 1))
            if (slots_[i].key == k) return false;
        slots_[i].key = k;
        slots_[i].value = v;
        ++count_;
        return true;
    }
    std::int32_t find(std::uint32_t a, std::uint32_t b) const noexcept {
        if (count_ == 0) return -1;
        const std::uint64_t k = key(a, b);
        const std::size_t mask = slots_.size() - 1, home = index(k);
        const slot& s0 = slots_[home];
        const slot& s1 = slots_[(home + 1) & mask];
        // (An empty slot's key may equal k, but its value is -1 anyway.)
        std::int32_t v = s1.key == k ? s1.value : -1;
        v = s0.key == k ? s0.value : v;
        if (v >= 0 || s0.value < 0 || s1.value < 0) return v;
        for (std::size_t i = (home + 2) & mask;; i = (i + 1) & mask) {
            const slot& s = slots_[i];
            if (s.value < 0) return -1;
            if (s.key == k) return s.value;
        }
    }
    bool empty() const noexcept { return count_ == 0; }

private:
    struct slot {
        std::uint64_t key = 0;
        std::int32_t value = -1;
    };
    static std::uint64_t key(std::uint32_t a, std::uint32_t b) noexcept {
        return (static_cast<std::uint64_t>(a) << 32) | b;
    }
    std::size_t index(std::uint64_t k) const noexcept {
        return static_cast<std::size_t>(mix64(k)) & (slots_.size() - 1);
    }
    std::vector<slot> slots_;
    std::size_t count_ = 0;
};

}  // namespace detail

/// Maps tokens to features as described by a feature_spec. Immutable after
/// construction; safe to share between threads.
template <class T>
class basic_featurizer {
public:
    basic_featurizer() = default;

    /// Throws tiny_ticket::error (errc::value) on duplicate vocabulary entries
    /// (validate_model reports them first, with their artifact path).
    explicit basic_featurizer(const feature_spec<T>& spec) : spec_(&spec) {
        words_.reserve(spec.bow.vocab.size() + spec.embedding.vocab.size() + spec.bigrams.vocab.size());
        add_words(spec.bow.vocab, "bag-of-words vocabulary", &word_ids::bow);
        add_words(spec.embedding.vocab, "embedding vocabulary", &word_ids::embedding);
        for (const auto& w : word_ids_) has_bow_ = has_bow_ || w.bow >= 0;
        build_bigrams(spec.bigrams.vocab);
        if (spec.keywords.match == keyword_match::token) {
            std::vector<std::string_view> words;
            for (std::size_t k = 0; k < spec.keywords.phrases.size(); ++k) {
                normalizer::tokenize(spec.keywords.phrases[k], words);
                if (words.empty()) continue;
                std::int32_t g = keyword_first_.find(words[0]);
                // Flagged only: a word added here would change which tokens fold.
                if (const std::int32_t w = words_.find(words[0]); w >= 0)
                    word_ids_[static_cast<std::size_t>(w)].keyword_first = 1;
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
        const T unit = count_value(spec.char_ngrams.mode, 1.0f);
        for (std::size_t c = 0; c < log1p_table_size; ++c) {
            const T v = count_value(spec.char_ngrams.mode, static_cast<float>(c));
            char_square_[c] = static_cast<double>(v) * static_cast<double>(v);
            char_excess_[c] = v - unit * static_cast<T>(c);
        }
        sparse_width_ = spec.sparse_width();
        cache_char_ngrams();
    }

    /// The feature groups it extracts.
    const feature_spec<T>& spec() const noexcept { return *spec_; }
    /// Width of the sparse part of its output.
    std::size_t sparse_width() const noexcept { return sparse_width_; }

    /// Prepares scratch for this featurizer (allocates once).
    void prepare(featurizer_scratch& s) const {
        if (s.acc.size() < sparse_width_) s.acc.assign(sparse_width_, 0.0f);
        // One spare place: add() writes before it knows whether the feature is new.
        if (s.order.size() < sparse_width_ + 1) s.order.resize(sparse_width_ + 1);
        if (s.unknown.size() < spec_->char_ngrams.buckets) s.unknown.assign(spec_->char_ngrams.buckets, 0);
        if (compact_chars()) {
            if (s.count16.size() < spec_->char_ngrams.buckets) s.count16.assign(spec_->char_ngrams.buckets, 0);
            if (s.listed.size() < 2 * spec_->char_ngrams.buckets + 2) s.listed.resize(2 * spec_->char_ngrams.buckets + 2);
        }
        if (compact_chars() && s.gathered.size() < (typical_tokens + 1) * inline_grams)
            s.gathered.resize((typical_tokens + 1) * inline_grams);
        s.gram.reserve(64);
        s.hashes.reserve(typical_tokens);
        s.word.reserve(typical_tokens);
    }

    /// Computes features of `tokens` (from `normalized`). Allocates only when
    /// output or scratch vectors must grow.
    void extract(std::string_view normalized, const std::vector<std::string_view>& tokens,
                 basic_feature_vector<T>& out, featurizer_scratch& s) const {
        extract_impl<false>(normalized, tokens, out, s);
    }

    /// Whether extract_folded() differs from extract(): the model has
    /// character n-grams and every word's n-grams are cached.
    bool can_fold() const noexcept { return !char_cache_begin_.empty(); }
    /// Entries of the word map (known words), the ids extract_folded() uses.
    std::size_t word_count() const noexcept { return word_ids_.size(); }
    /// The same buckets as plain data, for a network's fold_word_rows(); a
    /// view into this featurizer (empty when !can_fold()).
    word_ngram_view word_ngrams() const noexcept {
        word_ngram_view v;
        v.sparse_width = sparse_width();
        if (!can_fold()) return v;
        v.words = char_cache_begin_.size() - 1;
        v.offsets = char_cache_begin_.data();
        v.buckets = char_cache_.data();
        return v;
    }
    /// Calls `f(word, first, last)` with the character n-gram buckets of
    /// every known word (with repeats, as a token of it counts them).
    template <class F>
    void for_each_word_ngrams(F&& f) const {
        if (!can_fold()) return;
        for (std::size_t w = 0; w + 1 < char_cache_begin_.size(); ++w)
            f(w, char_cache_.data() + char_cache_begin_[w], char_cache_.data() + char_cache_begin_[w + 1]);
    }

    /// The same linear function of the features as extract(), in a form that
    /// is cheaper to multiply: a known token's character n-grams become one
    /// entry at index `sparse_width() + word id` (a row its network holds as
    /// the sum of the n-grams' rows, nn::basic_network::fold_word_rows) with
    /// the value of a count of one, plus one correction per bucket whose
    /// value is not what those entries sum to (counts above one, n-grams of
    /// unknown tokens). Identical to extract() when !can_fold().
    void extract_folded(std::string_view normalized, const std::vector<std::string_view>& tokens,
                        basic_feature_vector<T>& out, featurizer_scratch& s) const {
        extract_impl<true>(normalized, tokens, out, s);
    }

private:
    template <bool Fold>
    void extract_impl(std::string_view normalized, const std::vector<std::string_view>& tokens,
                      basic_feature_vector<T>& out, featurizer_scratch& s) const {
        out.clear();
        prepare(s);
        const feature_spec<T>& sp = *spec_;

        // One lookup per token gives its bag-of-words index, its embedding
        // row (one map holds both vocabularies), the id its bigrams are
        // found by and its cached character n-grams; the hash is kept for
        // the token keywords, whose map shares the hash function.
        std::size_t emb_limit = 0;
        if (sp.embedding.dim > 0) {
            emb_limit = tokens.size();
            if (sp.embedding.max_tokens > 0 && emb_limit > sp.embedding.max_tokens) emb_limit = sp.embedding.max_tokens;
        }
        const bool token_keywords = !keyword_groups_.empty();
        const bool every_token = has_bow_ || token_keywords || !bigrams_.empty() || !char_cache_begin_.empty();
        const std::size_t looked_up = every_token ? tokens.size() : emb_limit;
        if (token_keywords) s.hashes.resize(tokens.size());
        s.word.resize(looked_up);
        begin(s);
        for (std::size_t i = 0; i < looked_up; ++i) {
            const std::uint64_t h = detail::string_map::hash(tokens[i]);
            if (token_keywords) s.hashes[i] = h;
            const std::int32_t w = words_.find_hashed(tokens[i], h);
            s.word[i] = w;
            const std::int32_t bow = w >= 0 ? word_ids_[static_cast<std::size_t>(w)].bow : -1;
            if (bow >= 0) add(s, static_cast<std::uint32_t>(bow));
            if (i < emb_limit) {
                const std::int32_t emb = w >= 0 ? word_ids_[static_cast<std::size_t>(w)].embedding : -1;
                const std::int32_t row = emb >= 0 ? emb : sp.embedding.unk;
                if (row >= 0) out.embedding_rows.push_back(row);
            }
        }
        if (has_bow_) flush(s, out, sp.bow.mode, sp.bow.l2);

        if (!sp.keywords.phrases.empty()) {
            const std::uint32_t off = static_cast<std::uint32_t>(sp.keyword_offset());
            begin(s);
            if (sp.keywords.match == keyword_match::substring) {
                if (substrings_.built()) {
                    substrings_.scan(normalized, [&](std::uint32_t k) { add(s, off + k); });
                    // Flags in phrase order, as a per-phrase search would list them.
                    std::sort(s.order.begin(), s.order.begin() + static_cast<std::ptrdiff_t>(s.touched));
                } else {
                    for (std::size_t k = 0; k < sp.keywords.phrases.size(); ++k) {
                        const std::string& p = sp.keywords.phrases[k];
                        if (!p.empty() && normalized.find(p) != std::string_view::npos)
                            add(s, off + static_cast<std::uint32_t>(k));
                    }
                }
            } else if (token_keywords) {
                // A known word's record (already read) says whether a phrase
                // starts with it: most tokens skip the probe of the keyword
                // map, whose outcome the branch predictor cannot learn.
                for (std::size_t i = 0; i < tokens.size(); ++i) {
                    const std::int32_t w = s.word[i];
                    if (w >= 0 && !word_ids_[static_cast<std::size_t>(w)].keyword_first) continue;
                    const std::int32_t g = keyword_first_.find_hashed(tokens[i], s.hashes[i]);
                    if (g < 0) continue;
                    for (const keyword_entry& e : keyword_groups_[static_cast<std::size_t>(g)]) {
                        if (i + e.words.size() > tokens.size()) continue;
                        bool ok = true;
                        for (std::size_t w = 1; w < e.words.size() && ok; ++w) ok = tokens[i + w] == e.words[w];
                        if (ok) add(s, off + e.index);
                    }
                }
            }
            flush(s, out, count_mode::binary, false);
        }

        if (!bigrams_.empty() && tokens.size() >= 2) {
            const std::uint32_t off = static_cast<std::uint32_t>(sp.bigram_offset());
            begin(s);
            for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
                if (s.word[i] < 0 || s.word[i + 1] < 0) continue;
                const std::int32_t id = bigrams_.find(static_cast<std::uint32_t>(s.word[i]),
                                                      static_cast<std::uint32_t>(s.word[i + 1]));
                if (id >= 0) add(s, off + static_cast<std::uint32_t>(id));
            }
            flush(s, out, sp.bigrams.mode, sp.bigrams.l2);
        }

        if (sp.char_ngrams.buckets > 0) {
            const std::uint32_t off = static_cast<std::uint32_t>(sp.char_offset());
            // Hundreds of n-grams per ticket: the counting state stays in
            // registers (through add()'s scratch it is reloaded per n-gram).
            float* acc = s.acc.data() + off;
            std::uint32_t* order = s.order.data();
            std::size_t touched = 0;
            auto count = [&](std::uint32_t b) {
                float& c = acc[b];
                order[touched] = off + b;
                touched += c == 0.0f;
                c += 1.0f;
            };
            if (Fold && can_fold()) {
                extract_folded_chars(tokens, out, s);
                return;
            }
            for (std::size_t i = 0; i < tokens.size(); ++i) {
                const std::int32_t w = i < s.word.size() ? s.word[i] : -1;
                if (w >= 0 && !char_cache_begin_.empty()) {
                    for_word_grams(static_cast<std::size_t>(w), count);
                } else {
                    char_ngrams(tokens[i], s.gram, count);
                }
            }
            s.touched = touched;
            flush(s, out, sp.char_ngrams.mode, sp.char_ngrams.l2);
        }
    }

public:
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

    /// What a word of the map stands for; a word seen only inside bigrams
    /// has neither index.
    static constexpr std::size_t inline_grams = 23;  // fills word_ids to 64 bytes
    // Tokens a fresh scratch has room for without allocating.
    static constexpr std::size_t typical_tokens = 256;
    struct alignas(64) word_ids {
        std::int32_t bow = -1;
        std::int32_t embedding = -1;
        /// Its cached character n-gram buckets, [grams_begin, grams_end) of
        /// char_cache_; the first `inline_count` of them are also here, as
        /// 16-bit buckets, so that for most words one cache line per token
        /// holds everything the featurizer needs (a ticket's words are
        /// scattered over the vocabulary: each separate table read would be
        /// a cache miss of its own).
        std::uint32_t grams_begin = 0;
        std::uint32_t grams_end = 0;
        std::uint8_t inline_count = 0;
        /// 1 when some token keyword phrase starts with this word.
        std::uint8_t keyword_first = 0;
        std::uint16_t grams[inline_grams] = {};
    };
    static_assert(sizeof(word_ids) == 64, "one cache line per known word");

    std::int32_t word_entry(std::string_view word) {
        std::int32_t w = words_.find(word);
        if (w < 0) {
            w = static_cast<std::int32_t>(word_ids_.size());
            words_.insert(word, w);
            word_ids_.emplace_back();
        }
        return w;
    }

    void add_words(const std::vector<std::string>& vocab, const char* where, std::int32_t word_ids::*field) {
        for (std::size_t i = 0; i < vocab.size(); ++i) {
            // Empty entries are placeholders for unused indices (tokens are never empty).
            if (vocab[i].empty()) continue;
            std::int32_t& id = word_ids_[static_cast<std::size_t>(word_entry(vocab[i]))].*field;
            if (id >= 0)
                throw error(errc::value, std::string(where) + " entry " + std::to_string(i),
                            "expected unique entries, got a second \"" + vocab[i] + "\"");
            id = static_cast<std::int32_t>(i);
        }
    }

    // Tokens never contain a space, so only an entry "a b" with both words
    // non-empty can equal a token pair; any other entry can never match and
    // is kept out of the map (but still checked for duplicates).
    void build_bigrams(const std::vector<std::string>& vocab) {
        detail::string_map seen;
        seen.reserve(vocab.size());
        bigrams_.reserve(vocab.size());
        for (std::size_t i = 0; i < vocab.size(); ++i) {
            const std::string& b = vocab[i];
            // Empty entries are placeholders for unused indices (tokens are never empty).
            if (b.empty()) continue;
            if (!seen.insert(b, static_cast<std::int32_t>(i)))
                throw error(errc::value, "bigram vocabulary entry " + std::to_string(i),
                            "expected unique entries, got a second \"" + b + "\"");
            const std::size_t sp = b.find(' ');
            if (sp == 0 || sp == std::string::npos || sp + 1 == b.size() || b.find(' ', sp + 1) != std::string::npos)
                continue;
            const std::int32_t a = word_entry(std::string_view(b).substr(0, sp));
            const std::int32_t c = word_entry(std::string_view(b).substr(sp + 1));
            bigrams_.insert(static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(c), static_cast<std::int32_t>(i));
        }
    }

    /// Calls `emit(bucket)` for each character n-gram of "<token>" whose
    /// length is in [min_n, max_n], in a fixed order (start, then length).
    template <class F>
    void char_ngrams(std::string_view t, std::string& gram, F&& emit) const {
        const feature_spec<T>& sp = *spec_;
        const std::uint64_t buckets = sp.char_ngrams.buckets;
        const std::size_t lo = sp.char_ngrams.min_n, hi = sp.char_ngrams.max_n;
        // A 64-bit division per n-gram was the largest single cost of
        // featurizing; bucket counts are powers of two in practice, where a
        // mask gives the same bucket.
        const bool pow2 = (buckets & (buckets - 1)) == 0;
        char local[64];
        const std::size_t n = t.size() + 2;
        char* g = local;
        if (n > sizeof local) {
            gram.resize(n);
            g = &gram[0];
        }
        g[0] = '<';
        std::memcpy(g + 1, t.data(), t.size());
        g[n - 1] = '>';
        for (std::size_t a = 0; a < n; ++a) {
            std::uint64_t h = detail::fnv_offset;
            for (std::size_t len = 1; len <= hi && a + len <= n; ++len) {
                h ^= static_cast<unsigned char>(g[a + len - 1]);
                h *= detail::fnv_prime;
                // The whole token as one n-gram ("<ab>") is the bag of
                // words' job; skip it so short tokens do not double count.
                if (len >= lo && !(a == 0 && len == n)) {
                    const std::uint64_t m = detail::mix64(h);
                    emit(static_cast<std::uint32_t>(pow2 ? (m & (buckets - 1)) : (m % buckets)));
                }
            }
        }
    }

    // Every word of the map gets its n-gram buckets computed once here, so
    // a known token costs a walk over a short list instead of hashing.
    // Skipped when the table would be large (over 16M entries).
    void cache_char_ngrams() {
        if (spec_->char_ngrams.buckets == 0 || word_ids_.empty()) return;
        std::vector<std::string_view> keys(word_ids_.size());
        words_.for_each([&](std::string_view k, std::int32_t v) { keys[static_cast<std::size_t>(v)] = k; });
        std::string gram;
        std::vector<std::uint32_t> begin{0};
        begin.reserve(keys.size() + 1);
        for (std::string_view k : keys) {
            char_ngrams(k, gram, [&](std::uint32_t b) { char_cache_.push_back(b); });
            if (char_cache_.size() > (std::size_t(1) << 24)) {
                char_cache_ = {};
                return;
            }
            begin.push_back(static_cast<std::uint32_t>(char_cache_.size()));
        }
        char_cache_begin_ = std::move(begin);
        const bool narrow = spec_->char_ngrams.buckets <= 0x10000;
        for (std::size_t w = 0; w < word_ids_.size(); ++w) {
            word_ids& r = word_ids_[w];
            r.grams_begin = char_cache_begin_[w];
            r.grams_end = char_cache_begin_[w + 1];
            r.inline_count = narrow ? static_cast<std::uint8_t>(std::min<std::size_t>(inline_grams, r.grams_end - r.grams_begin)) : 0;
            for (std::size_t k = 0; k < r.inline_count; ++k) r.grams[k] = static_cast<std::uint16_t>(char_cache_[r.grams_begin + k]);
        }
    }

    // Calls f(bucket) for each cached n-gram of word w: the inline copies,
    // then the rest from the shared table.
    template <class F>
    void for_word_grams(std::size_t w, F&& f) const {
        const word_ids& r = word_ids_[w];
        for (std::size_t k = 0; k < r.inline_count; ++k) f(static_cast<std::uint32_t>(r.grams[k]));
        for_spilled_grams(r, f);
    }
    // Calls f(bucket) for the cached n-grams of a word beyond its inline ones.
    template <class F>
    void for_spilled_grams(const word_ids& r, F&& f) const {
        const std::uint32_t* e = char_cache_.data() + r.grams_end;
        for (const std::uint32_t* b = char_cache_.data() + r.grams_begin + r.inline_count; b < e; ++b) f(*b);
    }

    bool compact_chars() const noexcept {
        return can_fold() && spec_->char_ngrams.buckets <= compact_max_buckets;
    }

    // The character group of extract_folded(). Dispatches to the compact
    // form when every count is sure to fit in 16 bits: a token of k bytes
    // has fewer than k + 2 n-grams of each length (a known word's cached
    // n-grams are the same n-grams). Counted from the tokens themselves, so
    // the bound holds whatever text the caller says they came from.
    void extract_folded_chars(const std::vector<std::string_view>& tokens, basic_feature_vector<T>& out,
                              featurizer_scratch& s) const {
        const std::size_t lengths = spec_->char_ngrams.max_n - spec_->char_ngrams.min_n + 1;
        std::size_t bound = 0;
        for (std::string_view t : tokens) bound += t.size() + 2;
        if (bound * lengths < 0xffff && compact_chars())
            extract_folded_chars_compact(tokens, out, s);
        else
            extract_folded_chars_wide(tokens, out, s);
    }

    // Most buckets of a ticket are counted once, by a known word, and then
    // contribute nothing beyond that word's folded row and a known amount
    // to the norm. Only buckets counted again (listed when their count
    // reaches two) and those of unknown tokens need an entry, so the norm is
    // (n-grams - counts of those buckets) x value(1)^2 + their own squares:
    // per n-gram, one 16-bit increment and no floating point.
    void extract_folded_chars_compact(const std::vector<std::string_view>& tokens, basic_feature_vector<T>& out,
                                      featurizer_scratch& s) const {
        const feature_spec<T>& sp = *spec_;
        const std::uint32_t off = static_cast<std::uint32_t>(sp.char_offset());
        std::uint16_t* cnt = s.count16.data();
        std::uint32_t* unknown = s.unknown.data();
        // Buckets whose count reached 2, and buckets of unknown tokens listed
        // when first seen from one: each at most once, so `buckets` places
        // each (plus the one written before it is known to be needed).
        std::uint32_t* again = s.listed.data();
        std::uint32_t* from_unknown = again + sp.char_ngrams.buckets + 1;
        std::size_t repeated = 0, total = 0;
        const T unit = count_value(sp.char_ngrams.mode, 1.0f);
        const std::size_t first = out.value.size();
        out.index.resize(first + tokens.size());
        std::uint32_t* wo = out.index.data() + first;
        std::size_t words = 0;
        auto count = [&](std::uint32_t b) {
            const std::uint16_t c = cnt[b];
            cnt[b] = static_cast<std::uint16_t>(c + 1);
            again[repeated] = b;
            repeated += c == 1;
        };
        std::size_t unknown_buckets = 0;
        // A known word's inline buckets are copied whole (a fixed-size copy)
        // and the next word's copy starts after its real ones: counting them
        // afterwards in one loop costs one loop exit per ticket, where a loop
        // per word mispredicted its exit at almost every word (their n-gram
        // counts differ). Order does not matter to the counts.
        if (s.gathered.size() < (tokens.size() + 1) * inline_grams) s.gathered.resize((tokens.size() + 1) * inline_grams);
        std::uint16_t* gathered = s.gathered.data();
        std::size_t gathered_count = 0;
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            const std::int32_t w = i < s.word.size() ? s.word[i] : -1;
            if (w >= 0) {
                const std::size_t wi = static_cast<std::size_t>(w);
                wo[words++] = static_cast<std::uint32_t>(sparse_width_ + wi);
                const word_ids& r = word_ids_[wi];
                total += r.grams_end - r.grams_begin;
                std::memcpy(gathered + gathered_count, r.grams, sizeof r.grams);
                gathered_count += r.inline_count;
                for_spilled_grams(r, count);
            } else {
                char_ngrams(tokens[i], s.gram, [&](std::uint32_t b) {
                    count(b);
                    ++total;
                    from_unknown[unknown_buckets] = b;
                    unknown_buckets += unknown[b] == 0;
                    ++unknown[b];
                });
            }
        }
        for (std::size_t k = 0; k < gathered_count; ++k) count(gathered[k]);
        out.index.resize(first + words + repeated + unknown_buckets);
        out.value.resize(first + words + repeated + unknown_buckets);
        std::fill(out.value.begin() + static_cast<std::ptrdiff_t>(first),
                  out.value.begin() + static_cast<std::ptrdiff_t>(first + words), unit);
        std::uint32_t* oi = out.index.data() + first + words;
        T* ov = out.value.data() + first + words;
        std::size_t kept = 0, listed = 0;
        double norm = 0;
        // One entry per listed bucket: its value minus the unit each count
        // from a known token already gave it through the word's row.
        auto settle = [&](std::uint32_t b) {
            const std::uint32_t c = cnt[b];
            if (c == 0) return;  // listed twice (repeated and from an unknown token)
            cnt[b] = 0;
            const std::uint32_t u = unknown[b];
            unknown[b] = 0;
            listed += c;
            oi[kept] = off + b;
            ov[kept] = folded_entry(c, u, unit, norm);
            ++kept;
        };
        for (std::size_t k = 0; k < repeated; ++k) settle(again[k]);
        for (std::size_t k = 0; k < unknown_buckets; ++k) settle(from_unknown[k]);
        norm += static_cast<double>(total - listed) * char_square_[1];
        // Buckets counted once by a known word are still set: clearing the
        // whole (small) table is cheaper than revisiting their words' lists.
        if (sp.char_ngrams.buckets <= 4096 || sp.char_ngrams.buckets <= 8 * total) {
            std::memset(cnt, 0, sp.char_ngrams.buckets * sizeof(std::uint16_t));
        } else {
            // (The word entries' place: `wo` may have moved when the entries grew.)
            const std::uint32_t* word_entries = out.index.data() + first;
            for (std::size_t k = 0; k < words; ++k) {
                const std::size_t wi = word_entries[k] - sparse_width_;
                for_word_grams(wi, [cnt](std::uint32_t b) { cnt[b] = 0; });
            }
        }
        out.index.resize(first + words + kept);
        out.value.resize(first + words + kept);
        if (sp.char_ngrams.l2 && norm > 0) {
            const T inv = static_cast<T>(1.0 / std::sqrt(norm));
            T* v = out.value.data();
            for (std::size_t k = first; k < out.value.size(); ++k) v[k] *= inv;
        }
    }

    // The general form: float counts where extract() keeps them (`acc`), a
    // list of every touched bucket, any count.
    void extract_folded_chars_wide(const std::vector<std::string_view>& tokens, basic_feature_vector<T>& out,
                                   featurizer_scratch& s) const {
        const feature_spec<T>& sp = *spec_;
        const std::uint32_t off = static_cast<std::uint32_t>(sp.char_offset());
        float* grams = s.acc.data() + off;
        std::uint32_t* unknown = s.unknown.data();
        std::uint32_t* order = s.order.data();
        std::size_t touched = 0;
        auto count = [&](std::uint32_t b) {
            float& c = grams[b];
            order[touched] = b;
            touched += c == 0.0f;
            c += 1.0f;
        };
        const T unit = count_value(sp.char_ngrams.mode, 1.0f);
        const std::size_t first = out.value.size();
        out.index.resize(first + tokens.size());
        std::uint32_t* wo = out.index.data() + first;
        std::size_t words = 0;
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            const std::int32_t w = i < s.word.size() ? s.word[i] : -1;
            if (w >= 0) {
                const std::size_t wi = static_cast<std::size_t>(w);
                wo[words++] = static_cast<std::uint32_t>(sparse_width_ + wi);
                for_word_grams(wi, count);
            } else {
                char_ngrams(tokens[i], s.gram, [&](std::uint32_t b) {
                    count(b);
                    ++unknown[b];
                });
            }
        }
        // Each bucket's value minus what the word entries already give it
        // (value of one per count from a known token); zero, and not stored,
        // for a bucket counted once by a known token.
        out.index.resize(first + words + touched);
        out.value.resize(first + words + touched);
        std::fill(out.value.begin() + static_cast<std::ptrdiff_t>(first),
                  out.value.begin() + static_cast<std::ptrdiff_t>(first + words), unit);
        std::uint32_t* oi = out.index.data() + first + words;
        T* ov = out.value.data() + first + words;
        double norm = 0;
        std::size_t kept = 0;
        auto settle = [&](auto with_unknown) {
            for (std::size_t k = 0; k < touched; ++k) {
                const std::uint32_t b = order[k];
                const auto c = static_cast<std::uint32_t>(grams[b]);
                grams[b] = 0.0f;
                std::uint32_t u = 0;
                if (with_unknown) {
                    u = unknown[b];
                    unknown[b] = 0;
                }
                oi[kept] = off + b;
                ov[kept] = folded_entry(c, u, unit, norm);
                // d is exactly 0 for one count from a known token (integer
                // test: cheaper than comparing d).
                kept += static_cast<std::size_t>((c != 1) | (u != 0));
            }
        };
        // Most tickets are all known words: their loop never reads `unknown`.
        if (words < tokens.size()) settle(std::true_type{});
        else settle(std::false_type{});
        out.index.resize(first + words + kept);
        out.value.resize(first + words + kept);
        if (sp.char_ngrams.l2 && norm > 0) {
            const T inv = static_cast<T>(1.0 / std::sqrt(norm));
            T* v = out.value.data();
            for (std::size_t k = first; k < out.value.size(); ++k) v[k] *= inv;
        }
    }

    // A folded character bucket counted `c` times, `u` of them by unknown
    // tokens: its value minus the unit each known token's count already
    // gave it through the word's row. Adds the value's square to `norm`.
    T folded_entry(std::uint32_t c, std::uint32_t u, T unit, double& norm) const noexcept {
        if (c < log1p_table_size) {
            norm += char_square_[c];
            return char_excess_[c] + unit * static_cast<T>(u);
        }
        const T v = count_value(spec_->char_ngrams.mode, static_cast<float>(c));
        norm += static_cast<double>(v) * static_cast<double>(v);
        return v - unit * static_cast<T>(c - u);
    }

    // What a feature counted `c` times contributes before normalization.
    T count_value(count_mode mode, float c) const noexcept {
        switch (mode) {
            case count_mode::count: return static_cast<T>(c);
            case count_mode::log1p: {
                // Counts are small whole numbers: a table holds exactly what log1p returns.
                const std::size_t ci = static_cast<std::size_t>(c);
                return c < static_cast<float>(log1p_table_size) ? log1p_[ci]
                                                                 : static_cast<T>(std::log1p(static_cast<double>(c)));
            }
            default: return T(1);
        }
    }

    static void begin(featurizer_scratch& s) noexcept { s.touched = 0; }
    // Branch-free: the feature is always written to the next free place and
    // that place is claimed only if the feature was untouched.
    static void add(featurizer_scratch& s, std::uint32_t idx) noexcept {
        float& c = s.acc[idx];
        s.order[s.touched] = idx;
        s.touched += c == 0.0f;
        c += 1.0f;
    }
    void flush(featurizer_scratch& s, basic_feature_vector<T>& out, count_mode mode, bool l2) const {
        const std::size_t first = out.value.size(), n = s.touched;
        out.index.resize(first + n);
        out.value.resize(first + n);
        std::uint32_t* oi = out.index.data() + first;
        T* ov = out.value.data() + first;
        double norm = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const std::uint32_t idx = s.order[k];
            const float c = s.acc[idx];
            s.acc[idx] = 0.0f;
            const T v = count_value(mode, c);
            norm += static_cast<double>(v) * static_cast<double>(v);
            oi[k] = idx;
            ov[k] = v;
        }
        if (l2 && norm > 0) {
            const T inv = static_cast<T>(1.0 / std::sqrt(norm));
            for (std::size_t k = 0; k < n; ++k) ov[k] *= inv;
        }
    }

    static constexpr std::size_t log1p_table_size = 64;
    // Above this many buckets the compact form's 16-bit counts stop paying
    // for their own table.
    static constexpr std::size_t compact_max_buckets = std::size_t(1) << 16;

    const feature_spec<T>* spec_ = nullptr;
    detail::string_map words_, keyword_first_;
    std::vector<word_ids> word_ids_;  ///< per entry of words_
    bool has_bow_ = false;
    detail::pair_map bigrams_;
    std::vector<std::vector<keyword_entry>> keyword_groups_;
    detail::substring_set substrings_;
    std::vector<std::uint32_t> char_cache_;        ///< n-gram buckets of every word, word after word
    std::vector<std::uint32_t> char_cache_begin_;  ///< per word: where its buckets start (plus an end)
    T log1p_[log1p_table_size] = {};
    /// Per character n-gram count below log1p_table_size: its value squared
    /// (for the norm), and its value minus that many counts of one (what a
    /// folded bucket's correction starts from).
    double char_square_[log1p_table_size] = {};
    T char_excess_[log1p_table_size] = {};
    std::size_t sparse_width_ = 0;
};

}  // namespace tiny_ticket
