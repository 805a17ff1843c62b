// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>
#include <tiny_ticket/classifier.hpp>
#include <tiny_ticket/error.hpp>
#include <tiny_ticket/features/featurizer.hpp>
#include <tiny_ticket/model.hpp>
#include <tiny_ticket/text/lexicon.hpp>
#include <tiny_ticket/text/normalizer.hpp>
#include <tiny_ticket/version.hpp>
#include <tiny_ticket/train/adam.hpp>
#include <tiny_ticket/train/capacity.hpp>
#include <tiny_ticket/train/data.hpp>
#include <tiny_ticket/train/evaluate.hpp>
#include <tiny_ticket/train/metrics.hpp>
#include <tiny_ticket/train/mlp.hpp>
#include <tiny_ticket/train/review.hpp>
#include <tiny_ticket/train/rng.hpp>
#include <tiny_ticket/train/word_vectors.hpp>
#include <tiny_ticket/train/worker_pool.hpp>

namespace tiny_ticket::train {

/// How per-label loss weights are chosen for each head.
enum class class_weighting {
    none,           ///< every label weighs 1
    balanced,       ///< n / (labels * n_label): rare labels weigh more, mean weight 1
    sqrt_balanced,  ///< square root of balanced: a milder correction
};

/// Learning-rate schedule over `max_epochs`.
enum class lr_schedule {
    constant,
    linear,  ///< linear decay to 10% of the initial rate at the last epoch
    cosine,  ///< cosine decay to 10% of the initial rate at the last epoch
};

/// A head fixed by the configuration instead of discovered from the data.
struct head_config {
    std::string name;
    head_kind kind = head_kind::softmax;
    /// Label order of the head; empty: the labels found in the data, sorted.
    /// Sigmoid heads have two labels, the second meaning "yes".
    std::vector<std::string> labels;
    /// Multiplies this head's loss.
    double loss_weight = 1.0;
    /// Unset: learned on the validation split (train_config::review_target).
    std::optional<review_thresholds> review;
    /// The label of rows that fit none of the others (head_spec::out_of_scope).
    /// Unset: "out_of_scope" or "oos" when the head has such a label; "": none.
    /// A label the training rows lack is added to the head, answered only by
    /// the threshold.
    std::optional<std::string> out_of_scope_label;
    /// Unset: chosen on the validation split (train_config::out_of_scope_tolerance).
    std::optional<double> out_of_scope_min_confidence;
};

/// Everything that decides a trained model. The defaults are the settings
/// chosen on validation splits of public intent data sets; `train` with no
/// configuration uses them.
struct train_config {
    // --- heads
    /// Empty: every head found in the data (first-seen order), softmax, labels
    /// sorted. Otherwise exactly these heads (data for other heads is ignored).
    std::vector<head_config> heads;

    // --- text (stored in the artifact, so serving normalizes identically)
    normalizer_config normalizer = default_normalizer();

    // --- features
    /// Words in at least this many training texts enter the bag of words.
    std::size_t min_count = 1;
    /// Unset (here and for max_bigrams, char_buckets, hidden, ensemble): chosen
    /// from the data by choose_capacity; a value given wins.
    std::optional<std::size_t> max_vocab;
    count_mode bow_mode = count_mode::log1p;
    bool bow_l2 = true;
    /// Keyword phrases (normalized like the text), each one binary feature.
    std::vector<std::string> keywords;
    /// Word bigrams in at least `bigram_min_count` training texts.
    bool bigrams = true;
    std::size_t bigram_min_count = 2;
    std::optional<std::size_t> max_bigrams;
    count_mode bigram_mode = count_mode::log1p;
    bool bigram_l2 = true;
    /// Hashed character n-grams of each `<token>`; 0 buckets disables them.
    std::optional<std::uint32_t> char_buckets;
    unsigned char_min_n = 2;
    unsigned char_max_n = 5;
    count_mode char_mode = count_mode::log1p;
    bool char_l2 = true;
    /// Mean token embedding of this width; 0 disables it.
    std::size_t embedding_dim = 0;
    std::size_t embedding_min_count = 2;
    std::size_t embedding_max_vocab = 50000;
    /// Tokens averaged per text (0: all).
    std::size_t embedding_max_tokens = 0;
    /// Pretrained word vectors the embedding block starts from; null: none
    /// (the block is then learned from scratch when embedding_dim > 0). The
    /// block's vocabulary is the training words the table has (at most
    /// embedding_max_vocab, most frequent first; embedding_min_count does not
    /// apply), its width embedding_dim (0: the table's; less keeps the first
    /// columns), its rows the table's divided by the table's mean row norm;
    /// other words are skipped (their character n-grams still count).
    std::shared_ptr<const word_vectors> vectors;
    /// Keep the pretrained rows as they are (true) or train them (false);
    /// unset: both are trained and the validation split chooses.
    std::optional<bool> vectors_freeze;
    /// Also train without the vectors and keep whichever scores better on
    /// the validation split (the CLI's default when it finds the vectors
    /// itself). Without a validation split the vectors are used.
    bool vectors_optional = false;
    /// Save the pretrained table as int8 rows (a quarter of its float size);
    /// the trained rows are rounded to them, so the artifact predicts
    /// exactly what the trainer validated.
    bool vectors_int8 = true;
    /// Also keep the table's first (most frequent) words up to this many rows
    /// in all, seen in training or not: texts to classify use words the
    /// training rows lack, which the rows of the table still place. Costs
    /// artifact bytes (and first-layer budget, see vectors_int8).
    std::size_t vectors_table_words = 0;
    /// The pretrained rows are scaled by one factor so that the mean
    /// embedding of a training text has this L2 norm on average. Adam moves
    /// every weight by about the learning rate whatever its input, so the
    /// input's scale sets how fast the embedding path learns against the
    /// sparse groups (unit norm each): at 1 it lags (BANKING77 with 5 texts
    /// per label, validation mean macro-F1 0.38), at 2 and 4 it catches up
    /// (0.44, 0.52).
    double vectors_scale = 4.0;

    // --- network
    /// Widths of the dense+ReLU trunk layers (at least one).
    std::optional<std::vector<std::size_t>> hidden;
    /// Dropout after each trunk layer.
    double dropout = 0.5;
    /// Dropout of individual active input features (word/n-gram dropout).
    double input_dropout = 0.2;
    /// Networks trained with different seeds and merged into one model whose
    /// logits are their mean (an ensemble; inference cost grows like the
    /// trunk width, `ensemble * hidden`).
    std::optional<std::size_t> ensemble;

    // --- optimization
    adam_config optimizer = {};
    lr_schedule schedule = lr_schedule::linear;
    std::size_t batch_size = 32;
    /// The validated run's schedule decays over this span, so it sets the
    /// step size of every epoch and with it the epoch early stopping picks;
    /// a refit decays over that picked count instead. 45 rather than 30: on
    /// the tuning carve-outs of BANKING77 and CLINC150 (two seeds each) it
    /// scored higher in all four runs (docs/training.md, "Capacity"); 50
    /// and 60 were no better.
    std::size_t max_epochs = 45;
    /// Stop after this many epochs without a better validation mean macro-F1.
    std::size_t patience = 10;
    /// After early stopping picked the epoch count, train again from scratch
    /// on training plus validation rows for that many epochs (about twice the
    /// time; the stored validation metrics are those of the first run). On by
    /// default: the held-out tenth is data the final model should learn from.
    bool refit = true;
    double label_smoothing = 0;
    class_weighting class_weights = class_weighting::balanced;

    // --- validation, reproducibility, output
    /// Share of the data held out (stratified) for early stopping and metrics.
    /// Ignored when a validation set is passed explicitly.
    double validation_fraction = 0.1;
    /// Head whose labels stratify the split; empty: the head with the fewest
    /// labelled rows per label.
    std::string stratify_head;
    std::uint64_t seed = 42;
    /// Worker threads (0: one per core). Results do not depend on this.
    unsigned threads = 1;
    /// Validation texts stored in the artifact with their scores.
    std::size_t self_tests = 5;

    // --- review thresholds
    /// Heads without configured review thresholds get a min_confidence chosen
    /// on the validation split (predictions of the model before `refit`) so
    /// that the rows it does not flag reach this accuracy; when no threshold
    /// reaches it, the most accurate one keeping `review_min_coverage` of the
    /// rows (with a warning).
    double review_target = 0.95;
    double review_min_coverage = 0.5;
    /// Heads with an out-of-scope label get the highest confidence threshold
    /// that costs at most this much in-scope accuracy on the validation rows.
    double out_of_scope_tolerance = 0.01;

    // --- starting from a trained model (train_model with an initial model)
    /// Train only the heads: the initial model's trunk stays as it is.
    bool freeze_trunk = false;

