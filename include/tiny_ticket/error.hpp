// SPDX-License-Identifier: MIT
#pragma once

#include <stdexcept>
#include <string>

namespace tiny_ticket {

/// What went wrong, machine-readable. Stable across releases: codes are only added.
enum class errc {
    io,                 ///< file missing, unreadable, or not a regular file
    parse,              ///< not valid JSON / truncated
    missing_field,      ///< a required field is absent
    type,               ///< a field has the wrong JSON type
    shape,              ///< sizes disagree (weights vs. declared dimensions, labels vs. head width)
    value,              ///< a value is out of range, non-finite, duplicated or otherwise invalid
    version,            ///< unknown format or a newer version than this library reads
    base64,             ///< a base64 blob is malformed
    limit,              ///< a size limit was exceeded (protects against hostile files)
    self_test,          ///< the artifact's embedded self-test cases did not reproduce
    data,               ///< training/evaluation data is unusable
    argument,           ///< a caller passed an invalid argument
};

/// Short, stable name of a code, used as the bracketed prefix of messages.
inline const char* to_string(errc c) noexcept {
    switch (c) {
        case errc::io: return "io";
        case errc::parse: return "parse";
        case errc::missing_field: return "missing_field";
        case errc::type: return "type";
        case errc::shape: return "shape";
        case errc::value: return "value";
        case errc::version: return "version";
        case errc::base64: return "base64";
        case errc::limit: return "limit";
        case errc::self_test: return "self_test";
        case errc::data: return "data";
        case errc::argument: return "argument";
    }
    return "unknown";
}

/// Base of every exception the library throws. Catch this one type.
class error : public std::runtime_error {
public:
    /// The message is `[tiny_ticket.<code>] <where>: <what>` (no `<where>: ` when `where` is empty).
    error(errc code, const std::string& where, const std::string& what)
        : std::runtime_error(format(code, where, what)), code_(code), where_(where), message_(what) {}

    /// The machine-readable code.
    errc code() const noexcept { return code_; }
    /// Where: a JSON pointer into an artifact (`/heads/2/weights`), or `file:line` for data.
    const std::string& where() const noexcept { return where_; }
    /// The bare description, without code and location.
    const std::string& message() const noexcept { return message_; }

private:
    static std::string format(errc code, const std::string& where, const std::string& what) {
        std::string s = "[tiny_ticket.";
        s += to_string(code);
        s += "] ";
        if (!where.empty()) {
            s += where;
            s += ": ";
        }
        s += what;
        return s;
    }

    errc code_;
    std::string where_;
    std::string message_;
};

/// A model artifact could not be loaded or saved. `where()` is a JSON pointer.
class artifact_error : public error {
public:
    using error::error;
};

/// Training or evaluation data could not be read. `where()` is `file:line`.
class data_error : public error {
public:
    using error::error;
};

}  // namespace tiny_ticket
