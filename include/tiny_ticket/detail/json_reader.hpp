// SPDX-License-Identifier: MIT
#pragma once

// Part of the artifact layer: only artifact.hpp and compat/ include this.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "../error.hpp"
#include "base64.hpp"

namespace tiny_ticket {

/// Limits applied while loading an artifact, checked before any allocation
/// they guard, so a small hostile file cannot make the loader allocate
/// gigabytes. Defaults are far above any real ticket model.
struct load_options {
    std::size_t max_file_bytes = std::size_t(1) << 30;   ///< 1 GiB
    std::size_t max_tensor_elements = std::size_t(1) << 28;  ///< per weight tensor
    std::size_t max_vocab = std::size_t(1) << 22;        ///< entries per vocabulary
    std::size_t max_width = std::size_t(1) << 16;        ///< layer width / embedding dim
    std::size_t max_labels = 4096;                       ///< labels per head
    std::size_t max_heads = 256;
    std::size_t max_char_buckets = std::size_t(1) << 24;
    /// Run the artifact's self-test cases after loading.
    bool run_self_tests = true;
};

namespace detail {

using json = nlohmann::json;

inline const char* json_type(const json& j) noexcept {
    switch (j.type()) {
        case json::value_t::null: return "null";
        case json::value_t::object: return "an object";
        case json::value_t::array: return "an array";
        case json::value_t::string: return "a string";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "an integer";
        case json::value_t::number_float: return "a number";
        default: return "something else";
    }
}

[[noreturn]] inline void type_error(const json& j, const std::string& path, const char* expected) {
    throw artifact_error(errc::type, path, std::string("expected ") + expected + ", got " + json_type(j));
}

/// JSON-pointer escaping of one key (RFC 6901).
inline std::string pointer_key(std::string_view k) {
    std::string s;
    for (char c : k) {
        if (c == '~') s += "~0";
        else if (c == '/') s += "~1";
        else s += c;
    }
    return s;
}

inline const json& require_object(const json& j, const std::string& path) {
    if (!j.is_object()) type_error(j, path.empty() ? "/" : path, "an object");
    return j;
}

inline const json& field(const json& obj, const char* key, const std::string& path) {
    require_object(obj, path);
    auto it = obj.find(key);
    if (it == obj.end())
        throw artifact_error(errc::missing_field, path + "/" + key, "expected this field, found none");
    return *it;
}

inline const json* optional_field(const json& obj, const char* key, const std::string& path) {
    require_object(obj, path);
    auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
}

inline std::string get_string(const json& j, const std::string& path) {
    if (!j.is_string()) type_error(j, path, "a string");
    return j.get<std::string>();
}

inline bool get_bool(const json& j, const std::string& path) {
    if (!j.is_boolean()) type_error(j, path, "a boolean");
    return j.get<bool>();
}

inline double get_number(const json& j, const std::string& path) {
    if (!j.is_number()) type_error(j, path, "a number");
    return j.get<double>();
}

inline std::uint64_t get_uint(const json& j, const std::string& path, std::uint64_t max) {
    if (!j.is_number_integer() && !j.is_number_unsigned()) type_error(j, path, "a non-negative integer");
    if (j.is_number_integer() && j.get<std::int64_t>() < 0)
        throw artifact_error(errc::value, path, "expected a non-negative integer, got " + j.dump());
    const auto v = j.get<std::uint64_t>();
    if (v > max)
        throw artifact_error(errc::limit, path, "expected at most " + std::to_string(max) + ", got " + std::to_string(v));
    return v;
}

inline std::vector<std::string> get_strings(const json& j, const std::string& path, std::size_t max) {
    if (!j.is_array()) type_error(j, path, "an array of strings");
    if (j.size() > max)
        throw artifact_error(errc::limit, path, "expected at most " + std::to_string(max) + " entries, got " +
                                                    std::to_string(j.size()));
    std::vector<std::string> out;
    out.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i) out.push_back(get_string(j[i], path + "/" + std::to_string(i)));
    return out;
}

inline bool host_little_endian() noexcept {
    const std::uint16_t one = 1;
    unsigned char b;
    std::memcpy(&b, &one, 1);
    return b == 1;
}

template <class U>
U load_le(const unsigned char* p) noexcept {
    unsigned char tmp[sizeof(U)];
    std::memcpy(tmp, p, sizeof(U));
    if (!host_little_endian())
        for (std::size_t i = 0; i < sizeof(U) / 2; ++i) std::swap(tmp[i], tmp[sizeof(U) - 1 - i]);
    U v;
    std::memcpy(&v, tmp, sizeof(U));
    return v;
}

template <class U>
void store_le(std::string& out, U v) {
    unsigned char tmp[sizeof(U)];
    std::memcpy(tmp, &v, sizeof(U));
    if (!host_little_endian())
        for (std::size_t i = 0; i < sizeof(U) / 2; ++i) std::swap(tmp[i], tmp[sizeof(U) - 1 - i]);
    out.append(reinterpret_cast<const char*>(tmp), sizeof(U));
}

inline std::vector<unsigned char> decode_blob(const json& j, const std::string& path, std::size_t expected_bytes) {
    const std::string s = get_string(j, path);
    const long long n = base64_decoded_size(s);
    if (n < 0)
        throw artifact_error(errc::base64, path, "expected base64 text whose length is a multiple of 4, got " +
                                                     std::to_string(s.size()) + " characters");
    if (static_cast<std::size_t>(n) != expected_bytes)
        throw artifact_error(errc::shape, path, "expected " + std::to_string(expected_bytes) + " bytes, got " +
                                                    std::to_string(n));
    std::vector<unsigned char> bytes;
    std::size_t bad = 0;
    if (!base64_decode(s, bytes, bad))
        throw artifact_error(errc::base64, path, "expected base64 text, got an invalid character at offset " +
                                                     std::to_string(bad));
    return bytes;
}

/// Reads a weight tensor of exactly rows x cols values. Accepted forms: a
/// flat number array, an array of `rows` arrays of `cols` numbers, or an
/// object `{"dtype": "f32"|"f64"|"i8", "base64": ...}` (little-endian; i8
/// also has `scale`, one float per row, and means value = q * scale[row]).
template <class T>
std::vector<T> get_tensor(const json& j, const std::string& path, std::size_t rows, std::size_t cols,
                          const load_options& lim) {
    const std::size_t n = rows * cols;
    if (cols != 0 && (n / cols != rows || n > lim.max_tensor_elements))
        throw artifact_error(errc::limit, path, "expected at most " + std::to_string(lim.max_tensor_elements) +
                                                    " values, declared " + std::to_string(rows) + "x" +
                                                    std::to_string(cols));
    std::vector<T> out;
    auto number = [&](const json& v, const std::string& p) -> T {
        if (!v.is_number()) type_error(v, p, "a number");
        return static_cast<T>(v.get<double>());
    };
    if (j.is_array()) {
        const bool nested = !j.empty() && j[0].is_array();
        if (!nested) {
            if (j.size() != n)
                throw artifact_error(errc::shape, path, "expected " + std::to_string(rows) + "x" + std::to_string(cols) +
                                                            " values, got " + std::to_string(j.size()));
            out.reserve(n);
            for (std::size_t i = 0; i < n; ++i) out.push_back(number(j[i], path + "/" + std::to_string(i)));
            return out;
        }
        if (j.size() != rows)
            throw artifact_error(errc::shape, path, "expected " + std::to_string(rows) + " rows, got " +
                                                        std::to_string(j.size()));
        out.reserve(n);
        for (std::size_t r = 0; r < rows; ++r) {
            const json& row = j[r];
            const std::string rp = path + "/" + std::to_string(r);
            if (!row.is_array()) type_error(row, rp, "an array of numbers");
            if (row.size() != cols)
                throw artifact_error(errc::shape, rp, "expected " + std::to_string(cols) + " values, got " +
                                                          std::to_string(row.size()));
            for (std::size_t c = 0; c < cols; ++c) out.push_back(number(row[c], rp + "/" + std::to_string(c)));
        }
        return out;
    }
    if (!j.is_object()) type_error(j, path, "an array of numbers or a base64 tensor object");
    const std::string dtype = get_string(field(j, "dtype", path), path + "/dtype");
    if (const json* shape = optional_field(j, "shape", path)) {
        const std::string sp = path + "/shape";
        if (!shape->is_array()) type_error(*shape, sp, "an array of integers");
        std::size_t prod = 1;
        for (std::size_t i = 0; i < shape->size(); ++i)
            prod *= static_cast<std::size_t>(get_uint((*shape)[i], sp + "/" + std::to_string(i), lim.max_tensor_elements));
        if (prod != n)
            throw artifact_error(errc::shape, sp, "expected " + std::to_string(rows) + "x" + std::to_string(cols) +
                                                      ", got " + shape->dump());
    }
    const std::string bp = path + "/base64";
    out.resize(n);
    if (dtype == "f32" || dtype == "f64") {
        const std::size_t w = dtype == "f32" ? 4 : 8;
        const auto bytes = decode_blob(field(j, "base64", path), bp, n * w);
        for (std::size_t i = 0; i < n; ++i)
            out[i] = w == 4 ? static_cast<T>(load_le<float>(bytes.data() + 4 * i))
                            : static_cast<T>(load_le<double>(bytes.data() + 8 * i));
    } else if (dtype == "i8") {
        const auto bytes = decode_blob(field(j, "base64", path), bp, n);
        const std::vector<T> scale = get_tensor<T>(field(j, "scale", path), path + "/scale", rows, 1, lim);
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t c = 0; c < cols; ++c)
                out[r * cols + c] = static_cast<T>(static_cast<signed char>(bytes[r * cols + c])) * scale[r];
    } else {
        throw artifact_error(errc::value, path + "/dtype", "expected \"f32\", \"f64\" or \"i8\", got \"" + dtype + "\"");
    }
    return out;
}

}  // namespace detail
}  // namespace tiny_ticket
