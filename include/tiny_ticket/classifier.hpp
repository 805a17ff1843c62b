// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "detail/parallel.hpp"
#include "error.hpp"
#include "features/featurizer.hpp"
#include "fwd.hpp"
#include "model.hpp"
#include "model_check.hpp"
#include "nn/activations.hpp"
#include "network.hpp"
#include "nn/network.hpp"
#include "quant/network.hpp"
#include "text/normalizer.hpp"

namespace tiny_ticket {

/// One head's answer. `name`, `label` and `labels` point into the model's
/// head specification. In a prediction returned by value (predict(text),
/// predict_batch) `model_ref` shares ownership of that model, so the views stay
/// valid after the classifier is gone. In the workspace overload's result
/// `model_ref` is empty (sharing would cost atomic reference counting on every
/// call): those views live as long as the classifier.
template <class T>
struct head_prediction {
    std::string_view name;          ///< head name
    std::size_t label_index = 0;    ///< index of the chosen label
    std::string_view label;         ///< chosen label
    /// Probability of the top-scoring label: the chosen one, unless the head's
    /// out-of-scope threshold replaced it (then it is what the threshold saw).
    T confidence = 0;
    T margin = 0;                   ///< top minus runner-up probability
    bool review = false;            ///< below this head's review thresholds
    /// The head answered its out-of-scope label (head_spec::out_of_scope):
    /// it scored highest, or the top probability was below the head's
    /// out-of-scope threshold. Always false for heads without one.
    bool out_of_scope = false;
    std::vector<T> scores;          ///< probability of every label, in label order
    const std::vector<std::string>* labels = nullptr;  ///< the head's labels
    /// Keeps the model the views above point into alive (empty in a workspace's result).
    std::shared_ptr<const void> model_ref;

    /// The `k` most probable labels, best first. Allocates.
    std::vector<std::pair<std::string_view, T>> top_k(std::size_t k) const {
        std::vector<std::pair<std::string_view, T>> r;
        if (!labels) return r;
        for (std::size_t i = 0; i < scores.size(); ++i) r.emplace_back((*labels)[i], scores[i]);
        k = std::min(k, r.size());
        std::partial_sort(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(k), r.end(),
                          [](const auto& a, const auto& b) { return a.second > b.second; });
        r.resize(k);
        return r;
    }

    /// Probability of `label_name`, or -1 when the head has no such label.
    T score(std::string_view label_name) const noexcept {
        if (!labels) return T(-1);
        for (std::size_t i = 0; i < labels->size(); ++i)
            if ((*labels)[i] == label_name) return scores[i];
        return T(-1);
    }
};

/// Every head's answer for one text, in the model's head order.
template <class T>
struct basic_prediction {
    std::vector<head_prediction<T>> heads;  ///< one per head, in the model's head order

    /// True when any head asks for human review.
    bool review() const noexcept {
        for (const auto& h : heads)
            if (h.review) return true;
        return false;
    }
    /// The head named `name`, or nullptr.
    const head_prediction<T>* find(std::string_view name) const noexcept {
        for (const auto& h : heads)
            if (h.name == name) return &h;
        return nullptr;
    }
    /// The head named `name`. Throws tiny_ticket::error (errc::argument) if absent.
    const head_prediction<T>& operator[](std::string_view name) const {
        if (const auto* h = find(name)) return *h;
        throw error(errc::argument, "", "no head named \"" + std::string(name) + "\"");
    }
};

/// How much of each head's answer predict() computes.
enum class prediction_detail {
    full,    ///< every field of head_prediction
    /// What a caller that prints labels needs: `name`, `labels`, `label_index`,
    /// `label` and `out_of_scope`, always the same as with `full`. Heads whose
    /// label needs no probabilities (softmax heads without an out-of-scope
    /// label, when no other logit comes close to the top one) skip the
    /// softmax: their `scores` are empty and `confidence`, `margin` and
    /// `review` are 0 and false. Other heads are filled in full.
    labels,
};

/// Caller-owned scratch for allocation-free prediction. One per thread; a
/// workspace may be reused with any classifier of the same scalar type.
template <class T>
struct basic_workspace {
    std::string normalized;  ///< the normalized text
    normalizer_scratch norm;  ///< normalizer buffers
    std::vector<std::string_view> tokens;  ///< tokens, pointing into `normalized`
    basic_feature_vector<T> features;  ///< the network input
    featurizer_scratch feat;  ///< featurizer buffers
    nn::network_scratch<T> net;  ///< activations and logits
    basic_prediction<T> result;  ///< what predict(text, ws) returned
};

/// A multi-head ticket classifier. Immutable after construction: every const
/// member is safe to call from many threads at once. Copies share the model.
template <class T>
class basic_classifier {
public:
    /// The scalar type of weights and scores.
    using value_type = T;
    /// The plain-data model the classifier is built from.
    using model_type = basic_model<T>;
    /// Every head's answer for one text.
    using prediction = basic_prediction<T>;
    /// Scratch memory for allocation-free predict.
    using workspace = basic_workspace<T>;

