// SPDX-License-Identifier: MIT
#pragma once

// Validation of a model as plain data, against the artifact's layout: errors
// name the JSON path the offending value was read from. The layers below
// (features, nn, quant) take a validated model and do not know artifact
// paths.

#include <algorithm>
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

// One weight tensor, expected `rows x cols` and of the model's dtype: a model
// is all-float or all-int8 (the artifact stores one or the other, and the
// network runs one set of kernels).
template <class T>
void check_tensor(const basic_tensor<T>& t, std::size_t rows, std::size_t cols, quant_mode mode,
                  const std::string& where) {
    const bool want_int8 = mode != quant_mode::none;
    if (t.is_int8() != want_int8)
        throw artifact_error(errc::type, where,
                             want_int8 ? std::string("expected an int8 tensor (the model is quantized, ") + to_string(mode) +
                                             "; a model is all-float or all-int8), got float weights"
                                       : std::string("expected float weights (the model is not quantized; a model is "
                                                     "all-float or all-int8), got an int8 tensor"));
    if (!t.is_int8()) {
        if (t.values.size() != rows * cols || ((t.rows || t.cols) && (t.rows != rows || t.cols != cols)))
            throw artifact_error(errc::shape, where,
                                 "expected " + std::to_string(rows) + "x" + std::to_string(cols) + " values, got " +
                                     std::to_string(t.values.size()));
        check_finite(t.values, where);
        return;
    }
    if (t.rows != rows || t.cols != cols || t.q.size() != rows * cols)
        throw artifact_error(errc::shape, where,
                             "expected " + std::to_string(rows) + "x" + std::to_string(cols) + " int8 values, got " +
                                 std::to_string(t.rows) + "x" + std::to_string(t.cols) + " (" + std::to_string(t.q.size()) +
                                 " values)");
    if (t.scale.size() != rows)
        throw artifact_error(errc::shape, where + "/scale",
                             "expected " + std::to_string(rows) + " scales (one per row), got " +
                                 std::to_string(t.scale.size()));
    check_finite(t.scale, where + "/scale");
    for (std::size_t i = 0; i < t.q.size(); ++i)
        if (t.q[i] < -127)
            throw artifact_error(errc::value, where, "expected int8 values in [-127, 127], got " + std::to_string(t.q[i]) +
                                                         " at index " + std::to_string(i));
}

template <class T>
void check_dense(const dense_spec<T>& d, const std::string& where, quant_mode mode) {
    if (d.in == 0 || d.out == 0)
        throw artifact_error(errc::shape, where, "expected non-zero dimensions, got " + std::to_string(d.out) + "x" +
                                                     std::to_string(d.in));
    check_tensor(d.weights, d.out, d.in, mode, where + "/weights");
    if (d.bias.size() != d.out)
        throw artifact_error(errc::shape, where + "/bias",
                             "expected " + std::to_string(d.out) + " values, got " + std::to_string(d.bias.size()));
    check_finite(d.bias, where + "/bias");
}

/// A head's out-of-scope label is one of its labels, its threshold in [0, 1].
/// `where`: the head's JSON path.
template <class T>
void check_out_of_scope(const head_spec<T>& hs, const std::string& where) {
    const auto& o = hs.out_of_scope;
    if (!o) return;
    if (std::find(hs.labels.begin(), hs.labels.end(), o->label) == hs.labels.end())
        throw artifact_error(errc::value, where + "/out_of_scope/label",
                             "expected one of the head's labels, got \"" + o->label + "\"");
    if (!(o->min_confidence >= 0 && o->min_confidence <= 1))
        throw artifact_error(errc::value, where + "/out_of_scope/min_confidence",
                             "expected a threshold in [0, 1], got " + std::to_string(o->min_confidence));
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
    const quant_mode mode = m.quantization;
    if (e.dim > 0) {
        detail::check_tensor(e.weights, e.vocab.size(), e.dim, mode, "/features/embedding/weights");
        if (e.unk >= static_cast<std::int32_t>(e.vocab.size()))
            throw artifact_error(errc::value, "/features/embedding/unk",
                                 "expected an index below " + std::to_string(e.vocab.size()) + ", got " +
                                     std::to_string(e.unk));
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
            detail::check_dense(*d, where, mode);
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
        detail::check_dense(hs.layer, where, mode);
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
        detail::check_out_of_scope(hs, where);
    }
    detail::check_unique(names, "/heads/*/name");
    detail::check_vocab_unique(f.bow.vocab, "/features/bow/vocab");
    detail::check_vocab_unique(e.vocab, "/features/embedding/vocab");
    detail::check_vocab_unique(f.bigrams.vocab, "/features/bigrams/vocab");
}

}  // namespace tiny_ticket
