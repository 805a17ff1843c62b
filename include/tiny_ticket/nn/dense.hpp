// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../model.hpp"
#include "simd.hpp"

namespace tiny_ticket::nn {

/// Output block widths of the kernels below, in values: a wide block whose
/// accumulators fill half of the 16 vector registers of baseline x86-64
/// (SSE2) or AArch64, and a narrow one for the remainder. Row strides are
/// padded to a multiple of the narrow width, so no scalar tail loop exists.
template <class T>
struct block_width {
    static constexpr std::size_t wide = 128 / sizeof(T);  ///< values per wide block
    static constexpr std::size_t narrow = 32 / sizeof(T);  ///< values per narrow block
    /// `n` rounded up to a multiple of the narrow width.
    static std::size_t pad(std::size_t n) noexcept { return (n + narrow - 1) / narrow * narrow; }
};

namespace detail {

// Builds that do not target AVX (the default x86-64 build is SSE2) still
// run the row gathers with 32-byte vectors on CPUs that have AVX: a copy of
// the kernel compiled for AVX, chosen once at start-up. AVX without FMA, so
// each lane does the same multiply and add as the 16-byte kernel and
// results are bit-identical; the network spends most of its time here.
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__)) && !defined(__AVX__) && \
    !defined(TINY_TICKET_NO_DISPATCH)
#define TINY_TICKET_GATHER_DISPATCH 1
inline bool cpu_has_avx() noexcept {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx");
}
inline const bool gather_avx = cpu_has_avx();
template <class T>
struct vec32 {};
template <>
struct vec32<float> {
    typedef float type __attribute__((vector_size(32)));
};
template <>
struct vec32<double> {
    typedef double type __attribute__((vector_size(32)));
};
#endif

// One output block of y = b + sum_k x_k * row_k. The accumulators live in
// vector registers for the whole block, so each input costs W/lanes loads
// and multiply-adds and no load/store of y (axpy into memory re-reads and
// re-writes y for every input). The update order per output is that of the
// plain loop, so results are bit-identical to it whatever the vector width.
#if defined(__GNUC__)
template <std::size_t W, class V, class T, class Rows>
__attribute__((always_inline)) inline void gather_block_vec(const T* bias, Rows& rows, std::size_t count,
                                                            std::size_t offset, T* y, std::size_t valid) noexcept {
    constexpr std::size_t lanes = sizeof(V) / sizeof(T), n = W / lanes;
    static_assert(W % lanes == 0, "block width must be a multiple of the vector width");
    V acc[n];
#pragma GCC unroll 16
    for (std::size_t j = 0; j < n; ++j) std::memcpy(&acc[j], bias + j * lanes, sizeof(V));
    for (std::size_t i = 0; i < count; ++i) {
        T v;
        const T* r = rows(i, v);
        if (!r) continue;
        r += offset;
        V vv{};
#pragma GCC unroll 16
        for (std::size_t l = 0; l < lanes; ++l) vv[l] = v;
#pragma GCC unroll 16
        for (std::size_t j = 0; j < n; ++j) {
            V w;
            std::memcpy(&w, r + j * lanes, sizeof(V));
            acc[j] += vv * w;
        }
    }
    if (valid >= W) {
#pragma GCC unroll 16
        for (std::size_t j = 0; j < n; ++j) std::memcpy(y + j * lanes, &acc[j], sizeof(V));
    } else {
        T tmp[W];
        std::memcpy(tmp, acc, sizeof tmp);
        for (std::size_t k = 0; k < valid; ++k) y[k] = tmp[k];
    }
}
#endif

template <std::size_t W, class T, class Rows>
inline void gather_block(const T* bias, Rows& rows, std::size_t count, std::size_t offset, T* y,
                         std::size_t valid) noexcept {
#if defined(__GNUC__)
    if constexpr (detail::has_vec16<T>::value) {
        gather_block_vec<W, typename detail::vec_wide<T>::type>(bias, rows, count, offset, y, valid);
        return;
    }
#endif
    T acc[W];
    for (std::size_t k = 0; k < W; ++k) acc[k] = bias[k];
    for (std::size_t i = 0; i < count; ++i) {
        T v;
        const T* r = rows(i, v);
        if (!r) continue;
        r += offset;
        for (std::size_t k = 0; k < W; ++k) acc[k] += v * r[k];
    }
    if (valid >= W) {
        for (std::size_t k = 0; k < W; ++k) y[k] = acc[k];
    } else {
        for (std::size_t k = 0; k < valid; ++k) y[k] = acc[k];
    }
}

template <class T, class Rows>
inline void gather_default(const T* bias, Rows& rows, std::size_t count, std::size_t padded, T* y,
                           std::size_t valid) noexcept {
    constexpr std::size_t wide = block_width<T>::wide, narrow = block_width<T>::narrow;
    std::size_t o = 0;
    for (; o + wide <= padded; o += wide)
        gather_block<wide>(bias + o, rows, count, o, y + o, valid > o ? valid - o : 0);
    for (; o < padded; o += narrow)
        gather_block<narrow>(bias + o, rows, count, o, y + o, valid > o ? valid - o : 0);
}

