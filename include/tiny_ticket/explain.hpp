// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "classifier.hpp"
#include "error.hpp"
#include "features/featurizer.hpp"
#include "model.hpp"

namespace tiny_ticket {

/// What an attributed feature is.
enum class feature_kind {
    token,       ///< a word: its bag-of-words feature, embedding rows and character n-grams together
    keyword,     ///< a keyword flag, named `kw:<phrase>`
    bigram,      ///< a word bigram, named `first second`
    char_ngram,  ///< a character n-gram bucket no token of the text maps to, named `char#<bucket>`
};

/// Stable lowercase name of a feature kind (`token`, `keyword`, `bigram`, `char_ngram`).
inline const char* to_string(feature_kind k) noexcept {
    switch (k) {
        case feature_kind::token: return "token";
        case feature_kind::keyword: return "keyword";
        case feature_kind::bigram: return "bigram";
        case feature_kind::char_ngram: return "char_ngram";
    }
    return "unknown";
}

/// One feature's contribution to a head's explained score, in logit units
/// (gradient times input at this text).
struct attribution {
    std::string name;  ///< the token, `kw:<phrase>`, the bigram `a b` or `char#<bucket>`
    feature_kind kind = feature_kind::token;  ///< which feature group it comes from
    /// Total contribution; for tokens `bow + embedding + char_ngrams`.
    double value = 0;
    /// Token parts: the bag-of-words feature, the embedding rows of all its
    /// occurrences, and its share of character n-gram buckets (a bucket hit
    /// by several tokens is split by how often each hit it).
    double bow = 0;
    double embedding = 0;  ///< token part: its embedding rows
    double char_ngrams = 0;  ///< token part: its share of character n-gram buckets
};

/// Why one head scored one label as it did.
struct head_explanation {
    std::string head;  ///< the head's name
    std::string label;  ///< the label explained (the predicted one unless asked otherwise)
    std::size_t label_index = 0;  ///< its index in the head's labels
    /// The explained quantity. Softmax heads: the label's logit minus the mean
    /// logit of all labels (softmax only sees differences, so a feature that
    /// lifts every label alike scores 0). Sigmoid heads: the logit, negated
    /// when the label is `labels[0]`. Higher means more of this label.
    double score = 0;
    /// The part of `score` owed to biases along the active network path. The
    /// network is piecewise linear, so `bias` plus every attribution of the
    /// text (ask for `top_n == 0`) adds up to `score`.
    double bias = 0;
    /// Features that raised `score`, largest first.
    std::vector<attribution> positive;
    /// Features that lowered `score`, most negative first.
    std::vector<attribution> negative;

    /// The label the head answered for the text (the prediction's label).
    /// It differs from `label` when another label was asked for, and when
    /// the out-of-scope threshold decided (see `out_of_scope_reason`).
    std::string answer;
    /// The head answered its out-of-scope label (head_prediction::out_of_scope).
    bool out_of_scope = false;
    /// Top probability of the head (head_prediction::confidence).
    double confidence = 0;
    /// The head's out-of-scope threshold (head_spec::out_of_scope), 0 without one.
    double min_confidence = 0;
    /// Non-empty when the out-of-scope answer came from the threshold: the
    /// top label scored below `min_confidence`, so the head answered its
    /// out-of-scope label although the network preferred another. The label
    /// explained is then that top label, the in-scope class that fell short
    /// (the out-of-scope label may be an output the network never chooses,
    /// with zero weights, whose explanation says nothing). Reads
    /// `top confidence 0.4123 (billing) below min_confidence 0.6000: answered out_of_scope`.
    std::string out_of_scope_reason;
};

/// Explanations of every head, in the model's head order.
struct explanation {
    std::vector<head_explanation> heads;  ///< one per head, in the model's head order

