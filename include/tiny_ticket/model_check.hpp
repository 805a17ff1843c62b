// SPDX-License-Identifier: MIT
#pragma once

// Validation of a model as plain data, against the artifact's layout: errors
// name the JSON path the offending value was read from. The layers below
// (features, nn, quant) take a validated model and do not know artifact
// paths.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "detail/string_map.hpp"
#include "error.hpp"
#include "model.hpp"

namespace tiny_ticket {

/// Checks that a model's sizes agree, every weight is finite and no
/// vocabulary repeats an entry. Throws artifact_error naming the artifact's
/// JSON path of the first problem.
template <class T>
void validate_model(const basic_model<T>& m);

namespace detail {

template <class T>
void check_finite(const std::vector<T>& v, const std::string& where) {
    for (std::size_t i = 0; i < v.size(); ++i)
        if (!std::isfinite(v[i]))
            throw artifact_error(errc::value, where, "expected finite numbers, got " + std::to_string(v[i]) +
                                                         " at index " + std::to_string(i));
}

inline void check_int8(const int8_rows& q, std::size_t rows, std::size_t cols, const std::string& where) {
    if (q.rows != rows || q.cols != cols || q.q.size() != rows * cols)
        throw artifact_error(errc::shape, where,
                             "expected " + std::to_string(rows) + "x" + std::to_string(cols) + " int8 values, got " +
                                 std::to_string(q.rows) + "x" + std::to_string(q.cols) + " (" + std::to_string(q.q.size()) +
                                 " values)");
    if (q.scale.size() != rows)
        throw artifact_error(errc::shape, where + "/scale",
                             "expected " + std::to_string(rows) + " scales (one per row), got " +
                                 std::to_string(q.scale.size()));
    check_finite(q.scale, where + "/scale");
    for (std::size_t i = 0; i < q.q.size(); ++i)
        if (q.q[i] < -127)
            throw artifact_error(errc::value, where, "expected int8 values in [-127, 127], got " + std::to_string(q.q[i]) +
                                                         " at index " + std::to_string(i));
}

// `q` non-null: the layer is quantized, its values are in `q` and the float
// weights must be empty (a model never carries both).
template <class T>
void check_dense(const dense_spec<T>& d, const std::string& where, const int8_rows* q = nullptr) {
    if (d.in == 0 || d.out == 0)
        throw artifact_error(errc::shape, where, "expected non-zero dimensions, got " + std::to_string(d.out) + "x" +
                                                     std::to_string(d.in));
    if (q) {
        if (!d.weights.empty())
            throw artifact_error(errc::shape, where + "/weights",
                                 "expected no float weights in a quantized model, got " + std::to_string(d.weights.size()));
        check_int8(*q, d.out, d.in, where + "/weights");
    } else if (d.weights.size() != d.in * d.out)
        throw artifact_error(errc::shape, where + "/weights",
                             "expected " + std::to_string(d.out) + "x" + std::to_string(d.in) + " values, got " +
                                 std::to_string(d.weights.size()));
    if (d.bias.size() != d.out)
        throw artifact_error(errc::shape, where + "/bias",
                             "expected " + std::to_string(d.out) + " values, got " + std::to_string(d.bias.size()));
    check_finite(d.weights, where + "/weights");
    check_finite(d.bias, where + "/bias");
}

inline void check_unique(const std::vector<std::string>& v, const std::string& where) {
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i].empty()) throw artifact_error(errc::value, where + "/" + std::to_string(i), "expected a non-empty string");
        for (std::size_t j = 0; j < i; ++j)
            if (v[i] == v[j])
                throw artifact_error(errc::value, where + "/" + std::to_string(i),
                                     "expected unique entries, got a second \"" + v[i] + "\"");
    }
}


// Duplicate entries of one vocabulary; empty entries are placeholders for
// unused indices and may repeat.
inline void check_vocab_unique(const std::vector<std::string>& vocab, const std::string& where) {
    string_map seen;
    seen.reserve(vocab.size());
    for (std::size_t i = 0; i < vocab.size(); ++i)
        if (!vocab[i].empty() && !seen.insert(vocab[i], static_cast<std::int32_t>(i)))
            throw artifact_error(errc::value, where + "/" + std::to_string(i),
                                 "expected unique entries, got a second \"" + vocab[i] + "\"");
}

}  // namespace detail

