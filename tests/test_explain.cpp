// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <tiny_ticket/artifact.hpp>
#include <tiny_ticket/explain.hpp>

#include "support/skip.hpp"
#include "support/toy_model.hpp"

namespace {

const std::vector<std::string> toy_texts = {
    "refund nahi mila, paisa wapas kar do!!! order #123",
    "where is my order? please track it",
    "cancel my order please",
    "money not received, refund please",
    "refundd not recieved",
};

double sum_of(const tiny_ticket::head_explanation& h) {
    double s = h.bias;
    for (const auto& a : h.positive) s += a.value;
    for (const auto& a : h.negative) s += a.value;
    return s;
}

/// The text without any occurrence of `token` (after normalization).
template <class T>
std::string without(const tiny_ticket::basic_classifier<T>& clf, const std::string& text, const std::string& token) {
    std::string out;
    for (const auto& t : clf.tokenize(text))
        if (t != token) out += (out.empty() ? "" : " ") + t;
    return out;
}

/// The explained score of `label` on `head` recomputed from the classifier's
/// probabilities: log p_label minus the mean log p (softmax), or the signed
/// log-odds (sigmoid).
template <class T>
double score_from_prediction(const tiny_ticket::head_prediction<T>& hp, tiny_ticket::head_kind kind, std::size_t label) {
    if (kind == tiny_ticket::head_kind::sigmoid) {
        const double logit = std::log(static_cast<double>(hp.scores[1]) / static_cast<double>(hp.scores[0]));
        return label == 1 ? logit : -logit;
    }
    double mean = 0;
    for (T s : hp.scores) mean += std::log(static_cast<double>(s));
    mean /= static_cast<double>(hp.scores.size());
    return std::log(static_cast<double>(hp.scores[label])) - mean;
}

std::filesystem::path reference_artifact() {
    return tiny_ticket_test::shared_dir() / "compat" / "tickets-inf" / "model.json";
}

}  // namespace

TEST_CASE_TEMPLATE("explain: attributions plus bias add up to the explained score", T, float, double) {
    const tiny_ticket::basic_classifier<T> clf(toy::model<T>());
    const tiny_ticket::basic_explainer<T> ex(clf);
    for (const auto& text : toy_texts) {
        CAPTURE(text);
        const auto e = ex.explain(text, 0);
        const auto p = clf.predict(text);
        REQUIRE(e.heads.size() == clf.num_heads());
        for (std::size_t h = 0; h < e.heads.size(); ++h) {
            const auto& he = e.heads[h];
            CAPTURE(he.head);
            CHECK(he.head == clf.head(h).name);
            CHECK(he.label_index == p.heads[h].label_index);
            CHECK(he.label == p.heads[h].label);
            CHECK(sum_of(he) == doctest::Approx(he.score).epsilon(1e-9));
            CHECK(he.score == doctest::Approx(score_from_prediction(p.heads[h], clf.head(h).kind, he.label_index)).epsilon(1e-3));
            // The chosen label scores at least as high as the average label.
            CHECK(he.score >= -1e-9);
        }
    }
}

TEST_CASE("explain: results are ordered, truncated to top_n, and named after tokens") {
    const tiny_ticket::classifier clf(toy::model<float>());
    const auto all = tiny_ticket::explain(clf, toy_texts[0], 0);
    const auto top = tiny_ticket::explain(clf, toy_texts[0], 2);
    const auto tokens = clf.tokenize(toy_texts[0]);
    for (std::size_t h = 0; h < all.heads.size(); ++h) {
        const auto& a = all.heads[h];
        const auto& t = top.heads[h];
        CHECK(t.positive.size() == std::min<std::size_t>(2, a.positive.size()));
        CHECK(t.negative.size() == std::min<std::size_t>(2, a.negative.size()));
        for (std::size_t i = 0; i < t.positive.size(); ++i) CHECK(t.positive[i].name == a.positive[i].name);
        for (std::size_t i = 1; i < a.positive.size(); ++i) CHECK(a.positive[i - 1].value >= a.positive[i].value);
        for (std::size_t i = 1; i < a.negative.size(); ++i) CHECK(a.negative[i - 1].value <= a.negative[i].value);
        for (const auto* list : {&a.positive, &a.negative})
            for (const auto& at : *list) {
                CAPTURE(at.name);
                // Every hashed n-gram bucket of this text maps back onto a token.
                CHECK(at.kind != tiny_ticket::feature_kind::char_ngram);
                if (at.kind == tiny_ticket::feature_kind::token) {
                    CHECK(std::find(tokens.begin(), tokens.end(), at.name) != tokens.end());
                    CHECK(at.value == doctest::Approx(at.bow + at.embedding + at.char_ngrams));
                }
                if (at.kind == tiny_ticket::feature_kind::keyword) CHECK(at.name.rfind("kw:", 0) == 0);
            }
    }
    // The toy model has every feature group: n-gram and embedding parts show up on tokens.
    bool chars = false, emb = false;
    for (const auto& at : all.heads[0].positive) {
        chars = chars || at.char_ngrams != 0;
        emb = emb || at.embedding != 0;
    }
    for (const auto& at : all.heads[0].negative) {
        chars = chars || at.char_ngrams != 0;
        emb = emb || at.embedding != 0;
    }
    CHECK(chars);
    CHECK(emb);
}

