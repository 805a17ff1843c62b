// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "../error.hpp"
#include "../model.hpp"
#include "../model_check.hpp"
#include "format.hpp"

namespace tiny_ticket {

namespace quant {

/// The int8 weights of a copy of `m`: every dense layer (trunk and heads) and
/// the embedding table quantized per row with the reference rounding
/// (quantize_row), float weights dropped, biases kept in float. A model that
/// is already quantized keeps its int8 values and only changes mode. The
/// self-test cases are copied unchanged: tiny_ticket::quantize()
/// (quantize.hpp) re-records them with the int8 model's own scores.
/// Throws tiny_ticket::error (errc::argument) for quant_mode::none and
/// artifact_error when `m` does not validate. Allocates.
template <class T>
basic_model<T> quantize_weights(const basic_model<T>& m, quant_mode mode) {
    if (mode == quant_mode::none)
        throw error(errc::argument, "mode", "expected weight-only or full, got none");
    validate_model(m);
    basic_model<T> out = m;
    auto& qw = out.quantized;
    if (!qw.active()) {
        qw.trunk.assign(out.trunk.size(), int8_rows{});
        for (std::size_t l = 0; l < out.trunk.size(); ++l)
            if (auto* d = std::get_if<dense_spec<T>>(&out.trunk[l])) {
                qw.trunk[l] = quantize_rows(d->weights, d->out, d->in);
                std::vector<T>().swap(d->weights);
            }
        qw.heads.clear();
        for (auto& h : out.heads) {
            qw.heads.push_back(quantize_rows(h.layer.weights, h.layer.out, h.layer.in));
            std::vector<T>().swap(h.layer.weights);
        }
        auto& e = out.features.embedding;
        if (e.dim > 0) qw.embedding = quantize_rows(e.weights, e.vocab.size(), e.dim);
        std::vector<T>().swap(e.weights);
        const std::string tag = std::string(" + int8 ") + to_string(mode);
        out.producer = (m.producer.empty() ? std::string("tiny_ticket") : m.producer) + tag;
    }
    qw.mode = mode;
    return out;
}

}  // namespace quant
}  // namespace tiny_ticket
