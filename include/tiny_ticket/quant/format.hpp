// SPDX-License-Identifier: MIT
#pragma once

// The int8 storage format (plain data, no kernels): which int8 arithmetic a
// quantized model runs, and the reference rounding that turns float tensors
// into int8 ones (basic_tensor, dtype::int8).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "../tensor.hpp"

namespace tiny_ticket {

/// Which kernels a quantized model runs. The stored int8 data is the same for
/// both modes; only the arithmetic differs.
enum class quant_mode {
    none,         ///< float model
    weight_only,  ///< int8 weights, float activations and accumulation
    full,         ///< activations quantized per vector, int8 x int8 summed in int32
};

/// The artifact's spelling of a mode: "none", "weight-only" or "full".
inline const char* to_string(quant_mode m) noexcept {
    return m == quant_mode::weight_only ? "weight-only" : m == quant_mode::full ? "full" : "none";
}

namespace quant {

/// Reference quantization of one row of `n` values into `q`: scale =
/// max|x| / 127 (1 for an all-zero row), q = x / scale rounded half away from
/// zero and clipped to [-127, 127], in float32 arithmetic (the reference
/// runtime's). Returns the scale. Does not allocate.
template <class T>
float quantize_row(const T* x, std::size_t n, std::int8_t* q) noexcept {
    float max_abs = 0;
    for (std::size_t i = 0; i < n; ++i) max_abs = std::max(max_abs, std::fabs(static_cast<float>(x[i])));
    const float scale = max_abs == 0 ? 1.0f : max_abs / 127.0f;
    for (std::size_t i = 0; i < n; ++i) {
        double v = std::round(static_cast<double>(static_cast<float>(x[i]) / scale));
        v = std::min(127.0, std::max(-127.0, v));
        q[i] = static_cast<std::int8_t>(v);
    }
    return scale;
}

/// Quantizes a row-major `rows x cols` matrix row by row (quantize_row)
/// into an int8 tensor. Allocates the result.
template <class T>
basic_tensor<T> quantize_rows(const std::vector<T>& w, std::size_t rows, std::size_t cols) {
    std::vector<std::int8_t> q(rows * cols);
    std::vector<float> scale(rows);
    for (std::size_t i = 0; i < rows; ++i) scale[i] = quantize_row(w.data() + i * cols, cols, q.data() + i * cols);
    return basic_tensor<T>::int8(rows, cols, std::move(q), std::move(scale));
}

/// Rounds a row-major float matrix in place to int8 rows times their
/// scales, such that quantize_rows() of the result gives back exactly these
/// values once expanded (value = float(q) * scale). One pass is not always
/// enough: max|row| / 127 of a rounded row can differ from its scale by one
/// ulp, and a second pass reaches the fixed point.
template <class T>
void round_rows(std::vector<T>& w, std::size_t rows, std::size_t cols) {
    std::vector<std::int8_t> q(cols);
    for (int pass = 0; pass < 2; ++pass)
        for (std::size_t i = 0; i < rows; ++i) {
            T* x = w.data() + i * cols;
            const float s = quantize_row(x, cols, q.data());
            for (std::size_t c = 0; c < cols; ++c) x[c] = static_cast<T>(static_cast<T>(q[c]) * static_cast<T>(s));
        }
}

/// The float values of an int8 tensor, row-major. Allocates.
template <class T = float, class U>
std::vector<T> dequantize(const basic_tensor<U>& r) {
    std::vector<T> out(r.rows * r.cols);
    for (std::size_t i = 0; i < r.rows; ++i)
        for (std::size_t c = 0; c < r.cols; ++c) out[i * r.cols + c] = static_cast<T>(r.at(i, c));
    return out;
}

}  // namespace quant
}  // namespace tiny_ticket
