// SPDX-License-Identifier: MIT
#pragma once

// Shared by the fuzz targets: invariant checks that abort (so libFuzzer
// records a crash) and small artifacts built in code.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tiny_ticket/tiny_ticket.hpp>

#include "support/toy_model.hpp"

namespace fuzz {

[[noreturn]] inline void fail(const char* what) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
}

#define FUZZ_CHECK(cond) \
    do {                 \
        if (!(cond)) ::fuzz::fail(#cond); \
    } while (0)

/// Every score finite and in [0, 1], softmax heads summing to 1, the chosen
/// label consistent with the scores.
template <class T>
void check_prediction(const tiny_ticket::basic_classifier<T>& clf, const tiny_ticket::basic_prediction<T>& p) {
    FUZZ_CHECK(p.heads.size() == clf.num_heads());
    for (std::size_t h = 0; h < p.heads.size(); ++h) {
        const auto& hp = p.heads[h];
        const auto& spec = clf.head(h);
        FUZZ_CHECK(hp.scores.size() == spec.labels.size());
        FUZZ_CHECK(hp.label_index < hp.scores.size());
        FUZZ_CHECK(hp.label == spec.labels[hp.label_index]);
        double sum = 0;
        for (T s : hp.scores) {
            FUZZ_CHECK(std::isfinite(s));
            FUZZ_CHECK(s >= T(0) && s <= T(1));
            sum += static_cast<double>(s);
        }
        FUZZ_CHECK(std::fabs(sum - 1.0) <= 1e-3);
        FUZZ_CHECK(std::isfinite(hp.confidence) && std::isfinite(hp.margin));
        FUZZ_CHECK(hp.margin >= T(0));
    }
}

/// Normalized text is made of token characters separated by single spaces,
/// and is at most a bounded multiple of the input (no blow-up).
inline void check_normalized(std::string_view input, std::string_view norm, std::size_t growth) {
    FUZZ_CHECK(norm.size() <= growth * input.size() + 16);
    if (norm.empty()) return;
    FUZZ_CHECK(norm.front() != ' ' && norm.back() != ' ');
    for (std::size_t i = 0; i < norm.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(norm[i]);
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<' ||
                        c == '>' || c == ' ';
        FUZZ_CHECK(ok);
        if (c == ' ') FUZZ_CHECK(norm[i - 1] != ' ');
    }
}

/// Feature indices inside the sparse width (plus one folded row per known
/// word when the featurizer folds), embedding rows inside the table.
template <class T>
void check_features(const tiny_ticket::basic_classifier<T>& clf, const tiny_ticket::basic_workspace<T>& ws) {
    const auto& f = ws.features;
    FUZZ_CHECK(f.index.size() == f.value.size());
    const auto& feat = clf.featurizer();
    FUZZ_CHECK(feat.sparse_width() == clf.model().features.sparse_width());
    const std::size_t width = feat.sparse_width() + (feat.can_fold() ? feat.word_count() : 0);
    for (std::size_t k = 0; k < f.index.size(); ++k) {
        FUZZ_CHECK(f.index[k] < width);
        FUZZ_CHECK(std::isfinite(f.value[k]));
    }
    const std::size_t rows = clf.model().features.embedding.vocab.size();
    for (std::int32_t r : f.embedding_rows) FUZZ_CHECK(r >= 0 && static_cast<std::size_t>(r) < rows);
    for (std::string_view t : ws.tokens) FUZZ_CHECK(!t.empty());
}

/// Classifies `text` and checks every invariant above.
template <class T>
void predict_and_check(const tiny_ticket::basic_classifier<T>& clf, tiny_ticket::basic_workspace<T>& ws,
                       std::string_view text, std::size_t growth = 5) {
    const auto& p = clf.predict(text, ws);
    check_normalized(text, ws.normalized, growth);
    check_features(clf, ws);
    check_prediction(clf, p);
}

/// The toy model with the other code paths switched on: substring keywords,
/// plain counts, binary bigrams, letter-repeat squashing, no lowercasing.
inline tiny_ticket::model toy_variant() {
    auto m = toy::model<float>(11);
    m.normalizer.lowercase = false;
    m.normalizer.max_repeat = 2;
    m.normalizer.url_token = "<link>";
    m.features.keywords.match = tiny_ticket::keyword_match::substring;
    m.features.bow.mode = tiny_ticket::count_mode::count;
    m.features.bow.l2 = true;
    m.features.bigrams.mode = tiny_ticket::count_mode::binary;
    m.features.embedding.unk = -1;
    m.features.embedding.max_tokens = 0;
    return m;
}

/// A small export in the reference (tickets-inf v1) layout, built in code:
/// every field the reader looks at, a few tokens each.
inline nlohmann::json tickets_inf_export() {
    using nlohmann::json;
    toy::lcg g{3};
    json j;
    j["version"] = 1;
    j["preprocess"] = {{"lowercase", true},
                       {"replace_urls", "<url>"},
                       {"replace_emails", "<email>"},
                       {"replace_numbers", "<num>"},
                       {"hinglish_map", {{"nahi", "not"}, {"kar do", "please do"}, {"pls", "please"}}}};
    const std::vector<std::string> bow = {"refund", "order", "not", "received", "<num>", "please"};
    const std::vector<std::string> emb = {"<pad>", "<unk>", "refund", "order"};
    json bv = json::object(), ev = json::object();
    for (std::size_t i = 0; i < bow.size(); ++i) bv[bow[i]] = i;
    for (std::size_t i = 0; i < emb.size(); ++i) ev[emb[i]] = i;
    const std::vector<std::string> keywords = {"not received", "api", "cancel"};
    const std::size_t dim = 3;
    j["vocab"] = {{"bow_vocab", bv}, {"embedding_vocab", ev}, {"keywords", keywords}, {"max_tokens", 6}};
    const std::size_t in0 = bow.size() + keywords.size() + dim;
    j["metadata"] = {{"model_type", "toy"}, {"dense_size", bow.size() + keywords.size()}, {"embedding_dim", dim},
                     {"hidden_size", 5}};
    json rows = json::array();
    for (std::size_t r = 0; r < emb.size(); ++r) {
        json row = json::array();
        for (std::size_t c = 0; c < dim; ++c) row.push_back(r == 0 ? 0.0 : g.next());
        rows.push_back(row);
    }
    j["embedding"] = {{"padding_idx", 0}, {"weights", rows}};
    auto linear = [&](std::size_t in, std::size_t out) {
        json w = json::array(), scale = json::array(), bias = json::array();
        for (std::size_t o = 0; o < out; ++o) {
            json row = json::array();
            for (std::size_t i = 0; i < in; ++i) row.push_back(static_cast<int>(g.next() * 127));
            w.push_back(row);
            scale.push_back(0.01 + 0.02 * (g.next() + 1));
            bias.push_back(g.next() * 0.1);
        }
        return json{{"type", "linear_int8_per_row"}, {"in_features", in}, {"out_features", out},
                    {"weight", w}, {"scale", scale}, {"bias", bias}};
    };
    j["layers"] = {{"base_0", linear(in0, 5)}, {"base_1", {{"type", "relu"}}}, {"base_2", linear(5, 4)},
                   {"base_3", {{"type", "relu"}}}};
    j["labels"] = {{"department", {"billing", "tech", "sales"}},
                   {"sentiment", {"negative", "neutral", "positive"}},
                   {"lead_intent", {"none", "low", "high"}},
                   {"churn_risk", {"low", "high"}},
                   {"intent", {"refund", "tracking", "other", "login"}}};
    j["heads"] = {{"department", linear(4, 3)}, {"sentiment", linear(4, 3)}, {"lead_intent", linear(4, 3)},
                  {"churn_risk", linear(4, 1)}, {"intent", linear(4, 4)}};
    j["metrics"] = {{"intent_accuracy", 0.5}};
    return j;
}

/// The toy model saved as a native artifact.
inline std::string toy_artifact(tiny_ticket::weight_encoding enc, bool with_self_test) {
    auto m = toy::model<float>();
    if (with_self_test) {
        const tiny_ticket::classifier clf(m);
        for (const char* text : {"refund nahi mila", "where is my order 5521"}) {
            tiny_ticket::self_test_case tc;
            tc.text = text;
            const auto p = clf.predict(text);
            for (const auto& h : p.heads)
                tc.expected.emplace_back(std::string(h.name), std::vector<double>(h.scores.begin(), h.scores.end()));
            m.self_tests.push_back(tc);
        }
        m.metrics_json = R"({"accuracy": {"intent": 0.9}})";
    }
    tiny_ticket::save_options o;
    o.weights = enc;
    return tiny_ticket::save_model_to_string(m, o);
}

/// Texts that exercise every normalizer branch, for seeding and for
/// predicting with models that fuzzed loads accept.
inline const std::vector<std::string>& probe_texts() {
    static const std::vector<std::string> texts = {
        "",
        "refund nahi mila yet, paisa wapas kar do!!! order 5521",
        "where is my order? www.example.com/track http://x.io bob.smith+1@mail.example.com",
        "PLEEEEASE cancel & refund \xc4\xb0stanbul \xe2\x84\xaa 12ab 3.5",
        std::string("nul\0in\x01the\x7fmiddle \xff\xfe\xc3", 22),
    };
    return texts;
}

}  // namespace fuzz