    /// The normalizer the trainer uses unless configured: the library
    /// defaults, the default Hinglish/SMS lexicon, and letter runs squashed to
    /// two (`pleeease` -> `pleease`).
    static normalizer_config default_normalizer() {
        normalizer_config c;
        c.lexicon = default_lexicon();
        c.max_repeat = 2;
        return c;
    }
};

/// Progress after one epoch.
struct epoch_report {
    std::size_t epoch = 0;
    double train_loss = 0;
    double valid_loss = 0;
    double valid_mean_macro_f1 = 0;
    /// (head, accuracy) on the validation split.
    std::vector<std::pair<std::string, double>> valid_accuracy;
    double seconds = 0;  ///< wall time of this epoch
    bool best = false;   ///< this epoch is the best so far
    std::size_t member = 0;  ///< ensemble member being trained (0-based)
    std::size_t members = 1; ///< ensemble size
    bool refit = false;      ///< part of the final run on all rows (no validation)
};

/// A trained model and how it got there.
template <class T>
struct train_result {
    basic_model<T> model;
    /// Metrics of the exported model on the validation split (empty heads
    /// when there was no validation split).
    evaluation validation;
    std::vector<epoch_report> epochs;
    /// Best epoch of the first ensemble member (`best_epochs` has them all).
    std::size_t best_epoch = 0;
    std::vector<std::size_t> best_epochs;
    std::size_t train_examples = 0;
    std::size_t validation_examples = 0;
    /// Rows or labels the trainer skipped, settings it could not honour.
    std::vector<data_warning> warnings;
    /// The sizes the model was trained with (chosen or configured).
    capacity chosen;
    /// Per head whose review thresholds were learned: the choice and what it
    /// does on the validation split.
    std::vector<review_choice> review;
    /// Per head with an out-of-scope label whose threshold was learned.
    std::vector<out_of_scope_choice> out_of_scope;
    /// How the pretrained word vectors were used: "" (none given, or not
    /// used with an initial model), "none" (chosen against), "frozen" or
    /// "fine-tuned".
    std::string vectors;
    /// The variants compared on the validation split when the use of the
    /// vectors was chosen (empty when it was not): variant as in `vectors`,
    /// its validation mean macro-F1 and accuracy.
    struct vectors_trial {
        std::string variant;
        double valid_mean_macro_f1 = 0;
        double valid_mean_accuracy = 0;
    };
    std::vector<vectors_trial> vectors_trials;
};

/// Called after every epoch (from the calling thread).
using progress_fn = std::function<void(const epoch_report&)>;

namespace detail {

struct schema_head {
    std::string name;
    head_kind kind = head_kind::softmax;
    std::vector<std::string> labels;
    double loss_weight = 1;
    review_thresholds review;
    bool review_fixed = false;  ///< configured (or kept from an initial model), not learned
    std::ptrdiff_t init = -1;   ///< index of the initial model's head it starts from
};

inline bool negative_like(const std::string& s) {
    static const char* const neg[] = {"0", "false", "no", "n", "negative", "low", "none", "off", "neg"};
    std::string l = s;
    for (auto& c : l) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    for (const char* n : neg)
        if (l == n) return true;
    return false;
}

inline std::vector<schema_head> build_schema(const std::vector<const labelled_text*>& rows, const train_config& cfg,
                                             std::vector<data_warning>& warnings) {
    std::vector<schema_head> heads;
    auto collect = [&](const std::string& head) {
        std::vector<std::string> labels;
        for (const auto* r : rows)
            if (const std::string* l = r->label(head)) labels.push_back(*l);
        std::sort(labels.begin(), labels.end());
        labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
        return labels;
    };
    if (cfg.heads.empty()) {
        std::vector<std::string> names;
        for (const auto* r : rows)
            for (const auto& kv : r->labels)
                if (std::find(names.begin(), names.end(), kv.first) == names.end()) names.push_back(kv.first);
        for (const auto& n : names) {
            schema_head h;
            h.name = n;
            h.labels = collect(n);
            if (h.labels.size() < 2) {
                warnings.push_back({"", "head \"" + n + "\" has a single label \"" + h.labels.front() +
                                            "\" in the training data; it is not trained"});
                continue;
            }
            heads.push_back(std::move(h));
        }
        if (heads.empty())
            throw data_error(errc::data, "", "expected at least one head with two or more labels, got none");
        return heads;
    }
    for (std::size_t i = 0; i < cfg.heads.size(); ++i) {
        const head_config& hc = cfg.heads[i];
        const std::string where = "heads/" + std::to_string(i);
        if (hc.name.empty()) throw error(errc::argument, where, "expected a head name, got an empty string");
        for (const auto& h : heads)
            if (h.name == hc.name) throw error(errc::argument, where, "expected unique head names, got \"" + hc.name + "\" twice");
        schema_head h;
        h.name = hc.name;
        h.kind = hc.kind;
        h.loss_weight = hc.loss_weight;
        h.review = hc.review.value_or(review_thresholds{});
        h.review_fixed = hc.review.has_value();
        h.labels = hc.labels.empty() ? collect(hc.name) : hc.labels;
        if (hc.labels.empty() && h.kind == head_kind::sigmoid && h.labels.size() == 2 && negative_like(h.labels[1]) &&
            !negative_like(h.labels[0]))
            std::swap(h.labels[0], h.labels[1]);
        for (std::size_t a = 0; a < h.labels.size(); ++a)
            for (std::size_t b = 0; b < a; ++b)
                if (h.labels[a] == h.labels[b])
                    throw error(errc::argument, where + "/labels", "expected unique labels, got \"" + h.labels[a] + "\" twice");
        if (h.kind == head_kind::sigmoid && h.labels.size() != 2)
            throw error(errc::argument, where, "expected 2 labels for sigmoid head \"" + h.name + "\", got " +
                                                   std::to_string(h.labels.size()));
        if (h.labels.size() < 2)
            throw data_error(errc::data, where, "expected at least 2 labels for head \"" + h.name + "\", got " +
                                                    std::to_string(h.labels.size()) + " in the data");
        heads.push_back(std::move(h));
    }
    return heads;
}

/// Label indices per row and head (-1: missing). Unknown labels are masked
/// and reported once per (head, label).
inline std::vector<std::int32_t> encode_labels(const std::vector<const labelled_text*>& rows,
                                               const std::vector<schema_head>& heads,
                                               std::vector<data_warning>& warnings) {
    std::vector<std::int32_t> y(rows.size() * heads.size(), -1);
    std::vector<std::unordered_map<std::string, std::int32_t>> index(heads.size());
    for (std::size_t h = 0; h < heads.size(); ++h)
        for (std::size_t c = 0; c < heads[h].labels.size(); ++c) index[h][heads[h].labels[c]] = static_cast<std::int32_t>(c);
    std::map<std::pair<std::string, std::string>, std::pair<std::size_t, std::string>> unknown;
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t h = 0; h < heads.size(); ++h)
            if (const std::string* l = rows[i]->label(heads[h].name)) {
                auto it = index[h].find(*l);
                if (it != index[h].end()) {
                    y[i * heads.size() + h] = it->second;
                } else {
                    auto& e = unknown[{heads[h].name, *l}];
                    if (e.first++ == 0) e.second = rows[i]->where;
                }
            }
    for (const auto& [k, e] : unknown)
        warnings.push_back({e.second, "expected a label of head \"" + k.first + "\", got \"" + k.second + "\" (" +
                                          std::to_string(e.first) + " rows masked for this head)"});
    return y;
}

/// Stratified split: within each label group of the stratifying head, a
/// seeded shuffle sends round(fraction * size) rows to validation (keeping at
/// least one in training). Returns (train, validation) row indices, sorted.
inline std::pair<std::vector<std::size_t>, std::vector<std::size_t>> stratified_split(
    const std::vector<std::int32_t>& y, std::size_t nheads, std::size_t strat, std::size_t n, double fraction,
    std::uint64_t seed) {
    std::map<std::int32_t, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < n; ++i) groups[y[i * nheads + strat]].push_back(i);
    rng g(derive_seed(seed, 0x5eed5b117ull));
    std::vector<std::size_t> tr, va;
    for (auto& [label, idx] : groups) {
        (void)label;
        g.shuffle(idx);
        std::size_t nv = static_cast<std::size_t>(std::floor(fraction * static_cast<double>(idx.size()) + 0.5));
        if (nv >= idx.size()) nv = idx.size() - 1;
        va.insert(va.end(), idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(nv));
        tr.insert(tr.end(), idx.begin() + static_cast<std::ptrdiff_t>(nv), idx.end());
    }
    std::sort(tr.begin(), tr.end());
    std::sort(va.begin(), va.end());
    return {tr, va};
}

/// Tokens of training texts by how many texts contain them, most frequent
/// first (ties in byte order), at least `min_count`, at most `max_size`.
inline std::vector<std::string> top_terms(const std::unordered_map<std::string, std::size_t>& df, std::size_t min_count,
                                          std::size_t max_size) {
    std::vector<std::pair<std::string, std::size_t>> v;
    for (const auto& kv : df)
        if (kv.second >= std::max<std::size_t>(min_count, 1)) v.emplace_back(kv.first, kv.second);
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
        if (a.second != b.second) return a.second > b.second;
        return a.first < b.first;
    });
    if (v.size() > max_size) v.resize(max_size);
    std::vector<std::string> r;
    r.reserve(v.size());
    for (auto& kv : v) r.push_back(std::move(kv.first));
    return r;
}

/// Features of all texts, compressed rows.
template <class T>
struct feature_matrix {
    std::vector<std::size_t> start{0}, estart{0};
    std::vector<std::uint32_t> index;
    std::vector<T> value;
    std::vector<std::int32_t> rows;

    mlp_input<T> input(std::size_t i) const {
        mlp_input<T> x;
        x.index = index.data() + start[i];
        x.value = value.data() + start[i];
        x.nnz = start[i + 1] - start[i];
        x.embedding_rows = rows.data() + estart[i];
        x.tokens = estart[i + 1] - estart[i];
        return x;
    }
};

