// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "quant/format.hpp"
#include "tensor.hpp"
#include "text/config.hpp"

namespace tiny_ticket {

/// How a repeated feature (a word seen three times) is valued.
enum class count_mode { count, log1p, binary };
/// How keyword phrases are matched: on token boundaries (`api` does not fire
/// inside `rapid`), or anywhere in the normalized text (the reference format).
enum class keyword_match { token, substring };
/// Output activation of a head.
enum class head_kind { softmax, sigmoid };

/// Bag of words over a vocabulary; feature i is `vocab[i]`.
struct bow_spec {
    std::vector<std::string> vocab;
    count_mode mode = count_mode::log1p;
    /// Scale this group's values to unit L2 norm.
    bool l2 = false;
};

/// Binary flags for phrases (one or more words).
struct keyword_spec {
    std::vector<std::string> phrases;
    keyword_match match = keyword_match::token;
};

/// Word bigrams over a vocabulary of "first second" strings.
struct bigram_spec {
    std::vector<std::string> vocab;
    count_mode mode = count_mode::log1p;
    bool l2 = false;
};

/// Hashed character n-grams of `<token>` (fastText-style boundaries), robust
/// to typos and spelling variants. Disabled when `buckets == 0`.
struct char_ngram_spec {
    unsigned min_n = 3;
    unsigned max_n = 5;
    std::uint32_t buckets = 0;
    count_mode mode = count_mode::log1p;
    bool l2 = false;
};

/// Mean of token embeddings over the first `max_tokens` tokens. Disabled when
/// `dim == 0`. Tokens not in `vocab` map to row `unk`, or are skipped when
/// `unk < 0`.
template <class T>
struct embedding_spec {
    std::vector<std::string> vocab;
    std::int32_t unk = -1;
    std::size_t dim = 0;
    std::size_t max_tokens = 0;  ///< 0: all tokens
    basic_tensor<T> weights;      ///< vocab.size() x dim, row-major
};

/// All feature groups. The network input is laid out as
/// `[bow | keywords | bigrams | char n-grams | embedding]`.
template <class T>
struct feature_spec {
    bow_spec bow;
    keyword_spec keywords;
    bigram_spec bigrams;
    char_ngram_spec char_ngrams;
    embedding_spec<T> embedding;

    std::size_t keyword_offset() const noexcept { return bow.vocab.size(); }
    std::size_t bigram_offset() const noexcept { return keyword_offset() + keywords.phrases.size(); }
    std::size_t char_offset() const noexcept { return bigram_offset() + bigrams.vocab.size(); }
    /// Width of the sparse part (everything but the embedding).
    std::size_t sparse_width() const noexcept { return char_offset() + char_ngrams.buckets; }
    /// Width of the whole network input.
    std::size_t width() const noexcept { return sparse_width() + embedding.dim; }
};

/// Fully connected layer: y = W x + b, W is `out x in`, row-major.
template <class T>
struct dense_spec {
    std::size_t in = 0;
    std::size_t out = 0;
    basic_tensor<T> weights;  ///< out x in
    std::vector<T> bias;
};

/// Rectified linear unit, elementwise.
struct relu_spec {};

/// The closed set of trunk layer types.
template <class T>
using layer_spec = std::variant<dense_spec<T>, relu_spec>;

/// When a head's answer should go to a human: top probability below
/// `min_confidence`, or top minus runner-up below `min_margin`.
struct review_thresholds {
    double min_confidence = 0.0;
    double min_margin = 0.0;
};

/// One task: a dense layer on the trunk output and an activation.
/// Softmax heads have one logit per label; sigmoid heads have one logit and
/// two labels, `labels[1]` meaning "yes" (chosen when p >= 0.5).
template <class T>
struct head_spec {
    std::string name;
    head_kind kind = head_kind::softmax;
    std::vector<std::string> labels;
    dense_spec<T> layer;
    review_thresholds review;
};

/// A text whose scores the artifact records, re-checked on load.
struct self_test_case {
    std::string text;
    /// Per head name, the expected probability of every label.
    std::vector<std::pair<std::string, std::vector<double>>> expected;
};

/// Where a model's inputs come from in the data it was trained on, so `eval`
/// and `predict` read the same export without a configuration. Empty when
/// unknown (artifacts written before it existed).
struct data_mapping {
    /// Text fields, joined in this order (non-blank ones, by `separator`).
    std::vector<std::string> text;
    std::string separator = "\n";
    /// Source field -> head name.
    std::vector<std::pair<std::string, std::string>> heads;

    bool empty() const noexcept { return text.empty() && heads.empty(); }
};

/// Everything needed to reproduce predictions: the in-memory form of an
/// artifact. Plain data; build a classifier from it.
template <class T>
struct basic_model {
    std::string producer;
    normalizer_config normalizer;
    feature_spec<T> features;
    std::vector<layer_spec<T>> trunk;
    std::vector<head_spec<T>> heads;
    /// The data fields the model was trained from (optional).
    data_mapping data;
    /// Free-form metrics as a JSON object text (empty when absent).
    std::string metrics_json;
    std::vector<self_test_case> self_tests;
    /// Absolute tolerance for self-test scores.
    double self_test_tolerance = 1e-4;
    /// Which int8 arithmetic runs (quant/). none: every weight tensor (dense
    /// layers, heads, embedding table) is float; otherwise every one is int8
    /// and the classifier runs the int8 kernels. Never a mix (validate_model).
    /// Biases are float either way.
    quant_mode quantization = quant_mode::none;

    bool quantized() const noexcept { return quantization != quant_mode::none; }
};

}  // namespace tiny_ticket
