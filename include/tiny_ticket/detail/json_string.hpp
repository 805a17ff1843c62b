// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

namespace tiny_ticket::detail {

/// Appends `s` as a JSON string literal (for code that writes JSON without
/// nlohmann/json: the synthetic corpus, training metrics). Quotes, backslashes and all control
/// characters are escaped (\n, \r, \t, \b, \f by name, the rest as \u00XX);
/// bytes >= 0x80 pass through, so valid UTF-8 stays valid UTF-8.
inline void append_json_string(std::string& out, std::string_view s) {
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 0xf];
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
}

}  // namespace tiny_ticket::detail