template <class T>
basic_model<T> export_model(const mlp_params<T>& p, const feature_spec<T>& spec, const normalizer_config& norm,
                            const std::vector<schema_head>& heads) {
    basic_model<T> m;
    m.producer = std::string("tiny_ticket ") + version_string + " train";
    m.normalizer = norm;
    m.features = spec;
    // A merged ensemble carries its members' embedding tables side by side.
    m.features.embedding.dim = p.shape.embedding_dim;
    m.features.embedding.weights = p.emb;
    if (m.features.embedding.int8_rows && !p.emb.empty()) {
        // What the artifact will hold, so the model validated and scored here
        // is exactly the one a reload gives.
        std::vector<T> rows = p.emb;
        quant::round_rows(rows, m.features.embedding.vocab.size(), p.shape.embedding_dim);
        m.features.embedding.weights = std::move(rows);
    }
    const std::size_t h0 = p.width0(), sparse = m.features.sparse_width(), dim = m.features.embedding.dim,
                      width = m.features.width();
    dense_spec<T> first;
    first.in = width;
    first.out = h0;
    first.weights.assign(h0 * width, T(0));
    for (std::size_t i = 0; i < sparse; ++i)
        for (std::size_t o = 0; o < h0; ++o) first.weights[o * width + i] = p.w0[i * h0 + o];
    for (std::size_t d = 0; d < dim; ++d)
        for (std::size_t o = 0; o < h0; ++o) first.weights[o * width + sparse + d] = p.w0e[d * h0 + o];
    first.bias = p.b0;
    m.trunk.emplace_back(std::move(first));
    m.trunk.emplace_back(relu_spec{});
    for (std::size_t l = 0; l + 1 < p.layers.size(); ++l) {
        const auto& d = p.layers[l];
        dense_spec<T> ds;
        ds.in = d.in;
        ds.out = d.out;
        ds.weights.assign(d.in * d.out, T(0));
        for (std::size_t i = 0; i < d.in; ++i)
            for (std::size_t o = 0; o < d.out; ++o) ds.weights[o * d.in + i] = d.wt[i * d.out + o];
        ds.bias = d.b;
        m.trunk.emplace_back(std::move(ds));
        m.trunk.emplace_back(relu_spec{});
    }
    const auto& hl = p.layers.back();
    for (std::size_t h = 0; h < heads.size(); ++h) {
        const head_slot& hs = p.shape.heads[h];
        head_spec<T> out;
        out.name = heads[h].name;
        out.kind = heads[h].kind;
        out.labels = heads[h].labels;
        out.review = heads[h].review;
        out.layer.in = hl.in;
        out.layer.out = hs.outputs;
        out.layer.weights.assign(hl.in * hs.outputs, T(0));
        for (std::size_t i = 0; i < hl.in; ++i)
            for (std::size_t o = 0; o < hs.outputs; ++o) out.layer.weights[o * hl.in + i] = hl.wt[i * hl.out + hs.offset + o];
        out.layer.bias.assign(hl.b.begin() + static_cast<std::ptrdiff_t>(hs.offset),
                              hl.b.begin() + static_cast<std::ptrdiff_t>(hs.offset + hs.outputs));
        m.heads.push_back(std::move(out));
    }
    return m;
}

inline void validate_config(const train_config& c) {
    auto bad = [](const std::string& key, const std::string& msg) { throw error(errc::argument, key, msg); };
    if (c.hidden && c.hidden->empty()) bad("hidden", "expected at least one trunk layer, got none");
    if (c.hidden)
        for (std::size_t w : *c.hidden)
            if (w == 0 || w > 65536) bad("hidden", "expected layer widths in [1, 65536], got " + std::to_string(w));
    if (!(c.dropout >= 0 && c.dropout < 1)) bad("dropout", "expected a value in [0, 1), got " + std::to_string(c.dropout));
    if (!(c.input_dropout >= 0 && c.input_dropout < 1))
        bad("input_dropout", "expected a value in [0, 1), got " + std::to_string(c.input_dropout));
    if (!(c.optimizer.learning_rate > 0 && std::isfinite(c.optimizer.learning_rate)))
        bad("learning_rate", "expected a positive number, got " + std::to_string(c.optimizer.learning_rate));
    if (!(c.optimizer.beta1 >= 0 && c.optimizer.beta1 < 1 && c.optimizer.beta2 >= 0 && c.optimizer.beta2 < 1))
        bad("beta1/beta2", "expected values in [0, 1)");
    if (!(c.optimizer.epsilon > 0)) bad("epsilon", "expected a positive number");
    if (!(c.optimizer.weight_decay >= 0)) bad("weight_decay", "expected a number >= 0");
    if (c.batch_size == 0) bad("batch_size", "expected a positive integer, got 0");
    if (c.max_epochs == 0) bad("max_epochs", "expected a positive integer, got 0");
    if (c.ensemble && (*c.ensemble == 0 || *c.ensemble > 64))
        bad("ensemble", "expected 1 to 64 members, got " + std::to_string(*c.ensemble));
    if (!(c.review_target > 0 && c.review_target <= 1))
        bad("review_target", "expected a value in (0, 1], got " + std::to_string(c.review_target));
    if (!(c.out_of_scope_tolerance >= 0 && c.out_of_scope_tolerance <= 1))
        bad("out_of_scope_tolerance", "expected a value in [0, 1], got " + std::to_string(c.out_of_scope_tolerance));
    if (!(c.review_min_coverage >= 0 && c.review_min_coverage <= 1))
        bad("review_min_coverage", "expected a value in [0, 1], got " + std::to_string(c.review_min_coverage));
    if (!(c.label_smoothing >= 0 && c.label_smoothing < 1)) bad("label_smoothing", "expected a value in [0, 1)");
    if (!(c.validation_fraction >= 0 && c.validation_fraction < 1)) bad("validation_fraction", "expected a value in [0, 1)");
    if (!(c.vectors_scale > 0 && std::isfinite(c.vectors_scale)))
        bad("embedding/scale", "expected a positive number, got " + std::to_string(c.vectors_scale));
    if (c.vectors && c.embedding_dim > c.vectors->dim)
        bad("embedding/dim", "expected at most the word vectors' " + std::to_string(c.vectors->dim) + " columns, got " +
                                 std::to_string(c.embedding_dim));
    if (c.char_buckets.value_or(1) > 0 && (c.char_min_n < 1 || c.char_max_n < c.char_min_n || c.char_max_n > 32))
        bad("char_ngrams", "expected 1 <= min_n <= max_n <= 32, got " + std::to_string(c.char_min_n) + ".." +
                               std::to_string(c.char_max_n));
}

template <class T>
class trainer {
public:
    trainer(const train_config& cfg, const progress_fn& progress, const basic_model<T>* init = nullptr)
        : cfg_(cfg), progress_(progress), init_(init) {}

