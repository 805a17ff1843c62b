// SPDX-License-Identifier: MIT
#pragma once

// One weight tensor for both number formats (plain data, no kernels), so a
// model cannot hold a layer's weights twice or in two places: either values
// of the model's scalar type, or symmetric int8 with one float scale per row.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

namespace tiny_ticket {

/// What a tensor holds.
enum class dtype {
    floating,  ///< `values`, of the model's scalar type T
    int8,      ///< `q` and one `scale` per row: value(r, c) = q[r * cols + c] * scale[r]
};

/// A row-major `rows x cols` weight matrix (dense layer: `out x in`;
/// embedding table: `vocab x dim`), float or int8.
///
/// The float case reads like the std::vector<T> it replaced (size, operator[],
/// data, iterators, assign, resize, assignment from a vector) so code that
/// only ever sees float weights does not change. Those members touch
/// `values` only; the vector-style mutators also make the tensor float.
/// A float tensor's shape is its owner's (dense_spec in/out, embedding
/// vocab/dim): `rows`/`cols` are set by whoever knows them (the artifact
/// reader does) and are 0 after a vector-style change. An int8 tensor always carries
/// its shape, since at() and the int8 kernels need `cols`.
template <class T>
struct basic_tensor {
    /// The float element type.
    using value_type = T;
    /// Iterator over the float values.
    using iterator = typename std::vector<T>::iterator;
    /// Read-only iterator over the float values.
    using const_iterator = typename std::vector<T>::const_iterator;

    dtype type = dtype::floating;  ///< which of `values` or `q` holds the elements
    std::size_t rows = 0;  ///< 0 when the owner's shape applies (see above)
    std::size_t cols = 0;  ///< 0 when the owner's shape applies
    std::vector<T> values;       ///< floating: rows x cols
    std::vector<std::int8_t> q;  ///< int8: rows x cols, in [-127, 127]
    std::vector<float> scale;    ///< int8: one per row

    basic_tensor() = default;
    // Implicit on purpose: a tensor is what a std::vector<T> of weights was.
    /// A float tensor holding `v` (shape left to its owner).
    basic_tensor(std::vector<T> v) noexcept : values(std::move(v)) {}
    /// A float tensor holding `v` (shape left to its owner).
    basic_tensor(std::initializer_list<T> v) : values(v) {}

    /// A float tensor of the given shape.
    static basic_tensor floating(std::size_t r, std::size_t c, std::vector<T> v) {
        basic_tensor t(std::move(v));
        t.rows = r;
        t.cols = c;
        return t;
    }
    /// An int8 tensor from its values and per-row scales.
    static basic_tensor int8(std::size_t r, std::size_t c, std::vector<std::int8_t> values,
                             std::vector<float> scales) {
        basic_tensor t;
        t.type = dtype::int8;
        t.rows = r;
        t.cols = c;
        t.q = std::move(values);
        t.scale = std::move(scales);
        return t;
    }

    /// True when the elements are int8 (`q` and `scale`).
    bool is_int8() const noexcept { return type == dtype::int8; }
    /// True when the elements are `values`.
    bool is_floating() const noexcept { return type == dtype::floating; }

    /// Number of elements held, of either dtype.
    std::size_t size() const noexcept { return is_int8() ? q.size() : values.size(); }
    /// True when no element is held.
    bool empty() const noexcept { return size() == 0; }

    // Float access (as std::vector<T>).
    /// Float element `i` (float tensors only).
    T& operator[](std::size_t i) noexcept { return values[i]; }
    /// Float element `i` (float tensors only).
    const T& operator[](std::size_t i) const noexcept { return values[i]; }
    /// The float elements (float tensors only).
    T* data() noexcept { return values.data(); }
    /// The float elements (float tensors only).
    const T* data() const noexcept { return values.data(); }
    /// First float element.
    iterator begin() noexcept { return values.begin(); }
    /// Past the last float element.
    iterator end() noexcept { return values.end(); }
    /// First float element.
    const_iterator begin() const noexcept { return values.begin(); }
    /// Past the last float element.
    const_iterator end() const noexcept { return values.end(); }
    /// Float elements the storage holds without reallocating.
    std::size_t capacity() const noexcept { return values.capacity(); }
    /// The float elements as the vector a tensor replaces.
    operator const std::vector<T>&() const noexcept { return values; }

    /// Makes this a float tensor holding `v`; shape reset to 0 x 0.
    basic_tensor& operator=(std::vector<T> v) noexcept {
        make_floating();
        values = std::move(v);
        return *this;
    }
    /// Makes this a float tensor holding `v`; shape reset to 0 x 0.
    basic_tensor& operator=(std::initializer_list<T> v) {
        make_floating();
        values = v;
        return *this;
    }
    /// As std::vector::assign; the tensor becomes float, shape 0 x 0.
    void assign(std::size_t n, const T& x) {
        make_floating();
        values.assign(n, x);
    }
    /// As std::vector::assign; the tensor becomes float, shape 0 x 0.
    template <class It>
    void assign(It first, It last) {
        make_floating();
        values.assign(first, last);
    }
    /// As std::vector::resize; the tensor becomes float, shape 0 x 0.
    void resize(std::size_t n) {
        make_floating();
        values.resize(n);
    }
    /// As std::vector::resize; the tensor becomes float, shape 0 x 0.
    void resize(std::size_t n, const T& x) {
        make_floating();
        values.resize(n, x);
    }
    /// Reserves room for `n` float elements.
    void reserve(std::size_t n) { values.reserve(n); }
    /// Appends a float element; the tensor becomes float, shape 0 x 0.
    void push_back(const T& x) {
        make_floating();
        values.push_back(x);
    }
    /// As std::vector::insert; the tensor becomes float, shape 0 x 0.
    template <class It>
    iterator insert(const_iterator pos, It first, It last) {
        const auto i = pos - values.cbegin();
        make_floating();
        return values.insert(values.cbegin() + i, first, last);
    }
    /// Drops every element and the memory behind them; the tensor is an
    /// empty float one.
    void clear() noexcept {
        std::vector<T>().swap(values);
        std::vector<std::int8_t>().swap(q);
        std::vector<float>().swap(scale);
        type = dtype::floating;
        rows = cols = 0;
    }

    /// int8 value(r, c) as float.
    float at(std::size_t r, std::size_t c) const noexcept { return static_cast<float>(q[r * cols + c]) * scale[r]; }

    /// Bytes held (capacity, as resident memory sees it).
    std::size_t memory_bytes() const noexcept {
        return values.capacity() * sizeof(T) + q.capacity() + scale.capacity() * sizeof(float);
    }

    /// Same dtype and elements (int8: shape and scales too).
    friend bool operator==(const basic_tensor& a, const basic_tensor& b) {
        if (a.type != b.type) return false;
        // Float tensors compare as the vectors they replace: by values only.
        if (a.is_floating()) return a.values == b.values;
        return a.rows == b.rows && a.cols == b.cols && a.q == b.q && a.scale == b.scale;
    }
    /// Not operator==.
    friend bool operator!=(const basic_tensor& a, const basic_tensor& b) { return !(a == b); }

private:
    // A vector-style change leaves a float tensor whose shape is its owner's
    // (a stale rows/cols would contradict the new size).
    void make_floating() noexcept {
        rows = cols = 0;
        if (type == dtype::floating) return;
        type = dtype::floating;
        std::vector<std::int8_t>().swap(q);
        std::vector<float>().swap(scale);
    }
};

}  // namespace tiny_ticket
