// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "../error.hpp"
#include "../features/feature_vector.hpp"
#include "../model.hpp"
#include "../nn/activations.hpp"
#include "../nn/network.hpp"
#include "format.hpp"
#include "kernels.hpp"

namespace tiny_ticket::quant {

/// The int8 counterpart of nn::basic_network: same inputs, same logits
/// layout, weights held only as int8 rows with one float scale per output.
/// In the first layer most active sparse features of a group share one
/// value (seen once, same norm), so in both modes all their int8 rows are
/// added exactly in integers and scaled once by value x row scale; the
/// other features add their difference from that value, the most common
/// difference again as one exact row sum, the rest in float (weight-only)
/// or rounded to int16 levels with int32 sums (full). After
/// fold_word_rows() a known word's character n-grams cost one int16 row
/// (their exact sum, added like a group) instead of one int8 row each, as
/// in the float network. The other layers take float inputs times int8 in
/// float (weight-only) or the input quantized to int16 levels (one scale
/// per vector) times int8, summed in int32 (full); each output is scaled
/// once. The embedding part of the first layer is folded in at build time
/// (table x first layer, requantized with one scale per output), so a token
/// costs one int8 row addition in both modes.
template <class T>
class basic_qnetwork {
public:
    basic_qnetwork() = default;

