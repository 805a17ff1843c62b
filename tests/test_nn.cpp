// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>
#include <tiny_ticket/tiny_ticket.hpp>

#include "support/toy_model.hpp"

using namespace tiny_ticket;

TEST_CASE_TEMPLATE("softmax is a stable distribution", T, float, double) {
    T z[4] = {T(1000), T(1001), T(999), T(-1e30)};
    T p[4];
    nn::softmax(z, p, 4);
    CHECK(p[0] + p[1] + p[2] + p[3] == doctest::Approx(1.0));
    CHECK(p[1] > p[0]);
    CHECK(p[0] > p[2]);
    CHECK(p[3] == T(0));
    const T inf = std::numeric_limits<T>::infinity();
    T w[3] = {inf, T(0), inf};
    nn::softmax(w, p, 3);
    CHECK(p[0] == doctest::Approx(0.5));
    CHECK(p[1] == T(0));
    T nan3[3] = {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::quiet_NaN(), -inf};
    nn::softmax(nan3, p, 3);
    for (int i = 0; i < 3; ++i) CHECK(std::isfinite(p[i]));
}

TEST_CASE_TEMPLATE("sigmoid and relu", T, float, double) {
    CHECK(nn::sigmoid(T(0)) == doctest::Approx(0.5));
    CHECK(nn::sigmoid(T(100)) == doctest::Approx(1.0));
    CHECK(nn::sigmoid(T(-100)) == doctest::Approx(0.0));
    CHECK(nn::sigmoid(std::numeric_limits<T>::quiet_NaN()) == T(0.5));
    T x[4] = {T(-1), T(0), T(2), T(-0.5)};
    nn::relu(x, 4);
    CHECK(x[0] == T(0));
    CHECK(x[2] == T(2));
    CHECK(x[3] == T(0));
}

TEST_CASE_TEMPLATE("dense layer matches y = Wx + b", T, float, double) {
    dense_spec<T> s;
    s.in = 3;
    s.out = 2;
    s.weights = {T(1), T(2), T(3), T(-1), T(0.5), T(0)};
    s.bias = {T(0.25), T(-1)};
    const nn::dense<T> d(s);
    const T x[3] = {T(1), T(0), T(-2)};
    T y[2];
    d.forward(x, y);
    CHECK(y[0] == doctest::Approx(0.25 + 1 - 6));
    CHECK(y[1] == doctest::Approx(-1 - 1));
}

// The network gathers rows of active features and folds the embedding into
// the first layer; a naive dense evaluation of the same model must agree.
TEST_CASE_TEMPLATE("sparse network equals the naive dense computation", T, float, double) {
    const basic_model<T> m = toy::model<T>(11);
    const basic_classifier<T> clf(m);
    auto ws = clf.make_workspace();
    for (const char* text : {"refund nahi mila, paisa wapas kar do", "where is my order 55", "", "zzz qqq",
                             "cancel cancel please track my order not received"}) {
        CAPTURE(text);
        clf.featurize(text, ws);
        const auto& f = ws.features;
        std::vector<double> x(m.features.width(), 0.0);
        for (std::size_t k = 0; k < f.index.size(); ++k) x[f.index[k]] += static_cast<double>(f.value[k]);
        const std::size_t dim = m.features.embedding.dim, off = m.features.sparse_width();
        for (std::int32_t r : f.embedding_rows)
            for (std::size_t d = 0; d < dim; ++d)
                x[off + d] += static_cast<double>(m.features.embedding.weights[std::size_t(r) * dim + d]) /
                              static_cast<double>(f.embedding_rows.size());
        for (const auto& l : m.trunk) {
            if (const auto* d = std::get_if<dense_spec<T>>(&l)) {
                std::vector<double> y(d->out);
                for (std::size_t o = 0; o < d->out; ++o) {
                    double s = static_cast<double>(d->bias[o]);
                    for (std::size_t i = 0; i < d->in; ++i) s += static_cast<double>(d->weights[o * d->in + i]) * x[i];
                    y[o] = s;
                }
                x = y;
            } else {
                for (auto& v : x) v = v > 0 ? v : 0;
            }
        }
        // The trunk on its own, then the heads on its output: forward() in two parts.
        nn::network_scratch<T> parts, whole;
        const auto& net = clf.network();
        const T* trunk = net.forward_trunk(f, parts);
        REQUIRE(net.trunk_width() == x.size());
        for (std::size_t o = 0; o < x.size(); ++o) CHECK(static_cast<double>(trunk[o]) == doctest::Approx(x[o]).epsilon(1e-4));
        const std::vector<T> kept(trunk, trunk + net.trunk_width());
        net.forward_heads(kept.data(), parts);
        net.forward(f, whole);
        for (std::size_t o = 0; o < net.logits(); ++o) CHECK(parts.logits[o] == whole.logits[o]);
        const auto& p = clf.predict(text, ws);
        for (std::size_t h = 0; h < m.heads.size(); ++h) {
            const auto& hl = m.heads[h].layer;
            std::vector<double> z(hl.out);
            for (std::size_t o = 0; o < hl.out; ++o) {
                double s = static_cast<double>(hl.bias[o]);
                for (std::size_t i = 0; i < hl.in; ++i) s += static_cast<double>(hl.weights[o * hl.in + i]) * x[i];
                z[o] = s;
            }
            std::vector<double> prob(m.heads[h].labels.size());
            if (m.heads[h].kind == head_kind::sigmoid) {
                prob[1] = 1 / (1 + std::exp(-z[0]));
                prob[0] = 1 - prob[1];
            } else {
                double mx = z[0], sum = 0;
                for (double v : z) mx = std::max(mx, v);
                for (std::size_t i = 0; i < z.size(); ++i) sum += prob[i] = std::exp(z[i] - mx);
                for (auto& v : prob) v /= sum;
            }
            const double tol = sizeof(T) == 4 ? 1e-5 : 1e-12;
            for (std::size_t i = 0; i < prob.size(); ++i) CHECK(static_cast<double>(p.heads[h].scores[i]) == doctest::Approx(prob[i]).epsilon(tol));
        }
    }
}

