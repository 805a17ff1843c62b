// SPDX-License-Identifier: MIT
#pragma once

// int8 kernels of the quantized network. Every kernel has a portable scalar
// reference (namespace `scalar`) and, on x86-64, SSE2 (baseline), AVX2 and
// AVX-512 VNNI versions with the same signature. GCC and Clang compile the
// AVX2 and AVX-512 versions in every x86-64 build, whatever its flags (with
// a target attribute, as nn/dense.hpp does for the float gathers), and the
// overloads taking a `kernel_set` run the one asked for; networks ask for
// best_kernel_set(), the widest set this CPU runs, found once at run time.
// A default-flags build therefore runs AVX2 or AVX-512 VNNI where the CPU
// has them. The integer kernels are exact, so all their versions agree bit
// for bit; the float kernel may differ from its reference by rounding (fused
// multiply-add, only in builds that target FMA) only.
//
// Layout: a layer is stored transposed, one int8 row per input holding the
// weights of every output, rows padded with zeros to a multiple of
// `row_align` entries. Kernels gather the rows of the inputs they are given
// (active sparse features, non-zero activations) and sum whole rows, as the
// float network does (nn/dense.hpp). The first layer's folded word rows
// (exact sums of int8 rows, too large for int8) are the one int16 table
// (rowsum16_i32).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__SSE2__) || defined(__AVX2__)
#include <immintrin.h>
#endif

// Which versions this build compiles. TINY_TICKET_NO_DISPATCH keeps only
// what the build's flags target (as for the float gathers).
#if (defined(__x86_64__) || defined(_M_X64)) && defined(__SSE2__)
#define TINY_TICKET_QUANT_SSE2 1
#if defined(__GNUC__) && !defined(TINY_TICKET_NO_DISPATCH)
#define TINY_TICKET_QUANT_DISPATCH 1
#endif
#if defined(__AVX2__) || defined(TINY_TICKET_QUANT_DISPATCH)
#define TINY_TICKET_QUANT_AVX2 1
#endif
#if (defined(__AVX2__) && defined(__AVX512VNNI__) && defined(__AVX512BW__) && defined(__AVX512VL__)) || \
    defined(TINY_TICKET_QUANT_DISPATCH)
#define TINY_TICKET_QUANT_AVX512VNNI 1
#endif
#endif