    train_result<T> run(const std::vector<labelled_text>& rows, const std::vector<labelled_text>* valid_rows) {
        validate_config(cfg_);
        train_result<T> res;
        // Rows for the schema: training rows only when validation is explicit.
        std::vector<const labelled_text*> all;
        for (const auto& r : rows) all.push_back(&r);
        if (valid_rows) for (const auto& r : *valid_rows) all.push_back(&r);
        std::vector<const labelled_text*> schema_rows(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(rows.size()));
        heads_ = build_schema(schema_rows, cfg_, res.warnings);
        if (init_) match_initial_heads();
        std::size_t nh = heads_.size();
        std::vector<std::int32_t> y_all = encode_labels(all, heads_, res.warnings);

        // Rows without any label of the schema teach nothing.
        std::vector<std::size_t> keep;
        std::size_t dropped = 0;
        for (std::size_t i = 0; i < all.size(); ++i) {
            bool any = false;
            for (std::size_t h = 0; h < nh; ++h) any = any || y_all[i * nh + h] >= 0;
            if (any) keep.push_back(i);
            else ++dropped;
        }
        if (dropped)
            res.warnings.push_back({"", std::to_string(dropped) + " rows carry no label of the trained heads; skipped"});
        std::vector<std::size_t> tr, va;
        if (valid_rows) {
            for (std::size_t i : keep) (i < rows.size() ? tr : va).push_back(i);
        } else {
            std::vector<std::int32_t> yk(keep.size() * nh);
            for (std::size_t k = 0; k < keep.size(); ++k)
                for (std::size_t h = 0; h < nh; ++h) yk[k * nh + h] = y_all[keep[k] * nh + h];
            std::size_t strat = 0;
            if (!cfg_.stratify_head.empty()) {
                bool found = false;
                for (std::size_t h = 0; h < nh; ++h)
                    if (heads_[h].name == cfg_.stratify_head) {
                        strat = h;
                        found = true;
                    }
                if (!found) throw error(errc::argument, "stratify_head", "expected a trained head, got \"" + cfg_.stratify_head + "\"");
            } else {
                // The head with the fewest labelled rows per label is the one a
                // random split is most likely to starve of a label.
                double fewest = 0;
                for (std::size_t h = 0; h < nh; ++h) {
                    std::size_t n = 0;
                    for (std::size_t k = 0; k < keep.size(); ++k) n += yk[k * nh + h] >= 0 ? 1 : 0;
                    const double per = static_cast<double>(n) / static_cast<double>(heads_[h].labels.size());
                    if (h == 0 || per < fewest) {
                        fewest = per;
                        strat = h;
                    }
                }
            }
            // Too little data to hold any out: train on everything for max_epochs.
            if (cfg_.validation_fraction > 0 && keep.size() >= 20) {
                auto split = stratified_split(yk, nh, strat, keep.size(), cfg_.validation_fraction, cfg_.seed);
                for (std::size_t k : split.first) tr.push_back(keep[k]);
                for (std::size_t k : split.second) va.push_back(keep[k]);
            } else {
                tr = keep;
            }
        }
        if (tr.empty()) throw data_error(errc::data, "", "expected at least one labelled training row, got none");
        if (init_ && append_initial_heads()) {
            // The kept heads have no labels in the data: every row is masked for them.
            nh = heads_.size();
            std::vector<data_warning> again;
            y_all = encode_labels(all, heads_, again);
        }

        // Normalize once with the serving normalizer.
        const normalizer_config& norm_cfg = init_ ? init_->normalizer : cfg_.normalizer;
        normalizer norm(norm_cfg);
        std::vector<std::string> normalized(all.size());
        {
            normalizer_scratch ns;
            for (std::size_t i : tr) norm.normalize(all[i]->text, normalized[i], ns);
            for (std::size_t i : va) norm.normalize(all[i]->text, normalized[i], ns);
        }
        if (init_) use_initial_features(res.warnings);
        else build_features(norm, normalized, tr, res.warnings);
        res.chosen = cap_;
        basic_featurizer<T> feat(spec_);
        feature_matrix<T> fm;
        std::vector<std::size_t> pos(all.size(), 0);  // row -> position in fm
        {
            featurizer_scratch fs;
            basic_feature_vector<T> fv;
            std::vector<std::string_view> toks;
            std::size_t n = 0;
            for (const auto* list : {&tr, &va})
                for (std::size_t i : *list) {
                    normalizer::tokenize(normalized[i], toks);
                    feat.extract(normalized[i], toks, fv, fs);
                    fm.index.insert(fm.index.end(), fv.index.begin(), fv.index.end());
                    fm.value.insert(fm.value.end(), fv.value.begin(), fv.value.end());
                    fm.rows.insert(fm.rows.end(), fv.embedding_rows.begin(), fv.embedding_rows.end());
                    fm.start.push_back(fm.index.size());
                    fm.estart.push_back(fm.rows.size());
                    pos[i] = n++;
                }
        }
        std::vector<std::size_t> tr_pos, va_pos;
        for (std::size_t i : tr) tr_pos.push_back(pos[i]);
        for (std::size_t i : va) va_pos.push_back(pos[i]);
        std::vector<std::int32_t> y(fm.start.size() * nh, -1);
        for (const auto* list : {&tr, &va})
            for (std::size_t i : *list)
                for (std::size_t h = 0; h < nh; ++h) y[pos[i] * nh + h] = y_all[i * nh + h];

        // Network and loss.
        mlp_shape shape;
        shape.sparse_width = spec_.sparse_width();
        shape.embedding_rows = spec_.embedding.dim ? spec_.embedding.vocab.size() : 0;
        shape.embedding_dim = spec_.embedding.dim;
        shape.hidden = cap_.hidden;
        std::size_t off = 0;
        for (const auto& h : heads_) {
            const std::size_t outs = h.kind == head_kind::sigmoid ? 1 : h.labels.size();
            shape.heads.push_back({off, outs, h.kind});
            off += outs;
        }
        std::vector<bool> active(shape.sparse_width, false);
        double norm2 = 0;
        for (std::size_t p : tr_pos) {
            for (std::size_t k = fm.start[p]; k < fm.start[p + 1]; ++k) {
                active[fm.index[k]] = true;
                norm2 += static_cast<double>(fm.value[k]) * static_cast<double>(fm.value[k]);
            }
        }
        norm2 /= static_cast<double>(tr_pos.size());
        mlp_loss loss_cfg = class_weights(y, tr_pos, nh);
        loss_cfg.label_smoothing = cfg_.label_smoothing;
        const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
        const unsigned threads = cfg_.threads ? cfg_.threads : hw;
        const member_data md{shape, active, norm2, loss_cfg, fm, y, nh};

        std::vector<mlp_params<T>> members =
            train_members(md, tr_pos, va_pos, std::vector<std::size_t>(cap_.ensemble, cfg_.max_epochs), false, threads, res,
                          res.best_epochs);
        res.best_epoch = res.best_epochs.front();
        mlp_params<T> best = members.size() == 1 ? std::move(members.front()) : merge_ensemble(members);
        res.model = export_model(best, spec_, norm_cfg, heads_);
        res.train_examples = tr.size();
        res.validation_examples = va.size();
        // Score the exported model through the serving path, so the stored
        // metrics describe exactly what a loaded artifact predicts.
        std::vector<labelled_text> vrows;
        for (std::size_t i : va) vrows.push_back(*all[i]);
        if (!vrows.empty()) {
            const basic_classifier<T> vclf(res.model);
            res.validation = evaluate(vclf, vrows, std::min(threads, 4u)).metrics;
            learn_review(vclf, vrows, va, y_all, std::min(threads, 4u), res);
            // Explicit validation rows that only carry an out-of-scope label
            // the training rows lack were dropped from `va`; they are the
            // threshold's evidence.
            learn_out_of_scope(vclf, valid_rows ? *valid_rows : vrows, std::min(threads, 4u), res);
        } else {
            std::string names;
            for (const auto& h : heads_)
                if (!h.review_fixed) names += (names.empty() ? "\"" : ", \"") + h.name + "\"";
            if (!names.empty())
                res.warnings.push_back({"", "no validation split (fewer than 20 rows, or validation_fraction 0): review "
                                            "thresholds of " + names + " not learned, they flag nothing"});
        }
        // The refit model gets the thresholds chosen on the validated one.
        res.model = export_model(best, spec_, norm_cfg, heads_);
        if (cfg_.refit && !va_pos.empty()) {
            // The vocabulary stays the training split's: the validated feature set is what gets refitted.
            std::vector<std::size_t> all_pos = tr_pos;
            all_pos.insert(all_pos.end(), va_pos.begin(), va_pos.end());
            std::sort(all_pos.begin(), all_pos.end());
            std::vector<std::size_t> epochs, unused;
            for (std::size_t e : res.best_epochs) epochs.push_back(std::max<std::size_t>(e, 1));
            members = train_members(md, all_pos, {}, epochs, true, threads, res, unused);
            best = members.size() == 1 ? std::move(members.front()) : merge_ensemble(members);
            res.model = export_model(best, spec_, norm_cfg, heads_);
            res.train_examples += va.size();
        }
        attach_out_of_scope(res.model);
        const basic_classifier<T> clf(res.model);
        add_self_tests(clf, res.model, vrows.empty() ? tr : va, all);
        res.model.metrics_json = metrics_json(res);
        return res;
    }

private:
    static constexpr std::size_t chunks = 4;

    struct member_data {
        const mlp_shape& shape;
        const std::vector<bool>& active;
        double norm2;
        const mlp_loss& loss;
        const feature_matrix<T>& fm;
        const std::vector<std::int32_t>& y;
        std::size_t nh;
    };

    // Member 0 uses the configured seed itself, so a single network does not
    // depend on how ensembles derive their seeds.
    std::uint64_t member_seed(std::size_t m) const {
        return m == 0 ? cfg_.seed : derive_seed(cfg_.seed, 0xe25e4b1eull, m);
    }

    /// Trains members m = 0..epochs.size()-1 (member m for epochs[m] epochs).
    /// With several threads, members train concurrently, each on its own
    /// threads: they share nothing, so the results do not depend on the
    /// schedule. Progress is reported from the calling thread as it happens;
    /// res.epochs receives the reports in member order.
    std::vector<mlp_params<T>> train_members(const member_data& md, const std::vector<std::size_t>& tr_pos,
                                             const std::vector<std::size_t>& va_pos, const std::vector<std::size_t>& epochs,
                                             bool refit, unsigned threads, train_result<T>& res,
                                             std::vector<std::size_t>& best_epochs) const {
        const std::size_t k = epochs.size();
        std::vector<mlp_params<T>> out(k);
        best_epochs.assign(k, 0);
        std::vector<std::vector<epoch_report>> reports(k);
        const unsigned conc = static_cast<unsigned>(std::min<std::size_t>(std::max(threads, 1u), k));
        if (conc <= 1) {
            worker_pool pool(std::min<unsigned>(threads, chunks));
            for (std::size_t m = 0; m < k; ++m)
                out[m] = train_member(md, tr_pos, va_pos, member_seed(m), epochs[m], m, refit, pool,
                                      [&](const epoch_report& r) {
                                          reports[m].push_back(r);
                                          if (progress_) progress_(r);
                                      },
                                      best_epochs[m]);
        } else {
            const unsigned per = std::min<unsigned>(std::max(1u, threads / conc), chunks);
            std::mutex mu;
            std::condition_variable cv;
            std::vector<epoch_report> pending;
            unsigned finished = 0;
            std::vector<std::exception_ptr> errors(conc);
            std::vector<std::thread> workers;
            for (unsigned t = 0; t < conc; ++t)
                workers.emplace_back([&, t] {
                    try {
                        worker_pool pool(per);
                        for (std::size_t m = t; m < k; m += conc)
                            out[m] = train_member(md, tr_pos, va_pos, member_seed(m), epochs[m], m, refit, pool,
                                                  [&](const epoch_report& r) {
                                                      std::lock_guard<std::mutex> lock(mu);
                                                      reports[m].push_back(r);
                                                      pending.push_back(r);
                                                      cv.notify_one();
                                                  },
                                                  best_epochs[m]);
                    } catch (...) {
                        errors[t] = std::current_exception();
                    }
                    std::lock_guard<std::mutex> lock(mu);
                    ++finished;
                    cv.notify_one();
                });
            std::exception_ptr progress_error;
            std::vector<epoch_report> batch;
            for (;;) {
                {
                    std::unique_lock<std::mutex> lock(mu);
                    cv.wait(lock, [&] { return !pending.empty() || finished == conc; });
                    batch.swap(pending);
                    if (batch.empty() && finished == conc) break;
                }
                for (const auto& r : batch) {
                    if (!progress_ || progress_error) continue;
                    try {
                        progress_(r);
                    } catch (...) {
                        progress_error = std::current_exception();
                    }
                }
                batch.clear();
            }
            for (auto& w : workers) w.join();
            for (auto& e : errors)
                if (e) std::rethrow_exception(e);
            if (progress_error) std::rethrow_exception(progress_error);
        }
        for (auto& r : reports) res.epochs.insert(res.epochs.end(), r.begin(), r.end());
        return out;
    }

