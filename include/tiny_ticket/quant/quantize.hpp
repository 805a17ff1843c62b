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
    if (!out.quantized()) {
        // Each tensor is replaced by its int8 form, so the float values are
        // freed as it goes and the model never holds a layer twice.
        for (auto& l : out.trunk)
            if (auto* d = std::get_if<dense_spec<T>>(&l)) d->weights = quantize_rows(d->weights.values, d->out, d->in);
        for (auto& h : out.heads) h.layer.weights = quantize_rows(h.layer.weights.values, h.layer.out, h.layer.in);
        auto& e = out.features.embedding;
        if (e.dim > 0) e.weights = quantize_rows(e.weights.values, e.vocab.size(), e.dim);
        else e.weights.clear();
        const std::string tag = std::string(" + int8 ") + to_string(mode);
        out.producer = (m.producer.empty() ? std::string("tiny_ticket") : m.producer) + tag;
    }
    out.quantization = mode;
    return out;
}

}  // namespace quant
}  // namespace tiny_ticket