namespace tiny_ticket::quant {

/// Row strides of transposed int8 tables are multiples of this (bytes).
inline constexpr std::size_t row_align = 16;
/// Output width rounded up to `row_align`.
inline constexpr std::size_t pad_out(std::size_t n) noexcept { return (n + row_align - 1) / row_align * row_align; }
/// Most inputs one gather_i32 call may sum with int8 multipliers: 127 * 127
/// * this stays below 2^31, so the int32 accumulators cannot overflow.
/// Callers split longer lists.
inline constexpr std::size_t max_i32_inputs = 131072;
/// The same bound for multipliers of up to 16 bits (|m| <= 32767):
/// 127 * 32767 * 512 < 2^31.
inline constexpr std::size_t max_i32_inputs16 = 512;
/// Most rows one rowsum_i32 call may add: 127 * this stays below 2^31.
inline constexpr std::size_t max_rowsum_inputs = std::size_t(1) << 24;
/// Rows summed in int16 before the sums are widened: 127 * 256 < 2^15.
inline constexpr std::size_t rowsum_chunk = 256;
/// Most int16 rows (|entry| <= 32767) one rowsum16_i32 call may add:
/// 32767 * this stays below 2^31.
inline constexpr std::size_t max_rowsum16_inputs = 65536;
/// Rows of an int16 table whose entries are at most `max_abs` in magnitude
/// that rowsum16_i32 may sum in 16-bit lanes: their sum cannot leave
/// [-32767, 32767] (at least 1; every row when the table is all zero).
inline constexpr std::size_t rowsum16_chunk(std::size_t max_abs) noexcept {
    return max_abs == 0 ? max_rowsum16_inputs : max_abs >= 32767 ? 1 : 32767 / max_abs;
}

namespace detail {

// Symmetric quantization of x to [-Limit, Limit] (127 or 32767), stored as Q.
template <int Limit, class Q, class T>
inline float quantize_to(const T* x, std::size_t n, Q* q) noexcept {
    static_assert((Limit == 127 && std::is_same_v<Q, std::int8_t>) ||
                      (Limit == 32767 && (std::is_same_v<Q, std::int16_t> || std::is_same_v<Q, std::int32_t>)),
                  "int8 levels in int8, int16 levels in int16 or int32");
    constexpr int limit = Limit;
    float max_abs = 0;
    std::size_t j = 0;
#if defined(__SSE2__)
    if constexpr (std::is_same_v<T, float>) {
        __m128 m = _mm_setzero_ps();
        const __m128 sign_bit = _mm_set1_ps(-0.0f);
        for (; j + 4 <= n; j += 4) m = _mm_max_ps(m, _mm_andnot_ps(sign_bit, _mm_loadu_ps(x + j)));
        float lanes[4];
        _mm_storeu_ps(lanes, m);
        for (float l : lanes) max_abs = l > max_abs ? l : max_abs;
    }
#endif
    for (; j < n; ++j) {
        const float a = std::fabs(static_cast<float>(x[j]));
        max_abs = a > max_abs ? a : max_abs;
    }
    const float scale = max_abs == 0 ? 1.0f : max_abs / static_cast<float>(limit);
    std::size_t i = 0;
#if defined(__SSE2__)
    if constexpr (std::is_same_v<T, float>) {
        // Four at a time, exactly as below: IEEE division, then round half
        // away from zero as truncation plus a carry when the (exact) fraction
        // reaches one half; |r| <= 32768 so every step is exact.
        const __m128 s = _mm_set1_ps(scale), half = _mm_set1_ps(0.5f);
        const __m128 sign_bit = _mm_set1_ps(-0.0f);
        for (; i + 4 <= n; i += 4) {
            const __m128 r = _mm_div_ps(_mm_loadu_ps(x + i), s);
            const __m128i t = _mm_cvttps_epi32(r);
            const __m128 frac = _mm_sub_ps(r, _mm_cvtepi32_ps(t));
            const __m128 up = _mm_cmpge_ps(_mm_andnot_ps(sign_bit, frac), half);
            // +1 for positive r, -1 for negative, where the fraction rounds away.
            const __m128i one = _mm_or_si128(_mm_srai_epi32(_mm_castps_si128(r), 31), _mm_set1_epi32(1));
            __m128i v = _mm_add_epi32(t, _mm_and_si128(_mm_castps_si128(up), one));
            // packs saturates at +-32767/-32768; the clip to +-limit follows.
            v = _mm_min_epi16(_mm_max_epi16(_mm_packs_epi32(v, v), _mm_set1_epi16(-limit)), _mm_set1_epi16(limit));
            if constexpr (std::is_same_v<Q, std::int8_t>) {
                const int packed = _mm_cvtsi128_si32(_mm_packs_epi16(v, v));
                std::memcpy(q + i, &packed, 4);
            } else if constexpr (std::is_same_v<Q, std::int16_t>) {
                _mm_storel_epi64(reinterpret_cast<__m128i*>(q + i), v);
            } else {
                _mm_storeu_si128(reinterpret_cast<__m128i*>(q + i), _mm_srai_epi32(_mm_unpacklo_epi16(v, v), 16));
            }
        }
    }
#endif
    for (; i < n; ++i) {
        const float r = static_cast<float>(x[i]) / scale;
        // r + 0.5 is exact in double, so truncating it rounds half away from
        // zero exactly as std::round does (in float, 0.49999997f + 0.5f
        // would round up to 1).
        double v = static_cast<double>(r) + (r < 0 ? -0.5 : 0.5);
        v = v > limit ? limit : v < -limit ? -limit : v;
        q[i] = static_cast<Q>(static_cast<int>(v));
    }
    return scale;
}

}  // namespace detail

/// Quantizes one activation vector: scale = max|x| / 127 (1 when all zero),
/// q[i] = x[i] / scale rounded half away from zero, clipped to [-127, 127]:
/// the rounding of quantize_row, without a libm call per value (the hot path
/// runs this on every layer input). Returns the scale. Does not allocate.
template <class T>
inline float quantize_vector(const T* x, std::size_t n, std::int8_t* q) noexcept {
    return detail::quantize_to<127>(x, n, q);
}

/// The same with 16-bit levels: scale = max|x| / 32767, q clipped to
/// [-32767, 32767], stored as int16 or int32. The full-int8 network feeds
/// its dense layers int16 activations: int8 weights times int16 inputs cost
/// the same pmaddwd as int8 x int8, and the input rounding becomes
/// negligible (1/65534 of the largest input instead of 1/254).
template <class T, class Q>
inline float quantize_vector16(const T* x, std::size_t n, Q* q) noexcept {
    return detail::quantize_to<32767>(x, n, q);
}

namespace detail {

// Output blocks of Wide, then at most one of Wide / 2 (when that is wider
// than Narrow), then Narrow: a 32-wide layer is one pass over the inputs,
// not two.
// Always inlined: the kernels that call it may be compiled for AVX2 or
// AVX-512 (target attribute), and only inside them can `f`, compiled for the
// same target, be inlined too.
template <std::size_t Wide, std::size_t Narrow, class F>
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
inline void for_blocks(std::size_t padded, F&& f) {
    std::size_t o = 0;
    for (; o + Wide <= padded; o += Wide) f(std::integral_constant<std::size_t, Wide>{}, o);
    if constexpr (Wide / 2 > Narrow) {
        if (o + Wide / 2 <= padded) {
            f(std::integral_constant<std::size_t, Wide / 2>{}, o);
            o += Wide / 2;
        }
    }
    for (; o < padded; o += Narrow) f(std::integral_constant<std::size_t, Narrow>{}, o);
}

// Two int8 multipliers as the int16 pair that pmaddwd expects.
inline std::int32_t pack_pair(int a, int b) noexcept {
    const std::uint32_t v = static_cast<std::uint32_t>(static_cast<std::uint16_t>(static_cast<std::int16_t>(a))) |
                            (static_cast<std::uint32_t>(static_cast<std::uint16_t>(static_cast<std::int16_t>(b))) << 16);
    std::int32_t r;
    std::memcpy(&r, &v, sizeof r);
    return r;
}

}  // namespace detail

/// Portable references: the definition every other version must reproduce.
namespace scalar {

/// acc[o] = sum over k < count of qx[k] * table[idx[k] * stride + o], for
/// o < padded, in int32 (exact). With M = int8_t requires count <=
/// max_i32_inputs; with M = int16_t or int32_t, |qx[k]| <= 32767 and count
/// <= max_i32_inputs16. padded is a multiple of row_align.
template <class Index, class M>
inline void gather_i32(const std::int8_t* table, std::size_t stride, const Index* idx, const M* qx,
                       std::size_t count, std::size_t padded, std::int32_t* acc) noexcept {
    for (std::size_t o = 0; o < padded; ++o) acc[o] = 0;
    for (std::size_t k = 0; k < count; ++k) {
        const std::int8_t* r = table + static_cast<std::size_t>(idx[k]) * stride;
        const std::int32_t m = qx[k];
        for (std::size_t o = 0; o < padded; ++o) acc[o] += m * static_cast<std::int32_t>(r[o]);
    }
}

/// acc[o] = sum over k < count of table[idx[k] * stride + o], for o <
/// padded, in int32 (exact): the rows of inputs that share one value.
/// Requires count <= max_rowsum_inputs and padded a multiple of row_align.
template <class Index>
inline void rowsum_i32(const std::int8_t* table, std::size_t stride, const Index* idx, std::size_t count,
                       std::size_t padded, std::int32_t* acc) noexcept {
    for (std::size_t o = 0; o < padded; ++o) acc[o] = 0;
    for (std::size_t k = 0; k < count; ++k) {
        const std::int8_t* r = table + static_cast<std::size_t>(idx[k]) * stride;
        for (std::size_t o = 0; o < padded; ++o) acc[o] += r[o];
    }
}

/// acc[o] = sum over k < count of table[idx[k] * stride + o], for o <
/// padded, in int32 (exact), over int16 rows (the quantized network's folded
/// word rows: exact sums of int8 rows). Requires count <=
/// max_rowsum16_inputs, padded a multiple of row_align and every entry of
/// the rows at most 32767 in magnitude. `chunk` is how many rows the other
/// versions may sum in 16-bit lanes before widening: at least 1, and at most
/// rowsum16_chunk(largest |entry| of the table), so a chunk's sum cannot
/// overflow int16. The reference sums in int32 and ignores it.
template <class Index>
inline void rowsum16_i32(const std::int16_t* table, std::size_t stride, const Index* idx, std::size_t count,
                         std::size_t padded, std::size_t chunk, std::int32_t* acc) noexcept {
    (void)chunk;
    for (std::size_t o = 0; o < padded; ++o) acc[o] = 0;
    for (std::size_t k = 0; k < count; ++k) {
        const std::int16_t* r = table + static_cast<std::size_t>(idx[k]) * stride;
        for (std::size_t o = 0; o < padded; ++o) acc[o] += r[o];
    }
}

/// acc[o] = sum over k < count, in order, of v[k] * table[idx[k] * stride + o]
/// for o < padded, accumulated in A (weight-only kernel).
template <class Index, class A>
inline void gather_f(const std::int8_t* table, std::size_t stride, const Index* idx, const A* v, std::size_t count,
                     std::size_t padded, A* acc) noexcept {
    for (std::size_t o = 0; o < padded; ++o) acc[o] = A(0);
    for (std::size_t k = 0; k < count; ++k) {
        const std::int8_t* r = table + static_cast<std::size_t>(idx[k]) * stride;
        const A m = v[k];
        for (std::size_t o = 0; o < padded; ++o) acc[o] += m * static_cast<A>(r[o]);
    }
}

/// Name of this kernel set, as tiny-ticket --version prints it.
inline constexpr const char* name = "scalar";

}  // namespace scalar

#if defined(TINY_TICKET_QUANT_SSE2)
/// SSE2 versions (every x86-64 CPU).
namespace sse2 {

namespace detail {

// 16 outputs of two rows: interleave the rows' bytes, sign-extend to int16
// pairs (a_o, b_o) and let pmaddwd form a_o * qa + b_o * qb per output.
inline void step16(__m128i xa, __m128i xb, __m128i m, __m128i* a) noexcept {
    const __m128i t0 = _mm_unpacklo_epi8(xa, xb), t1 = _mm_unpackhi_epi8(xa, xb);
    a[0] = _mm_add_epi32(a[0], _mm_madd_epi16(_mm_srai_epi16(_mm_unpacklo_epi8(t0, t0), 8), m));
    a[1] = _mm_add_epi32(a[1], _mm_madd_epi16(_mm_srai_epi16(_mm_unpackhi_epi8(t0, t0), 8), m));
    a[2] = _mm_add_epi32(a[2], _mm_madd_epi16(_mm_srai_epi16(_mm_unpacklo_epi8(t1, t1), 8), m));
    a[3] = _mm_add_epi32(a[3], _mm_madd_epi16(_mm_srai_epi16(_mm_unpackhi_epi8(t1, t1), 8), m));
}

template <std::size_t W, class Index, class M>
inline void i32_block(const std::int8_t* table, std::size_t stride, const Index* idx, const M* qx,
                      std::size_t count, std::size_t off, std::int32_t* acc) noexcept {
    constexpr std::size_t n = W / 16;
    __m128i a[4 * n];
    for (auto& x : a) x = _mm_setzero_si128();
    std::size_t k = 0;
    for (; k + 2 <= count; k += 2) {
        const std::int8_t* ra = table + static_cast<std::size_t>(idx[k]) * stride + off;
        const std::int8_t* rb = table + static_cast<std::size_t>(idx[k + 1]) * stride + off;
        const __m128i m = _mm_set1_epi32(tiny_ticket::quant::detail::pack_pair(qx[k], qx[k + 1]));
        for (std::size_t j = 0; j < n; ++j)
            step16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(ra + 16 * j)),
                   _mm_loadu_si128(reinterpret_cast<const __m128i*>(rb + 16 * j)), m, a + 4 * j);
    }
    if (k < count) {
        const std::int8_t* ra = table + static_cast<std::size_t>(idx[k]) * stride + off;
        const __m128i m = _mm_set1_epi32(tiny_ticket::quant::detail::pack_pair(qx[k], 0));
        for (std::size_t j = 0; j < n; ++j)
            step16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(ra + 16 * j)), _mm_setzero_si128(), m, a + 4 * j);
    }
    for (std::size_t j = 0; j < 4 * n; ++j) _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + off + 4 * j), a[j]);
}

