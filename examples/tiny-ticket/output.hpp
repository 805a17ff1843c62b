// SPDX-License-Identifier: MIT
#pragma once

// The prediction output contract of `tiny-ticket predict`, the stream filter
// and the HTTP server, in one place: the output modes and formats, the JSON
// writer behind them, and the reader of `{"id", "text"}` input lines.
//
// The classifier costs about 2 us a ticket, so building an nlohmann DOM per
// line (and dumping it) would cost more than classifying. The hot path here
// reads lines with nlohmann's SAX interface and writes JSON straight into a
// string; the DOM is only used for lines the fast path declines (extra keys,
// unusual ids) and for explanations, which are diagnostics.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tiny_ticket/tiny_ticket.hpp>

#include "cli.hpp"
#include "explain_json.hpp"

namespace cli {

/// What each head contributes to an output line.
/// full: `{"confidence", "label", "review", "scores": {label: p}}` (the historical
/// contract, keys and heads in name order); compact: `{"label", "confidence",
/// "review"}`; labels: the label string. compact and labels list heads in model order.
/// A head with an out-of-scope label (head_spec::out_of_scope) also gets
/// `"out_of_scope": true|false` in full and compact output (after "label" in
/// full, last in compact), and a `<head>.out_of_scope` column in compact tsv/csv;
/// other heads' output is unchanged.
enum class output_mode { full, compact, labels };
/// jsonl: one JSON object per line; tsv / csv: a header line, then `id` and one
/// column per head (compact adds `<head>.confidence` and `<head>.review`).
enum class output_format { jsonl, tsv, csv };

inline output_mode parse_output_mode(const std::string& s) {
    if (s == "full") return output_mode::full;
    if (s == "compact") return output_mode::compact;
    if (s == "labels") return output_mode::labels;
    throw usage_error("--output expects full, compact or labels, got \"" + s + "\"");
}

inline output_format parse_output_format(const std::string& s) {
    if (s == "jsonl") return output_format::jsonl;
    if (s == "tsv") return output_format::tsv;
    if (s == "csv") return output_format::csv;
    throw usage_error("--format expects jsonl, tsv or csv, got \"" + s + "\"");
}

/// A ticket's id as read from input: absent, a plain-text line number or JSON
/// integer (`text` holds its digits), a JSON string (`text` holds it decoded)
/// or any other JSON value (`text` holds it serialized).
struct ticket_id {
    enum class kind { none, number, string, json } type = kind::none;
    std::string text;