    /// Trains one network for up to `epochs` epochs; with validation rows,
    /// returns the parameters of the best epoch (early stopping).
    mlp_params<T> train_member(const member_data& md, const std::vector<std::size_t>& tr_pos,
                               const std::vector<std::size_t>& va_pos, std::uint64_t seed, std::size_t epochs,
                               std::size_t member, bool refit, worker_pool& pool,
                               const std::function<void(const epoch_report&)>& report, std::size_t& best_epoch) const {
        mlp_params<T> params;
        params.allocate(md.shape);
        params.initialize(derive_seed(seed, 0x1417ull), md.active, md.norm2);
        if (init_) copy_initial_weights(params);
        const bool pretrained = !init_ && !spec_.embedding.source.empty();
        if (pretrained) params.emb = spec_.embedding.weights.values;
        adam<T> opt(params, cfg_.optimizer);
        opt.freeze_trunk(init_ && cfg_.freeze_trunk);
        // Continuing from a model, its pretrained rows stay as they are: the
        // model does not record whether they were tuned, and the words the
        // new rows lack are those the table still places well.
        opt.freeze_embedding((pretrained && cfg_.vectors_freeze.value_or(false)) ||
                             (init_ && !spec_.embedding.source.empty()));
        const mlp<T> net(params);
        std::vector<mlp_grads<T>> grads(chunks);
        std::vector<mlp_scratch<T>> scratch(chunks);
        for (auto& g : grads) g.allocate(params);
        const std::size_t nh = md.nh;
        const auto& fm = md.fm;
        const auto& y = md.y;

        mlp_params<T> best;
        double best_f1 = -1;
        std::size_t since_best = 0;
        const std::size_t steps_per_epoch = (tr_pos.size() + cfg_.batch_size - 1) / cfg_.batch_size;
        const std::size_t total_steps = steps_per_epoch * epochs;
        std::vector<std::size_t> order = tr_pos;
        for (std::size_t epoch = 1; epoch <= epochs; ++epoch) {
            const auto t0 = std::chrono::steady_clock::now();
            rng shuffler(derive_seed(seed, 0xe90c4ull, epoch));
            shuffler.shuffle(order);
            double loss_sum = 0;
            for (std::size_t b = 0; b < order.size(); b += cfg_.batch_size) {
                const std::size_t e = std::min(order.size(), b + cfg_.batch_size);
                const T scale = T(1) / static_cast<T>(e - b);
                pool.run(chunks, [&](std::size_t c) {
                    mlp_grads<T>& g = grads[c];
                    g.clear();
                    const std::size_t n = e - b;
                    for (std::size_t k = b + n * c / chunks; k < b + n * (c + 1) / chunks; ++k) {
                        const std::size_t p = order[k];
                        // Dropout masks depend on (seed, epoch, example) only: not on threads or batch layout.
                        rng dr(derive_seed(seed, epoch, p));
                        const mlp_input<T> x = fm.input(p);
                        net.forward(x, scratch[c], &dr, cfg_.input_dropout, cfg_.dropout);
                        g.loss += net.loss(y.data() + p * nh, md.loss, scale, scratch[c], &g.labelled);
                        ++g.examples;
                        net.backward(x, scratch[c], g);
                    }
                });
                for (std::size_t c = 1; c < chunks; ++c) grads[0].add(grads[c], params.width0(), md.shape.embedding_dim);
                loss_sum += grads[0].loss;
                opt.step(params, grads[0], learning_rate(opt.steps(), total_steps), pool);
            }
            epoch_report rep;
            rep.epoch = epoch;
            rep.member = member;
            rep.members = cap_.ensemble;
            rep.refit = refit;
            rep.train_loss = loss_sum / static_cast<double>(order.size());
            if (!va_pos.empty()) {
                const evaluation ev = quick_eval(net, fm, y, va_pos, nh, pool, scratch, rep.valid_loss);
                rep.valid_mean_macro_f1 = ev.mean_macro_f1;
                for (const auto& h : ev.heads) rep.valid_accuracy.emplace_back(h.name, h.accuracy);
                if (ev.mean_macro_f1 > best_f1 + 1e-12) {
                    best_f1 = ev.mean_macro_f1;
                    best = params;
                    best_epoch = epoch;
                    rep.best = true;
                    since_best = 0;
                } else {
                    ++since_best;
                }
            } else {
                best_epoch = epoch;
                rep.best = true;
            }
            rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            report(rep);
            if (!va_pos.empty() && since_best >= cfg_.patience) break;
        }
        if (va_pos.empty()) return params;
        return best;
    }


    double learning_rate(std::size_t step, std::size_t total) const {
        const double lr = cfg_.optimizer.learning_rate;
        const double f = total ? std::min(1.0, static_cast<double>(step) / static_cast<double>(total)) : 0.0;
        switch (cfg_.schedule) {
            case lr_schedule::linear: return lr * (1.0 - 0.9 * f);
            case lr_schedule::cosine: return lr * (0.1 + 0.45 * (1.0 + std::cos(3.14159265358979323846 * f)));
            default: return lr;
        }
    }

    mlp_loss class_weights(const std::vector<std::int32_t>& y, const std::vector<std::size_t>& tr_pos, std::size_t nh) const {
        mlp_loss lc;
        lc.weight.resize(nh);
        for (std::size_t h = 0; h < nh; ++h) {
            const std::size_t k = heads_[h].labels.size();
            std::vector<double> count(k, 0);
            double n = 0;
            for (std::size_t p : tr_pos) {
                const std::int32_t l = y[p * nh + h];
                if (l >= 0) {
                    count[static_cast<std::size_t>(l)] += 1;
                    n += 1;
                }
            }
            std::size_t present = 0;
            for (double c : count) present += c > 0;
            lc.weight[h].assign(k, heads_[h].loss_weight);
            if (cfg_.class_weights == class_weighting::none || present == 0) continue;
            for (std::size_t c = 0; c < k; ++c) {
                if (count[c] == 0) continue;
                double w = n / (static_cast<double>(present) * count[c]);
                if (cfg_.class_weights == class_weighting::sqrt_balanced) w = std::sqrt(w);
                lc.weight[h][c] = heads_[h].loss_weight * w;
            }
        }
        return lc;
    }