namespace {

// The explained score computed by the classifier's own network from a feature vector.
double network_score(const tiny_ticket::basic_classifier<double>& clf, const tiny_ticket::basic_feature_vector<double>& fv,
                     std::size_t h, std::size_t label) {
    tiny_ticket::nn::network_scratch<double> s;
    clf.network().forward(fv, s);
    const double* z = s.logits.data() + clf.network().head_offset(h);
    if (clf.head(h).kind == tiny_ticket::head_kind::sigmoid) return label == 1 ? z[0] : -z[0];
    double mean = 0;
    for (std::size_t j = 0; j < clf.head(h).labels.size(); ++j) mean += z[j];
    return z[label] - mean / static_cast<double>(clf.head(h).labels.size());
}

const tiny_ticket::attribution* find_item(const tiny_ticket::head_explanation& he, tiny_ticket::feature_kind k,
                                          const std::string& name) {
    for (const auto* list : {&he.positive, &he.negative})
        for (const auto& a : *list)
            if (a.kind == k && a.name == name) return &a;
    return nullptr;
}

}  // namespace

TEST_CASE("explain: attributions match finite differences of the inference network") {
    // Shrinking one input by a factor (1 - eps) must move the score by
    // -eps * (that input's attribution): gradient x input, checked against
    // the production network rather than against the explainer's own pass.
    using tiny_ticket::feature_kind;
    const double eps = 1e-6;
    const auto m = toy::model<double>();
    const tiny_ticket::basic_classifier<double> clf(m);
    const tiny_ticket::basic_explainer<double> ex(clf);
    const auto& f = m.features;
    for (const auto& text : toy_texts) {
        CAPTURE(text);
        auto ws = clf.make_workspace();
        clf.featurize(text, ws);
        const auto base = ws.features;
        const auto e = ex.explain(text, 0);
        for (std::size_t h = 0; h < e.heads.size(); ++h) {
            const auto& he = e.heads[h];
            CAPTURE(he.head);
            const double s0 = network_score(clf, base, h, he.label_index);
            CHECK(s0 == doctest::Approx(he.score).epsilon(1e-9));
            double char_attr = 0, emb_attr = 0;
            for (const auto* list : {&he.positive, &he.negative})
                for (const auto& a : *list) {
                    char_attr += a.char_ngrams;
                    emb_attr += a.embedding;
                }
            auto shrunk = base;
            for (std::size_t k = 0; k < base.index.size(); ++k) {
                const std::size_t i = base.index[k];
                if (i >= f.char_offset()) {
                    shrunk.value[k] *= 1 - eps;
                    continue;
                }
                auto one = base;
                one.value[k] *= 1 - eps;
                const double measured = (s0 - network_score(clf, one, h, he.label_index)) / eps;
                double claimed = 0;
                if (i < f.keyword_offset()) {
                    const auto* a = find_item(he, feature_kind::token, f.bow.vocab[i]);
                    claimed = a ? a->bow : 0;
                } else if (i < f.bigram_offset()) {
                    const auto* a = find_item(he, feature_kind::keyword, "kw:" + f.keywords.phrases[i - f.keyword_offset()]);
                    claimed = a ? a->value : 0;
                } else {
                    const auto* a = find_item(he, feature_kind::bigram, f.bigrams.vocab[i - f.bigram_offset()]);
                    claimed = a ? a->value : 0;
                }
                CAPTURE(i);
                CHECK(measured == doctest::Approx(claimed).epsilon(1e-4).scale(1));
            }
            // All n-gram buckets at once: their total equals what the tokens were credited.
            CHECK((s0 - network_score(clf, shrunk, h, he.label_index)) / eps ==
                  doctest::Approx(char_attr).epsilon(1e-4).scale(1));

            // Embedding: shrink the whole table, then each in-vocabulary token's row alone.
            auto me = m;
            for (double& w : me.features.embedding.weights) w *= 1 - eps;
            me.self_tests.clear();
            const tiny_ticket::basic_classifier<double> all(me);
            CHECK((s0 - network_score(all, base, h, he.label_index)) / eps == doctest::Approx(emb_attr).epsilon(1e-4).scale(1));
            for (const auto& t : clf.tokenize(text)) {
                const std::int32_t row = clf.featurizer().embedding_index(t);
                if (row < 0) continue;
                auto mr = m;
                for (std::size_t d = 0; d < f.embedding.dim; ++d) mr.features.embedding.weights[std::size_t(row) * f.embedding.dim + d] *= 1 - eps;
                const tiny_ticket::basic_classifier<double> one(mr);
                const auto* a = find_item(he, feature_kind::token, t);
                CAPTURE(t);
                CHECK((s0 - network_score(one, base, h, he.label_index)) / eps ==
                      doctest::Approx(a ? a->embedding : 0.0).epsilon(1e-4).scale(1));
            }
        }
    }
}

