// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "../error.hpp"
#include "../features/featurizer.hpp"
#include "../model.hpp"
#include "../nn/activations.hpp"
#include "../nn/network.hpp"
#include "format.hpp"
#include "kernels.hpp"

namespace tiny_ticket::quant {

/// The int8 counterpart of nn::basic_network: same inputs, same logits
/// layout, weights held only as int8 rows with one float scale per output.
/// Weight-only mode sums v * int8 in float and scales each output once;
/// full mode quantizes each layer's input vector to int8 (one scale per
/// vector), sums int8 x int8 in int32 and scales each output once by
/// (input scale x row scale). The first layer gathers the int8 rows of the
/// active sparse features; the embedding part is folded in at build time
/// (table x first layer, requantized with one scale per output), so a token
/// costs one int8 row addition in both modes.
template <class T>
class basic_qnetwork {
public:
    basic_qnetwork() = default;

    /// From a quantized model already validated for shapes. Allocates the
    /// transposed tables; the float values it computes for the embedding
    /// projection are temporary.
    explicit basic_qnetwork(const basic_model<T>& m) : mode_(m.quantized.mode) {
        const auto& qw = m.quantized;
        const auto* first = m.trunk.empty() ? nullptr : std::get_if<dense_spec<T>>(&m.trunk.front());
        if (!first || qw.trunk.empty() || qw.trunk.front().rows != first->out)
            throw artifact_error(errc::value, "/trunk/0", "expected the trunk to start with a quantized dense layer");
        const int8_rows& q0 = qw.trunk.front();
        const std::size_t sparse = m.features.sparse_width();
        const std::size_t dim = m.features.embedding.dim;
        hidden0_ = first->out;
        stride0_ = pad_out(hidden0_);
        const auto& fs = m.features;
        group_end_[0] = fs.keyword_offset();
        group_end_[1] = fs.bigram_offset();
        group_end_[2] = fs.char_offset();
        group_end_[3] = sparse;
        first_bias_.assign(stride0_, T(0));
        first_scale_.assign(stride0_, 0.0f);
        for (std::size_t o = 0; o < hidden0_; ++o) {
            first_bias_[o] = first->bias[o];
            first_scale_[o] = q0.scale[o];
        }
        first_rows_.assign(sparse * stride0_, 0);
        for (std::size_t o = 0; o < hidden0_; ++o)
            for (std::size_t i = 0; i < sparse; ++i) first_rows_[i * stride0_ + o] = q0.q[o * q0.cols + i];
        const std::size_t rows = dim ? m.features.embedding.vocab.size() : 0;
        proj_scale_.assign(stride0_, 0.0f);
        if (rows) {
            // P = E W_emb^T from the int8 values, then one scale per output
            // column so a token's contribution is a plain int8 row sum.
            const int8_rows& e = qw.embedding;
            std::vector<float> p(rows * hidden0_);
            for (std::size_t r = 0; r < rows; ++r)
                for (std::size_t o = 0; o < hidden0_; ++o) {
                    double s = 0;
                    for (std::size_t d = 0; d < dim; ++d)
                        s += static_cast<double>(e.at(r, d)) * static_cast<double>(q0.at(o, sparse + d));
                    p[r * hidden0_ + o] = static_cast<float>(s);
                }
            proj_.assign(rows * stride0_, 0);
            std::vector<float> col(rows);
            std::vector<std::int8_t> qcol(rows);
            for (std::size_t o = 0; o < hidden0_; ++o) {
                for (std::size_t r = 0; r < rows; ++r) col[r] = p[r * hidden0_ + o];
                proj_scale_[o] = quantize_row(col.data(), rows, qcol.data());
                for (std::size_t r = 0; r < rows; ++r) proj_[r * stride0_ + o] = qcol[r];
            }
        }
        std::size_t width = hidden0_;
        max_width_ = stride0_;
        max_in_ = 0;
        for (std::size_t l = 1; l < m.trunk.size(); ++l) {
            if (const auto* d = std::get_if<dense_spec<T>>(&m.trunk[l])) {
                layers_.emplace_back(qlayer(*d, qw.trunk[l]));
                width = d->out;
            } else {
                layers_.emplace_back(relu_spec{});
            }
            if (pad_out(width) > max_width_) max_width_ = pad_out(width);
        }
        trunk_out_ = width;
        int8_rows fused;
        std::vector<T> fused_bias;
        fused.cols = width;
        for (std::size_t h = 0; h < m.heads.size(); ++h) {
            head_offset_.push_back(fused.rows);
            const int8_rows& hq = qw.heads[h];
            fused.rows += hq.rows;
            fused.q.insert(fused.q.end(), hq.q.begin(), hq.q.end());
            fused.scale.insert(fused.scale.end(), hq.scale.begin(), hq.scale.end());
            fused_bias.insert(fused_bias.end(), m.heads[h].layer.bias.begin(), m.heads[h].layer.bias.end());
        }
        head_offset_.push_back(fused.rows);
        heads_ = qlayer(fused, fused_bias);
        if (heads_.stride > max_width_) max_width_ = heads_.stride;
        for (const auto& l : layers_)
            if (const auto* d = std::get_if<qlayer>(&l)) max_in_ = std::max(max_in_, d->in);
        max_in_ = std::max(max_in_, heads_.in);
    }

