// SPDX-License-Identifier: MIT
#pragma once

// The int8 storage format (plain data, no kernels): symmetric int8 values
// with one float scale per row, and the reference rounding that produces them.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

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

/// A `rows x cols` matrix as symmetric int8 with one scale per row:
/// value(r, c) = q[r * cols + c] * scale[r]. Values lie in [-127, 127].
struct int8_rows {
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::vector<std::int8_t> q;  ///< rows x cols, row-major
    std::vector<float> scale;    ///< one per row

    bool empty() const noexcept { return q.empty() && scale.empty(); }
    /// Bytes held (capacity, as resident memory sees it).
    std::size_t memory_bytes() const noexcept { return q.capacity() + scale.capacity() * sizeof(float); }
    /// value(r, c) as float.
    float at(std::size_t r, std::size_t c) const noexcept {
        return static_cast<float>(q[r * cols + c]) * scale[r];
    }
};

/// The int8 form of a model's weights (see basic_model::quantized). When
/// `mode` is not none, every dense layer's and the embedding table's float
/// `weights` are empty and their values live here.
struct quantized_weights {
    quant_mode mode = quant_mode::none;
    /// One entry per trunk layer (empty for relu), `out x in` each.
    std::vector<int8_rows> trunk;
    /// One entry per head, `out x in` each.
    std::vector<int8_rows> heads;
    /// The embedding table, `vocab x dim`; empty when the model has none.
    int8_rows embedding;

    bool active() const noexcept { return mode != quant_mode::none; }
    std::size_t memory_bytes() const noexcept {
        std::size_t n = embedding.memory_bytes();
        for (const auto& r : trunk) n += r.memory_bytes();
        for (const auto& r : heads) n += r.memory_bytes();
        return n;
    }
};

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

/// Quantizes a row-major `rows x cols` matrix row by row (quantize_row).
/// Allocates the result.
template <class T>
int8_rows quantize_rows(const std::vector<T>& w, std::size_t rows, std::size_t cols) {
    int8_rows r;
    r.rows = rows;
    r.cols = cols;
    r.q.resize(rows * cols);
    r.scale.resize(rows);
    for (std::size_t i = 0; i < rows; ++i) r.scale[i] = quantize_row(w.data() + i * cols, cols, r.q.data() + i * cols);
    return r;
}

/// The float values of `r`, row-major. Allocates.
template <class T = float>
std::vector<T> dequantize(const int8_rows& r) {
    std::vector<T> out(r.rows * r.cols);
    for (std::size_t i = 0; i < r.rows; ++i)
        for (std::size_t c = 0; c < r.cols; ++c) out[i * r.cols + c] = static_cast<T>(r.at(i, c));
    return out;
}

}  // namespace quant
}  // namespace tiny_ticket