#if defined(TINY_TICKET_GATHER_DISPATCH)
template <class T, class Rows>
__attribute__((target("avx"))) void gather_avx_kernel(const T* bias, Rows& rows, std::size_t count,
                                                      std::size_t padded, T* y, std::size_t valid) noexcept {
    using V = typename vec32<T>::type;
    constexpr std::size_t wide = block_width<T>::wide, narrow = block_width<T>::narrow;
    std::size_t o = 0;
    for (; o + wide <= padded; o += wide)
        gather_block_vec<wide, V>(bias + o, rows, count, o, y + o, valid > o ? valid - o : 0);
    // The narrow block is exactly one 32-byte vector.
    for (; o < padded; o += narrow)
        gather_block_vec<narrow, V>(bias + o, rows, count, o, y + o, valid > o ? valid - o : 0);
}
#endif

/// gather() with the kernel chosen by the caller: `Wide` the 32-byte AVX
/// copy where this build dispatches to one, else the build's own. Lets
/// tests compare the two on any machine with AVX.
template <bool Wide, class T, class Rows>
inline void gather_with(const T* bias, Rows&& rows, std::size_t count, std::size_t padded, T* y,
                        std::size_t valid) noexcept {
#if defined(TINY_TICKET_GATHER_DISPATCH)
    if constexpr (Wide) {
        gather_avx_kernel(bias, rows, count, padded, y, valid);
        return;
    }
#endif
    gather_default(bias, rows, count, padded, y, valid);
}

}  // namespace detail

/// y = bias + sum over `count` inputs of v_i * row_i, computed over a padded
/// width (multiple of block_width<T>::narrow), of which the first `valid`
/// values are stored. `rows(i, v)` returns the row of input i (nullptr to
/// skip it) and sets its weight v; it is called once per output block.
/// `bias` holds `padded` values, `y` room for `valid`.
template <class T, class Rows>
inline void gather(const T* bias, Rows&& rows, std::size_t count, std::size_t padded, T* y,
                   std::size_t valid) noexcept {
#if defined(TINY_TICKET_GATHER_DISPATCH)
    if (detail::gather_avx) {
        detail::gather_avx_kernel(bias, rows, count, padded, y, valid);
        return;
    }
#endif
    detail::gather_default(bias, rows, count, padded, y, valid);
}

/// A dense layer stored transposed (`in x out`, row i = weights fed by input
/// i, each row padded with zeros to a multiple of block_width<T>::narrow).
/// y = b + sum_i x_i * row_i accumulates whole rows: it vectorizes without
/// -ffast-math (a dot-product reduction would not), and inputs that are zero
/// (after ReLU about half) are skipped.
template <class T>
class dense {
public:
    dense() = default;

    /// From the row-major `out x in` form of the artifact.
    explicit dense(const dense_spec<T>& s)
        : in_(s.in), out_(s.out), stride_(block_width<T>::pad(s.out)), bias_(stride_, T(0)), wt_(s.in * stride_, T(0)) {
        for (std::size_t o = 0; o < out_; ++o) bias_[o] = s.bias[o];
        for (std::size_t o = 0; o < out_; ++o)
            for (std::size_t i = 0; i < in_; ++i) wt_[i * stride_ + o] = s.weights[o * in_ + i];
    }

    /// Input width.
    std::size_t in() const noexcept { return in_; }
    /// Output width.
    std::size_t out() const noexcept { return out_; }
    /// Output width rounded up to the kernel block (the row stride).
    std::size_t padded_out() const noexcept { return stride_; }
    /// Weights fed by input i (`out()` values, then zero padding).
    const T* row(std::size_t i) const noexcept { return wt_.data() + i * stride_; }
    /// The bias (`out()` values, then zero padding).
    const std::vector<T>& bias() const noexcept { return bias_; }
    /// Bytes held by weights and bias.
    std::size_t memory_bytes() const noexcept { return (wt_.capacity() + bias_.capacity()) * sizeof(T); }

    /// y = W x + b for dense x (`in()` values) into y (`out()` values).
    void forward(const T* x, T* y) const noexcept {
        const T* w = wt_.data();
        const std::size_t stride = stride_;
        if (in_ <= compact_inputs) {
            // The non-zero inputs are listed first, without branches: after
            // ReLU about half are zero, and a skip branch per input and block
            // would mispredict about as often.
            std::uint32_t nz[compact_inputs];
            std::size_t n = 0;
            for (std::size_t i = 0; i < in_; ++i) {
                nz[n] = static_cast<std::uint32_t>(i);
                n += x[i] != T(0) ? 1 : 0;
            }
            gather(bias_.data(),
                   [x, w, stride, &nz](std::size_t k, T& v) -> const T* {
                       const std::size_t i = nz[k];
                       v = x[i];
                       return w + i * stride;
                   },
                   n, stride_, y, out_);
            return;
        }
        gather(bias_.data(),
               [x, w, stride](std::size_t i, T& v) -> const T* {
                   v = x[i];
                   return v == T(0) ? nullptr : w + i * stride;
               },
               in_, stride_, y, out_);
    }

    /// y += a * r over n values.
    static void axpy(T a, const T* r, T* y, std::size_t n) noexcept {
        for (std::size_t o = 0; o < n; ++o) y[o] += a * r[o];
    }

private:
    static constexpr std::size_t compact_inputs = 512;
    std::size_t in_ = 0, out_ = 0, stride_ = 0;
    std::vector<T> bias_;
    std::vector<T> wt_;
};

}  // namespace tiny_ticket::nn