template <std::size_t W, class Index>
inline void f_block(const std::int8_t* table, std::size_t stride, const Index* idx, const float* v, std::size_t count,
                    std::size_t off, float* acc) noexcept {
    constexpr std::size_t n = W / 16;
    __m128 a[4 * n];
    for (auto& x : a) x = _mm_setzero_ps();
    for (std::size_t k = 0; k < count; ++k) {
        const std::int8_t* r = table + static_cast<std::size_t>(idx[k]) * stride + off;
        const __m128 m = _mm_set1_ps(v[k]);
        for (std::size_t j = 0; j < n; ++j) {
            const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(r + 16 * j));
            const __m128i s0 = _mm_srai_epi16(_mm_unpacklo_epi8(x, x), 8), s1 = _mm_srai_epi16(_mm_unpackhi_epi8(x, x), 8);
            const __m128i w[4] = {_mm_srai_epi32(_mm_unpacklo_epi16(s0, s0), 16), _mm_srai_epi32(_mm_unpackhi_epi16(s0, s0), 16),
                                  _mm_srai_epi32(_mm_unpacklo_epi16(s1, s1), 16), _mm_srai_epi32(_mm_unpackhi_epi16(s1, s1), 16)};
            for (std::size_t q = 0; q < 4; ++q)
                a[4 * j + q] = _mm_add_ps(a[4 * j + q], _mm_mul_ps(m, _mm_cvtepi32_ps(w[q])));
        }
    }
    for (std::size_t j = 0; j < 4 * n; ++j) _mm_storeu_ps(acc + off + 4 * j, a[j]);
}

// Row sums in 16-bit lanes. Each row is read as offset binary (x ^ 0x80 =
// x + 128, in [1, 255]), so a 16-bit lane holds odd * 256 + even with both
// bytes unsigned: one addition sums the lane (mod 2^16), a logical shift
// and an addition sum the odd bytes alone, and the even sums follow as
// lane sum - 256 * odd sum. Both stay below 2^16 for up to rowsum_chunk
// rows, so the recovery is exact; a row costs one load, one xor, one shift
// and two additions per 16 outputs. The offsets (128 per row) are removed
// when the sums are widened to int32.
inline void widen16(__m128i lanes, __m128i odd, std::size_t rows, std::int32_t* p, bool add) noexcept {
    const __m128i even = _mm_sub_epi16(lanes, _mm_slli_epi16(odd, 8));
    const __m128i lo = _mm_unpacklo_epi16(even, odd), hi = _mm_unpackhi_epi16(even, odd), z = _mm_setzero_si128();
    const __m128i off = _mm_set1_epi32(static_cast<int>(128 * rows));
    const __m128i w[4] = {_mm_unpacklo_epi16(lo, z), _mm_unpackhi_epi16(lo, z), _mm_unpacklo_epi16(hi, z),
                          _mm_unpackhi_epi16(hi, z)};
    for (std::size_t q = 0; q < 4; ++q) {
        __m128i* d = reinterpret_cast<__m128i*>(p + 4 * q);
        const __m128i v = _mm_sub_epi32(w[q], off);
        _mm_storeu_si128(d, add ? _mm_add_epi32(_mm_loadu_si128(d), v) : v);
    }
}

