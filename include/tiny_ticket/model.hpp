// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
    std::vector<std::string> vocab;       ///< one feature per word, in input order
    count_mode mode = count_mode::log1p;  ///< how repeats of a word are valued
    /// Scale this group's values to unit L2 norm.
    bool l2 = false;
};

/// Binary flags for phrases (one or more words).
struct keyword_spec {
    std::vector<std::string> phrases;            ///< one flag per phrase, in input order
    keyword_match match = keyword_match::token;  ///< on token boundaries, or anywhere
};

/// Word bigrams over a vocabulary of "first second" strings.
struct bigram_spec {
    std::vector<std::string> vocab;       ///< one feature per "first second" pair
    count_mode mode = count_mode::log1p;  ///< how repeats of a bigram are valued
    bool l2 = false;                      ///< scale this group's values to unit L2 norm
};

/// Hashed character n-grams of `<token>` (fastText-style boundaries), robust
/// to typos and spelling variants. Disabled when `buckets == 0`.
struct char_ngram_spec {
    unsigned min_n = 3;                   ///< shortest n-gram, in bytes, boundaries included
    unsigned max_n = 5;                   ///< longest n-gram
    std::uint32_t buckets = 0;            ///< hash buckets (features); 0 disables the group
    count_mode mode = count_mode::log1p;  ///< how repeats of a bucket are valued
    bool l2 = false;                      ///< scale this group's values to unit L2 norm
};

/// Mean of token embeddings over the first `max_tokens` tokens. Disabled when
/// `dim == 0`. Tokens not in `vocab` map to row `unk`, or are skipped when
/// `unk < 0`.
template <class T>
struct embedding_spec {
    std::vector<std::string> vocab;  ///< one row per token
    std::int32_t unk = -1;           ///< row for unknown tokens, or -1 to skip them
    std::size_t dim = 0;             ///< width of a row; 0 disables the group
    std::size_t max_tokens = 0;  ///< 0: all tokens
    basic_tensor<T> weights;      ///< vocab.size() x dim, row-major
    /// Float model: save the table as int8 rows (a quarter of the bytes).
    /// The values must already be int8 rows times their scales
    /// (quant::round_rows), so a saved artifact predicts exactly like this
    /// model; set when a float artifact stores the table as `i8`.
    bool int8_rows = false;
    /// Where pretrained rows came from (the word-vector file's name); empty
    /// when the table was learned from scratch. Informational.
    std::string source;
};

/// All feature groups. The network input is laid out as
/// `[bow | keywords | bigrams | char n-grams | embedding]`.
template <class T>
struct feature_spec {
    bow_spec bow;                  ///< words
    keyword_spec keywords;         ///< phrase flags
    bigram_spec bigrams;           ///< word pairs
    char_ngram_spec char_ngrams;   ///< hashed character n-grams
    embedding_spec<T> embedding;   ///< mean token embedding

    /// Index of the first keyword feature in the network input.
    std::size_t keyword_offset() const noexcept { return bow.vocab.size(); }
    /// Index of the first bigram feature.
    std::size_t bigram_offset() const noexcept { return keyword_offset() + keywords.phrases.size(); }
    /// Index of the first character n-gram bucket.
    std::size_t char_offset() const noexcept { return bigram_offset() + bigrams.vocab.size(); }
    /// Width of the sparse part (everything but the embedding).
    std::size_t sparse_width() const noexcept { return char_offset() + char_ngrams.buckets; }
    /// Width of the whole network input.
    std::size_t width() const noexcept { return sparse_width() + embedding.dim; }
};

/// Fully connected layer: y = W x + b, W is `out x in`, row-major.
template <class T>
struct dense_spec {
    std::size_t in = 0;       ///< input width
    std::size_t out = 0;      ///< output width
    basic_tensor<T> weights;  ///< out x in
    std::vector<T> bias;      ///< out values, always float
};

/// Rectified linear unit, elementwise.
struct relu_spec {};

/// The closed set of trunk layer types.
template <class T>
using layer_spec = std::variant<dense_spec<T>, relu_spec>;