    /// From a quantized model already validated for shapes. Allocates the
    /// transposed tables; the float values it computes for the embedding
    /// projection are temporary. `kernels` must be available() (tests pass
    /// each one; everyone else keeps the widest this CPU runs).
    explicit basic_qnetwork(const basic_model<T>& m, kernel_set kernels = best_kernel_set())
        : mode_(m.quantization), kernels_(kernels) {
        const auto* first = m.trunk.empty() ? nullptr : std::get_if<dense_spec<T>>(&m.trunk.front());
        if (!first || !first->weights.is_int8() || first->weights.rows != first->out)
            throw error(errc::argument, "model", "expected the trunk to start with a quantized dense layer");
        const basic_tensor<T>& q0 = first->weights;
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
            const basic_tensor<T>& e = m.features.embedding.weights;
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
                layers_.emplace_back(qlayer(d->weights, d->bias));
                width = d->out;
            } else {
                layers_.emplace_back(relu_spec{});
            }
            if (pad_out(width) > max_width_) max_width_ = pad_out(width);
        }
        trunk_out_ = width;
        basic_tensor<T> fused;
        fused.type = dtype::int8;
        std::vector<T> fused_bias;
        fused.cols = width;
        for (std::size_t h = 0; h < m.heads.size(); ++h) {
            head_offset_.push_back(fused.rows);
            const basic_tensor<T>& hq = m.heads[h].layer.weights;
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

    /// Adds one first-layer row per known word (basic_featurizer::
    /// word_ngrams()), the row
    /// extract_folded() refers to at index sparse_width() + word: the sum of
    /// the int8 rows of the word's character n-grams. All of them share the
    /// per-output scale, so the integer sum is exact and the folded network
    /// computes what the unfolded one does (weight-only: up to float
    /// rounding). Stored as int16: a word of up to 258 n-grams (258 * 127 <=
    /// 32767) always fits; longer ones fit when their sums do. Returns false
    /// (and changes nothing) when the featurizer cannot fold, a sum leaves
    /// [-32767, 32767], the words come from a featurizer of another width,
    /// or the rows would take more than `max_bytes`. Call
    /// once, before sharing the network; allocates. Plain extract() features
    /// give the same logits before and after.
    bool fold_word_rows(const word_ngram_view& ngrams, std::size_t max_bytes = std::size_t(64) << 20) {
        const std::size_t sparse = group_end_[3], chars = group_end_[2];
        if (folded_words_ || stride0_ == 0 || ngrams.empty() || ngrams.sparse_width != sparse) return false;
        const std::size_t words = ngrams.words;
        if (words == 0 || words > max_bytes / (stride0_ * sizeof(std::int16_t))) return false;
        std::vector<std::int16_t> rows(words * stride0_, 0);
        std::vector<std::int32_t> sum(stride0_);
        bool fits = true;
        std::int32_t max_abs = 0;
        // At most 2^24 n-grams per word (the featurizer's cache limit):
        // 127 * 2^24 < 2^31, the int32 sums are exact.
        ngrams.for_each([&](std::size_t w, const std::uint32_t* b, const std::uint32_t* e) {
            std::fill(sum.begin(), sum.end(), 0);
            for (; b != e; ++b) {
                const std::int8_t* r = first_rows_.data() + (chars + *b) * stride0_;
                for (std::size_t o = 0; o < stride0_; ++o) sum[o] += r[o];
            }
            std::int16_t* dst = rows.data() + w * stride0_;
            for (std::size_t o = 0; o < stride0_; ++o) {
                const std::int32_t a = sum[o] < 0 ? -sum[o] : sum[o];
                fits = fits && a <= 32767;
                max_abs = std::max(max_abs, a);
                dst[o] = static_cast<std::int16_t>(a <= 32767 ? sum[o] : 0);
            }
        });
        if (!fits) return false;
        word_rows_ = std::move(rows);
        word_chunk_ = rowsum16_chunk(static_cast<std::size_t>(max_abs));
        folded_words_ = words;
        return true;
    }
    /// Word rows added by fold_word_rows() (0: none).
    std::size_t folded_words() const noexcept { return folded_words_; }

    /// weight_only or full.
    quant_mode mode() const noexcept { return mode_; }
    /// The int8 kernels forward() runs.
    kernel_set kernels() const noexcept { return kernels_; }
    /// Number of logits of all heads together.
    std::size_t logits() const noexcept { return heads_.out; }
    /// Start of head h's logits within the fused output.
    std::size_t head_offset(std::size_t h) const noexcept { return head_offset_[h]; }
    /// Width of the trunk's output (the heads' input).
    std::size_t trunk_width() const noexcept { return trunk_out_; }

    /// Sizes `s` for this network and for up to `sparse_hint` active features.
    void prepare(nn::network_scratch<T>& s, std::size_t sparse_hint = 0) const {
        if (s.a.size() < max_width_) s.a.resize(max_width_);
        if (s.b.size() < max_width_) s.b.resize(max_width_);
        if (s.logits.size() < heads_.stride) s.logits.resize(heads_.stride);
        const std::size_t n = std::max(max_in_, sparse_hint);
        // acc: the int32 sums, then the first layer's lists of rows summed
        // at once, later the int16-level inputs (kept in int32, the
        // scratch's integer type).
        if (s.nz.size() < n) s.nz.resize(n);
        if (s.v.size() < n) s.v.resize(n);
        if (s.acc.size() < max_width_ + n) s.acc.resize(max_width_ + n);
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

    /// Bytes held by the prepared int8 tables (and folded int16 word rows),
    /// scales and biases.
    std::size_t memory_bytes() const noexcept {
        std::size_t n = first_rows_.capacity() + proj_.capacity() + word_rows_.capacity() * sizeof(std::int16_t) +
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
        qlayer(const basic_tensor<T>& q, const std::vector<T>& b)
            : in(q.cols), out(q.rows), stride(pad_out(q.rows)), wt(q.cols * stride, 0), scale(stride, 0.0f),
              bias(stride, T(0)) {
            for (std::size_t o = 0; o < out; ++o) {
                scale[o] = q.scale[o];
                bias[o] = b[o];
                for (std::size_t i = 0; i < in; ++i) wt[i * stride + o] = q.q[o * in + i];
            }
        }
        std::size_t memory_bytes() const noexcept {
            return wt.capacity() + scale.capacity() * sizeof(float) + bias.capacity() * sizeof(T);
        }
    };

    // y[o] = bias[o] + sum_k val[k] * scale[o] * row(idx[k])[o] (+ the
    // embedding). Most active features of a group share one value (seen
    // once, same norm): each group's rows are all added exactly
    // (rowsum_i32) and scaled once by that value v0; the features with
    // another value add their difference from their group's v0. The most
    // common of those differences (a word seen twice, a bucket counted
    // twice) is again one exact row sum; the few left over go through the
    // pmaddwd kernel rounded to int16 levels (full mode, one scale for all
    // of them) or are multiplied in float (weight-only).
    void first_layer(const basic_feature_vector<T>& f, nn::network_scratch<T>& s, T* y) const {
        const std::size_t n = f.index.size();
        const std::uint32_t* idx = f.index.data();
        const T* val = f.value.data();
        std::int32_t* acc = s.acc.data();
        // Row lists summed at once (folded words, common differences): the
        // part of acc that holds the int16-level inputs only later.
        std::int32_t* ids = acc + max_width_;
        std::uint32_t* rest = s.nz.data();
        T* delta = s.v.data();
        std::size_t r = 0;
        for (std::size_t o = 0; o < stride0_; ++o) y[o] = first_bias_[o];
        // The featurizer emits the groups in input order, each one run;
        // extract_folded() starts the character group with its word entries
        // (indices from sparse_width() on), then the corrections.
        std::size_t k = 0;
        for (std::size_t g = 0; g < 4 && k < n; ++g) {
            const std::uint32_t end = static_cast<std::uint32_t>(group_end_[g]);
            bool words = false;
            T word_value = 0;
            if (g == 3 && folded_words_ && idx[k] >= end) {
                word_value = val[k];
                k = word_group(idx, val, k, n, ids, y, acc);
                words = true;
                if (k == n) break;
                if (mode_ == quant_mode::full) {
                    // The corrections (about 40 a ticket, fewer than two in
                    // three of them at the words' value) are cheaper as
                    // int16-level inputs of the pmaddwd kernel, one pass,
                    // than as row sums plus differences.
                    for (; k < n && idx[k] < end; ++k) {
                        rest[r] = idx[k];
                        delta[r++] = val[k];
                    }
                    continue;
                }
            }
            const std::size_t b = k;
            if (idx[b] >= end) continue;
            T v0 = val[b];
            if (words) {
                // The correction most often seen is an unknown token's
                // n-gram counted once: the words' value (a count of one).
                v0 = word_value;
            } else {
                // The smallest of its first values: a feature seen once, as a rule.
                for (std::size_t j = b + 1; j < n && j < b + 4 && idx[j] < end; ++j) v0 = val[j] < v0 ? val[j] : v0;
            }
            const std::size_t r0 = r;
            k = scan_group(idx, val, b, n, end, v0, rest, delta, r);
            for (std::size_t c = b; c < k; c += max_rowsum_inputs) {
                const std::size_t len = std::min(max_rowsum_inputs, k - c);
                rowsum_i32(kernels_, first_rows_.data(), stride0_, idx + c, len, stride0_, acc);
                add_scaled(y, first_scale_.data(), acc, v0, stride0_);
            }
            if (r - r0 >= 2) r = common_difference(rest, delta, r0, r, ids, y, acc);
        }
        if (r > 0) {
            if (mode_ == quant_mode::weight_only) {
                T* facc = s.facc.data();
                gather_f(kernels_, first_rows_.data(), stride0_, rest, delta, r, stride0_, facc);
                const float* sc = first_scale_.data();
                for (std::size_t o = 0; o < stride0_; ++o) y[o] += static_cast<T>(sc[o]) * facc[o];
            } else {
                std::int32_t* q = acc + max_width_;
                const float sd = quantize_vector16(delta, r, q);
                add_i32(first_rows_.data(), stride0_, rest, q, r, first_scale_.data(), sd, acc, y);
            }
        }
        const std::size_t tokens = f.embedding_rows.size();
        if (tokens) {
            // Every token weighs 1: an exact int32 sum of its int8 rows.
            const T inv = T(1) / static_cast<T>(tokens);
            for (std::size_t c = 0; c < tokens; c += max_rowsum_inputs) {
                const std::size_t len = std::min(max_rowsum_inputs, tokens - c);
                rowsum_i32(kernels_, proj_.data(), stride0_, f.embedding_rows.data() + c, len, stride0_, acc);
                add_scaled(y, proj_scale_.data(), acc, inv, stride0_);
            }
        }
    }

    // The differences rest[r0, r) of one group: the one most of them share
    // (a majority vote, one pass) has its rows summed exactly (rowsum_i32,
    // through `ids`) and scaled once; the others stay in rest, compacted.
    // Returns the new end of rest. Both passes are free of data-dependent
    // branches (values compared as bit patterns: a difference is never
    // zero, so +0 and -0 cannot both occur).
    std::size_t common_difference(std::uint32_t* rest, T* delta, std::size_t r0, std::size_t r, std::int32_t* ids,
                                  T* y, std::int32_t* acc) const noexcept {
        bits_t<T> common = bits(delta[r0]);
        std::size_t votes = 0;
        for (std::size_t j = r0; j < r; ++j) {
            const bits_t<T> d = bits(delta[j]);
            common = votes == 0 ? d : common;
            votes += d == common ? 1 : std::size_t(-1);
        }
        std::size_t kept = r0, same = 0;
        for (std::size_t j = r0; j < r; ++j) {
            const std::uint32_t i = rest[j];
            const T d = delta[j];
            const bool e = bits(d) == common;
            ids[same] = static_cast<std::int32_t>(i);
            rest[kept] = i;
            delta[kept] = d;
            same += e;
            kept += !e;
        }
        T value;
        std::memcpy(&value, &common, sizeof value);
        for (std::size_t c = 0; c < same; c += max_rowsum_inputs) {
            const std::size_t len = std::min(max_rowsum_inputs, same - c);
            rowsum_i32(kernels_, first_rows_.data(), stride0_, ids + c, len, stride0_, acc);
            add_scaled(y, first_scale_.data(), acc, value, stride0_);
        }
        return kept;
    }

    template <class U>
    using bits_t = std::conditional_t<sizeof(U) == 8, std::uint64_t, std::uint32_t>;
    static bits_t<T> bits(T v) noexcept {
        bits_t<T> b;
        std::memcpy(&b, &v, sizeof b);
        return b;
    }

    // The folded word entries from b on (indices sparse + word id, all with
    // the same value, a count of one times the group's norm): their int16
    // rows summed exactly (rowsum16_i32) and scaled once by that value, as
    // a group of int8 rows is. Returns the index of the first entry after
    // them.
    std::size_t word_group(const std::uint32_t* idx, const T* val, std::size_t b, std::size_t n, std::int32_t* ids,
                           T* y, std::int32_t* acc) const noexcept {
        const std::uint32_t sparse = static_cast<std::uint32_t>(group_end_[3]);
        const T v0 = val[b];
        std::size_t k = b;
        bool odd = false;
        for (; k < n && idx[k] >= sparse; ++k) {
            ids[k - b] = static_cast<std::int32_t>(idx[k] - sparse);
            odd |= val[k] != v0;
        }
        // Never true for extract_folded()'s features; forward() still
        // accepts any values.
        if (odd)
            for (std::size_t j = b; j < k; ++j)
                if (val[j] != v0) add_word_row(idx[j] - sparse, val[j] - v0, y);
        const std::size_t words = k - b;
        for (std::size_t c = 0; c < words; c += max_rowsum16_inputs) {
            const std::size_t len = std::min(max_rowsum16_inputs, words - c);
            rowsum16_i32(kernels_, word_rows_.data(), stride0_, ids + c, len, stride0_, word_chunk_, acc);
            add_scaled(y, first_scale_.data(), acc, v0, stride0_);
        }
        return k;
    }

    // y[o] += v * scale[o] * row(w)[o] for one folded word whose value is
    // off its group's (v = the difference): in float, in both modes.
    void add_word_row(std::uint32_t w, T v, T* y) const noexcept {
        const std::int16_t* r = word_rows_.data() + static_cast<std::size_t>(w) * stride0_;
        for (std::size_t o = 0; o < stride0_; ++o) y[o] += v * static_cast<T>(first_scale_[o]) * static_cast<T>(r[o]);
    }

    // Scans the group that starts at b (indices below end) and returns where
    // it ends; appends its features whose value differs from v0 to rest
    // (index) and delta (value - v0). About one feature in ten differs: too
    // many for a predicted branch per feature, so the differing ones of up
    // to 64 features are collected in a bit mask first (four compares at a
    // time), and the group's end is found in the same pass.
    static std::size_t scan_group(const std::uint32_t* idx, const T* val, std::size_t b, std::size_t n,
                                  std::uint32_t end, T v0, std::uint32_t* rest, T* delta, std::size_t& r) noexcept {
        std::size_t k = b;
        for (;;) {
            const std::size_t len = std::min<std::size_t>(64, n - k);
            std::uint64_t mask = 0;
            std::size_t j = 0, stop = len;
#if defined(__SSE2__)
            if constexpr (std::is_same_v<T, float>) {
                // Indices are below 2^31 (a wider input could not be held),
                // so the signed compare is exact.
                const __m128 ref = _mm_set1_ps(v0);
                const __m128i lim = _mm_set1_epi32(static_cast<std::int32_t>(end));
                for (; j + 4 <= len; j += 4) {
                    const __m128i iv = _mm_loadu_si128(reinterpret_cast<const __m128i*>(idx + k + j));
                    const unsigned in = static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmplt_epi32(iv, lim))));
                    const unsigned ne = static_cast<unsigned>(_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(val + k + j), ref)));
                    mask |= static_cast<std::uint64_t>(ne & in) << j;
                    if (in != 0xFu) {
                        // Sorted indices: the ones inside the group come first.
                        stop = j + lowest_bit(~in & 0xFu);
                        break;
                    }
                }
            }