// One row's 16 outputs into the lane and odd-byte sums.
inline void rowsum_step(const std::int8_t* r, __m128i flip, __m128i& lanes, __m128i& odd) noexcept {
    const __m128i x = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(r)), flip);
    lanes = _mm_add_epi16(x, lanes);
    odd = _mm_add_epi16(_mm_srli_epi16(x, 8), odd);
}

// W = 16 or 32 outputs per pass, accumulators in named variables (arrays
// of vectors leave GCC copying registers on every row).
template <std::size_t W, class Index>
inline void rowsum_block(const std::int8_t* table, std::size_t stride, const Index* idx, std::size_t count,
                         std::size_t off, std::int32_t* acc) noexcept {
    static_assert(W == 16 || W == 32, "16 or 32 outputs per pass");
    const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80));
    const std::int8_t* base = table + off;
    std::size_t c = 0;
    do {
        const std::size_t end = count - c > rowsum_chunk ? c + rowsum_chunk : count;
        __m128i l0 = _mm_setzero_si128(), o0 = l0, l1 = l0, o1 = l0;
        std::size_t k = c;
        // Two rows per iteration: fewer loop instructions, and GCC then keeps
        // the accumulators in place instead of copying them every row.
        for (; k + 2 <= end; k += 2) {
            const std::int8_t* ra = base + static_cast<std::size_t>(idx[k]) * stride;
            const std::int8_t* rb = base + static_cast<std::size_t>(idx[k + 1]) * stride;
            rowsum_step(ra, flip, l0, o0);
            if constexpr (W == 32) rowsum_step(ra + 16, flip, l1, o1);
            rowsum_step(rb, flip, l0, o0);
            if constexpr (W == 32) rowsum_step(rb + 16, flip, l1, o1);
        }
        if (k < end) {
            const std::int8_t* r = base + static_cast<std::size_t>(idx[k]) * stride;
            rowsum_step(r, flip, l0, o0);
            if constexpr (W == 32) rowsum_step(r + 16, flip, l1, o1);
        }
        widen16(l0, o0, end - c, acc + off, c != 0);
        if constexpr (W == 32) widen16(l1, o1, end - c, acc + off + 16, c != 0);
        c = end;
    } while (c < count);
}

// Eight int16 sums sign-extended to int32, stored at p or added to it.
inline void widen_i16(__m128i s, std::int32_t* p, bool add) noexcept {
    const __m128i w[2] = {_mm_srai_epi32(_mm_unpacklo_epi16(s, s), 16), _mm_srai_epi32(_mm_unpackhi_epi16(s, s), 16)};
    for (std::size_t q = 0; q < 2; ++q) {
        __m128i* d = reinterpret_cast<__m128i*>(p + 4 * q);
        _mm_storeu_si128(d, add ? _mm_add_epi32(_mm_loadu_si128(d), w[q]) : w[q]);
    }
}

// int16 rows, W = 16 or 32 outputs per pass: each row is one paddw per 8
// outputs; the sums are widened to int32 every `chunk` rows, before they
// could overflow (rowsum16_chunk). Named accumulators, as in rowsum_block.
template <std::size_t W, class Index>
inline void rowsum16_block(const std::int16_t* table, std::size_t stride, const Index* idx, std::size_t count,
                           std::size_t chunk, std::size_t off, std::int32_t* acc) noexcept {
    static_assert(W == 16 || W == 32, "16 or 32 outputs per pass");
    const std::int16_t* base = table + off;
    auto load = [](const std::int16_t* r, std::size_t j) {
        return _mm_loadu_si128(reinterpret_cast<const __m128i*>(r + 8 * j));
    };
    std::size_t c = 0;
    do {
        const std::size_t end = count - c > chunk ? c + chunk : count;
        __m128i s0 = _mm_setzero_si128(), s1 = s0, s2 = s0, s3 = s0;
        std::size_t k = c;
        // Two rows per iteration, added to each other first: with one, GCC
        // copies every accumulator back after its addition.
        for (; k + 2 <= end; k += 2) {
            const std::int16_t* ra = base + static_cast<std::size_t>(idx[k]) * stride;
            const std::int16_t* rb = base + static_cast<std::size_t>(idx[k + 1]) * stride;
            s0 = _mm_add_epi16(s0, _mm_add_epi16(load(ra, 0), load(rb, 0)));
            s1 = _mm_add_epi16(s1, _mm_add_epi16(load(ra, 1), load(rb, 1)));
            if constexpr (W == 32) {
                s2 = _mm_add_epi16(s2, _mm_add_epi16(load(ra, 2), load(rb, 2)));
                s3 = _mm_add_epi16(s3, _mm_add_epi16(load(ra, 3), load(rb, 3)));
            }
        }
        if (k < end) {
            const std::int16_t* r = base + static_cast<std::size_t>(idx[k]) * stride;
            s0 = _mm_add_epi16(s0, load(r, 0));
            s1 = _mm_add_epi16(s1, load(r, 1));
            if constexpr (W == 32) {
                s2 = _mm_add_epi16(s2, load(r, 2));
                s3 = _mm_add_epi16(s3, load(r, 3));
            }
        }
        widen_i16(s0, acc + off, c != 0);
        widen_i16(s1, acc + off + 8, c != 0);
        if constexpr (W == 32) {
            widen_i16(s2, acc + off + 16, c != 0);
            widen_i16(s3, acc + off + 24, c != 0);
        }
        c = end;
    } while (c < count);
}

}  // namespace detail

/// Same contract as scalar::gather_i32; bit-identical results.
template <class Index, class M>
inline void gather_i32(const std::int8_t* table, std::size_t stride, const Index* idx, const M* qx,
                       std::size_t count, std::size_t padded, std::int32_t* acc) noexcept {
    tiny_ticket::quant::detail::for_blocks<32, 16>(padded, [&](auto w, std::size_t o) {
        detail::i32_block<decltype(w)::value>(table, stride, idx, qx, count, o, acc);
    });
}

/// Same contract as scalar::gather_f for float (mul then add, as the scalar
/// loop; identical to it unless the compiler contracts that loop into FMA).
template <class Index>
inline void gather_f(const std::int8_t* table, std::size_t stride, const Index* idx, const float* v, std::size_t count,
                     std::size_t padded, float* acc) noexcept {
    tiny_ticket::quant::detail::for_blocks<32, 16>(padded, [&](auto w, std::size_t o) {
        detail::f_block<decltype(w)::value>(table, stride, idx, v, count, o, acc);
    });
}
template <class Index>
inline void gather_f(const std::int8_t* table, std::size_t stride, const Index* idx, const double* v, std::size_t count,
                     std::size_t padded, double* acc) noexcept {
    scalar::gather_f(table, stride, idx, v, count, padded, acc);
}

