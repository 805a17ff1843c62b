// SPDX-License-Identifier: MIT
#pragma once

// A small strict JSON reader for data lines (JSONL rows). Training code must
// not depend on nlohmann/json (only the artifact layer does), and rows need
// no more than a DOM of scalars, arrays and objects.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tiny_ticket::train {

/// One parsed JSON value. Numbers keep their source text (labels such as
/// `3` or `1.0` are compared as written, never rounded).
struct json_value {
    enum class kind { null, boolean, number, string, array, object };

    kind type = kind::null;
    bool boolean = false;
    /// String contents (unescaped UTF-8), or a number's source text.
    std::string text;
    std::vector<json_value> items;
    std::vector<std::pair<std::string, json_value>> members;

    /// Member `key` of an object (the last one when repeated), or nullptr.
    const json_value* find(std::string_view key) const noexcept {
        const json_value* r = nullptr;
        for (const auto& m : members)
            if (m.first == key) r = &m.second;
        return r;
    }

    /// Name of a kind for messages ("a string", "an object").
    static const char* describe(kind k) noexcept {
        switch (k) {
            case kind::null: return "null";
            case kind::boolean: return "a boolean";
            case kind::number: return "a number";
            case kind::string: return "a string";
            case kind::array: return "an array";
            case kind::object: return "an object";
        }
        return "a value";
    }
};

namespace detail {

class json_parser {
public:
    explicit json_parser(std::string_view s) : s_(s) {}

    bool parse(json_value& out, std::string& err) {
        skip_ws();
        if (!value(out, 0)) {
            err = err_;
            return false;
        }
        skip_ws();
        if (i_ != s_.size()) {
            err = "expected end of line after the JSON value, got '" + printable(s_[i_]) + "' at column " +
                  std::to_string(i_ + 1);
            return false;
        }
        return true;
    }

private:
    static constexpr int max_depth = 64;