/// When a head's answer should go to a human: top probability below
/// `min_confidence`, or top minus runner-up below `min_margin`.
struct review_thresholds {
    double min_confidence = 0.0;  ///< in [0, 1]; 0 never asks for review on confidence
    double min_margin = 0.0;      ///< in [0, 1]; 0 never asks for review on margin
};

/// A head's "none of these" answer: the label it gives a text that fits none
/// of its other labels (spam, an auto-reply, a message for another company).
/// The head answers `label` when it is the top-scoring label (the model was
/// trained on out-of-scope rows) or when the top probability is below
/// `min_confidence` (0: only the former).
struct out_of_scope_spec {
    std::string label;            ///< one of the head's labels
    double min_confidence = 0.0;  ///< in [0, 1]
};

/// One task: a dense layer on the trunk output and an activation.
/// Softmax heads have one logit per label; sigmoid heads have one logit and
/// two labels, `labels[1]` meaning "yes" (chosen when p >= 0.5).
template <class T>
struct head_spec {
    std::string name;                     ///< unique among the model's heads, e.g. "intent"
    head_kind kind = head_kind::softmax;  ///< output activation
    std::vector<std::string> labels;      ///< unique; the i-th output scores labels[i]
    dense_spec<T> layer;                  ///< trunk output -> logits
    review_thresholds review;             ///< when a prediction asks for a human
    /// The head's out-of-scope answer; absent: every text gets one of `labels`
    /// by score alone.
    std::optional<out_of_scope_spec> out_of_scope;
    /// What each label means, for people reading predictions: either empty
    /// (the artifact has none) or one entry per label, in `labels` order, with
    /// "" for a label left undescribed. Never used to predict.
    std::vector<std::string> descriptions;

    /// The description of label `i`, or "" when there is none.
    std::string_view description(std::size_t i) const noexcept {
        return i < descriptions.size() ? std::string_view(descriptions[i]) : std::string_view();
    }
};

/// A text whose scores the artifact records, re-checked on load.
struct self_test_case {
    std::string text;  ///< the ticket, as given to predict
    /// Per head name, the expected probability of every label.
    std::vector<std::pair<std::string, std::vector<double>>> expected;
};

/// Where a model's inputs come from in the data it was trained on, so `eval`
/// and `predict` read the same export without a configuration. Empty when
/// unknown (artifacts written before it existed).
struct data_mapping {
    /// Text fields, joined in this order (non-blank ones, by `separator`).
    std::vector<std::string> text;
    /// What joins the text fields (a newline unless the trainer was told otherwise).
    std::string separator = "\n";
    /// Source field -> head name.
    std::vector<std::pair<std::string, std::string>> heads;

    /// True when the artifact recorded no mapping.
    bool empty() const noexcept { return text.empty() && heads.empty(); }
};

/// Everything needed to reproduce predictions: the in-memory form of an
/// artifact. Plain data; build a classifier from it.
template <class T>
struct basic_model {
    std::string producer;              ///< who wrote the artifact, e.g. "tiny_ticket 0.1.0 train"
    normalizer_config normalizer;      ///< text clean-up before tokenizing
    feature_spec<T> features;          ///< what the network reads
    std::vector<layer_spec<T>> trunk;  ///< shared layers, starting with a dense one
    std::vector<head_spec<T>> heads;   ///< one per question answered
    /// The data fields the model was trained from (optional).
    data_mapping data;
    /// Free-form metrics as a JSON object text (empty when absent).
    std::string metrics_json;
    std::vector<self_test_case> self_tests;  ///< re-checked when a classifier is built
    /// Absolute tolerance for self-test scores.
    double self_test_tolerance = 1e-4;
    /// Which int8 arithmetic runs (quant/). none: every weight tensor (dense
    /// layers, heads, embedding table) is float; otherwise every one is int8
    /// and the classifier runs the int8 kernels. Never a mix (validate_model).
    /// Biases are float either way.
    quant_mode quantization = quant_mode::none;

    /// True when the weights are int8.
    bool quantized() const noexcept { return quantization != quant_mode::none; }
};

}  // namespace tiny_ticket