/// Same contract as scalar::rowsum_i32; bit-identical results.
template <class Index>
inline void rowsum_i32(const std::int8_t* table, std::size_t stride, const Index* idx, std::size_t count,
                       std::size_t padded, std::int32_t* acc) noexcept {
    tiny_ticket::quant::detail::for_blocks<32, 16>(padded, [&](auto w, std::size_t o) {
        detail::rowsum_block<decltype(w)::value>(table, stride, idx, count, o, acc);
    });
}

/// Same contract as scalar::rowsum16_i32; bit-identical results.
template <class Index>
inline void rowsum16_i32(const std::int16_t* table, std::size_t stride, const Index* idx, std::size_t count,
                         std::size_t padded, std::size_t chunk, std::int32_t* acc) noexcept {
    if (chunk == 0) chunk = 1;
    tiny_ticket::quant::detail::for_blocks<32, 16>(padded, [&](auto w, std::size_t o) {
        detail::rowsum16_block<decltype(w)::value>(table, stride, idx, count, chunk, o, acc);
    });
}

inline constexpr const char* name = "sse2";

}  // namespace sse2
#endif

#if defined(TINY_TICKET_QUANT_AVX2)
// Without -mavx2 the section is compiled for AVX2 alone (no FMA: gather_f
// then rounds exactly as the reference does), and runs only where
// cpu_supports(kernel_set::avx2).
#if !defined(__AVX2__)
#define TINY_TICKET_QUANT_AVX2_TARGET 1
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif
#endif
/// AVX2 versions.
namespace avx2 {

namespace detail {

template <std::size_t W, class Index, class M>
inline void i32_block(const std::int8_t* table, std::size_t stride, const Index* idx, const M* qx,
                      std::size_t count, std::size_t off, std::int32_t* acc) noexcept {
    constexpr std::size_t n = W / 16;
    __m256i a[2 * n];
    for (auto& x : a) x = _mm256_setzero_si256();
    auto step = [&a](__m128i xa, __m128i xb, __m256i m, std::size_t j) {
        const __m256i lo = _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(xa, xb));
        const __m256i hi = _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(xa, xb));
        a[2 * j] = _mm256_add_epi32(a[2 * j], _mm256_madd_epi16(lo, m));
        a[2 * j + 1] = _mm256_add_epi32(a[2 * j + 1], _mm256_madd_epi16(hi, m));
    };
    std::size_t k = 0;
    for (; k + 2 <= count; k += 2) {
        const std::int8_t* ra = table + static_cast<std::size_t>(idx[k]) * stride + off;
        const std::int8_t* rb = table + static_cast<std::size_t>(idx[k + 1]) * stride + off;
        const __m256i m = _mm256_set1_epi32(tiny_ticket::quant::detail::pack_pair(qx[k], qx[k + 1]));
        for (std::size_t j = 0; j < n; ++j)
            step(_mm_loadu_si128(reinterpret_cast<const __m128i*>(ra + 16 * j)),
                 _mm_loadu_si128(reinterpret_cast<const __m128i*>(rb + 16 * j)), m, j);
    }
    if (k < count) {
        const std::int8_t* ra = table + static_cast<std::size_t>(idx[k]) * stride + off;
        const __m256i m = _mm256_set1_epi32(tiny_ticket::quant::detail::pack_pair(qx[k], 0));
        for (std::size_t j = 0; j < n; ++j)
            step(_mm_loadu_si128(reinterpret_cast<const __m128i*>(ra + 16 * j)), _mm_setzero_si128(), m, j);
    }
    for (std::size_t j = 0; j < 2 * n; ++j) _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc + off + 8 * j), a[j]);
}

template <std::size_t W, class Index>
inline void f_block(const std::int8_t* table, std::size_t stride, const Index* idx, const float* v, std::size_t count,
                    std::size_t off, float* acc) noexcept {
    constexpr std::size_t n = W / 8;
    __m256 a[n];
    for (auto& x : a) x = _mm256_setzero_ps();
    for (std::size_t k = 0; k < count; ++k) {
        const std::int8_t* r = table + static_cast<std::size_t>(idx[k]) * stride + off;
        const __m256 m = _mm256_set1_ps(v[k]);
        for (std::size_t j = 0; j < n; ++j) {
            const __m256 w = _mm256_cvtepi32_ps(
                _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(r + 8 * j))));
#if defined(__FMA__)
            a[j] = _mm256_fmadd_ps(m, w, a[j]);
#else
            a[j] = _mm256_add_ps(a[j], _mm256_mul_ps(m, w));
#endif
        }
    }
    for (std::size_t j = 0; j < n; ++j) _mm256_storeu_ps(acc + off + 8 * j, a[j]);
}

inline void add_or_store(std::int32_t* p, __m256i v, bool add) noexcept {
    __m256i* d = reinterpret_cast<__m256i*>(p);
    _mm256_storeu_si256(d, add ? _mm256_add_epi32(_mm256_loadu_si256(d), v) : v);
}

// As sse2::detail::rowsum_block (offset binary, odd sums apart), 32
// outputs per register, W = 32 or 64 per pass.
template <std::size_t W, class Index>
inline void rowsum_block(const std::int8_t* table, std::size_t stride, const Index* idx, std::size_t count,
                         std::size_t off, std::int32_t* acc) noexcept {
    static_assert(W == 32 || W == 64, "32 or 64 outputs per pass");
    const __m256i flip = _mm256_set1_epi8(static_cast<char>(0x80));
    const std::int8_t* base = table + off;
    auto step = [flip](const std::int8_t* r, __m256i& lanes, __m256i& odd) {
        const __m256i x = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(r)), flip);
        lanes = _mm256_add_epi16(x, lanes);
        odd = _mm256_add_epi16(_mm256_srli_epi16(x, 8), odd);
    };
    // unpack works within 128-bit lanes: lo holds outputs 0-7 and 16-23,
    // hi 8-15 and 24-31.
    auto widen = [](__m256i lanes, __m256i odd, std::size_t rows, std::int32_t* p, bool add) {
        const __m256i even = _mm256_sub_epi16(lanes, _mm256_slli_epi16(odd, 8));
        const __m256i lo = _mm256_unpacklo_epi16(even, odd), hi = _mm256_unpackhi_epi16(even, odd);
        const __m256i offset = _mm256_set1_epi32(static_cast<int>(128 * rows));
        add_or_store(p, _mm256_sub_epi32(_mm256_cvtepu16_epi32(_mm256_castsi256_si128(lo)), offset), add);
        add_or_store(p + 8, _mm256_sub_epi32(_mm256_cvtepu16_epi32(_mm256_castsi256_si128(hi)), offset), add);
        add_or_store(p + 16, _mm256_sub_epi32(_mm256_cvtepu16_epi32(_mm256_extracti128_si256(lo, 1)), offset), add);
        add_or_store(p + 24, _mm256_sub_epi32(_mm256_cvtepu16_epi32(_mm256_extracti128_si256(hi, 1)), offset), add);
    };
    std::size_t c = 0;
    do {
        const std::size_t end = count - c > rowsum_chunk ? c + rowsum_chunk : count;
        __m256i l0 = _mm256_setzero_si256(), o0 = l0, l1 = l0, o1 = l0;
        for (std::size_t k = c; k < end; ++k) {
            const std::int8_t* r = base + static_cast<std::size_t>(idx[k]) * stride;
            step(r, l0, o0);
            if constexpr (W == 64) step(r + 32, l1, o1);
        }
        widen(l0, o0, end - c, acc + off, c != 0);
        if constexpr (W == 64) widen(l1, o1, end - c, acc + off + 32, c != 0);
        c = end;
    } while (c < count);
}

