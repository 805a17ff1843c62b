// SPDX-License-Identifier: MIT
#pragma once

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
};

/// Maps tokens to features as described by a feature_spec. Immutable after
/// construction; safe to share between threads.
template <class T>
class basic_featurizer {
public:
    basic_featurizer() = default;

    /// Throws artifact_error (errc::value) on duplicate vocabulary entries.
    explicit basic_featurizer(const feature_spec<T>& spec) : spec_(&spec) {
        build_map(bow_, spec.bow.vocab, "/features/bow/vocab");
        build_map(bigrams_, spec.bigrams.vocab, "/features/bigrams/vocab");
        build_map(embedding_, spec.embedding.vocab, "/features/embedding/vocab");
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
    }

    /// Computes features of `tokens` (from `normalized`). Allocates only when
    /// output or scratch vectors must grow.
    void extract(std::string_view normalized, const std::vector<std::string_view>& tokens,
                 basic_feature_vector<T>& out, featurizer_scratch& s) const {
        out.clear();
        prepare(s);
        const feature_spec<T>& sp = *spec_;

        if (!bow_.empty()) {
            begin(s);
            for (std::string_view t : tokens) {
                const std::int32_t id = bow_.find(t);
                if (id >= 0) add(s, static_cast<std::uint32_t>(id), 1.0f);
            }
            flush(s, out, sp.bow.mode, sp.bow.l2);
        }

        if (!sp.keywords.phrases.empty()) {
            const std::uint32_t off = static_cast<std::uint32_t>(sp.keyword_offset());
            begin(s);
            if (sp.keywords.match == keyword_match::substring) {
                for (std::size_t k = 0; k < sp.keywords.phrases.size(); ++k) {
                    const std::string& p = sp.keywords.phrases[k];
                    if (!p.empty() && normalized.find(p) != std::string_view::npos)
                        add(s, off + static_cast<std::uint32_t>(k), 1.0f);
                }
            } else if (!keyword_groups_.empty()) {
                for (std::size_t i = 0; i < tokens.size(); ++i) {
                    const std::int32_t g = keyword_first_.find(tokens[i]);
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

        if (sp.embedding.dim > 0) {
            std::size_t limit = tokens.size();
            if (sp.embedding.max_tokens > 0 && limit > sp.embedding.max_tokens) limit = sp.embedding.max_tokens;
            for (std::size_t i = 0; i < limit; ++i) {
                std::int32_t id = embedding_.find(tokens[i]);
                if (id < 0) id = sp.embedding.unk;
                if (id >= 0) out.embedding_rows.push_back(id);
            }
        }
    }

    /// Index of `token` in the bag-of-words vocabulary, or -1.
    std::int32_t bow_index(std::string_view token) const noexcept { return bow_.find(token); }
    /// Row of `token` in the embedding table, or -1 (no `<unk>` substitution).
    std::int32_t embedding_index(std::string_view token) const noexcept { return embedding_.find(token); }

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
    static void flush(featurizer_scratch& s, basic_feature_vector<T>& out, count_mode mode, bool l2) {
        const std::size_t first = out.value.size();
        double norm = 0;
        for (std::size_t k = 0; k < s.order.size(); ++k) {
            s.slot[s.order[k]] = -1;
            const float c = s.count[k];
            T v;
            switch (mode) {
                case count_mode::count: v = static_cast<T>(c); break;
                case count_mode::log1p: v = static_cast<T>(std::log1p(static_cast<double>(c))); break;
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

    const feature_spec<T>* spec_ = nullptr;
    detail::string_map bow_, bigrams_, embedding_, keyword_first_;
    std::vector<std::vector<keyword_entry>> keyword_groups_;
    std::size_t sparse_width_ = 0;
};

}  // namespace tiny_ticket
