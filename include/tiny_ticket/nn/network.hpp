// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "../error.hpp"
#include "../features/feature_vector.hpp"
#include "../model.hpp"
#include "activations.hpp"
#include "dense.hpp"

namespace tiny_ticket::nn {

/// Activation buffers reused across calls.
template <class T>
struct network_scratch {
    /// @{
    /// Ping-pong activations of the trunk (a, b) and the logits of all heads.
    std::vector<T> a, b, logits;
    /// @}
    // Used by the int8 network (quant/network.hpp) only.
    std::vector<std::int8_t> q;       ///< quantized inputs
    std::vector<std::int32_t> acc;    ///< integer accumulators
    std::vector<std::uint32_t> nz;    ///< indices of non-zero inputs
    /// @{
    /// The non-zero inputs' values (v) and float accumulators (facc).
    std::vector<T> v, facc;
    /// @}
};

/// Shared trunk plus fused heads, ready for inference. The first dense
/// layer only gathers rows of active sparse features; the embedding part of
/// that layer is folded in at build time (mean of E rows, then W, equals the
/// mean of the precomputed rows E W^T), so an embedding costs one row
/// addition per token instead of a dim x hidden product.
template <class T>
class basic_network {
public:
    basic_network() = default;

    /// Expects a model already validated for shapes (artifact loading does that).
    explicit basic_network(const basic_model<T>& m) {
        const auto* first = m.trunk.empty() ? nullptr : std::get_if<dense_spec<T>>(&m.trunk.front());
        if (!first)
            throw error(errc::argument, "model", "expected the trunk to start with a dense layer");
        if (first->weights.is_int8())
            throw error(errc::argument, "model", "expected a float model, got int8 weights (use quant::basic_qnetwork)");
        const std::size_t sparse = m.features.sparse_width();
        sparse_ = sparse;
        char_offset_ = m.features.char_offset();
        const std::size_t dim = m.features.embedding.dim;
        hidden0_ = first->out;
        // Rows are padded with zeros to the kernel block width (see dense.hpp).
        stride0_ = block_width<T>::pad(hidden0_);
        first_bias_.assign(stride0_, T(0));
        zeros_.assign(stride0_, T(0));
        for (std::size_t o = 0; o < hidden0_; ++o) first_bias_[o] = first->bias[o];
        first_rows_.assign(sparse * stride0_, T(0));
        // Written row by row: the destination is megabytes, and a column at a
        // time touched a new cache line (and at first a new page) per value.
        // The reads are hidden0_ sequential streams, which the caches hold.
        const T* w = first->weights.data();
        for (std::size_t i = 0; i < sparse; ++i) {
            T* dst = first_rows_.data() + i * stride0_;
            for (std::size_t o = 0; o < hidden0_; ++o) dst[o] = w[o * first->in + i];
        }
        const auto& emb = m.features.embedding;
        const std::size_t rows = dim ? emb.vocab.size() : 0;
        projected_.assign(rows * stride0_, T(0));
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t o = 0; o < hidden0_; ++o) {
                T s = 0;
                for (std::size_t d = 0; d < dim; ++d) s += emb.weights[r * dim + d] * first->weights[o * first->in + sparse + d];
                projected_[r * stride0_ + o] = s;
            }
        std::size_t width = hidden0_;
        max_width_ = stride0_;
        for (std::size_t l = 1; l < m.trunk.size(); ++l) {
            if (const auto* d = std::get_if<dense_spec<T>>(&m.trunk[l])) {
                layers_.emplace_back(dense<T>(*d));
                width = d->out;
            } else {
                layers_.emplace_back(relu_spec{});
            }
            if (width > max_width_) max_width_ = width;
        }
        trunk_out_ = width;
        // Fuse all heads into one layer: one pass over the trunk output.
        dense_spec<T> fused;
        fused.in = width;
        for (const auto& h : m.heads) {
            head_offset_.push_back(fused.out);
            fused.out += h.layer.out;
            fused.weights.insert(fused.weights.end(), h.layer.weights.begin(), h.layer.weights.end());
            fused.bias.insert(fused.bias.end(), h.layer.bias.begin(), h.layer.bias.end());
        }
        head_offset_.push_back(fused.out);
        heads_ = dense<T>(fused);
        if (heads_.out() > max_width_) max_width_ = heads_.out();
    }

    /// Appends one first-layer row per known word (basic_featurizer::
    /// word_ngrams()): the sum of its character n-gram rows, the row
    /// extract_folded() refers to at index sparse_width() + word. Returns
    /// false (and changes nothing) when there are no words to fold, they
    /// come from a featurizer of another width, or the rows would take more
    /// than `max_bytes`. Call once, before sharing the network; allocates.
    bool fold_word_rows(const word_ngram_view& ngrams, std::size_t max_bytes = std::size_t(64) << 20) {
        if (folded_words_ || ngrams.empty() || ngrams.sparse_width != sparse_ ||
            first_rows_.size() != sparse_ * stride0_)
            return false;
        const std::size_t words = ngrams.words;
        if (words * stride0_ * sizeof(T) > max_bytes) return false;
        first_rows_.resize((sparse_ + words) * stride0_, T(0));
        std::vector<double> sum(stride0_);
        ngrams.for_each([&](std::size_t w, const std::uint32_t* b, const std::uint32_t* e) {
            std::fill(sum.begin(), sum.end(), 0.0);
            for (; b != e; ++b) {
                const T* r = first_rows_.data() + (char_offset_ + *b) * stride0_;
                for (std::size_t o = 0; o < stride0_; ++o) sum[o] += static_cast<double>(r[o]);
            }
            T* dst = first_rows_.data() + (sparse_ + w) * stride0_;
            for (std::size_t o = 0; o < stride0_; ++o) dst[o] = static_cast<T>(sum[o]);
        });
        folded_words_ = words;
        return true;
    }
    /// Word rows added by fold_word_rows() (0: none).
    std::size_t folded_words() const noexcept { return folded_words_; }

