// SPDX-License-Identifier: MIT
#pragma once

// Quantizing a whole model: the int8 weights (quant/quantize.hpp) and the
// self-test cases re-recorded through a classifier of the result, which is
// why this lives above the classifier rather than in quant/.

#include <utility>
#include <vector>

#include "classifier.hpp"
#include "model.hpp"
#include "quant/format.hpp"
#include "quant/quantize.hpp"

namespace tiny_ticket {

/// Replaces the expected scores of `m`'s self-test cases with what a
/// classifier of `m` computes, so the artifact checks the kernels it will
/// run. Throws artifact_error when `m` does not validate. Allocates.
template <class T>
void record_self_tests(basic_model<T>& m) {
    if (m.self_tests.empty()) return;
    std::vector<self_test_case> cases = std::move(m.self_tests);
    m.self_tests.clear();
    const basic_classifier<T> clf(m);
    auto ws = clf.make_workspace();
    for (auto& tc : cases) {
        const auto& p = clf.predict(tc.text, ws);
        for (auto& [name, expected] : tc.expected)
            if (const auto* hp = p.find(name)) expected.assign(hp->scores.begin(), hp->scores.end());
    }
    m.self_tests = std::move(cases);
}

/// An int8 copy of `m` (quant::quantize_weights) whose self-test cases are
/// re-recorded with the int8 model's own scores (record_self_tests).
/// Throws tiny_ticket::error (errc::argument) for quant_mode::none and
/// artifact_error when `m` does not validate. Allocates.
template <class T>
basic_model<T> quantize(const basic_model<T>& m, quant_mode mode) {
    basic_model<T> out = quant::quantize_weights(m, mode);
    record_self_tests(out);
    return out;
}

}  // namespace tiny_ticket
