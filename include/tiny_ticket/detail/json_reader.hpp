// SPDX-License-Identifier: MIT
#pragma once

// Part of the artifact layer: only artifact.hpp and compat/ include this.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "../error.hpp"
#include "../load_options.hpp"
#include "../quant/format.hpp"
#include "../tensor.hpp"
#include "base64.hpp"

namespace tiny_ticket {

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

/// Base64 payloads of weight tensors cut out of an artifact's text before
/// the DOM parse (see cut_blobs): views into that text.
struct blob_table {
    std::vector<std::string_view> blobs;
};

inline const blob_table*& active_blobs() noexcept {
    thread_local const blob_table* table = nullptr;
    return table;
}

/// Makes `t` the table that get_string and decode_blob resolve cut blobs
/// against, on this thread, until the scope ends.
class blob_scope {
public:
    explicit blob_scope(const blob_table& t) noexcept : prev_(active_blobs()) { active_blobs() = &t; }
    ~blob_scope() { active_blobs() = prev_; }
    blob_scope(const blob_scope&) = delete;
    blob_scope& operator=(const blob_scope&) = delete;

private:
    const blob_table* prev_;
};

// A cut blob stands in the DOM as the string "\u0001<index>". cut_blobs cuts
// nothing from a text that spells \u0001 itself, so a file cannot forge one.
inline constexpr char blob_mark = '\x01';

/// The text a DOM string stands for: itself, or the cut blob it names.
inline std::string_view resolve_blob(const std::string& s) noexcept {
    const blob_table* t = active_blobs();
    if (!t || s.size() < 2 || s[0] != blob_mark) return s;
    std::size_t i = 0;
    for (std::size_t k = 1; k < s.size(); ++k) {
        if (s[k] < '0' || s[k] > '9') return s;
        i = i * 10 + static_cast<std::size_t>(s[k] - '0');
        if (i >= t->blobs.size()) return s;
    }
    return t->blobs[i];
}

inline std::string get_string(const json& j, const std::string& path) {
    if (!j.is_string()) type_error(j, path, "a string");
    return std::string(resolve_blob(j.get_ref<const std::string&>()));
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
    if (!j.is_number_unsigned() && j.get<std::int64_t>() < 0)
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

/// The base64 text of a blob whose decoded length is checked to be
/// `expected_bytes`; throws otherwise.
inline std::string_view checked_blob(const json& j, const std::string& path, std::size_t expected_bytes) {
    if (!j.is_string()) type_error(j, path, "a string");
    const std::string_view s = resolve_blob(j.get_ref<const std::string&>());
    const long long n = base64_decoded_size(s);
    if (n < 0)
        throw artifact_error(errc::base64, path, "expected base64 text whose length is a multiple of 4, got " +
                                                     std::to_string(s.size()) + " characters");
    if (static_cast<std::size_t>(n) != expected_bytes)
        throw artifact_error(errc::shape, path, "expected " + std::to_string(expected_bytes) + " bytes, got " +
                                                    std::to_string(n));
    return s;
}

/// Decodes a blob from checked_blob() into `dst` (`expected_bytes` long).
inline void decode_checked_blob(std::string_view s, const std::string& path, unsigned char* dst) {
    std::size_t bad = 0;
    if (!base64_decode_into(s, dst, bad))
        throw artifact_error(errc::base64, path, "expected base64 text, got an invalid character at offset " +
                                                     std::to_string(bad));
}

inline std::vector<unsigned char> decode_blob(const json& j, const std::string& path, std::size_t expected_bytes) {
    const std::string_view s = checked_blob(j, path, expected_bytes);
    std::vector<unsigned char> bytes(expected_bytes);
    decode_checked_blob(s, path, bytes.data());
    return bytes;
}

/// Throws errc::limit when JSON `text` nests arrays/objects deeper than
/// `max_depth`. A linear scan of the raw bytes that skips string contents;
/// malformed text is left for the parser to reject.
inline void check_json_depth(std::string_view text, std::size_t max_depth) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth)
                throw artifact_error(errc::limit, "", "expected JSON nested at most " + std::to_string(max_depth) +
                                                          " levels deep, got deeper at byte " + std::to_string(i));
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
}