    void build_features(const normalizer& norm, const std::vector<std::string>& normalized, const std::vector<std::size_t>& tr,
                        std::vector<data_warning>& warnings) {
        std::unordered_map<std::string, std::size_t> df, bdf;
        std::vector<std::string_view> toks;
        std::vector<std::string> seen;
        for (std::size_t i : tr) {
            normalizer::tokenize(normalized[i], toks);
            seen.assign(toks.begin(), toks.end());
            std::sort(seen.begin(), seen.end());
            seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
            for (const auto& t : seen) ++df[t];
            if (cfg_.bigrams && toks.size() >= 2) {
                seen.clear();
                for (std::size_t k = 0; k + 1 < toks.size(); ++k) {
                    std::string b(toks[k]);
                    b.push_back(' ');
                    b.append(toks[k + 1]);
                    seen.push_back(std::move(b));
                }
                std::sort(seen.begin(), seen.end());
                seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
                for (const auto& t : seen) ++bdf[t];
            }
        }
        capacity_inputs in;
        in.rows = tr.size();
        std::vector<std::string> pretrained_words;
        if (cfg_.vectors) {
            // Every training word the table has: a word seen once still
            // brings what the table knows about it.
            for (auto& w : top_terms(df, 1, cfg_.embedding_max_vocab))
                if (cfg_.vectors->row(w)) pretrained_words.push_back(std::move(w));
            if (pretrained_words.size() < cfg_.vectors_table_words) {
                std::unordered_map<std::string, bool> have;
                for (const auto& w : pretrained_words) have.emplace(w, true);
                for (const auto& w : cfg_.vectors->words) {
                    if (pretrained_words.size() >= std::min(cfg_.vectors_table_words, cfg_.embedding_max_vocab)) break;
                    if (!have.count(w)) pretrained_words.push_back(w);
                }
            }
            const std::size_t dim = cfg_.embedding_dim ? cfg_.embedding_dim : cfg_.vectors->dim;
            // The table costs the first layer budget what its bytes would
            // buy there: int8 rows are a quarter of float weights.
            const std::size_t values = pretrained_words.size() * dim;
            in.reserved = cfg_.vectors_int8 ? values / 4 : values;
        }
        for (const auto& h : heads_) in.outputs += h.kind == head_kind::sigmoid ? 1 : h.labels.size();
        for (const auto& kv : df) in.words += kv.second >= std::max<std::size_t>(cfg_.min_count, 1) ? 1 : 0;
        if (cfg_.bigrams)
            for (const auto& kv : bdf) in.bigrams += kv.second >= std::max<std::size_t>(cfg_.bigram_min_count, 1) ? 1 : 0;
        cap_ = choose_capacity(cfg_.max_vocab, cfg_.max_bigrams, cfg_.char_buckets, cfg_.hidden, cfg_.ensemble, in);
        spec_ = feature_spec<T>{};
        spec_.bow.vocab = top_terms(df, cfg_.min_count, cap_.max_vocab);
        spec_.bow.mode = cfg_.bow_mode;
        spec_.bow.l2 = cfg_.bow_l2;
        for (const auto& k : cfg_.keywords) {
            std::string p = norm.normalize(k);
            if (!p.empty() && std::find(spec_.keywords.phrases.begin(), spec_.keywords.phrases.end(), p) ==
                                  spec_.keywords.phrases.end())
                spec_.keywords.phrases.push_back(std::move(p));
        }
        spec_.keywords.match = keyword_match::token;
        if (cfg_.bigrams) {
            spec_.bigrams.vocab = top_terms(bdf, cfg_.bigram_min_count, cap_.max_bigrams);
            spec_.bigrams.mode = cfg_.bigram_mode;
            spec_.bigrams.l2 = cfg_.bigram_l2;
        }
        spec_.char_ngrams.buckets = cap_.char_buckets;
        spec_.char_ngrams.min_n = cfg_.char_min_n;
        spec_.char_ngrams.max_n = cfg_.char_max_n;
        spec_.char_ngrams.mode = cfg_.char_mode;
        spec_.char_ngrams.l2 = cfg_.char_l2;
        if (cfg_.vectors && !pretrained_words.empty()) {
            const word_vectors& wv = *cfg_.vectors;
            auto& e = spec_.embedding;
            e.vocab = std::move(pretrained_words);
            e.unk = -1;
            e.dim = cfg_.embedding_dim ? cfg_.embedding_dim : wv.dim;
            e.max_tokens = cfg_.embedding_max_tokens;
            e.source = wv.name;
            e.int8_rows = cfg_.vectors_int8;
            // One factor for the whole table: the mean embedding of a training
            // text gets norm vectors_scale on average (see there).
            double norm = 0;
            {
                std::unordered_map<std::string_view, std::size_t> row_of;
                for (std::size_t r = 0; r < e.vocab.size(); ++r) row_of.emplace(e.vocab[r], r);
                std::vector<double> mean(e.dim);
                std::size_t texts = 0;
                for (std::size_t i : tr) {
                    normalizer::tokenize(normalized[i], toks);
                    std::fill(mean.begin(), mean.end(), 0.0);
                    std::size_t n = 0;
                    for (auto t : toks) {
                        const auto it = row_of.find(t);
                        if (it == row_of.end()) continue;
                        const float* src = wv.row(e.vocab[it->second]);
                        for (std::size_t c = 0; c < e.dim; ++c) mean[c] += src[c];
                        ++n;
                    }
                    if (n == 0) continue;
                    double n2 = 0;
                    for (double m : mean) n2 += (m / static_cast<double>(n)) * (m / static_cast<double>(n));
                    norm += std::sqrt(n2);
                    ++texts;
                }
                norm = texts ? norm / static_cast<double>(texts) : 0.0;
            }
            const T k = static_cast<T>(norm > 0 ? cfg_.vectors_scale / norm : 1.0);
            std::vector<T> rows(e.vocab.size() * e.dim);
            for (std::size_t r = 0; r < e.vocab.size(); ++r) {
                const float* src = wv.row(e.vocab[r]);
                for (std::size_t c = 0; c < e.dim; ++c) rows[r * e.dim + c] = static_cast<T>(src[c]) * k;
            }
            if (e.int8_rows) quant::round_rows(rows, e.vocab.size(), e.dim);
            e.weights = basic_tensor<T>::floating(e.vocab.size(), e.dim, std::move(rows));
        } else if (cfg_.vectors) {
            warnings.push_back({"", "none of the training words is in the word vectors \"" + cfg_.vectors->name +
                                         "\"; trained without them"});
        } else if (cfg_.embedding_dim > 0) {
            auto& e = spec_.embedding;
            e.vocab = {"<unk>"};
            auto words = top_terms(df, cfg_.embedding_min_count, cfg_.embedding_max_vocab);
            words.erase(std::remove(words.begin(), words.end(), std::string("<unk>")), words.end());
            e.vocab.insert(e.vocab.end(), words.begin(), words.end());
            e.unk = 0;
            e.dim = cfg_.embedding_dim;
            e.max_tokens = cfg_.embedding_max_tokens;
        }
        if (spec_.width() == 0)
            throw data_error(errc::data, "", "expected some features, got an empty vocabulary (are the texts empty?)");
    }

    evaluation quick_eval(const mlp<T>& net, const feature_matrix<T>& fm, const std::vector<std::int32_t>& y,
                          const std::vector<std::size_t>& va_pos, std::size_t nh, worker_pool& pool,
                          std::vector<mlp_scratch<T>>& scratch, double& loss_out) const {
        std::vector<std::vector<std::int32_t>> gold(nh, std::vector<std::int32_t>(va_pos.size(), -1)),
            pred(nh, std::vector<std::int32_t>(va_pos.size(), -1));
        std::vector<double> loss(chunks, 0);
        const mlp_loss plain;
        pool.run(chunks, [&](std::size_t c) {
            const std::size_t n = va_pos.size();
            for (std::size_t k = n * c / chunks; k < n * (c + 1) / chunks; ++k) {
                const std::size_t p = va_pos[k];
                net.forward(fm.input(p), scratch[c]);
                loss[c] += net.loss(y.data() + p * nh, plain, T(0), scratch[c]);
                for (std::size_t h = 0; h < nh; ++h) {
                    gold[h][k] = y[p * nh + h];
                    const head_slot& hs = net_heads(h);
                    const T* z = scratch[c].logits.data() + hs.offset;
                    if (hs.kind == head_kind::sigmoid) {
                        pred[h][k] = z[0] >= T(0) ? 1 : 0;
                    } else {
                        pred[h][k] = static_cast<std::int32_t>(std::max_element(z, z + hs.outputs) - z);
                    }
                }
            }
        });
        double total = 0;
        for (double l : loss) total += l;
        loss_out = total / static_cast<double>(va_pos.size());
        evaluation ev;
        ev.examples = va_pos.size();
        for (std::size_t h = 0; h < nh; ++h) ev.heads.push_back(compute_head_metrics(heads_[h].name, heads_[h].labels, gold[h], pred[h]));
        summarize(ev);
        return ev;
    }

    head_slot net_heads(std::size_t h) const {
        std::size_t off = 0;
        for (std::size_t i = 0; i < h; ++i) off += heads_[i].kind == head_kind::sigmoid ? 1 : heads_[i].labels.size();
        return {off, heads_[h].kind == head_kind::sigmoid ? 1 : heads_[h].labels.size(), heads_[h].kind};
    }