// A function, not a lambda: GCC warns (-Wpsabi) on a lambda returning a
// 256-bit vector inside a `#pragma GCC target` region.
inline __m256i load16x16(const std::int16_t* r, std::size_t j) noexcept {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(r + 16 * j));
}

// As sse2::detail::rowsum16_block, 16 int16 outputs per register, W = 16,
// 32 or 64 per pass.
template <std::size_t W, class Index>
inline void rowsum16_block(const std::int16_t* table, std::size_t stride, const Index* idx, std::size_t count,
                           std::size_t chunk, std::size_t off, std::int32_t* acc) noexcept {
    static_assert(W == 16 || W == 32 || W == 64, "16, 32 or 64 outputs per pass");
    const std::int16_t* base = table + off;
    auto widen = [](__m256i s, std::int32_t* p, bool add) {
        add_or_store(p, _mm256_cvtepi16_epi32(_mm256_castsi256_si128(s)), add);
        add_or_store(p + 8, _mm256_cvtepi16_epi32(_mm256_extracti128_si256(s, 1)), add);
    };
    std::size_t c = 0;
    do {
        const std::size_t end = count - c > chunk ? c + chunk : count;
        __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
        for (std::size_t k = c; k < end; ++k) {
            const std::int16_t* r = base + static_cast<std::size_t>(idx[k]) * stride;
            s0 = _mm256_add_epi16(s0, load16x16(r, 0));
            if constexpr (W >= 32) s1 = _mm256_add_epi16(s1, load16x16(r, 1));
            if constexpr (W == 64) {
                s2 = _mm256_add_epi16(s2, load16x16(r, 2));
                s3 = _mm256_add_epi16(s3, load16x16(r, 3));
            }
        }
        widen(s0, acc + off, c != 0);
        if constexpr (W >= 32) widen(s1, acc + off + 16, c != 0);
        if constexpr (W == 64) {
            widen(s2, acc + off + 32, c != 0);
            widen(s3, acc + off + 48, c != 0);
        }
        c = end;
    } while (c < count);
}

}  // namespace detail

/// Same contract as scalar::gather_i32; bit-identical results.
template <class Index, class M>
inline void gather_i32(const std::int8_t* table, std::size_t stride, const Index* idx, const M* qx,
                       std::size_t count, std::size_t padded, std::int32_t* acc) noexcept {
    tiny_ticket::quant::detail::for_blocks<64, 16>(padded, [&](auto w, std::size_t o) {
        detail::i32_block<decltype(w)::value>(table, stride, idx, qx, count, o, acc);
    });
}

/// Same contract as scalar::gather_f for float, with fused multiply-add when
/// the build targets FMA (then equal to the reference up to rounding).
template <class Index>
inline void gather_f(const std::int8_t* table, std::size_t stride, const Index* idx, const float* v, std::size_t count,
                     std::size_t padded, float* acc) noexcept {
    tiny_ticket::quant::detail::for_blocks<64, 16>(padded, [&](auto w, std::size_t o) {
        detail::f_block<decltype(w)::value>(table, stride, idx, v, count, o, acc);
    });
}
template <class Index>
inline void gather_f(const std::int8_t* table, std::size_t stride, const Index* idx, const double* v, std::size_t count,
                     std::size_t padded, double* acc) noexcept {
    scalar::gather_f(table, stride, idx, v, count, padded, acc);
}

/// Same contract as scalar::rowsum_i32; bit-identical results.
template <class Index>
inline void rowsum_i32(const std::int8_t* table, std::size_t stride, const Index* idx, std::size_t count,
                       std::size_t padded, std::int32_t* acc) noexcept {
    tiny_ticket::quant::detail::for_blocks<64, 16>(padded, [&](auto w, std::size_t o) {
        constexpr std::size_t width = decltype(w)::value;
        if constexpr (width == 16) sse2::detail::rowsum_block<16>(table, stride, idx, count, o, acc);
        else detail::rowsum_block<width>(table, stride, idx, count, o, acc);
    });
}

/// Same contract as scalar::rowsum16_i32; bit-identical results.
template <class Index>
inline void rowsum16_i32(const std::int16_t* table, std::size_t stride, const Index* idx, std::size_t count,
                         std::size_t padded, std::size_t chunk, std::int32_t* acc) noexcept {
    if (chunk == 0) chunk = 1;
    tiny_ticket::quant::detail::for_blocks<64, 16>(padded, [&](auto w, std::size_t o) {
        detail::rowsum16_block<decltype(w)::value>(table, stride, idx, count, chunk, o, acc);
    });
}

inline constexpr const char* name = "avx2";

}  // namespace avx2
#if defined(TINY_TICKET_QUANT_AVX2_TARGET)
#undef TINY_TICKET_QUANT_AVX2_TARGET
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif
#endif

#if defined(TINY_TICKET_QUANT_AVX512VNNI)
#if !(defined(__AVX2__) && defined(__AVX512VNNI__) && defined(__AVX512BW__) && defined(__AVX512VL__))
#define TINY_TICKET_QUANT_AVX512_TARGET 1
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,avx512f,avx512bw,avx512vl,avx512vnni"))), \
                             apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,avx512f,avx512bw,avx512vl,avx512vnni")