    void clear() {
        type = kind::none;
        text.clear();
    }
    void set_number(std::uint64_t n) {
        type = kind::number;
        char buf[24];
        text.assign(buf, std::to_chars(buf, buf + sizeof buf, n).ptr);
    }
    void set_number(std::int64_t n) {
        type = kind::number;
        char buf[24];
        text.assign(buf, std::to_chars(buf, buf + sizeof buf, n).ptr);
    }
    void set_json(const nlohmann::json& j);
};

/// Writes JSON as one line; invalid UTF-8 from the input is replaced, never fatal.
inline std::string dump_line(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline void ticket_id::set_json(const nlohmann::json& j) {
    if (j.is_string()) {
        type = kind::string;
        text = j.get<std::string>();
    } else if (j.is_number_unsigned()) {
        set_number(j.get<std::uint64_t>());
    } else if (j.is_number_integer()) {
        set_number(j.get<std::int64_t>());
    } else {
        type = kind::json;
        text = dump_line(j);
    }
}

namespace out_detail {

/// Appends `s` as a JSON string, byte for byte what nlohmann's dump() writes
/// (raw UTF-8, invalid bytes replaced). Printable ASCII is copied directly;
/// anything non-ASCII goes through nlohmann's serializer, which owns the UTF-8
/// validation rules (rare in ids and labels, never needed for numbers).
inline void append_json_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    for (unsigned char c : s)
        if (c >= 0x80) {
            out += dump_line(nlohmann::json(std::string(s)));
            return;
        }
    out += '"';
    std::size_t run = 0;  // start of the pending run of bytes that need no escape
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\t': out += "\\t"; break;
            case '\n': out += "\\n"; break;
            case '\f': out += "\\f"; break;
            case '\r': out += "\\r"; break;
            default:
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

inline const double* powers_of_ten() {
    static const auto table = [] {
        static double t[2 * 330 + 1];
        for (int i = -330; i <= 330; ++i) t[i + 330] = std::pow(10.0, i);
        return t;
    }();
    return table + 330;
}

/// Appends a probability as the historical contract prints it: rounded to 7
/// significant digits (float precision, so output is not padded with noise),
/// then written as nlohmann writes that double (shortest form, `1.0`, `1e-05`).
/// printf("%.7e") would give the same digits at ten times the cost; it is only
/// used where the fast rounding below could land on the wrong side of a tie.
inline void append_probability(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out += "null";  // what nlohmann writes for NaN and infinities
        return;
    }
    char buf[40];
    char* p = buf;
    if (std::signbit(v)) {
        *p++ = '-';
        v = -v;
    }
    if (v == 0) {
        std::memcpy(p, "0.0", 3);
        out.append(buf, static_cast<std::size_t>(p - buf) + 3);
        return;
    }
    const double* pow10 = powers_of_ten();
    int e = static_cast<int>(std::floor(std::log10(v)));
    if (e < -320 || e > 320) e = std::clamp(e, -320, 320);
    double scaled = v * pow10[6 - e];
    if (scaled >= 1e7) scaled = v * pow10[6 - ++e];
    else if (scaled < 1e6) scaled = v * pow10[6 - --e];
    double digits = std::nearbyint(scaled);  // ties to even, as printf rounds exact ties
    if (std::fabs(scaled - std::floor(scaled) - 0.5) < 1e-6 || !(scaled >= 1e6 && scaled < 1e7)) {
        char tmp[32];
        std::snprintf(tmp, sizeof tmp, "%.6e", v);  // d.dddddde±XX
        digits = 0;
        for (const char* q = tmp; *q != 'e'; ++q)
            if (*q != '.') digits = digits * 10 + (*q - '0');
        e = std::atoi(std::strchr(tmp, 'e') + 1);
    }
    if (digits >= 1e7) {
        digits /= 10;
        ++e;
    }
    auto d = static_cast<std::uint32_t>(digits);
    int len = 7;
    while (d % 10 == 0) {
        d /= 10;
        --len;
    }
    for (int i = len - 1; i >= 0; --i, d /= 10) p[i] = static_cast<char>('0' + d % 10);
    // nlohmann's own layout step, so the number reads exactly as dump() prints it.
    char* end = nlohmann::detail::dtoa_impl::format_buffer(p, len, e + 1 - len, -4,
                                                          std::numeric_limits<double>::digits10);
    out.append(buf, static_cast<std::size_t>(end - buf));
}

/// Appends a model score: float models as append_probability(), double models
/// in full (nlohmann's shortest round-trip form).
template <class T>
void append_score(std::string& out, T v) {
    if constexpr (sizeof(T) <= sizeof(float)) {
        append_probability(out, static_cast<double>(v));
    } else {
        if (!std::isfinite(static_cast<double>(v))) {
            out += "null";
            return;
        }
        char buf[40];
        out.append(buf, nlohmann::detail::to_chars(buf, buf + sizeof buf, static_cast<double>(v)));
    }
}

/// A TSV field: tab, newline, carriage return and backslash escaped as `\t`,
/// `\n`, `\r`, `\\` (the "linear TSV" convention), so every record is one line.
inline void append_tsv_field(std::string& out, std::string_view s) {
    for (char c : s) switch (c) {
            case '\t': out += "\\t"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\\': out += "\\\\"; break;
            default: out += c;
        }
}

/// A CSV field per RFC 4180: quoted (with doubled quotes) only when needed.
inline void append_csv_field(std::string& out, std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += s;
        return;
    }
    out += '"';
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

}  // namespace out_detail

/// Writes prediction lines in one output mode and format. Everything that
/// depends only on the model (escaped head names and labels, their sorted
/// order) is prepared once, so writing a line is appending bytes.
/// Immutable after construction: share one writer between threads.
class prediction_writer {
public:
    template <class T>
    prediction_writer(const tiny_ticket::basic_classifier<T>& clf, output_mode mode, output_format format)
        : mode_(mode), format_(format) {
        if (format != output_format::jsonl && mode == output_mode::full)
            throw usage_error("--output full needs --format jsonl (scores do not fit one column per head)");
        for (std::size_t h = 0; h < clf.num_heads(); ++h) {
            const auto& spec = clf.head(h);
            head_info info;
            info.name = std::string(std::string_view(spec.name));
            info.key = json_key(info.name);
            info.out_of_scope = spec.out_of_scope.has_value();
            for (const auto& l : spec.labels) {
                info.labels.emplace_back(std::string_view(l));
                info.label_json.push_back(json_string(info.labels.back()));
                info.label_key.push_back(json_key(info.labels.back()));
            }
            info.sorted.resize(info.labels.size());
            std::iota(info.sorted.begin(), info.sorted.end(), std::size_t{0});
            std::sort(info.sorted.begin(), info.sorted.end(),
                      [&](std::size_t a, std::size_t b) { return info.labels[a] < info.labels[b]; });
            heads_.push_back(std::move(info));
        }
        // nlohmann objects keep their keys sorted; the full mode keeps that order.
        by_name_.resize(heads_.size());
        std::iota(by_name_.begin(), by_name_.end(), std::size_t{0});
        std::sort(by_name_.begin(), by_name_.end(),
                  [&](std::size_t a, std::size_t b) { return heads_[a].name < heads_[b].name; });
    }

