// SPDX-License-Identifier: MIT
#pragma once

// 16-byte vectors of the compiler's vector extension (GCC, Clang): SSE2 on
// baseline x86-64, NEON on AArch64, with no target-specific intrinsics and
// no build flags. Spelled out where the auto-vectorizer is unreliable at -O2
// (it keeps wide accumulator arrays in memory and branches on ReLU). Other
// compilers take the plain loops next to every use.

#include <cstdint>
#include <type_traits>

namespace tiny_ticket::nn::detail {

#if defined(__GNUC__)
template <class T>
struct vec16 {};
template <>
struct vec16<float> {
    typedef float type __attribute__((vector_size(16)));
    typedef std::int32_t mask __attribute__((vector_size(16)));
};
template <>
struct vec16<double> {
    typedef double type __attribute__((vector_size(16)));
    typedef std::int64_t mask __attribute__((vector_size(16)));
};
// The row gathers of dense.hpp use the widest vectors the build targets:
// 32 bytes when it targets AVX (e.g. -mavx2 or -march=native), otherwise 16.
#if defined(__AVX__)
template <class T>
struct vec_wide {};
template <>
struct vec_wide<float> {
    typedef float type __attribute__((vector_size(32)));
};
template <>
struct vec_wide<double> {
    typedef double type __attribute__((vector_size(32)));
};
#else
template <class T>
struct vec_wide : vec16<T> {};
#endif
template <class T, class = void>
struct has_vec16 : std::false_type {};
template <class T>
struct has_vec16<T, std::void_t<typename vec16<T>::type>> : std::true_type {};
#endif

}  // namespace tiny_ticket::nn::detail