    /// The head named `name`, or nullptr.
    const head_explanation* find(std::string_view name) const noexcept {
        for (const auto& h : heads)
            if (h.head == name) return &h;
        return nullptr;
    }
};

/// Attributes a classifier's answers to the words, keywords, bigrams and
/// character n-grams of a text: gradient x input, computed in double from the
/// model's weights through the ReLU pattern active for that text. Embedding
/// inputs are credited to the token whose row entered the mean; character
/// n-gram buckets are credited back to the tokens that hit them.
///
/// Immutable after construction; `explain` is const and safe from many threads.
/// Explaining allocates and costs a few predictions; it is a diagnostic, not
/// part of the hot path.
template <class T>
class basic_explainer {
public:
    /// Keeps a copy of `clf` (copies share the model). Allocates one counter
    /// per character n-gram bucket when the model hashes n-grams. Throws
    /// tiny_ticket::error (errc::argument) for a quantized (int8) model,
    /// whose float weights the attribution needs are not kept.
    explicit basic_explainer(basic_classifier<T> clf) : clf_(std::move(clf)) {
        if (clf_.quantization() != quant_mode::none)
            throw error(errc::argument, "", "expected a float model to explain, got an int8 (quantized) one");
        auto chars = std::make_shared<char_state>();
        const auto& f = clf_.model().features;
        if (f.char_ngrams.buckets > 0) {
            // A feature spec with only the n-gram group, counting raw hits,
            // reuses the featurizer's own hashing to map buckets to tokens.
            chars->spec.char_ngrams = f.char_ngrams;
            chars->spec.char_ngrams.mode = count_mode::count;
            chars->spec.char_ngrams.l2 = false;
            chars->feat = basic_featurizer<T>(chars->spec);
        }
        chars_ = std::move(chars);
    }

    /// The classifier it explains.
    const basic_classifier<T>& classifier() const noexcept { return clf_; }

    /// Explains the label each head chose for `text`: the `top_n` strongest
    /// positive and negative attributions per head (`top_n == 0`: all).
    /// When a head answered its out-of-scope label because its top
    /// probability fell below the threshold, the top label is explained
    /// instead, with head_explanation::out_of_scope_reason saying why.
    /// Throws only std::bad_alloc.
    explanation explain(std::string_view text, std::size_t top_n = 5) const {
        pass ps;
        run(text, ps);
        explanation e;
        e.heads.reserve(clf_.num_heads());
        for (std::size_t h = 0; h < clf_.num_heads(); ++h) {
            const head_prediction<T>& hp = ps.ws.result.heads[h];
            const std::size_t top = top_label(h, hp);
            const bool by_threshold = hp.out_of_scope && top != hp.label_index;
            e.heads.push_back(explain_head(ps, h, by_threshold ? top : hp.label_index, top_n));
            describe_answer(e.heads.back(), h, hp, by_threshold);
        }
        return e;
    }

    /// Explains `label` (an index into head `head`'s labels) for `text`,
    /// chosen or not: "why not refund?". Throws tiny_ticket::error
    /// (errc::argument) when an index is out of range.
    head_explanation explain(std::string_view text, std::size_t head, std::size_t label, std::size_t top_n = 5) const {
        if (head >= clf_.num_heads())
            throw error(errc::argument, "", "expected a head index below " + std::to_string(clf_.num_heads()) +
                                                ", got " + std::to_string(head));
        if (label >= clf_.head(head).labels.size())
            throw error(errc::argument, "", "expected a label index below " +
                                                std::to_string(clf_.head(head).labels.size()) + ", got " +
                                                std::to_string(label));
        pass ps;
        run(text, ps);
        head_explanation r = explain_head(ps, head, label, top_n);
        const head_prediction<T>& hp = ps.ws.result.heads[head];
        describe_answer(r, head, hp, hp.out_of_scope && top_label(head, hp) != hp.label_index);
        return r;
    }

private:
    struct char_state {
        feature_spec<T> spec;
        basic_featurizer<T> feat;
    };

    // One text's forward pass in double, kept for the backward passes.
    struct pass {
        basic_workspace<T> ws;
        std::vector<double> emb_mean;
        std::vector<std::vector<double>> acts;  // output of trunk layer l
        std::vector<double> logits;             // all heads, concatenated
        std::vector<std::size_t> head_offset;
        std::vector<std::string_view> emb_tokens;  // token of each embedding row in ws.features
        // Per n-gram bucket: the distinct tokens that hit it and how often.
        std::unordered_map<std::uint32_t, std::vector<std::pair<std::string_view, double>>> bucket_tokens;
    };