    static std::string printable(char c) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f) return std::string(1, c);
        static const char* hex = "0123456789abcdef";
        return std::string("\\x") + hex[u >> 4] + hex[u & 15];
    }

    bool fail(const std::string& expected) {
        if (i_ >= s_.size()) err_ = "expected " + expected + ", got end of line";
        else err_ = "expected " + expected + ", got '" + printable(s_[i_]) + "' at column " + std::to_string(i_ + 1);
        return false;
    }

    void skip_ws() noexcept {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
    }

    bool literal(std::string_view word) {
        if (s_.compare(i_, word.size(), word) != 0) return fail("a JSON value");
        i_ += word.size();
        return true;
    }

    bool value(json_value& v, int depth) {
        if (depth > max_depth) return fail("at most 64 levels of nesting");
        if (i_ >= s_.size()) return fail("a JSON value");
        const char c = s_[i_];
        if (c == '{') return object(v, depth);
        if (c == '[') return array(v, depth);
        if (c == '"') {
            v.type = json_value::kind::string;
            return string(v.text);
        }
        if (c == 't') {
            v.type = json_value::kind::boolean;
            v.boolean = true;
            return literal("true");
        }
        if (c == 'f') {
            v.type = json_value::kind::boolean;
            v.boolean = false;
            return literal("false");
        }
        if (c == 'n') {
            v.type = json_value::kind::null;
            return literal("null");
        }
        if (c == '-' || (c >= '0' && c <= '9')) return number(v);
        return fail("a JSON value");
    }

    bool object(json_value& v, int depth) {
        v.type = json_value::kind::object;
        ++i_;
        skip_ws();
        if (i_ < s_.size() && s_[i_] == '}') {
            ++i_;
            return true;
        }
        for (;;) {
            skip_ws();
            if (i_ >= s_.size() || s_[i_] != '"') return fail("a quoted member name");
            std::string key;
            if (!string(key)) return false;
            skip_ws();
            if (i_ >= s_.size() || s_[i_] != ':') return fail("':'");
            ++i_;
            skip_ws();
            json_value child;
            if (!value(child, depth + 1)) return false;
            v.members.emplace_back(std::move(key), std::move(child));
            skip_ws();
            if (i_ < s_.size() && s_[i_] == ',') {
                ++i_;
                continue;
            }
            if (i_ < s_.size() && s_[i_] == '}') {
                ++i_;
                return true;
            }
            return fail("',' or '}'");
        }
    }

    bool array(json_value& v, int depth) {
        v.type = json_value::kind::array;
        ++i_;
        skip_ws();
        if (i_ < s_.size() && s_[i_] == ']') {
            ++i_;
            return true;
        }
        for (;;) {
            skip_ws();
            json_value child;
            if (!value(child, depth + 1)) return false;
            v.items.push_back(std::move(child));
            skip_ws();
            if (i_ < s_.size() && s_[i_] == ',') {
                ++i_;
                continue;
            }
            if (i_ < s_.size() && s_[i_] == ']') {
                ++i_;
                return true;
            }
            return fail("',' or ']'");
        }
    }

    bool number(json_value& v) {
        v.type = json_value::kind::number;
        const std::size_t start = i_;
        auto digits = [&] {
            const std::size_t b = i_;
            while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
            return i_ > b;
        };
        if (s_[i_] == '-') ++i_;
        if (i_ < s_.size() && s_[i_] == '0') ++i_;
        else if (!digits()) return fail("a digit");
        if (i_ < s_.size() && s_[i_] == '.') {
            ++i_;
            if (!digits()) return fail("a digit after '.'");
        }
        if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
            ++i_;
            if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
            if (!digits()) return fail("a digit in the exponent");
        }
        v.text.assign(s_.substr(start, i_ - start));
        return true;
    }

    static void put_utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }

    bool hex4(std::uint32_t& cp) {
        cp = 0;
        for (int k = 0; k < 4; ++k, ++i_) {
            if (i_ >= s_.size()) return fail("4 hex digits after \\u");
            const char c = s_[i_];
            cp <<= 4;
            if (c >= '0' && c <= '9') cp |= static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f') cp |= static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') cp |= static_cast<std::uint32_t>(c - 'A' + 10);
            else return fail("4 hex digits after \\u");
        }
        return true;
    }

    bool string(std::string& out) {
        out.clear();
        ++i_;  // opening quote
        for (;;) {
            if (i_ >= s_.size()) return fail("a closing '\"'");
            const char c = s_[i_];
            if (c == '"') {
                ++i_;
                return true;
            }
            if (static_cast<unsigned char>(c) < 0x20) return fail("an escaped control character in a string");
            if (c != '\\') {
                out.push_back(c);
                ++i_;
                continue;
            }
            ++i_;
            if (i_ >= s_.size()) return fail("an escape character");
            const char e = s_[i_++];
            switch (e) {
                case '"': out.push_back('"'); break;
                case '\\': out.push_back('\\'); break;
                case '/': out.push_back('/'); break;
                case 'b': out.push_back('\b'); break;
                case 'f': out.push_back('\f'); break;
                case 'n': out.push_back('\n'); break;
                case 'r': out.push_back('\r'); break;
                case 't': out.push_back('\t'); break;
                case 'u': {
                    std::uint32_t cp = 0;
                    if (!hex4(cp)) return false;
                    if (cp >= 0xD800 && cp < 0xDC00) {
                        std::uint32_t lo = 0;
                        if (s_.compare(i_, 2, "\\u") == 0) {
                            i_ += 2;
                            if (!hex4(lo)) return false;
                        }
                        if (lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        else cp = 0xFFFD;  // unpaired surrogate: keep going like lenient readers do
                    } else if (cp >= 0xDC00 && cp < 0xE000) {
                        cp = 0xFFFD;
                    }
                    put_utf8(out, cp);
                    break;
                }
                default: --i_; return fail("a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)");
            }
        }
    }

    std::string_view s_;
    std::size_t i_ = 0;
    std::string err_;
};

}  // namespace detail

/// Parses one complete JSON value from `text` into `out`. Returns false and
/// sets `error` ("expected X, got Y at column N") on malformed input. Never
/// throws except std::bad_alloc; nesting is limited to 64 levels.
inline bool parse_json_value(std::string_view text, json_value& out, std::string& error) {
    out = json_value{};
    return detail::json_parser(text).parse(out, error);
}

}  // namespace tiny_ticket::train
