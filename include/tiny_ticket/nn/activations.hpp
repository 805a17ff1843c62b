// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstddef>
#include <cstring>

#include "simd.hpp"

namespace tiny_ticket::nn {

/// In-place max(0, x); NaN becomes 0.
template <class T>
inline void relu(T* x, std::size_t n) noexcept {
    std::size_t i = 0;
#if defined(__GNUC__)
    // A compare mask and an AND: the scalar form compiles to a branch at -O2,
    // which mispredicts on about half of the values.
    if constexpr (detail::has_vec16<T>::value) {
        using V = typename detail::vec16<T>::type;
        using M = typename detail::vec16<T>::mask;
        constexpr std::size_t lanes = sizeof(V) / sizeof(T);
        for (; i + lanes <= n; i += lanes) {
            V v;
            M bits;
            std::memcpy(&v, x + i, sizeof v);
            std::memcpy(&bits, &v, sizeof bits);
            bits &= (v > V{});
            std::memcpy(x + i, &bits, sizeof bits);
        }
    }
#endif
    for (; i < n; ++i) x[i] = x[i] > T(0) ? x[i] : T(0);
}

/// Numerically stable softmax of `n` logits into `out` (may alias `in`).
/// Non-finite logits never produce NaN: +inf wins, NaN counts as -inf.
template <class T>
inline void softmax(const T* in, T* out, std::size_t n) noexcept {
    if (n == 0) return;
    T mx = -INFINITY;
    for (std::size_t i = 0; i < n; ++i)
        if (in[i] > mx) mx = in[i];
    if (!std::isfinite(mx)) {
        // All NaN/-inf, or some +inf: put the mass uniformly on the maxima.
        std::size_t hits = 0;
        for (std::size_t i = 0; i < n; ++i) hits += (in[i] == mx) ? 1 : 0;
        for (std::size_t i = 0; i < n; ++i)
            out[i] = hits ? (in[i] == mx ? T(1) / static_cast<T>(hits) : T(0)) : T(1) / static_cast<T>(n);
        return;
    }
    T sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const T e = (in[i] == in[i]) ? std::exp(in[i] - mx) : T(0);
        out[i] = e;
        sum += e;
    }
    const T inv = T(1) / sum;
    for (std::size_t i = 0; i < n; ++i) out[i] *= inv;
}

/// Logistic function, saturating cleanly for large |x|; NaN maps to 0.5.
template <class T>
inline T sigmoid(T x) noexcept {
    if (x != x) return T(0.5);
    return T(1) / (T(1) + std::exp(-x));
}

}  // namespace tiny_ticket::nn
