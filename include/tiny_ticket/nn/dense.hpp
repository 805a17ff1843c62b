// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <vector>

#include "../model.hpp"

namespace tiny_ticket::nn {

/// A dense layer stored transposed (`in x out`, row i = weights fed by input
/// i). y = b + sum_i x_i * row_i is a sequence of contiguous axpy updates:
/// they vectorize without -ffast-math (a dot-product reduction would not),
/// and the sparse first layer simply skips the rows of zero inputs.
template <class T>
class dense {
public:
    dense() = default;

    /// From the row-major `out x in` form of the artifact.
    explicit dense(const dense_spec<T>& s) : in_(s.in), out_(s.out), bias_(s.bias), wt_(s.in * s.out) {
        for (std::size_t o = 0; o < out_; ++o)
            for (std::size_t i = 0; i < in_; ++i) wt_[i * out_ + o] = s.weights[o * in_ + i];
    }

    std::size_t in() const noexcept { return in_; }
    std::size_t out() const noexcept { return out_; }
    const T* row(std::size_t i) const noexcept { return wt_.data() + i * out_; }
    const std::vector<T>& bias() const noexcept { return bias_; }
    std::size_t memory_bytes() const noexcept { return (wt_.capacity() + bias_.capacity()) * sizeof(T); }

    /// y = W x + b for dense x (`in()` values) into y (`out()` values).
    void forward(const T* x, T* y) const noexcept {
        for (std::size_t o = 0; o < out_; ++o) y[o] = bias_[o];
        for (std::size_t i = 0; i < in_; ++i) {
            const T v = x[i];
            if (v == T(0)) continue;  // after ReLU about half the inputs are zero
            axpy(v, row(i), y, out_);
        }
    }

    /// y += a * r over n values.
    static void axpy(T a, const T* r, T* y, std::size_t n) noexcept {
        for (std::size_t o = 0; o < n; ++o) y[o] += a * r[o];
    }

private:
    std::size_t in_ = 0, out_ = 0;
    std::vector<T> bias_;
    std::vector<T> wt_;
};

}  // namespace tiny_ticket::nn