    static const dense_spec<T>& first_layer(const basic_model<T>& m) { return std::get<dense_spec<T>>(m.trunk.front()); }

    // The label the network itself preferred, before any out-of-scope
    // threshold: the classifier's own rule (sigmoid: labels[1] at p >= 0.5).
    std::size_t top_label(std::size_t h, const head_prediction<T>& hp) const {
        if (clf_.head(h).kind == head_kind::sigmoid) return hp.scores[1] >= T(0.5) ? 1 : 0;
        return static_cast<std::size_t>(std::max_element(hp.scores.begin(), hp.scores.end()) - hp.scores.begin());
    }

    void describe_answer(head_explanation& r, std::size_t h, const head_prediction<T>& hp, bool by_threshold) const {
        const head_spec<T>& hs = clf_.head(h);
        r.answer = std::string(hp.label);
        r.out_of_scope = hp.out_of_scope;
        r.confidence = static_cast<double>(hp.confidence);
        r.min_confidence = hs.out_of_scope ? hs.out_of_scope->min_confidence : 0.0;
        if (!by_threshold) return;
        char buf[96];
        std::snprintf(buf, sizeof buf, "top confidence %.4f (", r.confidence);
        r.out_of_scope_reason = buf;
        r.out_of_scope_reason += hs.labels[top_label(h, hp)];
        std::snprintf(buf, sizeof buf, ") below min_confidence %.4f: answered ", r.min_confidence);
        r.out_of_scope_reason += buf;
        r.out_of_scope_reason += r.answer;
    }

    // Fills `ps` in place: its string_views point into ps.ws.normalized,
    // which a move could relocate (short-string buffers live inline).
    void run(std::string_view text, pass& ps) const {
        const basic_model<T>& m = clf_.model();
        const feature_spec<T>& f = m.features;
        clf_.predict(text, ps.ws);
        // Each feature on its own: predict may have left the folded form,
        // where a word's character n-grams share one entry.
        clf_.featurize(text, ps.ws);
        const auto& fv = ps.ws.features;
        const std::size_t sparse = f.sparse_width(), dim = f.embedding.dim;

        ps.emb_mean.assign(dim, 0.0);
        if (!fv.embedding_rows.empty()) {
            for (std::int32_t r : fv.embedding_rows)
                for (std::size_t d = 0; d < dim; ++d)
                    ps.emb_mean[d] += static_cast<double>(f.embedding.weights[std::size_t(r) * dim + d]);
            for (double& v : ps.emb_mean) v /= static_cast<double>(fv.embedding_rows.size());
        }
        if (dim > 0) {
            std::size_t limit = ps.ws.tokens.size();
            if (f.embedding.max_tokens > 0 && limit > f.embedding.max_tokens) limit = f.embedding.max_tokens;
            for (std::size_t i = 0; i < limit; ++i) {
                const std::string_view t = ps.ws.tokens[i];
                if (clf_.featurizer().embedding_index(t) >= 0 || f.embedding.unk >= 0) ps.emb_tokens.push_back(t);
            }
        }

        const dense_spec<T>& d0 = first_layer(m);
        std::vector<double> x(d0.out);
        for (std::size_t o = 0; o < d0.out; ++o) {
            const T* w = d0.weights.data() + o * d0.in;
            double s = static_cast<double>(d0.bias[o]);
            for (std::size_t k = 0; k < fv.index.size(); ++k)
                s += static_cast<double>(fv.value[k]) * static_cast<double>(w[fv.index[k]]);
            for (std::size_t d = 0; d < dim; ++d) s += ps.emb_mean[d] * static_cast<double>(w[sparse + d]);
            x[o] = s;
        }
        ps.acts.push_back(x);
        for (std::size_t l = 1; l < m.trunk.size(); ++l) {
            if (const auto* d = std::get_if<dense_spec<T>>(&m.trunk[l])) x = apply(*d, x);
            else
                for (double& v : x) v = v > 0 ? v : 0.0;
            ps.acts.push_back(x);
        }
        for (const auto& h : m.heads) {
            ps.head_offset.push_back(ps.logits.size());
            const std::vector<double> z = apply(h.layer, x);
            ps.logits.insert(ps.logits.end(), z.begin(), z.end());
        }

        if (f.char_ngrams.buckets > 0) {
            std::unordered_map<std::string_view, double> count;
            for (std::string_view t : ps.ws.tokens) count[t] += 1.0;
            basic_feature_vector<T> one;
            featurizer_scratch scratch;
            std::vector<std::string_view> word(1);
            // Text order, not hash order, so sums come out bit-identical everywhere.
            for (std::string_view t : ps.ws.tokens) {
                auto n = count.find(t);
                if (n->second == 0) continue;
                word[0] = t;
                chars_->feat.extract(t, word, one, scratch);
                for (std::size_t k = 0; k < one.index.size(); ++k)
                    ps.bucket_tokens[one.index[k]].emplace_back(t, static_cast<double>(one.value[k]) * n->second);
                n->second = 0;
            }
        }
    }