#endif
#endif
/// AVX-512 VNNI versions (AVX-512 F, BW, VL and VNNI). Only gather_i32 differs from
/// AVX2: the row sums have no products to fuse, and gather_f is float. It
/// uses vpdpwssd (int16 pairs) rather than vpdpbusd (four u8 x s8 products):
/// the network's multipliers are int16 levels, which do not fit a byte.
namespace avx512vnni {

namespace detail {

// Calls step(ra, rb, m, set) for the rows in pairs, m the pair's multipliers
// as pmaddwd / vpdpwssd take them. Rows k, k+1 go to accumulator set 0,
// k+2, k+3 to set 1, the sets added once at the end (exact: int32 wraps
// alike in any order, and the true sum fits): vpdpwssd forms a_o * qa + b_o
// * qb and adds it to the sum in one instruction, where AVX2 needs pmaddwd
// and paddd, but that puts the multiplication on the accumulator's
// dependency chain (a few cycles instead of one). An odd count's last row is
// paired with itself, times zero.
template <class Index, class M, class Step>
inline void pair_rows(const std::int8_t* table, std::size_t stride, const Index* idx, const M* qx, std::size_t count,
                      std::size_t off, Step&& step) noexcept {
    using tiny_ticket::quant::detail::pack_pair;
    auto row = [&](std::size_t k) { return table + static_cast<std::size_t>(idx[k]) * stride + off; };
    std::size_t k = 0;
    for (; k + 4 <= count; k += 4) {
        step(row(k), row(k + 1), pack_pair(qx[k], qx[k + 1]), std::integral_constant<int, 0>{});
        step(row(k + 2), row(k + 3), pack_pair(qx[k + 2], qx[k + 3]), std::integral_constant<int, 1>{});
    }
    if (k + 2 <= count) {
        step(row(k), row(k + 1), pack_pair(qx[k], qx[k + 1]), std::integral_constant<int, 0>{});
        k += 2;
    }
    if (k < count) step(row(k), row(k), pack_pair(qx[k], 0), std::integral_constant<int, 1>{});
}

// W = 16 or 32 outputs, 256-bit: as avx2::detail::i32_block with vpdpwssd.
// The narrow layers (32 hidden units, the heads) are a few rows each, so
// their latency counts more than their throughput: the 512-bit form below
// adds a widening across lanes and a permutation at the end, and was slower
// on them. Named accumulators: with arrays GCC copies registers every row.
template <std::size_t W, class Index, class M>
inline void i32_block256(const std::int8_t* table, std::size_t stride, const Index* idx, const M* qx,
                         std::size_t count, std::size_t off, std::int32_t* acc) noexcept {
    static_assert(W == 16 || W == 32, "16 or 32 outputs per pass");
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    auto add = [](const std::int8_t* ra, const std::int8_t* rb, __m256i m, __m256i& s0, __m256i& s1) {
        const __m128i xa = _mm_loadu_si128(reinterpret_cast<const __m128i*>(ra));
        const __m128i xb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rb));
        s0 = _mm256_dpwssd_epi32(s0, _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(xa, xb)), m);
        s1 = _mm256_dpwssd_epi32(s1, _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(xa, xb)), m);
    };
    pair_rows(table, stride, idx, qx, count, off,
              [&](const std::int8_t* ra, const std::int8_t* rb, std::int32_t m, auto set) {
                  const __m256i mv = _mm256_set1_epi32(m);
                  if constexpr (decltype(set)::value == 0) {
                      add(ra, rb, mv, a0, a1);
                      if constexpr (W == 32) add(ra + 16, rb + 16, mv, a2, a3);
                  } else {
                      add(ra, rb, mv, b0, b1);
                      if constexpr (W == 32) add(ra + 16, rb + 16, mv, b2, b3);
                  }
              });
    auto store = [acc, off](std::size_t j, __m256i x, __m256i y) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc + off + 8 * j), _mm256_add_epi32(x, y));
    };
    store(0, a0, b0);
    store(1, a1, b1);
    if constexpr (W == 32) {
        store(2, a2, b2);
        store(3, a3, b3);
    }
}

// 64 outputs, 512-bit: two rows' 32 bytes interleaved by vpunpck*bw, which
// works within 128-bit lanes, so each register of pairs holds outputs 0-7
// and 16-23 (lo) or 8-15 and 24-31 (hi) of its 32; the sums are put back in
// order once, at the end. Half the instructions of the 256-bit form per row,
// which pays on wide layers (hundreds of outputs, many rows).
template <class Index, class M>
inline void i32_block512(const std::int8_t* table, std::size_t stride, const Index* idx, const M* qx,
                         std::size_t count, std::size_t off, std::int32_t* acc) noexcept {
    __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    auto add = [](const std::int8_t* ra, const std::int8_t* rb, __m512i m, __m512i& lo, __m512i& hi) {
        const __m256i xa = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ra));
        const __m256i xb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rb));
        lo = _mm512_dpwssd_epi32(lo, _mm512_cvtepi8_epi16(_mm256_unpacklo_epi8(xa, xb)), m);
        hi = _mm512_dpwssd_epi32(hi, _mm512_cvtepi8_epi16(_mm256_unpackhi_epi8(xa, xb)), m);
    };
    pair_rows(table, stride, idx, qx, count, off,
              [&](const std::int8_t* ra, const std::int8_t* rb, std::int32_t m, auto set) {
                  const __m512i mv = _mm512_set1_epi32(m);
                  if constexpr (decltype(set)::value == 0) {
                      add(ra, rb, mv, a0, a1);
                      add(ra + 32, rb + 32, mv, a2, a3);
                  } else {
                      add(ra, rb, mv, b0, b1);
                      add(ra + 32, rb + 32, mv, b2, b3);
                  }
              });
    // vpermt2q rather than vshufi64x2, whose GCC 12 intrinsic trips
    // -Wuninitialized.
    const __m512i first = _mm512_set_epi64(11, 10, 9, 8, 3, 2, 1, 0);
    const __m512i second = _mm512_set_epi64(15, 14, 13, 12, 7, 6, 5, 4);
    auto store = [&](std::int32_t* p, __m512i lo, __m512i hi) {
        _mm512_storeu_si512(p, _mm512_permutex2var_epi64(lo, first, hi));
        _mm512_storeu_si512(p + 16, _mm512_permutex2var_epi64(lo, second, hi));
    };
    store(acc + off, _mm512_add_epi32(a0, b0), _mm512_add_epi32(a1, b1));
    store(acc + off + 32, _mm512_add_epi32(a2, b2), _mm512_add_epi32(a3, b3));
}

}  // namespace detail

/// Same contract as scalar::gather_i32; bit-identical results.
template <class Index, class M>
inline void gather_i32(const std::int8_t* table, std::size_t stride, const Index* idx, const M* qx,
                       std::size_t count, std::size_t padded, std::int32_t* acc) noexcept {
    tiny_ticket::quant::detail::for_blocks<64, 16>(padded, [&](auto w, std::size_t o) {
        constexpr std::size_t width = decltype(w)::value;
        if constexpr (width == 64) detail::i32_block512(table, stride, idx, qx, count, o, acc);
        else detail::i32_block256<width>(table, stride, idx, qx, count, o, acc);
    });
}