template <class T>
void validate_model(const basic_model<T>& m) {
    const auto& f = m.features;
    const auto& e = f.embedding;
    const quantized_weights& qw = m.quantized;
    const bool quant = qw.active();
    if (quant && qw.trunk.size() != m.trunk.size())
        throw artifact_error(errc::shape, "/trunk", "expected one int8 tensor slot per trunk layer (" +
                                                        std::to_string(m.trunk.size()) + "), got " +
                                                        std::to_string(qw.trunk.size()));
    if (quant && qw.heads.size() != m.heads.size())
        throw artifact_error(errc::shape, "/heads", "expected one int8 tensor per head (" + std::to_string(m.heads.size()) +
                                                        "), got " + std::to_string(qw.heads.size()));
    if (e.dim > 0 && quant) {
        if (!e.weights.empty())
            throw artifact_error(errc::shape, "/features/embedding/weights",
                                 "expected no float weights in a quantized model, got " + std::to_string(e.weights.size()));
        detail::check_int8(qw.embedding, e.vocab.size(), e.dim, "/features/embedding/weights");
        if (e.unk >= static_cast<std::int32_t>(e.vocab.size()))
            throw artifact_error(errc::value, "/features/embedding/unk",
                                 "expected an index below " + std::to_string(e.vocab.size()) + ", got " +
                                     std::to_string(e.unk));
    } else if (e.dim > 0) {
        if (e.weights.size() != e.vocab.size() * e.dim)
            throw artifact_error(errc::shape, "/features/embedding/weights",
                                 "expected " + std::to_string(e.vocab.size()) + "x" + std::to_string(e.dim) +
                                     " values, got " + std::to_string(e.weights.size()));
        if (e.unk >= static_cast<std::int32_t>(e.vocab.size()))
            throw artifact_error(errc::value, "/features/embedding/unk",
                                 "expected an index below " + std::to_string(e.vocab.size()) + ", got " +
                                     std::to_string(e.unk));
        detail::check_finite(e.weights, "/features/embedding/weights");
    }
    const auto& c = f.char_ngrams;
    if (c.buckets > 0 && (c.min_n < 1 || c.max_n < c.min_n || c.max_n > 32))
        throw artifact_error(errc::value, "/features/char_ngrams",
                             "expected 1 <= min_n <= max_n <= 32, got " + std::to_string(c.min_n) + ".." +
                                 std::to_string(c.max_n));
    if (f.width() == 0) throw artifact_error(errc::shape, "/features", "expected at least one feature, got none");
    if (m.trunk.empty()) throw artifact_error(errc::missing_field, "/trunk", "expected at least one dense layer, got none");
    std::size_t width = f.width();
    for (std::size_t l = 0; l < m.trunk.size(); ++l) {
        const std::string where = "/trunk/" + std::to_string(l);
        if (const auto* d = std::get_if<dense_spec<T>>(&m.trunk[l])) {
            if (d->in != width)
                throw artifact_error(errc::shape, where + "/in",
                                     "expected " + std::to_string(width) + " inputs (" +
                                         (l == 0 ? std::string("the feature width") : std::string("previous layer's output")) +
                                         "), got " + std::to_string(d->in));
            detail::check_dense(*d, where, quant ? &qw.trunk[l] : nullptr);
            width = d->out;
        } else if (l == 0) {
            throw artifact_error(errc::value, where, "expected the trunk to start with a dense layer, got relu");
        }
    }
    if (m.heads.empty()) throw artifact_error(errc::missing_field, "/heads", "expected at least one head, got none");
    std::vector<std::string> names;
    for (std::size_t h = 0; h < m.heads.size(); ++h) {
        const auto& hs = m.heads[h];
        const std::string where = "/heads/" + std::to_string(h);
        names.push_back(hs.name);
        detail::check_unique(hs.labels, where + "/labels");
        if (hs.layer.in != width)
            throw artifact_error(errc::shape, where + "/in",
                                 "expected " + std::to_string(width) + " inputs (the trunk's output), got " +
                                     std::to_string(hs.layer.in));
        detail::check_dense(hs.layer, where, quant ? &qw.heads[h] : nullptr);
        if (hs.kind == head_kind::sigmoid) {
            if (hs.layer.out != 1 || hs.labels.size() != 2)
                throw artifact_error(errc::shape, where + "/labels",
                                     "expected a sigmoid head with 1 output and 2 labels, got " +
                                         std::to_string(hs.layer.out) + " outputs and " +
                                         std::to_string(hs.labels.size()) + " labels");
        } else if (hs.labels.size() != hs.layer.out || hs.labels.size() < 2) {
            throw artifact_error(errc::shape, where + "/labels",
                                 "expected " + std::to_string(hs.layer.out) + " labels (one per output, at least 2), got " +
                                     std::to_string(hs.labels.size()));
        }
        const auto& r = hs.review;
        if (!(r.min_confidence >= 0 && r.min_confidence <= 1 && r.min_margin >= 0 && r.min_margin <= 1))
            throw artifact_error(errc::value, where + "/review", "expected thresholds in [0, 1]");
    }
    detail::check_unique(names, "/heads/*/name");
    detail::check_vocab_unique(f.bow.vocab, "/features/bow/vocab");
    detail::check_vocab_unique(e.vocab, "/features/embedding/vocab");
    detail::check_vocab_unique(f.bigrams.vocab, "/features/bigrams/vocab");
}

}  // namespace tiny_ticket