/// Throws like check_json_depth, and in the same scan cuts long string values
/// of "base64" keys out of `text`: the DOM parser copies strings a byte at a
/// time, which made weight blobs most of an artifact's load time. Returns the
/// text to parse instead (empty: parse `text` itself) and fills `t` with views
/// into `text`, which must outlive the parsed DOM's use. Nothing under the
/// top-level "metrics" (free-form, kept verbatim) is cut, nor any string with
/// escapes. Allocates.
inline std::string cut_blobs(std::string_view text, std::size_t max_depth, blob_table& t) {
    constexpr std::size_t min_blob = 1024;
    std::vector<std::pair<std::size_t, std::size_t>> cuts;  // opening and closing quote
    const char* const b = text.data();
    const std::size_t n = text.size();
    auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
    std::size_t depth = 0, removed = 0;
    bool forged = false, base64_value = false, in_metrics = false;
    for (std::size_t i = 0; i < n;) {
        const char c = text[i];
        if (c != '"') {
            if (c == '[' || c == '{') {
                if (++depth > max_depth)
                    throw artifact_error(errc::limit, "", "expected JSON nested at most " + std::to_string(max_depth) +
                                                              " levels deep, got deeper at byte " + std::to_string(i));
            } else if ((c == ']' || c == '}') && depth > 0) {
                --depth;
            }
            if (!space(c)) base64_value = false;
            ++i;
            continue;
        }
        const std::size_t open = i;
        std::size_t close = i + 1;
        bool escaped = false;
        while (close < n) {
            const void* q = std::memchr(b + close, '"', n - close);
            const std::size_t end = q ? static_cast<std::size_t>(static_cast<const char*>(q) - b) : n;
            const void* bs = std::memchr(b + close, '\\', end - close);
            if (!bs) {
                close = end;
                break;
            }
            escaped = true;
            const auto e = static_cast<std::size_t>(static_cast<const char*>(bs) - b);
            if (text.compare(e, 6, "\\u0001") == 0) forged = true;
            close = e + 2;
        }
        if (close >= n) break;  // unterminated: the parser reports it
        const std::string_view s = text.substr(open + 1, close - open - 1);
        std::size_t k = close + 1;
        while (k < n && space(text[k])) ++k;
        if (k < n && text[k] == ':') {
            if (depth == 1) in_metrics = escaped || s == "metrics";
            base64_value = !escaped && s == "base64";
            i = k + 1;
            continue;
        }
        if (base64_value && !escaped && !in_metrics && s.size() >= min_blob) {
            // Only printable ASCII: anything else (control bytes, bad UTF-8)
            // must still reach the parser, which rejects or checks it.
            unsigned bad = 0;
            for (const char ch : s) bad |= static_cast<unsigned char>(ch - 0x20) >= 0x5F;
            if (!bad) {
                cuts.emplace_back(open, close);
                removed += s.size();
            }
        }
        base64_value = false;
        i = close + 1;
    }
    if (forged || cuts.empty()) return {};
    std::string out;
    out.reserve(n - removed + cuts.size() * 16);
    std::size_t pos = 0;
    t.blobs.clear();
    for (const auto& [open, close] : cuts) {
        out.append(b + pos, open + 1 - pos);
        out += "\\u0001";
        out += std::to_string(t.blobs.size());
        t.blobs.push_back(text.substr(open + 1, close - open - 1));
        pos = close;
    }
    out.append(b + pos, n - pos);
    return out;
}

