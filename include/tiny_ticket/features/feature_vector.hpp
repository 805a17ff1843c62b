// SPDX-License-Identifier: MIT
#pragma once

// What the featurizer hands to the networks, as plain data: the networks
// (nn/, quant/) include this, not the featurizer.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tiny_ticket {

/// Features of one text: the sparse part as (index, value) pairs in
/// `[0, sparse_width)`, and the embedding rows whose mean is the dense part.
template <class T>
struct basic_feature_vector {
    std::vector<std::uint32_t> index;  ///< sparse feature indices, in first-seen order
    std::vector<T> value;  ///< their values, parallel to `index`
    std::vector<std::int32_t> embedding_rows;  ///< embedding table rows of the tokens, in text order

    /// Empties the vector, keeping its memory.
    void clear() noexcept {
        index.clear();
        value.clear();
        embedding_rows.clear();
    }
};

/// The character n-gram buckets of every known word, which a network folds
/// into one first-layer row per word (fold_word_rows): word w's buckets are
/// `buckets[offsets[w]]` up to `buckets[offsets[w + 1]]`, with repeats, as a
/// token of the word counts them. A view into the featurizer that made it;
/// empty (`words == 0`) when it cannot fold.
struct word_ngram_view {
    std::size_t sparse_width = 0;  ///< the featurizer's sparse width; word w's entry is sparse_width + w
    std::size_t words = 0;  ///< known words with n-gram buckets
    const std::uint32_t* offsets = nullptr;  ///< words + 1 entries
    const std::uint32_t* buckets = nullptr;  ///< every word's buckets, end to end

    /// True when there is nothing to fold.
    bool empty() const noexcept { return words == 0; }
    /// Calls `f(word, first, last)` for every word.
    template <class F>
    void for_each(F&& f) const {
        for (std::size_t w = 0; w < words; ++w) f(w, buckets + offsets[w], buckets + offsets[w + 1]);
    }
};

}  // namespace tiny_ticket