    void add_self_tests(const basic_classifier<T>& clf, basic_model<T>& m, const std::vector<std::size_t>& from,
                        const std::vector<const labelled_text*>& all) const {
        const std::size_t n = std::min(cfg_.self_tests, from.size());
        auto ws = clf.make_workspace();
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t i = from[k * from.size() / n];
            const auto& p = clf.predict(all[i]->text, ws);
            self_test_case tc;
            tc.text = all[i]->text;
            for (const auto& h : p.heads) {
                std::vector<double> s;
                for (T v : h.scores) s.push_back(static_cast<double>(v));
                tc.expected.emplace_back(std::string(h.name), std::move(s));
            }
            m.self_tests.push_back(std::move(tc));
        }
    }

    // The validation report and how the model was trained, as the artifact's
    // "metrics" object. The model holds it as text; the artifact writer
    // parses it back.
    std::string metrics_json(const train_result<T>& r) const {
        nlohmann::json epochs = nlohmann::json::array();
        for (const auto& e : r.epochs)
            epochs.push_back({{"epoch", e.epoch},
                              {"member", e.member},
                              {"refit", e.refit},
                              {"train_loss", metric_number(e.train_loss)},
                              {"valid_loss", metric_number(e.valid_loss)},
                              {"valid_mean_macro_f1", metric_number(e.valid_mean_macro_f1)}});
        const nlohmann::json features = {{"bow", spec_.bow.vocab.size()},
                                         {"keywords", spec_.keywords.phrases.size()},
                                         {"bigrams", spec_.bigrams.vocab.size()},
                                         {"char_buckets", spec_.char_ngrams.buckets},
                                         {"embedding_vocab", spec_.embedding.vocab.size()},
                                         {"embedding_dim", spec_.embedding.dim},
                                         {"embedding_source", spec_.embedding.source}};
        const nlohmann::json training = {{"examples", r.train_examples},
                                         {"validation_examples", r.validation_examples},
                                         {"epochs", r.epochs.size()},
                                         {"best_epoch", r.best_epoch},
                                         {"seed", cfg_.seed},
                                         {"ensemble", cap_.ensemble},
                                         {"refit", cfg_.refit},
                                         {"hidden", cap_.hidden},
                                         {"initial_model", init_ != nullptr},
                                         {"freeze_trunk", init_ != nullptr && cfg_.freeze_trunk},
                                         {"features", features},
                                         {"epoch_history", std::move(epochs)}};
        nlohmann::json review = nlohmann::json::array();
        for (const auto& c : r.review)
            review.push_back({{"head", c.head},
                              {"min_confidence", metric_number(c.thresholds.min_confidence)},
                              {"target", metric_number(c.target)},
                              {"reached", c.reached},
                              {"rows", c.rows},
                              {"coverage", metric_number(c.coverage)},
                              {"accuracy", metric_number(c.accuracy)}});
        nlohmann::json m = {{"validation", r.validation_examples ? to_json(r.validation) : nlohmann::json()},
                            {"training", training}};
        m["training"]["review"] = std::move(review);
        if (!r.out_of_scope.empty()) {
            nlohmann::json oos = nlohmann::json::array();
            for (const auto& c : r.out_of_scope)
                oos.push_back({{"head", c.head},
                               {"label", c.label},
                               {"min_confidence", metric_number(c.min_confidence)},
                               {"tolerance", metric_number(c.tolerance)},
                               {"in_scope_rows", c.in_scope_rows},
                               {"out_of_scope_rows", c.out_of_scope_rows},
                               {"in_scope_accuracy", metric_number(c.in_scope_accuracy)},
                               {"recall", metric_number(c.recall)},
                               {"precision", metric_number(c.precision)}});
            m["training"]["out_of_scope"] = std::move(oos);
        }
        // Head names and labels from a CSV need not be UTF-8.
        return m.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }

    /// With an initial model: schema heads of the same name start from its
    /// head, with its label order (labels only the data has are appended).
    void match_initial_heads() {
        for (auto& h : heads_) {
            for (std::size_t j = 0; j < init_->heads.size(); ++j) {
                const auto& ih = init_->heads[j];
                if (ih.name != h.name) continue;
                if (ih.kind != h.kind)
                    throw error(errc::argument, "heads/" + h.name,
                                "expected the kind of the initial model's head \"" + h.name + "\" (" +
                                    (ih.kind == head_kind::sigmoid ? "sigmoid" : "softmax") + "), got another");
                bool configured = false;
                for (const auto& hc : cfg_.heads) configured = configured || (hc.name == h.name && !hc.labels.empty());
                if (!configured) {
                    std::vector<std::string> labels = ih.labels;
                    for (const auto& l : h.labels)
                        if (std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(l);
                    if (h.kind == head_kind::sigmoid && labels.size() != 2)
                        throw data_error(errc::data, "", "expected the labels of the initial model's sigmoid head \"" +
                                                             h.name + "\" in the data, got others");
                    h.labels = std::move(labels);
                }
                h.init = static_cast<std::ptrdiff_t>(j);
            }
        }
    }

    /// Appends the initial model's heads the data has no labels for, as they
    /// are: their rows are all masked, so their weights never move.
    bool append_initial_heads() {
        bool added = false;
        for (std::size_t j = 0; j < init_->heads.size(); ++j) {
            const auto& ih = init_->heads[j];
            bool present = false;
            for (const auto& h : heads_) present = present || h.name == ih.name;
            if (present) continue;
            schema_head h;
            h.name = ih.name;
            h.kind = ih.kind;
            h.labels = ih.labels;
            h.review = ih.review;
            h.review_fixed = true;
            h.init = static_cast<std::ptrdiff_t>(j);
            heads_.push_back(std::move(h));
            added = true;
        }
        return added;
    }

    /// Features and trunk shape of the initial model, checked to be what
    /// this trainer builds: a float model whose trunk is dense+ReLU pairs.
    void use_initial_features(std::vector<data_warning>& warnings) {
        if (init_->quantized())
            throw error(errc::argument, "init", "expected a float model, got an int8 one (start from its float original)");
        spec_ = init_->features;
        init_dense_.clear();
        cap_ = capacity{};
        for (std::size_t l = 0; l < init_->trunk.size(); ++l) {
            const bool want_dense = l % 2 == 0;
            const auto* d = std::get_if<dense_spec<T>>(&init_->trunk[l]);
            if ((d != nullptr) != want_dense || (l + 1 == init_->trunk.size() && want_dense))
                throw error(errc::argument, "init", "expected a trunk of dense+ReLU layers, got another layout");
            if (d) {
                init_dense_.push_back(d);
                cap_.hidden.push_back(d->out);
            }
        }
        if (init_dense_.empty() || init_dense_.front()->in != spec_.width())
            throw error(errc::argument, "init", "expected a trunk whose first layer reads the features, got none");
        cap_.ensemble = 1;
        cap_.max_vocab = spec_.bow.vocab.size();
        cap_.max_bigrams = spec_.bigrams.vocab.size();
        cap_.char_buckets = spec_.char_ngrams.buckets;
        if (cfg_.max_vocab || cfg_.max_bigrams || cfg_.char_buckets || cfg_.hidden || cfg_.ensemble)
            warnings.push_back({"", "starting from a trained model: its features and trunk are used, the configured "
                                    "max_vocab, bigrams max_size, char_ngrams buckets, hidden and ensemble are ignored"});
    }

    /// Overwrites a randomly initialized network with the initial model's
    /// trunk and the columns of its heads that the schema heads share.
    void copy_initial_weights(mlp_params<T>& p) const {
        const std::size_t h0 = p.width0(), sparse = spec_.sparse_width(), width = spec_.width(),
                          dim = spec_.embedding.dim;
        const dense_spec<T>& first = *init_dense_.front();
        for (std::size_t i = 0; i < sparse; ++i)
            for (std::size_t o = 0; o < h0; ++o) p.w0[i * h0 + o] = first.weights[o * width + i];
        for (std::size_t d = 0; d < dim; ++d)
            for (std::size_t o = 0; o < h0; ++o) p.w0e[d * h0 + o] = first.weights[o * width + sparse + d];
        p.b0 = first.bias;
        if (dim) p.emb.assign(spec_.embedding.weights.data(), spec_.embedding.weights.data() + spec_.embedding.weights.size());
        for (std::size_t l = 1; l < init_dense_.size(); ++l) {
            const dense_spec<T>& src = *init_dense_[l];
            auto& d = p.layers[l - 1];
            for (std::size_t i = 0; i < d.in; ++i)
                for (std::size_t o = 0; o < d.out; ++o) d.wt[i * d.out + o] = src.weights[o * d.in + i];
            d.b = src.bias;
        }
        auto& hl = p.layers.back();
        for (std::size_t h = 0; h < heads_.size(); ++h) {
            if (heads_[h].init < 0) continue;
            const head_spec<T>& ih = init_->heads[static_cast<std::size_t>(heads_[h].init)];
            const head_slot& hs = p.shape.heads[h];
            for (std::size_t c = 0; c < hs.outputs; ++c) {
                // Sigmoid: the single logit; softmax: the column of the same label.
                std::size_t src = c;
                if (heads_[h].kind == head_kind::softmax) {
                    auto it = std::find(ih.labels.begin(), ih.labels.end(), heads_[h].labels[c]);
                    if (it == ih.labels.end()) continue;
                    src = static_cast<std::size_t>(it - ih.labels.begin());
                }
                for (std::size_t i = 0; i < hl.in; ++i) hl.wt[i * hl.out + hs.offset + c] = ih.layer.weights[src * hl.in + i];
                hl.b[hs.offset + c] = ih.layer.bias[src];
            }
        }
    }

    /// Chooses min_confidence of every head without configured thresholds on
    /// the validation rows, scored by the model trained without them.
    void learn_review(const basic_classifier<T>& clf, const std::vector<labelled_text>& vrows,
                      const std::vector<std::size_t>& va, const std::vector<std::int32_t>& y_all, unsigned threads,
                      train_result<T>& res) {
        std::vector<std::string_view> texts;
        for (const auto& r : vrows) texts.emplace_back(r.text);
        const auto preds = clf.predict_batch(texts, threads);
        const std::size_t nh = heads_.size();
        for (std::size_t h = 0; h < nh; ++h) {
            if (heads_[h].review_fixed) continue;
            std::vector<scored_prediction> scored;
            for (std::size_t k = 0; k < va.size(); ++k) {
                const std::int32_t gold = y_all[va[k] * nh + h];
                if (gold < 0) continue;
                const auto& hp = preds[k].heads[h];
                scored.push_back({static_cast<double>(hp.confidence), static_cast<std::int32_t>(hp.label_index) == gold});
            }
            review_choice c = choose_review_threshold(std::move(scored), cfg_.review_target, cfg_.review_min_coverage);
            c.head = heads_[h].name;
            heads_[h].review = c.thresholds;
            if (c.rows && !c.reached) {
                char buf[200];
                std::snprintf(buf, sizeof buf,
                              "review target %.3f not reached for head \"%s\" on %zu validation rows: flagging below "
                              "confidence %.3f keeps %.1f%% at accuracy %.3f",
                              c.target, c.head.c_str(), c.rows, c.thresholds.min_confidence, 100.0 * c.coverage, c.accuracy);
                res.warnings.push_back({"", buf});
            }
            res.review.push_back(std::move(c));
        }
    }

    /// Head h's out-of-scope label and configured threshold: the
    /// configuration's, else a label named "out_of_scope" or "oos", else
    /// the initial model's head's. Empty label: none.
    std::pair<std::string, std::optional<double>> out_of_scope_of(std::size_t h) const {
        const schema_head& sh = heads_[h];
        for (const auto& hc : cfg_.heads)
            if (hc.name == sh.name && hc.out_of_scope_label) return {*hc.out_of_scope_label, hc.out_of_scope_min_confidence};
        std::optional<double> fixed;
        for (const auto& hc : cfg_.heads)
            if (hc.name == sh.name) fixed = hc.out_of_scope_min_confidence;
        for (const char* l : {"out_of_scope", "oos"})
            if (std::find(sh.labels.begin(), sh.labels.end(), l) != sh.labels.end()) return {l, fixed};
        if (init_ && sh.init >= 0) {
            const auto& io = init_->heads[static_cast<std::size_t>(sh.init)].out_of_scope;
            if (io && std::find(sh.labels.begin(), sh.labels.end(), io->label) != sh.labels.end())
                return {io->label, fixed ? fixed : std::optional<double>(io->min_confidence)};
        }
        return {"", std::nullopt};
    }

    /// Chooses the out-of-scope threshold of every head with an out-of-scope
    /// label and no configured threshold, on `vrows` as `clf` (no threshold)
    /// predicts them.
    void learn_out_of_scope(const basic_classifier<T>& clf, const std::vector<labelled_text>& vrows, unsigned threads,
                            train_result<T>& res) {
        oos_min_confidence_.assign(heads_.size(), 0.0);
        std::vector<std::size_t> todo;
        for (std::size_t h = 0; h < heads_.size(); ++h) {
            const auto [label, fixed] = out_of_scope_of(h);
            if (label.empty()) continue;
            if (fixed) oos_min_confidence_[h] = *fixed;
            else todo.push_back(h);
            // The label is expected in validation rows even when no training row has it.
            const std::string noise = "expected a label of head \"" + heads_[h].name + "\", got \"" + label + "\" (";
            res.warnings.erase(std::remove_if(res.warnings.begin(), res.warnings.end(),
                                              [&](const data_warning& w) { return w.message.rfind(noise, 0) == 0; }),
                               res.warnings.end());
        }
        if (todo.empty()) return;
        std::vector<std::string_view> texts;
        for (const auto& r : vrows) texts.emplace_back(r.text);
        const auto preds = clf.predict_batch(texts, threads);
        for (std::size_t h : todo) {
            const std::string label = out_of_scope_of(h).first;
            const auto& labels = heads_[h].labels;
            std::vector<out_of_scope_row> rows;
            for (std::size_t k = 0; k < vrows.size(); ++k) {
                const std::string* gold = vrows[k].label(heads_[h].name);
                if (!gold) continue;
                const bool oos = *gold == label;
                if (!oos && std::find(labels.begin(), labels.end(), *gold) == labels.end()) continue;
                const auto& hp = preds[k].heads[h];
                rows.push_back({static_cast<double>(hp.confidence), oos, hp.label == label, hp.label == *gold});
            }
            out_of_scope_choice c = choose_out_of_scope_threshold(rows, cfg_.out_of_scope_tolerance);
            c.head = heads_[h].name;
            c.label = label;
            if (c.out_of_scope_rows == 0)
                res.warnings.push_back({"", "no validation row of head \"" + c.head + "\" is labelled \"" + label +
                                                "\": its out-of-scope threshold is not learned (0)"});
            oos_min_confidence_[h] = c.min_confidence;
            res.out_of_scope.push_back(std::move(c));
        }
    }

    /// Gives the exported model's heads their out-of-scope label and
    /// threshold. A label no training row had becomes one more output the
    /// network never chooses (zero weights, a bias far below any logit): only
    /// the threshold answers it, and every other score stays as it was.
    void attach_out_of_scope(basic_model<T>& m) const {
        for (std::size_t h = 0; h < heads_.size() && h < m.heads.size(); ++h) {
            const auto [label, fixed] = out_of_scope_of(h);
            if (label.empty()) continue;
            head_spec<T>& hs = m.heads[h];
            if (std::find(hs.labels.begin(), hs.labels.end(), label) == hs.labels.end()) {
                if (hs.kind != head_kind::softmax)
                    throw error(errc::argument, "heads/" + hs.name + "/out_of_scope_label",
                                "expected a label of sigmoid head \"" + hs.name + "\", got \"" + label + "\"");
                hs.labels.push_back(label);
                const std::size_t in = hs.layer.in;
                std::vector<T> w(hs.layer.weights.begin(), hs.layer.weights.end());
                w.resize(w.size() + in, T(0));
                hs.layer.weights = basic_tensor<T>::floating(hs.layer.out + 1, in, std::move(w));
                hs.layer.bias.push_back(T(-1e4));
                ++hs.layer.out;
                if (!hs.descriptions.empty()) hs.descriptions.emplace_back();
            }
            const double t = h < oos_min_confidence_.size() ? oos_min_confidence_[h] : fixed.value_or(0.0);
            hs.out_of_scope = out_of_scope_spec{label, t};
        }
    }

    const train_config& cfg_;
    const progress_fn& progress_;
    const basic_model<T>* init_ = nullptr;
    std::vector<const dense_spec<T>*> init_dense_;
    capacity cap_;
    std::vector<schema_head> heads_;
    feature_spec<T> spec_;
    // Per head, the out-of-scope threshold learned or configured (learn_out_of_scope).
    std::vector<double> oos_min_confidence_;
};