    /// Validates the model, builds lookup tables and runs its self-tests.
    /// Throws artifact_error.
    explicit basic_classifier(model_type m) {
        validate_model(m);
        state_ = std::make_shared<state>(std::move(m));
        run_self_tests();
    }

    /// The model it was built from (validated).
    const model_type& model() const noexcept { return state_->model; }
    /// How many heads (questions) it answers.
    std::size_t num_heads() const noexcept { return state_->model.heads.size(); }
    /// Head `i`: name, kind, labels, their descriptions, review thresholds. `i < num_heads()`.
    const head_spec<T>& head(std::size_t i) const noexcept { return state_->model.heads[i]; }
    /// Index of the head named `name`, or -1.
    std::ptrdiff_t head_index(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < num_heads(); ++i)
            if (head(i).name == name) return static_cast<std::ptrdiff_t>(i);
        return -1;
    }
    /// The normalizer predict runs first.
    const normalizer& text_normalizer() const noexcept { return state_->norm; }
    /// The featurizer predict runs after the normalizer.
    const basic_featurizer<T>& featurizer() const noexcept { return state_->feat; }
    /// The network predict runs: float or int8, as the model is.
    const basic_model_network<T>& model_network() const noexcept { return state_->net; }
    /// The float network (an empty one when the model is quantized).
    const nn::basic_network<T>& network() const noexcept {
        const auto* n = state_->net.float_network();
        return n ? *n : empty<nn::basic_network<T>>();
    }
    /// The int8 network (an empty one unless the model is quantized).
    const quant::basic_qnetwork<T>& quantized_network() const noexcept {
        const auto* n = state_->net.int8_network();
        return n ? *n : empty<quant::basic_qnetwork<T>>();
    }
    /// Which kernels predict runs: none (float), weight_only or full int8.
    quant_mode quantization() const noexcept { return state_->model.quantization; }

    /// A workspace sized for this model, so the first predict does not allocate
    /// for typical tickets (up to ~4 KB of text).
    workspace make_workspace() const {
        workspace ws;
        prepare(ws, 4096);
        return ws;
    }

    /// Classifies `text` using `ws` for all scratch memory; the result lives in
    /// `ws.result` until the next call with `ws`. Never throws and performs no
    /// heap allocation once `ws` has seen a text at least this long.
    const prediction& predict(std::string_view text, workspace& ws) const {
        return predict(text, ws, prediction_detail::full);
    }

    /// As predict(text, ws), computing only what `detail` asks for (see
    /// prediction_detail): the labels are the same whatever the detail.
    const prediction& predict(std::string_view text, workspace& ws, prediction_detail detail) const {
        const auto& st = *state_;
        if (st.folded) {
            st.norm.normalize(text, ws.normalized, ws.norm);
            normalizer::tokenize(ws.normalized, ws.tokens);
            st.feat.extract_folded(ws.normalized, ws.tokens, ws.features, ws.feat);
        } else {
            featurize(text, ws);
        }
        st.net.forward(ws.features, ws.net);
        if (detail == prediction_detail::labels) fill_labels(ws.net.logits.data(), ws.result);
        else fill(ws.net.logits.data(), ws.result);
        return ws.result;
    }

    /// Convenience: classifies `text` with a per-thread workspace. Allocates the
    /// returned object, which owns a share of the model: it stays valid after
    /// this classifier (and every copy of it) is destroyed.
    prediction predict(std::string_view text) const {
        thread_local workspace ws;
        prediction p = predict(text, ws);
        share_model(p);
        return p;
    }

    /// Classifies many texts using up to `threads` threads (0: one per core).
    /// Results are in input order and identical to serial predict().
    template <class Range>
    std::vector<prediction> predict_batch(const Range& texts, unsigned threads = 0) const {
        std::vector<std::string_view> views;
        for (const auto& t : texts) views.emplace_back(t);
        std::vector<prediction> out(views.size());
        auto work = [&](std::size_t begin, std::size_t end) {
            workspace ws = make_workspace();
            for (std::size_t i = begin; i < end; ++i) {
                out[i] = predict(views[i], ws);
                share_model(out[i]);
            }
        };
        detail::for_chunks(views.size(), threads, work);
        return out;
    }