TEST_CASE("explain: any label can be explained; bad indices throw") {
    const tiny_ticket::classifier clf(toy::model<float>());
    const tiny_ticket::explainer ex(clf);
    const auto p = clf.predict(toy_texts[1]);
    for (std::size_t l = 0; l < clf.head(0).labels.size(); ++l) {
        const auto he = ex.explain(toy_texts[1], 0, l, 0);
        CHECK(he.label == clf.head(0).labels[l]);
        CHECK(sum_of(he) == doctest::Approx(he.score).epsilon(1e-9));
        CHECK(he.score == doctest::Approx(score_from_prediction(p.heads[0], clf.head(0).kind, l)).epsilon(1e-3));
    }
    const auto low = ex.explain(toy_texts[1], 1, 0, 0);
    const auto high = ex.explain(toy_texts[1], 1, 1, 0);
    CHECK(low.score == doctest::Approx(-high.score));
    CHECK_THROWS_AS(ex.explain(toy_texts[1], 2, 0), tiny_ticket::error);
    CHECK_THROWS_AS(ex.explain(toy_texts[1], 0, 3), tiny_ticket::error);
}

TEST_CASE("explain: an empty text has no attributions, only bias") {
    const tiny_ticket::classifier clf(toy::model<float>());
    for (const char* text : {"", "   ", "!!!"}) {
        const auto e = tiny_ticket::explain(clf, text);
        for (const auto& he : e.heads) {
            CHECK(he.positive.empty());
            CHECK(he.negative.empty());
            CHECK(he.bias == doctest::Approx(he.score));
        }
    }
}

TEST_CASE("explain: one explainer serves many threads with identical results") {
    const tiny_ticket::classifier clf(toy::model<float>());
    const tiny_ticket::explainer ex(clf);
    const auto expected = ex.explain(toy_texts[0], 0);
    std::vector<int> same(4, 0);
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < same.size(); ++t)
        pool.emplace_back([&, t] {
            bool ok = true;
            for (int i = 0; i < 20; ++i) {
                const auto e = ex.explain(toy_texts[0], 0);
                for (std::size_t h = 0; h < e.heads.size(); ++h) {
                    ok = ok && e.heads[h].score == expected.heads[h].score;
                    ok = ok && e.heads[h].positive.size() == expected.heads[h].positive.size();
                    for (std::size_t k = 0; ok && k < e.heads[h].positive.size(); ++k)
                        ok = e.heads[h].positive[k].name == expected.heads[h].positive[k].name &&
                             e.heads[h].positive[k].value == expected.heads[h].positive[k].value;
                }
            }
            same[t] = ok ? 1 : 0;
        });
    for (auto& th : pool) th.join();
    for (int s : same) CHECK(s == 1);
}

TEST_CASE("explain: reference artifact credits refund words for \"refund nahi mila\"") {
    const auto path = reference_artifact();
    TINY_TICKET_SKIP_UNLESS_EXISTS(path);
    const auto clf = tiny_ticket::load_classifier(path);
    const tiny_ticket::explainer ex(clf);
    const auto e = ex.explain("refund nahi mila", 5);
    const auto* intent = e.find("intent");
    REQUIRE(intent);
    REQUIRE(!intent->positive.empty());
    CHECK(intent->label == "refund");
    const std::string top = intent->positive.front().name;
    CHECK((top == "refund" || top == "kw:refund"));
    CHECK(sum_of(ex.explain("refund nahi mila", 4, intent->label_index, 0)) == doctest::Approx(intent->score).epsilon(1e-9));
}

