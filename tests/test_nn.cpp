// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <tiny_ticket/classifier.hpp>

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