    /// Normalization, tokens and features of `text` into `ws`: what predict
    /// computes, with each feature listed on its own (predict may use the
    /// equivalent folded form, see basic_featurizer::extract_folded). Used by
    /// training, evaluation and explanations.
    void featurize(std::string_view text, workspace& ws) const {
        const auto& st = *state_;
        st.norm.normalize(text, ws.normalized, ws.norm);
        normalizer::tokenize(ws.normalized, ws.tokens);
        st.feat.extract(ws.normalized, ws.tokens, ws.features, ws.feat);
    }

    /// The normalized form of `text`. Allocates.
    std::string normalize(std::string_view text) const { return state_->norm.normalize(text); }

    /// The tokens of `text` after normalization. Allocates.
    std::vector<std::string> tokenize(std::string_view text) const {
        const std::string n = normalize(text);
        std::vector<std::string_view> v;
        normalizer::tokenize(n, v);
        return {v.begin(), v.end()};
    }

    /// Approximate bytes held by the loaded model (spec plus prepared tables).
    std::size_t memory_bytes() const noexcept {
        const auto& m = state_->model;
        std::size_t n = state_->net.memory_bytes() + m.features.embedding.weights.memory_bytes();
        for (const auto& l : m.trunk)
            if (const auto* d = std::get_if<dense_spec<T>>(&l))
                n += d->weights.memory_bytes() + d->bias.capacity() * sizeof(T);
        for (const auto& h : m.heads) n += h.layer.weights.memory_bytes() + h.layer.bias.capacity() * sizeof(T);
        return n;
    }

private:
    struct state {
        explicit state(model_type m)
            : model(std::move(m)),
              norm(model.normalizer),
              feat(model.features),
              net(model),
              folded(net.fold_word_rows(feat.word_ngrams())) {
            for (const auto& hs : model.heads) {
                std::size_t i = no_label;
                if (hs.out_of_scope)
                    i = static_cast<std::size_t>(std::find(hs.labels.begin(), hs.labels.end(), hs.out_of_scope->label) -
                                                 hs.labels.begin());
                out_of_scope.push_back(i);
            }
        }
        model_type model;
        normalizer norm;
        basic_featurizer<T> feat;
        basic_model_network<T> net;
        // predict() multiplies folded features: a known word's character
        // n-grams cost one row instead of one per n-gram (float and int8).
        bool folded;
        // Per head, the index of its out-of-scope label, or no_label.
        std::vector<std::size_t> out_of_scope;
    };
    static constexpr std::size_t no_label = static_cast<std::size_t>(-1);

    void prepare(workspace& ws, std::size_t text_bytes) const {
        ws.normalized.reserve(text_bytes * 2);
        ws.norm.a.reserve(text_bytes * 2);
        ws.norm.b.reserve(text_bytes * 2);
        ws.tokens.reserve(text_bytes / 2);
        ws.features.index.reserve(text_bytes * 4);
        ws.features.value.reserve(text_bytes * 4);
        ws.features.embedding_rows.reserve(text_bytes / 2);
        state_->feat.prepare(ws.feat);
        ws.feat.word.reserve(text_bytes / 2);
        ws.feat.hashes.reserve(text_bytes / 2);
        state_->net.prepare(ws.net, text_bytes * 4);
        auto& heads = ws.result.heads;
        heads.resize(num_heads());
        for (std::size_t h = 0; h < num_heads(); ++h) heads[h].scores.reserve(head(h).labels.size());
    }

    // What network() or quantized_network() return for the kind the model is not.
    template <class Network>
    static const Network& empty() noexcept {
        static const Network n;
        return n;
    }

    void share_model(prediction& p) const {
        for (auto& h : p.heads) h.model_ref = state_;
    }

    void fill(const T* logits, prediction& p) const {
        const auto& st = *state_;
        if (p.heads.size() != num_heads()) p.heads.resize(num_heads());
        for (std::size_t h = 0; h < num_heads(); ++h) fill_head(h, logits + st.net.head_offset(h), p.heads[h]);
    }