    quant_mode mode() const noexcept { return mode_; }
    std::size_t logits() const noexcept { return heads_.out; }
    /// Start of head h's logits within the fused output.
    std::size_t head_offset(std::size_t h) const noexcept { return head_offset_[h]; }
    std::size_t trunk_width() const noexcept { return trunk_out_; }

    /// Sizes `s` for this network and for up to `sparse_hint` active features.
    void prepare(nn::network_scratch<T>& s, std::size_t sparse_hint = 0) const {
        if (s.a.size() < max_width_) s.a.resize(max_width_);
        if (s.b.size() < max_width_) s.b.resize(max_width_);
        if (s.logits.size() < heads_.stride) s.logits.resize(heads_.stride);
        const std::size_t n = std::max(max_in_, sparse_hint);
        if (s.q.size() < n) s.q.resize(n);
        if (s.nz.size() < max_in_) s.nz.resize(max_in_);
        if (s.v.size() < max_in_) s.v.resize(max_in_);
        if (s.acc.size() < max_width_) s.acc.resize(max_width_);
        if (s.facc.size() < max_width_) s.facc.resize(max_width_);
    }

    /// Raw logits of all heads into `s.logits`. Allocation-free once `s` has
    /// seen as many active features.
    void forward(const basic_feature_vector<T>& f, nn::network_scratch<T>& s) const {
        prepare(s, f.index.size());
        T* a = s.a.data();
        T* b = s.b.data();
        first_layer(f, s, a);
        std::size_t width = hidden0_;
        for (const auto& l : layers_) {
            if (const auto* d = std::get_if<qlayer>(&l)) {
                dense_forward(*d, a, b, s);
                std::swap(a, b);
                width = d->out;
            } else {
                nn::relu(a, width);
            }
        }
        dense_forward(heads_, a, s.logits.data(), s);
    }

    /// Bytes held by the prepared int8 tables, scales and biases.
    std::size_t memory_bytes() const noexcept {
        std::size_t n = first_rows_.capacity() + proj_.capacity() +
                        (first_scale_.capacity() + proj_scale_.capacity()) * sizeof(float) +
                        first_bias_.capacity() * sizeof(T);
        for (const auto& l : layers_)
            if (const auto* d = std::get_if<qlayer>(&l)) n += d->memory_bytes();
        return n + heads_.memory_bytes();
    }

private:
    // A dense layer stored transposed: row i holds the int8 weights fed by
    // input i, padded with zeros to `stride` outputs.
    struct qlayer {
        std::size_t in = 0, out = 0, stride = 0;
        std::vector<std::int8_t> wt;
        std::vector<float> scale;
        std::vector<T> bias;

        qlayer() = default;
        qlayer(const int8_rows& q, const std::vector<T>& b)
            : in(q.cols), out(q.rows), stride(pad_out(q.rows)), wt(q.cols * stride, 0), scale(stride, 0.0f),
              bias(stride, T(0)) {
            for (std::size_t o = 0; o < out; ++o) {
                scale[o] = q.scale[o];
                bias[o] = b[o];
                for (std::size_t i = 0; i < in; ++i) wt[i * stride + o] = q.q[o * in + i];
            }
        }
        qlayer(const dense_spec<T>& d, const int8_rows& q) : qlayer(q, d.bias) {}
        std::size_t memory_bytes() const noexcept {
            return wt.capacity() + scale.capacity() * sizeof(float) + bias.capacity() * sizeof(T);
        }
    };