/// A placeholder token (`<url>`, `<num>`...): empty, or one word of letters
/// and '_' optionally wrapped in '<' '>', at most `max_replacement_bytes`.
/// The later normalizer stages cannot fire inside such a token (no digits,
/// '@', '&' or spaces), so hostile tokens cannot multiply each other.
inline std::string get_placeholder(const json& j, const std::string& path, const load_options& lim) {
    const std::string s = get_string(j, path);
    std::size_t b = 0, e = s.size();
    while (b < e && s[b] == ' ') ++b;
    while (e > b && s[e - 1] == ' ') --e;
    if (b == e) return s;
    if (e - b > lim.max_replacement_bytes)
        throw artifact_error(errc::limit, path, "expected at most " + std::to_string(lim.max_replacement_bytes) +
                                                    " bytes, got " + std::to_string(e - b));
    if (s[b] == '<' && e - b >= 2 && s[e - 1] == '>') ++b, --e;
    bool ok = b < e;
    for (std::size_t i = b; ok && i < e; ++i) {
        const char c = s[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }
    if (!ok)
        throw artifact_error(errc::value, path, "expected a placeholder of letters or '_', optionally in '<' '>', got \"" +
                                                    s + "\"");
    return s;
}

/// Checks keyword phrases (`keywords` true: unique, printable ASCII, words
/// split on spaces) or lexicon keys (words end at a non-word byte) against
/// the phrase limits. Bounds per-byte matching work in predict: at most
/// `max_phrase_bytes` distinct phrases can end at one position, and at most
/// `max_phrases_per_word` are tried at one word.
inline void check_phrases(const std::vector<std::string>& phrases, const std::string& path, const load_options& lim,
                          bool keywords) {
    if (phrases.size() > lim.max_phrases)
        throw artifact_error(errc::limit, path, "expected at most " + std::to_string(lim.max_phrases) + " entries, got " +
                                                    std::to_string(phrases.size()));
    std::unordered_map<std::string_view, std::size_t> per_word, seen;
    for (std::size_t i = 0; i < phrases.size(); ++i) {
        const std::string& ph = phrases[i];
        const std::string ip = path + "/" + (keywords ? std::to_string(i) : pointer_key(ph));
        if (ph.size() > lim.max_phrase_bytes)
            throw artifact_error(errc::limit, ip, "expected at most " + std::to_string(lim.max_phrase_bytes) +
                                                      " bytes, got " + std::to_string(ph.size()));
        std::size_t b = 0, e = 0;
        if (keywords) {
            for (char c : ph)
                if (c < 0x20 || c > 0x7e)
                    throw artifact_error(errc::value, ip, "expected printable ASCII (normalized text holds nothing else), got byte " +
                                                              std::to_string(static_cast<unsigned char>(c)));
            if (!seen.emplace(ph, i).second)
                throw artifact_error(errc::value, ip, "expected unique phrases, got a second \"" + ph + "\"");
            while (b < ph.size() && ph[b] == ' ') ++b;
            e = ph.find(' ', b);
            if (e == std::string::npos) e = ph.size();
        } else {
            auto word = [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            };
            while (e < ph.size() && word(ph[e])) ++e;
        }
        if (++per_word[std::string_view(ph).substr(b, e - b)] > lim.max_phrases_per_word)
            throw artifact_error(errc::limit, ip, "expected at most " + std::to_string(lim.max_phrases_per_word) +
                                                      " entries starting with \"" + ph.substr(b, e - b) + "\", got more");
    }
}

/// A lexicon replacement, at most `max_replacement_bytes` long.
inline std::string get_replacement(const json& j, const std::string& path, const load_options& lim) {
    std::string s = get_string(j, path);
    if (s.size() > lim.max_replacement_bytes)
        throw artifact_error(errc::limit, path, "expected at most " + std::to_string(lim.max_replacement_bytes) +
                                                    " bytes, got " + std::to_string(s.size()));
    return s;
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
    // Element paths are built only to throw: a string per element would cost
    // more than parsing the file (a tensor can hold 10^5 values).
    auto at = [&path](std::size_t i) { return path + "/" + std::to_string(i); };
    auto number = [](const json& v, auto&& where) -> T {
        if (!v.is_number()) type_error(v, where(), "a number");
        return static_cast<T>(v.get<double>());
    };
    if (j.is_array()) {
        const bool nested = !j.empty() && j[0].is_array();
        if (!nested) {
            if (j.size() != n)
                throw artifact_error(errc::shape, path, "expected " + std::to_string(rows) + "x" + std::to_string(cols) +
                                                            " values, got " + std::to_string(j.size()));
            out.reserve(n);
            for (std::size_t i = 0; i < n; ++i) out.push_back(number(j[i], [&] { return at(i); }));
            return out;
        }
        if (j.size() != rows)
            throw artifact_error(errc::shape, path, "expected " + std::to_string(rows) + " rows, got " +
                                                        std::to_string(j.size()));
        // Every row is checked before reserving rows x cols: one long row
        // among empty ones must not buy an allocation the file cannot fill.
        for (std::size_t r = 0; r < rows; ++r) {
            const json& row = j[r];
            if (!row.is_array()) type_error(row, at(r), "an array of numbers");
            if (row.size() != cols)
                throw artifact_error(errc::shape, at(r), "expected " + std::to_string(cols) + " values, got " +
                                                             std::to_string(row.size()));
        }
        out.reserve(n);
        for (std::size_t r = 0; r < rows; ++r) {
            const json& row = j[r];
            for (std::size_t c = 0; c < cols; ++c)
                out.push_back(number(row[c], [&] { return at(r) + "/" + std::to_string(c); }));
        }
        return out;
    }
    if (!j.is_object()) type_error(j, path, "an array of numbers or a base64 tensor object");
    const std::string dtype = get_string(field(j, "dtype", path), path + "/dtype");
    if (const json* shape = optional_field(j, "shape", path)) {
        const std::string sp = path + "/shape";
        if (!shape->is_array()) type_error(*shape, sp, "an array of integers");
        std::size_t prod = 1;
        for (std::size_t i = 0; i < shape->size(); ++i) {
            const auto d = static_cast<std::size_t>(get_uint((*shape)[i], sp + "/" + std::to_string(i), lim.max_tensor_elements));
            // Capped so a long shape cannot wrap around to the expected count.
            prod = d != 0 && prod > lim.max_tensor_elements / d ? lim.max_tensor_elements + 1 : prod * d;
        }
        if (prod != n)
            throw artifact_error(errc::shape, sp, "expected " + std::to_string(rows) + "x" + std::to_string(cols) +
                                                      ", got " + shape->dump());
    }
    const std::string bp = path + "/base64";
    // `out` is sized only after decode_blob has matched the blob's length to
    // the declared size: a declared size alone never buys an allocation.
    if (dtype == "f32" || dtype == "f64") {
        const std::size_t w = dtype == "f32" ? 4 : 8;
        if (w == sizeof(T) && host_little_endian()) {
            // The blob is the vector's own byte image: decoded in place, with
            // no intermediate buffer (the first layer is megabytes).
            const std::string_view s = checked_blob(field(j, "base64", path), bp, n * w);
            out.resize(n);
            decode_checked_blob(s, bp, reinterpret_cast<unsigned char*>(out.data()));
            return out;
        }
        const auto bytes = decode_blob(field(j, "base64", path), bp, n * w);
        out.resize(n);
        for (std::size_t i = 0; i < n; ++i)
            out[i] = w == 4 ? static_cast<T>(load_le<float>(bytes.data() + 4 * i))
                            : static_cast<T>(load_le<double>(bytes.data() + 8 * i));
    } else if (dtype == "i8") {
        const auto bytes = decode_blob(field(j, "base64", path), bp, n);
        const std::vector<T> scale = get_tensor<T>(field(j, "scale", path), path + "/scale", rows, 1, lim);
        out.resize(n);
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t c = 0; c < cols; ++c)
                out[r * cols + c] = static_cast<T>(static_cast<signed char>(bytes[r * cols + c])) * scale[r];
    } else {
        throw artifact_error(errc::value, path + "/dtype", "expected \"f32\", \"f64\" or \"i8\", got \"" + dtype + "\"");
    }
    return out;
}