    // fill() where a head's label is decided by its logits alone: the top
    // logit's label, when every other logit is below it by more than `gap`.
    // softmax() maps the top logit to exp(0) = 1 and every other to at most
    // exp(-gap), about 1 - gap, so after the common scaling the top
    // probability is still strictly the largest and max_element picks the
    // same label. Closer logits (a near tie the exp could round away),
    // non-finite ones, sigmoid heads and heads with an out-of-scope
    // threshold (which needs the top probability) go through fill_head().
    void fill_labels(const T* logits, prediction& p) const {
        const auto& st = *state_;
        constexpr T gap = T(1e-3);
        if (p.heads.size() != num_heads()) p.heads.resize(num_heads());
        for (std::size_t h = 0; h < num_heads(); ++h) {
            const head_spec<T>& hs = st.model.heads[h];
            head_prediction<T>& hp = p.heads[h];
            const T* z = logits + st.net.head_offset(h);
            const std::size_t n = hs.labels.size();
            bool fast = hs.kind == head_kind::softmax && st.out_of_scope[h] == no_label && n > 0;
            std::size_t top = 0;
            if (fast) {
                T mx = -INFINITY;
                for (std::size_t i = 0; i < n; ++i)
                    if (z[i] > mx) {
                        mx = z[i];
                        top = i;
                    }
                fast = std::isfinite(mx);
                for (std::size_t i = 0; fast && i < n; ++i) fast = i == top || !(z[i] - mx > -gap);
            }
            if (!fast) {
                fill_head(h, z, hp);
                continue;
            }
            hp.name = hs.name;
            hp.labels = &hs.labels;
            hp.scores.clear();
            hp.label_index = top;
            hp.label = hs.labels[top];
            hp.confidence = 0;
            hp.margin = 0;
            hp.review = false;
            hp.out_of_scope = false;
        }
    }

    void fill_head(std::size_t h, const T* z, head_prediction<T>& hp) const {
        const auto& st = *state_;
        const head_spec<T>& hs = st.model.heads[h];
        hp.name = hs.name;
        hp.labels = &hs.labels;
        hp.scores.resize(hs.labels.size());
        if (hs.kind == head_kind::sigmoid) {
            const T prob = nn::sigmoid(z[0]);
            hp.scores[0] = T(1) - prob;
            hp.scores[1] = prob;
            hp.label_index = prob >= T(0.5) ? 1 : 0;
        } else {
            nn::softmax(z, hp.scores.data(), hs.labels.size());
            hp.label_index = static_cast<std::size_t>(
                std::max_element(hp.scores.begin(), hp.scores.end()) - hp.scores.begin());
        }
        hp.label = hs.labels[hp.label_index];
        hp.confidence = hp.scores[hp.label_index];
        T second = 0;
        for (std::size_t i = 0; i < hp.scores.size(); ++i)
            if (i != hp.label_index && hp.scores[i] > second) second = hp.scores[i];
        hp.margin = hp.confidence - second;
        hp.review = static_cast<double>(hp.confidence) < hs.review.min_confidence ||
                    static_cast<double>(hp.margin) < hs.review.min_margin;
        const std::size_t oos = st.out_of_scope[h];
        hp.out_of_scope = oos != no_label &&
                          (hp.label_index == oos ||
                           static_cast<double>(hp.confidence) < hs.out_of_scope->min_confidence);
        if (hp.out_of_scope) {
            hp.label_index = oos;
            hp.label = hs.labels[oos];
        }
    }

    void run_self_tests() const {
        const auto& m = state_->model;
        if (m.self_tests.empty()) return;
        workspace ws = make_workspace();
        for (std::size_t c = 0; c < m.self_tests.size(); ++c) {
            const auto& tc = m.self_tests[c];
            const prediction& p = predict(tc.text, ws);
            for (const auto& [name, expected] : tc.expected) {
                const std::string where = "/self_test/" + std::to_string(c) + "/expected/" + name;
                const auto* hp = p.find(name);
                if (!hp) throw artifact_error(errc::self_test, where, "expected a head of this name, found none");
                if (expected.size() != hp->scores.size())
                    throw artifact_error(errc::self_test, where,
                                         "expected " + std::to_string(hp->scores.size()) + " scores, got " +
                                             std::to_string(expected.size()));
                for (std::size_t i = 0; i < expected.size(); ++i) {
                    const double got = static_cast<double>(hp->scores[i]);
                    if (!(std::fabs(got - expected[i]) <= m.self_test_tolerance))
                        throw artifact_error(errc::self_test, where + "/" + std::to_string(i),
                                             "expected score " + std::to_string(expected[i]) + " (±" +
                                                 std::to_string(m.self_test_tolerance) + "), computed " +
                                                 std::to_string(got));
                }
            }
        }
    }

    std::shared_ptr<const state> state_;
};

}  // namespace tiny_ticket