TEST_CASE("explain: reference artifact, removing the top positive token lowers the score") {
    const auto path = reference_artifact();
    TINY_TICKET_SKIP_UNLESS_EXISTS(path);
    const auto clf = tiny_ticket::load_classifier(path);
    const tiny_ticket::explainer ex(clf);
    std::vector<std::string> texts = {"refund nahi mila", "paisa kat gaya lekin order nahi aaya", "app bahut slow hai",
                                      "I want to cancel my subscription", "where is my package"};
    const std::size_t intent = static_cast<std::size_t>(clf.head_index("intent"));
    for (const auto& text : texts) {
        CAPTURE(text);
        const auto he = ex.explain(text, intent, clf.predict(text).heads[intent].label_index, 0);
        const tiny_ticket::attribution* top = nullptr;
        for (const auto& a : he.positive)
            if (a.kind == tiny_ticket::feature_kind::token) {
                top = &a;
                break;
            }
        REQUIRE(top);
        CAPTURE(top->name);
        const double before = ex.explain(without(clf, text, std::string()), intent, he.label_index, 1).score;
        const double after = ex.explain(without(clf, text, top->name), intent, he.label_index, 1).score;
        CHECK(after < before);
    }
}

TEST_CASE("explain: a threshold-only out-of-scope answer explains the top label that fell short") {
    // The toy intent head plus a "none" output the network never chooses
    // (zero weights, bias -10000: what the trainer writes for a label with no
    // training row), answered only below the threshold.
    const tiny_ticket::classifier plain(toy::model<float>());
    auto m = toy::model<float>();
    auto& intent = m.heads[0];
    intent.labels.push_back("none");
    for (std::size_t i = 0; i < intent.layer.in; ++i) intent.layer.weights.push_back(0.0f);
    intent.layer.bias.push_back(-10000.0f);
    ++intent.layer.out;
    std::vector<double> conf;
    for (const auto& t : toy_texts) conf.push_back(static_cast<double>(plain.predict(t).heads[0].confidence));
    std::sort(conf.begin(), conf.end());
    const double threshold = conf[conf.size() / 2];
    intent.out_of_scope = tiny_ticket::out_of_scope_spec{"none", threshold};
    const tiny_ticket::classifier clf(m);
    const tiny_ticket::explainer ex(clf);

    std::size_t by_threshold = 0, kept = 0;
    for (const auto& text : toy_texts) {
        CAPTURE(text);
        const auto p = clf.predict(text);
        const auto& hp = p.heads[0];
        const auto before = plain.predict(text).heads[0];
        const auto e = ex.explain(text, 0);
        const auto& he = e.heads[0];
        CHECK(he.answer == std::string(hp.label));
        CHECK(he.out_of_scope == hp.out_of_scope);
        CHECK(he.min_confidence == threshold);
        CHECK(he.confidence == doctest::Approx(static_cast<double>(hp.confidence)));
        CHECK(sum_of(he) == doctest::Approx(he.score).epsilon(1e-9));
        if (hp.out_of_scope) {
            ++by_threshold;
            REQUIRE(hp.label == "none");
            // The network's own top label is explained, not the zero-weight output.
            CHECK(he.label == std::string(before.label));
            CHECK(he.label_index == before.label_index);
            CHECK(he.label != "none");
            CHECK_FALSE((he.positive.empty() && he.negative.empty()));
            char reason[160];
            std::snprintf(reason, sizeof reason, "top confidence %.4f (%s) below min_confidence %.4f: answered none",
                          static_cast<double>(hp.confidence), std::string(before.label).c_str(), threshold);
            CHECK(he.out_of_scope_reason == reason);
            // The same attributions as asking for that label by index.
            const auto asked = ex.explain(text, 0, before.label_index, 0);
            CHECK(asked.score == doctest::Approx(he.score));
            CHECK(asked.out_of_scope_reason == he.out_of_scope_reason);
        } else {
            ++kept;
            CHECK(he.label == he.answer);
            CHECK(he.out_of_scope_reason.empty());
        }
        // A head without an out-of-scope label reports none.
        CHECK_FALSE(e.heads[1].out_of_scope);
        CHECK(e.heads[1].out_of_scope_reason.empty());
        CHECK(e.heads[1].min_confidence == 0.0);
    }
    CHECK(by_threshold > 0);
    CHECK(kept > 0);
}