    void first_layer(const basic_feature_vector<T>& f, nn::network_scratch<T>& s, T* y) const {
        const std::size_t n = f.index.size();
        const std::uint32_t* idx = f.index.data();
        const T* val = f.value.data();
        if (mode_ == quant_mode::weight_only) {
            T* acc = s.facc.data();
            active::gather_f(first_rows_.data(), stride0_, idx, val, n, stride0_, acc);
            for (std::size_t o = 0; o < hidden0_; ++o) y[o] = first_bias_[o] + static_cast<T>(first_scale_[o]) * acc[o];
        } else {
            for (std::size_t o = 0; o < hidden0_; ++o) y[o] = first_bias_[o];
            // One scale per feature group: the groups are normalized apart
            // (each its own L2 norm), so one scale for the whole input would
            // leave the smaller group with few levels. The featurizer emits
            // the groups in input order, so each is one run of the list,
            // found by binary search. (Any split into runs is exact
            // arithmetic; the grouping only buys precision.)
            std::size_t k = 0;
            for (std::size_t g = 0; g < 4 && k < n; ++g) {
                const std::size_t b = k, end = group_end_[g];
                k = g == 3 ? n
                           : static_cast<std::size_t>(
                                 std::partition_point(idx + b, idx + n, [end](std::uint32_t i) { return i < end; }) - idx);
                if (k == b) continue;
                const float sx = quantize_vector(val + b, k - b, s.q.data() + b);
                add_i32(first_rows_.data(), stride0_, idx + b, s.q.data() + b, k - b, first_scale_.data(), sx, hidden0_,
                        s.acc.data(), y);
            }
        }
        const std::size_t tokens = f.embedding_rows.size();
        if (tokens) {
            // Every token weighs 1: an exact int32 sum of its int8 rows.
            const float inv = 1.0f / static_cast<float>(tokens);
            add_i32(proj_.data(), stride0_, f.embedding_rows.data(), static_cast<const std::int8_t*>(nullptr), tokens,
                    proj_scale_.data(), inv, hidden0_, s.acc.data(), y);
        }
    }

    // y[o] += (xs * scale[o]) * sum_k qx[k] * row_k[o], in int32 chunks that cannot overflow.
    template <class Index>
    void add_i32(const std::int8_t* table, std::size_t stride, const Index* idx, const std::int8_t* qx, std::size_t n,
                 const float* scale, float xs, std::size_t out, std::int32_t* acc, T* y) const noexcept {
        for (std::size_t c = 0; c < n; c += max_i32_inputs) {
            const std::size_t len = std::min(max_i32_inputs, n - c);
            active::gather_i32(table, stride, idx + c, qx ? qx + c : nullptr, len, stride, acc);
            for (std::size_t o = 0; o < out; ++o)
                y[o] += static_cast<T>(xs * scale[o]) * static_cast<T>(acc[o]);
        }
    }

    void dense_forward(const qlayer& d, const T* x, T* y, nn::network_scratch<T>& s) const noexcept {
        std::uint32_t* nz = s.nz.data();
        std::size_t n = 0;
        if (mode_ == quant_mode::weight_only) {
            T* v = s.v.data();
            // Zero inputs (about half after ReLU) are dropped without a
            // branch: the slot is written and only kept when non-zero.
            for (std::size_t i = 0; i < d.in; ++i) {
                nz[n] = static_cast<std::uint32_t>(i);
                v[n] = x[i];
                n += x[i] != T(0) ? 1 : 0;
            }
            T* acc = s.facc.data();
            active::gather_f(d.wt.data(), d.stride, nz, v, n, d.stride, acc);
            for (std::size_t o = 0; o < d.out; ++o) y[o] = d.bias[o] + static_cast<T>(d.scale[o]) * acc[o];
            return;
        }
        std::int8_t* q = s.q.data();
        const float sx = quantize_vector(x, d.in, q);
        for (std::size_t i = 0; i < d.in; ++i) {
            nz[n] = static_cast<std::uint32_t>(i);
            q[n] = q[i];
            n += q[i] != 0 ? 1 : 0;
        }
        for (std::size_t o = 0; o < d.out; ++o) y[o] = d.bias[o];
        add_i32(d.wt.data(), d.stride, nz, q, n, d.scale.data(), sx, d.out, s.acc.data(), y);
    }

    quant_mode mode_ = quant_mode::none;
    std::size_t hidden0_ = 0, stride0_ = 0, trunk_out_ = 0, max_width_ = 0, max_in_ = 0;
    std::vector<T> first_bias_;
    std::vector<float> first_scale_, proj_scale_;
    std::vector<std::int8_t> first_rows_, proj_;
    std::vector<std::variant<qlayer, relu_spec>> layers_;
    qlayer heads_;
    std::vector<std::size_t> head_offset_;
    std::size_t group_end_[4] = {0, 0, 0, 0};
};

}  // namespace tiny_ticket::quant