/// Reads an int8 tensor of a quantized artifact as int8 without a float
/// copy: `{"dtype": "i8", "shape": [rows, cols], "base64": ..., "scale": <tensor
/// of rows floats>}`, values in [-127, 127].
template <class T>
basic_tensor<T> get_int8_tensor(const json& j, const std::string& path, std::size_t rows, std::size_t cols,
                                const load_options& lim) {
    const std::size_t n = rows * cols;
    if (cols != 0 && (n / cols != rows || n > lim.max_tensor_elements))
        throw artifact_error(errc::limit, path, "expected at most " + std::to_string(lim.max_tensor_elements) +
                                                    " values, declared " + std::to_string(rows) + "x" +
                                                    std::to_string(cols));
    if (!j.is_object()) type_error(j, path, "an int8 tensor object (a quantized artifact has no float weights)");
    const std::string dtype = get_string(field(j, "dtype", path), path + "/dtype");
    if (dtype != "i8")
        throw artifact_error(errc::value, path + "/dtype", "expected \"i8\" in a quantized artifact, got \"" + dtype + "\"");
    if (const json* shape = optional_field(j, "shape", path)) {
        const std::string sp = path + "/shape";
        if (!shape->is_array() || shape->size() != 2) type_error(*shape, sp, "an array of 2 integers");
        const auto r = get_uint((*shape)[0], sp + "/0", lim.max_tensor_elements);
        const auto c = get_uint((*shape)[1], sp + "/1", lim.max_tensor_elements);
        if (r != rows || c != cols)
            throw artifact_error(errc::shape, sp, "expected [" + std::to_string(rows) + ", " + std::to_string(cols) +
                                                      "], got " + shape->dump());
    }
    const std::string bp = path + "/base64";
    const auto bytes = decode_blob(field(j, "base64", path), bp, n);
    basic_tensor<T> out;
    out.type = dtype::int8;
    out.rows = rows;
    out.cols = cols;
    out.scale = get_tensor<float>(field(j, "scale", path), path + "/scale", rows, 1, lim);
    out.q.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        out.q[i] = static_cast<std::int8_t>(static_cast<signed char>(bytes[i]));
        if (out.q[i] == -128)
            throw artifact_error(errc::value, bp, "expected int8 values in [-127, 127], got -128 at index " + std::to_string(i));
    }
    for (std::size_t r = 0; r < rows; ++r)
        if (!std::isfinite(out.scale[r]))
            throw artifact_error(errc::value, path + "/scale/" + std::to_string(r), "expected a finite number, got " +
                                                                                       std::to_string(out.scale[r]));
    return out;
}

}  // namespace detail
}  // namespace tiny_ticket