    output_mode mode() const noexcept { return mode_; }
    output_format format() const noexcept { return format_; }
    /// What a prediction must hold for this writer: labels output prints
    /// nothing the softmax would add.
    tiny_ticket::prediction_detail detail() const noexcept {
        return mode_ == output_mode::labels ? tiny_ticket::prediction_detail::labels : tiny_ticket::prediction_detail::full;
    }

    /// The header line of tsv and csv output; nothing for jsonl.
    void header(std::string& out) const {
        if (format_ == output_format::jsonl) return;
        const char sep = format_ == output_format::tsv ? '\t' : ',';
        field(out, "id");
        for (const auto& h : heads_) {
            out += sep;
            field(out, h.name);
            if (mode_ == output_mode::compact) {
                out += sep;
                field(out, h.name + ".confidence");
                out += sep;
                field(out, h.name + ".review");
                if (h.out_of_scope) {
                    out += sep;
                    field(out, h.name + ".out_of_scope");
                }
            }
        }
        out += '\n';
    }

    /// Appends one line (with its newline when `newline`) for prediction `p`
    /// of a ticket with `id`. `e`, when given, adds an "explain" object to
    /// every head (full jsonl only). `p` must come from the writer's model.
    template <class T>
    void write(std::string& out, const ticket_id& id, const tiny_ticket::basic_prediction<T>& p,
               const tiny_ticket::explanation* e = nullptr, bool newline = true) const {
        if (format_ != output_format::jsonl) return write_row(out, id, &p, newline);
        out += '{';
        bool first = write_id(out, id);
        if (mode_ == output_mode::full) {
            for (std::size_t hi : by_name_) {
                const head_info& info = heads_[hi];
                const auto& h = p.heads[hi];
                if (!first) out += ',';
                first = false;
                out += info.key;
                out += "{\"confidence\":";
                out_detail::append_score(out, h.confidence);
                if (e) append_explanation(out, info.name, *e);
                out += ",\"label\":";
                out += info.label_json[h.label_index];
                if (info.out_of_scope) out += h.out_of_scope ? ",\"out_of_scope\":true" : ",\"out_of_scope\":false";
                out += h.review ? ",\"review\":true,\"scores\":{" : ",\"review\":false,\"scores\":{";
                for (std::size_t k = 0; k < info.sorted.size(); ++k) {
                    if (k) out += ',';
                    out += info.label_key[info.sorted[k]];
                    out_detail::append_score(out, h.scores[info.sorted[k]]);
                }
                out += "}}";
            }
        } else {
            for (std::size_t hi = 0; hi < heads_.size(); ++hi) {
                const head_info& info = heads_[hi];
                const auto& h = p.heads[hi];
                if (!first) out += ',';
                first = false;
                out += info.key;
                if (mode_ == output_mode::labels) {
                    out += info.label_json[h.label_index];
                    continue;
                }
                out += "{\"label\":";
                out += info.label_json[h.label_index];
                out += ",\"confidence\":";
                out_detail::append_score(out, h.confidence);
                out += h.review ? ",\"review\":true" : ",\"review\":false";
                if (info.out_of_scope) out += h.out_of_scope ? ",\"out_of_scope\":true" : ",\"out_of_scope\":false";
                out += '}';
            }
        }
        out += '}';
        if (newline) out += '\n';
    }

    /// Appends the line of a ticket that could not be read: `{"id", "error"}`
    /// in jsonl, the id and empty columns in tsv and csv (so output line N still
    /// belongs to input line N; the message goes to stderr).
    void write_error(std::string& out, const ticket_id& id, std::string_view message, bool newline = true) const {
        if (format_ != output_format::jsonl) return write_row(out, id, static_cast<const tiny_ticket::prediction*>(nullptr), newline);
        out += '{';
        if (!write_id(out, id)) out += ',';
        out += "\"error\":";
        out_detail::append_json_string(out, message);
        out += '}';
        if (newline) out += '\n';
    }

private:
    struct head_info {
        std::string name, key;                 // key: `"name":`
        std::vector<std::string> labels;
        std::vector<std::string> label_json;   // `"label"`
        std::vector<std::string> label_key;    // `"label":`
        std::vector<std::size_t> sorted;       // label indices in name order
        bool out_of_scope = false;             // the head has an out-of-scope label
    };

    static std::string json_string(std::string_view s) {
        std::string r;
        out_detail::append_json_string(r, s);
        return r;
    }
    static std::string json_key(std::string_view s) { return json_string(s) + ':'; }

