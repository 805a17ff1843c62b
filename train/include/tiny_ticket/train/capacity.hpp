// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tiny_ticket::train {

/// What the data offers the capacity choice: counted on the training split
/// after normalization, before any vocabulary is cut.
struct capacity_inputs {
    std::size_t rows = 0;     ///< training rows
    std::size_t outputs = 0;  ///< logits over all heads (labels; one per sigmoid head)
    std::size_t words = 0;    ///< distinct words that pass min_count
    std::size_t bigrams = 0;  ///< distinct bigrams that pass the bigram min_count (0: bigrams off)
    /// First-layer weights the budget leaves to another part of the artifact
    /// of about the same bytes (a pretrained embedding table); 0 without one.
    std::size_t reserved = 0;
};

/// The sizes that decide how big a model is. Almost all of an artifact is
/// the first dense layer, (words + bigrams + char buckets) x hidden[0] x
/// ensemble weights at 5.33 bytes each (base64 float32).
struct capacity {
    std::size_t max_vocab = 0;
    std::size_t max_bigrams = 0;
    std::uint32_t char_buckets = 0;
    std::vector<std::size_t> hidden;
    std::size_t ensemble = 1;
    /// Parameters of the first layer the choice aimed at (informational).
    std::size_t budget = 0;
    /// Which of the five values came from the data rather than the configuration.
    bool auto_vocab = false, auto_bigrams = false, auto_chars = false, auto_hidden = false, auto_ensemble = false;

    /// Input width with these caps for data offering `in` (sparse features only).
    std::size_t input_width(const capacity_inputs& in) const noexcept {
        return std::min(max_vocab, in.words) + std::min(max_bigrams, in.bigrams) + char_buckets;
    }
    /// Parameters of the network for data `in` (first layer, later layers, heads; no embedding).
    std::size_t parameters(const capacity_inputs& in) const noexcept {
        std::size_t p = 0, prev = input_width(in);
        for (std::size_t w : hidden) {
            p += (prev + 1) * w * ensemble;
            prev = w;
        }
        return p + (prev * ensemble + 1) * in.outputs;
    }
};

/// The settings `train` uses when the configuration leaves them unset.
///
/// The budget for the first layer grows with the rows, 96 weights per
/// training row, from 16 K to 800 K: a few rows cannot fit more weights
/// than they constrain, and 800 K (about 4.3 MB as float32 base64) keeps
/// models of BANKING77 and CLINC150 under 5 MB (BANKING77 as accurate as
/// with the former 8x larger artifact, CLINC150 0.6 points below;
/// docs/training.md). The hidden width follows the labels (16
/// to 64); the input width is the budget over the hidden width, split
/// between hashed character n-grams (a power of two, at most a third), words
/// (most frequent first) and bigrams. One network: on BANKING77's
/// validation split, at the same budget, 64 units beat two averaged
/// networks of 32, at half the training time.
struct capacity_policy {
    std::size_t weights_per_row = 96;
    std::size_t min_budget = 16384;
    std::size_t max_budget = 800000;
    std::size_t min_hidden = 16;
    std::size_t max_hidden = 64;
    std::uint32_t min_char_buckets = 256;
    std::uint32_t max_char_buckets = 1u << 14;
};

namespace detail {
inline std::size_t floor_pow2(std::size_t v) noexcept {
    std::size_t p = 1;
    while (p <= v / 2) p *= 2;
    return p;
}
inline std::size_t ceil_pow2(std::size_t v) noexcept {
    std::size_t p = 1;
    while (p < v) p *= 2;
    return p;
}
}  // namespace detail

/// Fills every unset value of (`max_vocab`, `max_bigrams`, `char_buckets`,
/// `hidden`, `ensemble`) from the data; set values are kept as given and
/// the rest is chosen around them. Pure and deterministic.
inline capacity choose_capacity(const std::optional<std::size_t>& max_vocab, const std::optional<std::size_t>& max_bigrams,
                                const std::optional<std::uint32_t>& char_buckets,
                                const std::optional<std::vector<std::size_t>>& hidden,
                                const std::optional<std::size_t>& ensemble, const capacity_inputs& in,
                                const capacity_policy& pol = {}) {
    capacity c;
    c.auto_vocab = !max_vocab;
    c.auto_bigrams = !max_bigrams;
    c.auto_chars = !char_buckets;
    c.auto_hidden = !hidden;
    c.auto_ensemble = !ensemble;
    c.ensemble = ensemble ? *ensemble : 1;
    if (hidden) {
        c.hidden = *hidden;
    } else {
        std::size_t w = detail::ceil_pow2(std::max<std::size_t>(in.outputs, 1));
        // Few rows cannot train a wide layer: at most one unit per 8 rows.
        w = std::min(w, detail::floor_pow2(std::max<std::size_t>(in.rows / 8, 1)));
        c.hidden = {std::clamp(w, pol.min_hidden, pol.max_hidden)};
    }
    const std::size_t width = std::max<std::size_t>(c.hidden.empty() ? 1 : c.hidden.front(), 1) * std::max<std::size_t>(c.ensemble, 1);
    c.budget = std::clamp(in.rows * pol.weights_per_row, pol.min_budget, pol.max_budget);
    // Never below the minimum: a small data set still gets its sparse features.
    if (in.reserved) c.budget = std::max(c.budget - std::min(c.budget, in.reserved), pol.min_budget);
    std::size_t inputs = std::max<std::size_t>(c.budget / width, 1);
    if (char_buckets) {
        c.char_buckets = *char_buckets;
    } else {
        const std::size_t b = detail::floor_pow2(std::max<std::size_t>(inputs / 3, 1));
        c.char_buckets = static_cast<std::uint32_t>(
            std::clamp<std::size_t>(b, pol.min_char_buckets, pol.max_char_buckets));
    }
    std::size_t left = inputs > c.char_buckets ? inputs - c.char_buckets : 0;
    // Words first: they carry most of the signal. Bigrams get a quarter of
    // what the char n-grams leave (more when the words run out).
    if (max_bigrams) {
        c.max_bigrams = *max_bigrams;
        left -= std::min(left, std::min(c.max_bigrams, in.bigrams));
        c.max_vocab = max_vocab ? *max_vocab : left;
    } else {
        const std::size_t word_share = left - std::min(in.bigrams, left / 4);
        c.max_vocab = max_vocab ? *max_vocab : std::min(in.words, word_share);
        const std::size_t used = std::min(c.max_vocab, in.words);
        c.max_bigrams = left > used ? left - used : 0;
    }
    return c;
}

}  // namespace tiny_ticket::train