    /// Number of logits of all heads together.
    std::size_t logits() const noexcept { return heads_.out(); }
    /// Start of head h's logits within the fused output.
    std::size_t head_offset(std::size_t h) const noexcept { return head_offset_[h]; }
    /// Width of the trunk's output (the heads' input).
    std::size_t trunk_width() const noexcept { return trunk_out_; }

    /// Sizes `s` for this network, so forward() does not allocate.
    void prepare(network_scratch<T>& s) const {
        if (s.a.size() < max_width_) s.a.resize(max_width_);
        if (s.b.size() < max_width_) s.b.resize(max_width_);
        if (s.logits.size() < heads_.out()) s.logits.resize(heads_.out());
    }

    /// Raw logits of all heads into `s.logits` from extract()'s features, or
    /// extract_folded()'s once fold_word_rows() succeeded. Allocation-free
    /// once prepared.
    void forward(const basic_feature_vector<T>& f, network_scratch<T>& s) const {
        prepare(s);
        heads_.forward(trunk(f, s), s.logits.data());
    }

    /// The trunk alone: its output (trunk_width() values, in `s`, valid
    /// until the next call with `s`). forward() is forward_trunk() then
    /// forward_heads(); split for benchmarks and inspection.
    const T* forward_trunk(const basic_feature_vector<T>& f, network_scratch<T>& s) const {
        prepare(s);
        return trunk(f, s);
    }

    /// Raw logits of all heads into `s.logits` from a trunk output of
    /// trunk_width() values (which must not live in `s.logits`).
    void forward_heads(const T* trunk_out, network_scratch<T>& s) const {
        prepare(s);
        heads_.forward(trunk_out, s.logits.data());
    }

    /// Bytes held by the prepared weights.
    std::size_t memory_bytes() const noexcept {
        std::size_t n =
            (first_rows_.capacity() + projected_.capacity() + first_bias_.capacity() + zeros_.capacity()) * sizeof(T);
        for (const auto& l : layers_)
            if (const auto* d = std::get_if<dense<T>>(&l)) n += d->memory_bytes();
        return n + heads_.memory_bytes();
    }

private:
    // The trunk on prepared scratch: its output, in `s`.
    const T* trunk(const basic_feature_vector<T>& f, network_scratch<T>& s) const {
        T* a = s.a.data();
        T* b = s.b.data();
        const std::size_t stride = stride0_;
        // The additions of the plain computation, in its order: b = sum of
        // the tokens' projected rows, then a = bias + each feature's row +
        // b / tokens. Results therefore do not depend on the kernel.
        const std::size_t tokens = f.embedding_rows.size();
        if (tokens) {
            const std::int32_t* er = f.embedding_rows.data();
            const T* proj = projected_.data();
            gather(zeros_.data(),
                   [er, proj, stride](std::size_t i, T& v) -> const T* {
                       v = T(1);
                       return proj + std::size_t(er[i]) * stride;
                   },
                   tokens, stride, b, stride);
        }
        const std::uint32_t* idx = f.index.data();
        const T* val = f.value.data();
        const T* rows = first_rows_.data();
        const std::size_t n = f.index.size();
        const T inv = tokens ? T(1) / static_cast<T>(tokens) : T(0);
        gather(first_bias_.data(),
               [idx, val, rows, stride, n, inv, b](std::size_t i, T& v) -> const T* {
                   if (i == n) {
                       v = inv;
                       return b;
                   }
                   v = val[i];
                   return rows + std::size_t(idx[i]) * stride;
               },
               n + (tokens ? 1 : 0), stride, a, hidden0_);
        std::size_t width = hidden0_;
        for (const auto& layer : layers_) {
            if (const auto* d = std::get_if<dense<T>>(&layer)) {
                d->forward(a, b);
                std::swap(a, b);
                width = d->out();
            } else {
                relu(a, width);
            }
        }
        return a;
    }

    std::size_t hidden0_ = 0, stride0_ = 0, trunk_out_ = 0, max_width_ = 0;
    std::size_t sparse_ = 0, char_offset_ = 0, folded_words_ = 0;
    std::vector<T> first_bias_, zeros_, first_rows_, projected_;
    std::vector<std::variant<dense<T>, relu_spec>> layers_;
    dense<T> heads_;
    std::vector<std::size_t> head_offset_;
};

}  // namespace tiny_ticket::nn