/// Runs `run(config)` once, or, when the configuration leaves the use of the
/// word vectors open (vectors_freeze unset, or vectors_optional), once per
/// variant without refit, keeps the one with the best validation mean
/// macro-F1 (the first on ties: frozen, fine-tuned, none) and, when `cfg`
/// asks for refit, trains it again with refit. Without a validation split
/// the first variant is kept.
template <class T, class Run>
train_result<T> train_choosing_vectors(const train_config& cfg, bool from_init, Run run) {
    if (!cfg.vectors) return run(cfg);
    if (from_init) {
        train_config c = cfg;
        c.vectors.reset();
        train_result<T> r = run(c);
        if (!cfg.vectors_optional)
            r.warnings.push_back({"", "starting from a trained model: its features are used, the word vectors \"" +
                                          cfg.vectors->name + "\" are not"});
        return r;
    }
    struct variant {
        const char* name;
        bool use;
        bool freeze;
    };
    std::vector<variant> vs;
    if (cfg.vectors_freeze.value_or(true)) vs.push_back({"frozen", true, true});
    if (!cfg.vectors_freeze.value_or(false)) vs.push_back({"fine-tuned", true, false});
    if (cfg.vectors_optional) vs.push_back({"none", false, false});
    auto config_of = [&cfg](const variant& v, bool refit) {
        train_config c = cfg;
        if (v.use) c.vectors_freeze = v.freeze;
        else c.vectors.reset();
        c.refit = refit;
        return c;
    };
    if (vs.size() == 1) {
        train_result<T> r = run(config_of(vs.front(), cfg.refit));
        r.vectors = vs.front().name;
        return r;
    }
    std::vector<typename train_result<T>::vectors_trial> trials;
    std::optional<train_result<T>> best;
    std::size_t best_i = 0;
    for (std::size_t i = 0; i < vs.size(); ++i) {
        train_result<T> r = run(config_of(vs[i], false));
        if (r.validation_examples == 0) {
            r.vectors = vs[i].name;
            return r;
        }
        trials.push_back({vs[i].name, r.validation.mean_macro_f1, r.validation.mean_accuracy});
        if (!best || r.validation.mean_macro_f1 > best->validation.mean_macro_f1 + 1e-12) {
            best = std::move(r);
            best_i = i;
        }
    }
    train_result<T> r = cfg.refit ? run(config_of(vs[best_i], true)) : std::move(*best);
    r.vectors = vs[best_i].name;
    r.vectors_trials = std::move(trials);
    return r;
}

}  // namespace detail

/// Trains a model on `data`, holding out a stratified validation split
/// (`cfg.validation_fraction`) for early stopping and the stored metrics.
/// Deterministic: the same data, configuration and seed give a bit-identical
/// model on the same platform, for any thread count. Throws data_error when
/// the data cannot train anything, tiny_ticket::error (errc::argument) for an
/// invalid configuration. Allocates; `progress` runs on the calling thread.
template <class T = float>
train_result<T> train_model(const dataset& data, const train_config& cfg = {}, const progress_fn& progress = {}) {
    return detail::train_choosing_vectors<T>(cfg, false, [&](const train_config& c) {
        detail::trainer<T> t(c, progress);
        return t.run(data.rows, nullptr);
    });
}

/// Trains on `train` and uses `validation` (instead of a held-out split) for
/// early stopping and metrics. Heads and labels come from `train`.
template <class T = float>
train_result<T> train_model(const dataset& train, const dataset& validation, const train_config& cfg = {},
                            const progress_fn& progress = {}) {
    return detail::train_choosing_vectors<T>(cfg, false, [&](const train_config& c) {
        detail::trainer<T> t(c, progress);
        return t.run(train.rows, &validation.rows);
    });
}

/// Trains starting from `init`, a trained float model: its normalizer,
/// features (vocabularies, buckets) and trunk are reused as they are, and
/// the capacity settings of `cfg` are ignored. Heads of the data with the
/// name of one of `init`'s heads start from its weights (its label order,
/// labels only the data has appended); other data heads start at random;
/// `init`'s heads the data has no labels for are kept as they are (same
/// weights, same review thresholds), after the data's heads. With
/// `cfg.freeze_trunk` only the heads train, so the trunk stays
/// bit-identical and the kept heads predict exactly as in `init`; without
/// it, the trunk moves and the kept heads drift with it. Throws
/// tiny_ticket::error (errc::argument) for a model it cannot start from.
template <class T = float>
train_result<T> train_model(const dataset& data, const basic_model<T>& init, const train_config& cfg = {},
                            const progress_fn& progress = {}) {
    return detail::train_choosing_vectors<T>(cfg, true, [&](const train_config& c) {
        detail::trainer<T> t(c, progress, &init);
        return t.run(data.rows, nullptr);
    });
}

}  // namespace tiny_ticket::train