    static std::vector<double> apply(const dense_spec<T>& d, const std::vector<double>& x) {
        std::vector<double> y(d.out);
        for (std::size_t o = 0; o < d.out; ++o) {
            double s = static_cast<double>(d.bias[o]);
            const T* w = d.weights.data() + o * d.in;
            for (std::size_t i = 0; i < d.in; ++i) s += static_cast<double>(w[i]) * x[i];
            y[o] = s;
        }
        return y;
    }

    // g_in = W^T g_out; adds g_out . b to `bias`.
    static std::vector<double> back(const dense_spec<T>& d, const std::vector<double>& g, double& bias) {
        std::vector<double> r(d.in, 0.0);
        for (std::size_t o = 0; o < d.out; ++o) {
            if (g[o] == 0) continue;
            bias += g[o] * static_cast<double>(d.bias[o]);
            const T* w = d.weights.data() + o * d.in;
            for (std::size_t i = 0; i < d.in; ++i) r[i] += g[o] * static_cast<double>(w[i]);
        }
        return r;
    }

    head_explanation explain_head(const pass& ps, std::size_t h, std::size_t label, std::size_t top_n) const {
        const basic_model<T>& m = clf_.model();
        const feature_spec<T>& f = m.features;
        const head_spec<T>& hs = m.heads[h];
        head_explanation r;
        r.head = hs.name;
        r.label = hs.labels[label];
        r.label_index = label;

        // d(score)/d(logits) of this head.
        std::vector<double> dz(hs.layer.out);
        if (hs.kind == head_kind::sigmoid) {
            dz[0] = label == 1 ? 1.0 : -1.0;
        } else {
            for (std::size_t j = 0; j < dz.size(); ++j)
                dz[j] = (j == label ? 1.0 : 0.0) - 1.0 / static_cast<double>(dz.size());
        }
        for (std::size_t j = 0; j < dz.size(); ++j) r.score += dz[j] * ps.logits[ps.head_offset[h] + j];

        std::vector<double> g = back(hs.layer, dz, r.bias);
        for (std::size_t l = m.trunk.size(); l-- > 1;) {
            if (const auto* d = std::get_if<dense_spec<T>>(&m.trunk[l])) {
                g = back(*d, g, r.bias);
            } else {
                const std::vector<double>& in = ps.acts[l - 1];
                for (std::size_t i = 0; i < g.size(); ++i)
                    if (!(in[i] > 0)) g[i] = 0;
            }
        }

        const dense_spec<T>& d0 = first_layer(m);
        const std::size_t sparse = f.sparse_width(), dim = f.embedding.dim;
        for (std::size_t o = 0; o < d0.out; ++o) r.bias += g[o] * static_cast<double>(d0.bias[o]);
        auto grad_in = [&](std::size_t i) {
            double s = 0;
            for (std::size_t o = 0; o < d0.out; ++o) s += g[o] * static_cast<double>(d0.weights[o * d0.in + i]);
            return s;
        };

        std::map<std::pair<int, std::string>, attribution> items;
        auto item = [&](feature_kind k, std::string name) -> attribution& {
            attribution& a = items[{static_cast<int>(k), name}];
            if (a.name.empty()) {
                a.name = std::move(name);
                a.kind = k;
            }
            return a;
        };

        const auto& fv = ps.ws.features;
        const std::size_t kw = f.keyword_offset(), bg = f.bigram_offset(), ch = f.char_offset();
        for (std::size_t k = 0; k < fv.index.size(); ++k) {
            const std::size_t i = fv.index[k];
            const double a = static_cast<double>(fv.value[k]) * grad_in(i);
            if (i < kw) {
                item(feature_kind::token, f.bow.vocab[i]).bow += a;
            } else if (i < bg) {
                item(feature_kind::keyword, "kw:" + f.keywords.phrases[i - kw]).value += a;
            } else if (i < ch) {
                item(feature_kind::bigram, f.bigrams.vocab[i - bg]).value += a;
            } else {
                const std::uint32_t b = static_cast<std::uint32_t>(i - ch);
                const auto hit = ps.bucket_tokens.find(b);
                double total = 0;
                if (hit != ps.bucket_tokens.end())
                    for (const auto& th : hit->second) total += th.second;
                if (!(total > 0)) {
                    item(feature_kind::char_ngram, "char#" + std::to_string(b)).value += a;
                    continue;
                }
                for (const auto& [t, hits] : hit->second)
                    item(feature_kind::token, std::string(t)).char_ngrams += a * hits / total;
            }
        }

        if (dim > 0 && !fv.embedding_rows.empty()) {
            std::vector<double> ge(dim);
            for (std::size_t d = 0; d < dim; ++d) ge[d] = grad_in(sparse + d);
            const double inv = 1.0 / static_cast<double>(fv.embedding_rows.size());
            const bool named = ps.emb_tokens.size() == fv.embedding_rows.size();
            for (std::size_t k = 0; k < fv.embedding_rows.size(); ++k) {
                const T* row = f.embedding.weights.data() + std::size_t(fv.embedding_rows[k]) * dim;
                double a = 0;
                for (std::size_t d = 0; d < dim; ++d) a += static_cast<double>(row[d]) * ge[d];
                item(feature_kind::token, named ? std::string(ps.emb_tokens[k]) : f.embedding.vocab[std::size_t(fv.embedding_rows[k])])
                    .embedding += a * inv;
            }
        }

        for (auto& kv : items) {
            attribution& a = kv.second;
            if (a.kind == feature_kind::token) a.value = a.bow + a.embedding + a.char_ngrams;
            if (a.value > 0) r.positive.push_back(std::move(a));
            else if (a.value < 0) r.negative.push_back(std::move(a));
        }
        // Ties broken by name (the map's order, kept by stable_sort) so output is deterministic.
        std::stable_sort(r.positive.begin(), r.positive.end(), [](const attribution& a, const attribution& b) { return a.value > b.value; });
        std::stable_sort(r.negative.begin(), r.negative.end(), [](const attribution& a, const attribution& b) { return a.value < b.value; });
        if (top_n > 0) {
            if (r.positive.size() > top_n) r.positive.resize(top_n);
            if (r.negative.size() > top_n) r.negative.resize(top_n);
        }
        return r;
    }

    basic_classifier<T> clf_;
    // Shared so copies stay cheap; the featurizer points into `spec`, which must not move.
    std::shared_ptr<const char_state> chars_;
};

/// The default explainer over float models.
using explainer = basic_explainer<float>;

/// Explains the label each head of `clf` chose for `text` (see
/// basic_explainer). Builds an explainer per call; keep a basic_explainer to
/// explain many texts. Throws only std::bad_alloc.
template <class T>
explanation explain(const basic_classifier<T>& clf, std::string_view text, std::size_t top_n = 5) {
    return basic_explainer<T>(clf).explain(text, top_n);
}

}  // namespace tiny_ticket