namespace {

// Largest |a - b| over the fused logits, relative to the logits' scale.
template <class T>
double logit_gap(const std::vector<T>& a, const std::vector<T>& b, std::size_t n) {
    double gap = 0, scale = 1;
    for (std::size_t i = 0; i < n; ++i) {
        gap = std::max(gap, std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i])));
        scale = std::max(scale, std::abs(static_cast<double>(b[i])));
    }
    return gap / scale;
}

// predict() multiplies folded features (word rows plus corrections); the
// network applied to the plain features must give the same logits.
template <class T>
void check_folding(const basic_classifier<T>& clf, const std::vector<std::string>& texts, bool mostly_fewer) {
    REQUIRE(clf.network().folded_words() == clf.featurizer().word_count());
    auto folded = clf.make_workspace();
    auto plain = clf.make_workspace();
    const std::size_t n = clf.network().logits();
    // Float sums in another order: both paths are a few ulps of the logits' scale
    // off the exact value, over hundreds of terms.
    const double tol = sizeof(T) == 4 ? 1e-4 : 1e-12;
    double worst = 0;
    std::size_t fewer = 0;
    for (const auto& text : texts) {
        CAPTURE(text);
        const auto& p = clf.predict(text, folded);
        clf.featurize(text, plain);
        clf.network().forward(plain.features, plain.net);
        const double gap = logit_gap(folded.net.logits, plain.net.logits, n);
        worst = std::max(worst, gap);
        CHECK(gap <= tol);
        fewer += folded.features.index.size() < plain.features.index.size() ? 1 : 0;
        // The labels come from the same logits.
        for (std::size_t h = 0; h < clf.num_heads(); ++h) {
            const std::size_t off = clf.network().head_offset(h), end = clf.network().head_offset(h + 1);
            if (end - off < 2) continue;
            std::size_t best = off;
            for (std::size_t i = off; i < end; ++i)
                if (plain.net.logits[i] > plain.net.logits[best]) best = i;
            double second = -1e300;
            for (std::size_t i = off; i < end; ++i)
                if (i != best) second = std::max(second, static_cast<double>(plain.net.logits[i]));
            if (static_cast<double>(plain.net.logits[best]) - second > 1e-4) CHECK(p.heads[h].label_index == best - off);
        }
    }
    MESSAGE("folded vs plain: worst relative logit gap " << worst << " over " << texts.size() << " texts; "
                                                          << fewer << " with fewer first-layer rows");
    if (mostly_fewer) CHECK(fewer * 2 > texts.size());
}

}  // namespace

TEST_CASE_TEMPLATE("folded word rows give the plain network's logits (toy model)", T, float, double) {
    const basic_classifier<T> clf(toy::model<T>(11));
    REQUIRE(clf.featurizer().can_fold());
    check_folding(clf, {"refund nahi mila, paisa wapas kar do", "where is my order 55", "", "zzz qqq",
                        "cancel cancel please track my order not received", "refund refund refund refund",
                        "xylophone quux refund", "a", "track track my my order order"},
                  false);
}

TEST_CASE_TEMPLATE("folded word rows give the plain network's logits (shipped model)", T, float, double) {
    const std::filesystem::path src = TINY_TICKET_SOURCE_DIR;
    const basic_classifier<T> clf(load_model<T>(src / "models" / "tiny_ticket-default-v6.json"));
    REQUIRE(clf.featurizer().can_fold());
    std::vector<std::string> texts;
    for (const char* f : {"dev_tickets.jsonl", "tune_tickets.jsonl"}) {
        std::ifstream in(src / "tests" / "data" / f);
        REQUIRE(in);
        std::string line;
        while (std::getline(in, line))
            if (!line.empty()) texts.push_back(nlohmann::json::parse(line).at("text").get<std::string>());
    }
    REQUIRE(texts.size() > 500);
    // Repeats, unknown words, mixed known/unknown n-grams, a long text.
    texts.push_back("refund refund refund refund refund");
    texts.push_back("qwzx refundzz blorp ticketing refunded");
    // Counts past the log1p table (64), from known and unknown words, on
    // the 16-bit counting path; the long text takes the general one.
    std::string many_known, many_unknown;
    for (int i = 0; i < 100; ++i) many_known += "refund order ";
    for (int i = 0; i < 70; ++i) many_unknown += "qwzxrefundzz ";
    texts.push_back(many_known);
    texts.push_back(many_unknown + many_known);
    std::string long_text;
    for (int i = 0; i < 300; ++i) long_text += texts[static_cast<std::size_t>(i)] + " ";
    texts.push_back(long_text);
    check_folding(clf, texts, true);
}