#endif
            if (stop == len)
                for (; j < len; ++j) {
                    if (idx[k + j] >= end) {
                        stop = j;
                        break;
                    }
                    mask |= static_cast<std::uint64_t>(val[k + j] != v0 ? 1 : 0) << j;
                }
            for (; mask; mask &= mask - 1) {
                const std::size_t i = k + lowest_bit(mask);
                rest[r] = idx[i];
                delta[r] = val[i] - v0;
                ++r;
            }
            k += stop;
            if (stop < len || k == n) return k;
        }
    }

    // y[o] += f * scale[o] * acc[o] over a padded width (a multiple of 4).
    // Spelled out for SSE2: at -O2 compilers leave this loop scalar (unknown
    // trip count), and it runs once per group and layer.
    static void add_scaled(T* y, const float* scale, const std::int32_t* acc, T f, std::size_t n) noexcept {
        std::size_t o = 0;
#if defined(__SSE2__)
        if constexpr (std::is_same_v<T, float>) {
            const __m128 fv = _mm_set1_ps(f);
            for (; o + 4 <= n; o += 4) {
                const __m128 a = _mm_cvtepi32_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(acc + o)));
                const __m128 m = _mm_mul_ps(_mm_mul_ps(fv, _mm_loadu_ps(scale + o)), a);
                _mm_storeu_ps(y + o, _mm_add_ps(_mm_loadu_ps(y + o), m));
            }
        }