    /// Writes `"id":...` when there is an id; returns true when nothing was written.
    static bool write_id(std::string& out, const ticket_id& id) {
        switch (id.type) {
            case ticket_id::kind::none: return true;
            case ticket_id::kind::string:
                out += "\"id\":";
                out_detail::append_json_string(out, id.text);
                return false;
            default:
                out += "\"id\":";
                out += id.text;
                return false;
        }
    }

    void field(std::string& out, std::string_view s) const {
        if (format_ == output_format::tsv) out_detail::append_tsv_field(out, s);
        else out_detail::append_csv_field(out, s);
    }

    template <class T>
    void write_row(std::string& out, const ticket_id& id, const tiny_ticket::basic_prediction<T>* p, bool newline) const {
        const char sep = format_ == output_format::tsv ? '\t' : ',';
        field(out, id.text);
        for (std::size_t hi = 0; hi < heads_.size(); ++hi) {
            out += sep;
            if (p) field(out, heads_[hi].labels[p->heads[hi].label_index]);
            if (mode_ != output_mode::compact) continue;
            out += sep;
            if (p) out_detail::append_score(out, p->heads[hi].confidence);
            out += sep;
            if (p) out += p->heads[hi].review ? "true" : "false";
            if (!heads_[hi].out_of_scope) continue;
            out += sep;
            if (p) out += p->heads[hi].out_of_scope ? "true" : "false";
        }
        if (newline) out += '\n';
    }

    static void append_explanation(std::string& out, const std::string& head, const tiny_ticket::explanation& e) {
        for (const auto& h : e.heads)
            if (std::string_view(h.head) == head) {
                out += ",\"explain\":";
                out += dump_line(explain_json(h));
                return;
            }
    }

    output_mode mode_;
    output_format format_;
    std::vector<head_info> heads_;
    std::vector<std::size_t> by_name_;
};

/// One input ticket: a text to classify with its id, or an error to report.
struct ticket {
    std::string text;
    ticket_id id;
    std::string error;  // empty when the ticket is valid
};

namespace out_detail {

/// SAX handler for the common line shape: one object with a string "text"
/// and an optional string or integer "id", nothing else. Anything else makes
/// it decline (returning false stops the parse), and the caller falls back to
/// the DOM, which handles every shape and reports errors.
struct line_sax {
    ticket* t = nullptr;
    int depth = 0;
    enum class field { none, id, text } current = field::none;
    bool has_id = false, has_text = false, declined = false;

    bool decline() {
        declined = true;
        return false;
    }
    bool null() { return decline(); }
    bool boolean(bool) { return decline(); }
    bool number_integer(std::int64_t v) {
        if (current != field::id) return decline();
        t->id.set_number(v);
        return true;
    }
    bool number_unsigned(std::uint64_t v) {
        if (current != field::id) return decline();
        t->id.set_number(v);
        return true;
    }
    bool number_float(double, const std::string&) { return decline(); }
    bool string(std::string& s) {
        if (current == field::text) t->text.swap(s);
        else if (current == field::id) {
            t->id.type = ticket_id::kind::string;
            t->id.text.swap(s);
        } else return decline();
        return true;
    }
    bool binary(nlohmann::json::binary_t&) { return decline(); }
    bool start_object(std::size_t) { return depth++ == 0 ? true : decline(); }
    bool end_object() {
        --depth;
        return true;
    }
    bool start_array(std::size_t) { return decline(); }
    bool end_array() { return decline(); }
    bool key(std::string& k) {
        if (k == "text" && !has_text) {
            has_text = true;
            current = field::text;
        } else if (k == "id" && !has_id) {
            has_id = true;
            current = field::id;
        } else {
            return decline();
        }
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }
};

}  // namespace out_detail

/// Reads one input line (without its newline) into `t`: a JSON object with
/// "text" and an optional "id" (any JSON value), or plain text, which gets its
/// 1-based line number as id. `where` prefixes error messages.
inline void read_ticket(std::string_view line, std::size_t lineno, ticket& t) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    t.text.clear();
    t.id.clear();
    t.error.clear();
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] != '{') {
        t.text.assign(line);
        t.id.set_number(static_cast<std::uint64_t>(lineno));
        return;
    }
    auto fail = [&](const char* what) { t.error = "stdin:" + std::to_string(lineno) + ": " + what; };
    out_detail::line_sax sax;
    sax.t = &t;
    if (nlohmann::json::sax_parse(line.begin(), line.end(), &sax)) {
        if (!sax.has_text) fail("expected a string field \"text\"");
        return;
    }
    t.text.clear();
    t.id.clear();
    const nlohmann::json in = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
    if (in.is_discarded() || !in.is_object()) return fail("invalid JSON object");
    if (auto it = in.find("id"); it != in.end()) t.id.set_json(*it);
    auto text = in.find("text");
    if (text == in.end() || !text->is_string()) return fail("expected a string field \"text\"");
    t.text = text->get<std::string>();
}

}  // namespace cli