using avx2::gather_f;
using avx2::rowsum16_i32;
using avx2::rowsum_i32;

inline constexpr const char* name = "avx512vnni";

}  // namespace avx512vnni
#if defined(TINY_TICKET_QUANT_AVX512_TARGET)
#undef TINY_TICKET_QUANT_AVX512_TARGET
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif
#endif

/// The instruction sets the int8 kernels exist for, narrowest first.
enum class kernel_set { scalar, sse2, avx2, avx512vnni };

/// Every kernel set, narrowest first (for tests and reports).
inline constexpr kernel_set all_kernel_sets[] = {kernel_set::scalar, kernel_set::sse2, kernel_set::avx2,
                                                 kernel_set::avx512vnni};

/// The set's name: "scalar", "sse2", "avx2" or "avx512vnni".
inline const char* to_string(kernel_set k) noexcept {
    switch (k) {
        case kernel_set::scalar: return scalar::name;
        case kernel_set::sse2: return "sse2";
        case kernel_set::avx2: return "avx2";
        case kernel_set::avx512vnni: return "avx512vnni";
    }
    return "unknown";
}

/// True when this build holds code for `k` (x86-64 builds with GCC or Clang
/// hold every set; other targets the scalar reference only).
inline constexpr bool compiled(kernel_set k) noexcept {
    switch (k) {
        case kernel_set::scalar: return true;
#if defined(TINY_TICKET_QUANT_SSE2)
        case kernel_set::sse2: return true;
#endif
#if defined(TINY_TICKET_QUANT_AVX2)
        case kernel_set::avx2: return true;
#endif
#if defined(TINY_TICKET_QUANT_AVX512VNNI)
        case kernel_set::avx512vnni: return true;
#endif
        default: return false;
    }
}

/// True when this CPU runs the instructions of `k` (whether or not they are
/// compiled). Does not allocate.
inline bool cpu_supports(kernel_set k) noexcept {
    switch (k) {
        case kernel_set::scalar: return true;
#if defined(__x86_64__) || defined(_M_X64)
        case kernel_set::sse2: return true;
#if defined(__GNUC__)
        case kernel_set::avx2:
            __builtin_cpu_init();
            return __builtin_cpu_supports("avx2");
        case kernel_set::avx512vnni:
            __builtin_cpu_init();
            return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("avx512f") &&
                   __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
                   __builtin_cpu_supports("avx512vnni");
#endif
#endif
        default: return false;
    }
}

/// True when `k` can run here: compiled and supported by the CPU.
inline bool available(kernel_set k) noexcept { return compiled(k) && cpu_supports(k); }

/// The widest available kernel set, the one quantized networks use unless
/// told otherwise. Found on the first call; thread-safe.
inline kernel_set best_kernel_set() noexcept {
    static const kernel_set best = [] {
        kernel_set b = kernel_set::scalar;
        for (kernel_set k : all_kernel_sets)
            if (available(k)) b = k;
        return b;
    }();
    return best;
}

/// Name of best_kernel_set(), for version reports and logs.
inline const char* kernel_name() noexcept { return to_string(best_kernel_set()); }

// The overloads below run kernel set `k`'s version (the scalar reference when
// `k` is not compiled). Callers pass only available sets: a set the CPU lacks
// faults with an illegal instruction.
#define TINY_TICKET_QUANT_DISPATCH_TO(fn, ...)                                   \
    switch (k) {                                                                 \
        TINY_TICKET_QUANT_CASE_AVX512VNNI(fn, __VA_ARGS__)                       \
        TINY_TICKET_QUANT_CASE_AVX2(fn, __VA_ARGS__)                             \
        TINY_TICKET_QUANT_CASE_SSE2(fn, __VA_ARGS__)                             \
        default: scalar::fn(__VA_ARGS__);                                        \
    }
#if defined(TINY_TICKET_QUANT_AVX512VNNI)
#define TINY_TICKET_QUANT_CASE_AVX512VNNI(fn, ...) \
    case kernel_set::avx512vnni: avx512vnni::fn(__VA_ARGS__); return;
#else
#define TINY_TICKET_QUANT_CASE_AVX512VNNI(fn, ...)
#endif
#if defined(TINY_TICKET_QUANT_AVX2)
#define TINY_TICKET_QUANT_CASE_AVX2(fn, ...) \
    case kernel_set::avx2: avx2::fn(__VA_ARGS__); return;
#else
#define TINY_TICKET_QUANT_CASE_AVX2(fn, ...)
#endif
#if defined(TINY_TICKET_QUANT_SSE2)
#define TINY_TICKET_QUANT_CASE_SSE2(fn, ...) \
    case kernel_set::sse2: sse2::fn(__VA_ARGS__); return;
#else
#define TINY_TICKET_QUANT_CASE_SSE2(fn, ...)
#endif

/// scalar::gather_i32 run by kernel set `k`.
template <class Index, class M>
inline void gather_i32(kernel_set k, const std::int8_t* table, std::size_t stride, const Index* idx, const M* qx,
                       std::size_t count, std::size_t padded, std::int32_t* acc) noexcept {
    TINY_TICKET_QUANT_DISPATCH_TO(gather_i32, table, stride, idx, qx, count, padded, acc)
}

/// scalar::rowsum_i32 run by kernel set `k`.
template <class Index>
inline void rowsum_i32(kernel_set k, const std::int8_t* table, std::size_t stride, const Index* idx,
                       std::size_t count, std::size_t padded, std::int32_t* acc) noexcept {
    TINY_TICKET_QUANT_DISPATCH_TO(rowsum_i32, table, stride, idx, count, padded, acc)
}

/// scalar::rowsum16_i32 run by kernel set `k`.
template <class Index>
inline void rowsum16_i32(kernel_set k, const std::int16_t* table, std::size_t stride, const Index* idx,
                         std::size_t count, std::size_t padded, std::size_t chunk, std::int32_t* acc) noexcept {
    TINY_TICKET_QUANT_DISPATCH_TO(rowsum16_i32, table, stride, idx, count, padded, chunk, acc)
}

/// scalar::gather_f run by kernel set `k`.
template <class Index, class A>
inline void gather_f(kernel_set k, const std::int8_t* table, std::size_t stride, const Index* idx, const A* v,
                     std::size_t count, std::size_t padded, A* acc) noexcept {
    TINY_TICKET_QUANT_DISPATCH_TO(gather_f, table, stride, idx, v, count, padded, acc)
}

#undef TINY_TICKET_QUANT_DISPATCH_TO
#undef TINY_TICKET_QUANT_CASE_AVX512VNNI
#undef TINY_TICKET_QUANT_CASE_AVX2
#undef TINY_TICKET_QUANT_CASE_SSE2

}  // namespace tiny_ticket::quant