#endif
        for (; o < n; ++o) y[o] += f * static_cast<T>(scale[o]) * static_cast<T>(acc[o]);
    }

    static std::size_t lowest_bit(std::uint64_t m) noexcept {
#if defined(__GNUC__)
        return static_cast<std::size_t>(__builtin_ctzll(m));
#else
        std::size_t b = 0;
        while (!(m & 1)) {
            m >>= 1;
            ++b;
        }
        return b;
#endif
    }

    // y[o] += (xs * scale[o]) * sum_k qx[k] * row_k[o] for int16-level qx, in
    // int32 chunks that cannot overflow; `stride` outputs (the padding adds 0).
    template <class Index>
    void add_i32(const std::int8_t* table, std::size_t stride, const Index* idx, const std::int32_t* qx, std::size_t n,
                 const float* scale, float xs, std::int32_t* acc, T* y) const noexcept {
        for (std::size_t c = 0; c < n; c += max_i32_inputs16) {
            const std::size_t len = std::min(max_i32_inputs16, n - c);
            gather_i32(kernels_, table, stride, idx + c, qx + c, len, stride, acc);
            add_scaled(y, scale, acc, static_cast<T>(xs), stride);
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
            gather_f(kernels_, d.wt.data(), d.stride, nz, v, n, d.stride, acc);
            for (std::size_t o = 0; o < d.out; ++o) y[o] = d.bias[o] + static_cast<T>(d.scale[o]) * acc[o];
            return;
        }
        std::int32_t* q = s.acc.data() + max_width_;
        const float sx = quantize_vector16(x, d.in, q);
        for (std::size_t i = 0; i < d.in; ++i) {
            nz[n] = static_cast<std::uint32_t>(i);
            q[n] = q[i];
            n += q[i] != 0 ? 1 : 0;
        }
        const T* bias = d.bias.data();
        for (std::size_t o = 0; o < d.stride; ++o) y[o] = bias[o];
        add_i32(d.wt.data(), d.stride, nz, q, n, d.scale.data(), sx, s.acc.data(), y);
    }

    quant_mode mode_ = quant_mode::none;
    kernel_set kernels_ = kernel_set::scalar;
    std::size_t hidden0_ = 0, stride0_ = 0, trunk_out_ = 0, max_width_ = 0, max_in_ = 0;
    std::vector<T> first_bias_;
    std::vector<float> first_scale_, proj_scale_;
    std::vector<std::int8_t> first_rows_, proj_;
    // Folded word rows (fold_word_rows), and how many of them rowsum16_i32
    // may add in 16-bit lanes.
    std::vector<std::int16_t> word_rows_;
    std::size_t folded_words_ = 0, word_chunk_ = 1;
    std::vector<std::variant<qlayer, relu_spec>> layers_;
    qlayer heads_;
    std::vector<std::size_t> head_offset_;
    std::size_t group_end_[4] = {0, 0, 0, 0};
};

}  // namespace tiny_ticket::quant
