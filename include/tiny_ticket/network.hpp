// SPDX-License-Identifier: MIT
#pragma once

// The network a classifier runs: the float one (nn/) or the int8 one
// (quant/), whichever the model's weights are, behind one interface, so the
// classifier holds one network and never asks which.

#include <cstddef>
#include <variant>

#include "features/feature_vector.hpp"
#include "model.hpp"
#include "nn/network.hpp"
#include "quant/network.hpp"

namespace tiny_ticket {

/// A float (nn::basic_network) or int8 (quant::basic_qnetwork) network built
/// from a model: int8 when the model is quantized. Immutable once built and
/// folded; forward() is const and safe from many threads.
template <class T>
class basic_model_network {
public:
    basic_model_network() = default;

    /// Expects a model validated for shapes (validate_model). Allocates.
    explicit basic_model_network(const basic_model<T>& m) {
        if (m.quantized()) net_.template emplace<quant::basic_qnetwork<T>>(m);
        else net_.template emplace<nn::basic_network<T>>(m);
    }

    /// True for the int8 network.
    bool quantized() const noexcept { return std::holds_alternative<quant::basic_qnetwork<T>>(net_); }
    /// The float network, or nullptr when it is the int8 one.
    const nn::basic_network<T>* float_network() const noexcept { return std::get_if<nn::basic_network<T>>(&net_); }
    /// The int8 network, or nullptr when it is the float one.
    const quant::basic_qnetwork<T>* int8_network() const noexcept {
        return std::get_if<quant::basic_qnetwork<T>>(&net_);
    }

    /// See nn::basic_network::fold_word_rows and quant::basic_qnetwork::fold_word_rows.
    bool fold_word_rows(const word_ngram_view& ngrams) {
        return std::visit([&](auto& n) { return n.fold_word_rows(ngrams); }, net_);
    }
    /// Sizes `s` for this network and up to `sparse_hint` active features.
    void prepare(nn::network_scratch<T>& s, std::size_t sparse_hint = 0) const {
        if (const auto* q = int8_network()) q->prepare(s, sparse_hint);
        else std::get<nn::basic_network<T>>(net_).prepare(s);
    }
    /// Raw logits of all heads into `s.logits`; allocation-free once prepared.
    void forward(const basic_feature_vector<T>& f, nn::network_scratch<T>& s) const {
        std::visit([&](const auto& n) { n.forward(f, s); }, net_);
    }
    /// Number of logits of all heads together.
    std::size_t logits() const noexcept {
        return std::visit([](const auto& n) { return n.logits(); }, net_);
    }
    /// Start of head h's logits within the fused output.
    std::size_t head_offset(std::size_t h) const noexcept {
        return std::visit([h](const auto& n) { return n.head_offset(h); }, net_);
    }
    /// Words whose n-gram rows were folded into one row at load (0: none).
    std::size_t folded_words() const noexcept {
        return std::visit([](const auto& n) { return n.folded_words(); }, net_);
    }
    /// Bytes held by the prepared weights.
    std::size_t memory_bytes() const noexcept {
        return std::visit([](const auto& n) { return n.memory_bytes(); }, net_);
    }

private:
    std::variant<nn::basic_network<T>, quant::basic_qnetwork<T>> net_;
};

}  // namespace tiny_ticket
