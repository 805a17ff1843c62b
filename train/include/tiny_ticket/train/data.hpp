// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <tiny_ticket/error.hpp>

namespace tiny_ticket::train {

/// File format of a data file.
enum class data_format {
    automatic,  ///< by extension: `.csv` and `.tsv` are CSV, anything else JSONL
    jsonl,      ///< one JSON object per line
    csv,        ///< RFC 4180 with a header row
};

/// Renames or merges source labels: rows whose head `head` (or any head when
/// `head` is `"*"`) carries `from` get `to` instead; an empty `to` drops the
/// label (masked out of that head's loss).
struct label_mapping {
    std::string head = "*";
    std::string from;
    std::string to;
};

/// How rows are read from a data file.
struct read_options {
    data_format format = data_format::automatic;
    /// Field (JSONL key or CSV column) holding the ticket text.
    std::string text_field = "text";
    /// Several text fields (e.g. subject and body): when not empty, replaces
    /// `text_field`; the non-blank ones are joined with `text_separator`.
    std::vector<std::string> text_fields;
    std::string text_separator = "\n";
    /// Source field -> head name. Empty: every other field with a scalar value
    /// (string, integer, boolean) is a head of the same name.
    std::vector<std::pair<std::string, std::string>> columns;
    /// Fields never used as heads when `columns` is empty.
    std::vector<std::string> ignore = {"id"};
    /// When `columns` is empty: a field whose values look like identifiers,
    /// dates, e-mail addresses or free text is not a head (one warning each;
    /// see detail::id_like_reason).
    bool skip_id_like = true;
    /// Rows need no label (texts to classify): no heads are read at all.
    bool text_only = false;
    /// Field copied into labelled_text::id (never a head); empty: none.
    std::string id_field;
    /// A `columns` entry absent from a CSV header is skipped instead of
    /// being an error (a stored mapping applied to another file).
    bool columns_optional = false;
    /// Applied in order, after `columns`; see label_mapping.
    std::vector<label_mapping> labels;
    /// CSV field separator (`.tsv` files default to tab when this is ',').
    char delimiter = ',';
};

/// One text with the labels it carries, any subset of the heads.
struct labelled_text {
    std::string text;
    /// (head, label) pairs, at most one per head, in field order.
    std::vector<std::pair<std::string, std::string>> labels;
    /// `file:line` of the row's first line.
    std::string where;
    /// Line of the row's first line in its file.
    std::size_t line = 0;
    /// The value of read_options::id_field ("" when not asked for or absent).
    std::string id;

    /// The label of `head`, or nullptr when the row does not carry one.
    const std::string* label(std::string_view head) const noexcept {
        for (const auto& kv : labels)
            if (kv.first == head) return &kv.second;
        return nullptr;
    }
};

/// A row that was skipped or a value that was ignored, for the caller to show.
struct data_warning {
    std::string where;  ///< `file:line`
    std::string message;
};

/// Rows read from one or more files, plus what was skipped on the way.
struct dataset {
    std::vector<labelled_text> rows;
    std::vector<data_warning> warnings;
    /// Every source field seen (CSV header columns, JSONL keys), first-seen order.
    std::vector<std::string> fields;
    /// The text fields used, in joining order.
    std::vector<std::string> text_fields;
    /// Source field -> head, for the fields that became heads.
    std::vector<std::pair<std::string, std::string>> head_fields;
    /// Fields left out as identifier-, date-, e-mail- or free-text-like.
    std::vector<std::string> ignored_fields;
};

namespace detail {

inline bool is_blank(std::string_view s) noexcept {
    for (char c : s)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
    return true;
}

inline std::string_view trim(std::string_view s) noexcept {
    std::size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
    return s.substr(b, e - b);
}

inline std::string quote_short(std::string_view s) {
    std::string r = "\"";
    r.append(s.substr(0, 60));
    if (s.size() > 60) r += "...";
    r += '"';
    return r;
}

/// Length of the valid UTF-8 sequence starting at `s[i]` (no overlongs, no
/// surrogates, at most U+10FFFF), or 0 when the byte there starts none.
inline std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned c = b(i);
    if (c < 0x80) return 1;
    std::size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    if (b(i + 1) < lo || b(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
    return n;
}

inline bool valid_utf8(std::string_view s) noexcept {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

/// Replaces every byte that is not part of a valid UTF-8 sequence with
/// U+FFFD; returns how many were replaced.
inline std::size_t repair_utf8(std::string& s) {
    if (valid_utf8(s)) return 0;
    std::string r;
    r.reserve(s.size() + 16);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence(s, i);
        if (n == 0) {
            r += "\xEF\xBF\xBD";
            ++bad;
            ++i;
        } else {
            r.append(s, i, n);
            i += n;
        }
    }
    s = std::move(r);
    return bad;
}

/// Levenshtein distance, ASCII case folded.
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
    const auto low = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (low(a[i - 1]) == low(b[j - 1]) ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

/// " (closest: \"name\")" when some candidate is within a third of the
/// name's length (at least 2 edits), else "".
inline std::string closest_hint(std::string_view name, const std::vector<std::string>& candidates) {
    const std::string* best = nullptr;
    std::size_t best_d = 0;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(name, c);
        if (!best || d < best_d) {
            best = &c;
            best_d = d;
        }
    }
    if (!best || best_d > std::max<std::size_t>(2, name.size() / 3)) return {};
    return " (closest: \"" + *best + "\")";
}

inline std::string quoted_list(const std::vector<std::string>& v) {
    std::string l;
    for (std::size_t k = 0; k < v.size(); ++k) l += (k ? ", " : "") + quote_short(v[k]);
    return l;
}

inline bool looks_like_email(std::string_view v) noexcept {
    const auto at = v.find('@');
    if (at == std::string_view::npos || at == 0 || v.find(' ') != std::string_view::npos) return false;
    const auto dot = v.find('.', at);
    return dot != std::string_view::npos && dot > at + 1 && dot + 1 < v.size();
}

// Dates and timestamps as exports write them: 2024-03-01, 01/03/2024 10:22,
// 2024-03-01T10:22:05Z, 10:22:05. A digit first, then only digits and date
// punctuation, at least four digits, and two separators or a colon (so an id
// like 10457-2 is not a date).
inline bool looks_like_date(std::string_view v) noexcept {
    if (v.empty() || v[0] < '0' || v[0] > '9') return false;
    std::size_t digits = 0, seps = 0;
    bool colon = false;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (c >= '0' && c <= '9') ++digits;
        else if (c == '-' || c == '/' || c == ':' || c == '.') {
            if (i + 1 == v.size()) return false;
            colon = colon || c == ':';
            ++seps;
        } else if (c != 'T' && c != 'Z' && c != ' ' && c != '+') {
            return false;
        }
    }
    return digits >= 4 && (seps >= 2 || colon);
}

/// Why a field whose values are `values` (one per labelled row) is no head,
/// or "" when it may be one. Identifiers: more distinct values than half the
/// rows, with at least 20 rows (a small file of distinct labels is a
/// legitimate head); dates, e-mail addresses: 80% of the values; free text:
/// values of more than 50 bytes on average.
inline std::string id_like_reason(const std::vector<const std::string*>& values) {
    const std::size_t n = values.size();
    if (n == 0) return {};
    std::size_t emails = 0, dates = 0, bytes = 0;
    std::vector<std::string_view> distinct;
    distinct.reserve(n);
    for (const auto* v : values) {
        emails += looks_like_email(*v) ? 1 : 0;
        dates += looks_like_date(*v) ? 1 : 0;
        bytes += v->size();
        distinct.emplace_back(*v);
    }
    std::sort(distinct.begin(), distinct.end());
    const std::size_t nd = static_cast<std::size_t>(std::unique(distinct.begin(), distinct.end()) - distinct.begin());
    if (emails * 5 >= n * 4) return "looks like e-mail addresses";
    if (dates * 5 >= n * 4) return "looks like dates or timestamps";
    if (bytes > 50 * n) return "looks like free text (" + std::to_string(bytes / n) + " bytes per value on average)";
    if (n >= 20 && nd * 2 > n)
        return "looks like an identifier (" + std::to_string(nd) + " distinct values in " + std::to_string(n) + " rows)";
    return {};
}

class row_builder {
public:
    row_builder(const read_options& opt, std::string name, dataset& out)
        : opt_(opt), name_(std::move(name)), out_(out), first_row_(out.rows.size()), first_warning_(out.warnings.size()) {
        texts_ = opt.text_fields.empty() ? std::vector<std::string>{opt.text_field} : opt.text_fields;
        for (const auto& t : texts_)
            if (t.empty()) throw error(errc::argument, name_, "expected a text field name, got an empty one");
    }

    const std::vector<std::string>& texts() const noexcept { return texts_; }
    bool is_text(std::string_view field) const {
        return std::find(texts_.begin(), texts_.end(), field) != texts_.end();
    }

    std::string where(std::size_t line) const { return name_ + ":" + std::to_string(line); }

    void warn(std::size_t line, std::string msg) {
        out_.warnings.push_back({where(line), std::move(msg)});
        if (first_bad_ == 0) {
            first_bad_ = line;
            first_bad_msg_ = out_.warnings.back().message;
        }
    }

    // A set beside the ordered list: a row may have hundreds of thousands of
    // fields, and a linear search per field would make reading it quadratic.
    void saw_field(std::string_view f) {
        if (seen_fields_.empty())
            for (const auto& x : out_.fields) seen_fields_.insert(x);
        if (seen_fields_.insert(std::string(f)).second) out_.fields.emplace_back(f);
    }

    /// Field `field` of a row is a label for some head: which one ("" = none).
    std::string head_for(std::string_view field) const {
        if (opt_.text_only || is_text(field) || field == opt_.id_field) return {};
        if (!opt_.columns.empty()) {
            for (const auto& kv : opt_.columns)
                if (kv.first == field) return kv.second;
            return {};
        }
        for (const auto& ig : opt_.ignore)
            if (ig == field) return {};
        return std::string(field);
    }

    /// Applies the label mapping; returns false when the label is dropped.
    bool map_label(const std::string& head, std::string& label) const {
        for (const auto& m : opt_.labels)
            if ((m.head == "*" || m.head == head) && m.from == label) {
                label = m.to;
                if (label.empty()) return false;
            }
        return !label.empty();
    }

    /// `repaired`: invalid UTF-8 bytes the caller already replaced in this
    /// row (a JSONL line is repaired before it is parsed), so a label holding
    /// U+FFFD came from bytes that were not UTF-8.
    void add(std::size_t line, std::string text, std::vector<std::pair<std::string, std::string>> labels,
             std::size_t repaired = 0, std::string id = {}) {
        const std::size_t bad = repaired + repair_utf8(text);
        if (is_blank(text)) {
            warn(line, "expected a non-empty text, got " + quote_short(text));
            return;
        }
        if (bad) {
            repaired_bytes_ += bad;
            ++repaired_rows_;
            if (first_repair_ == 0) first_repair_ = line;
        }
        std::vector<std::pair<std::string, std::string>> kept;
        // Indexed by head, so a hostile row with many thousand fields costs
        // linear time, not the square of its field count.
        std::unordered_map<std::string, std::size_t> slot;
        for (auto& kv : labels) {
            if (!valid_utf8(kv.second) || (repaired && kv.second.find("\xEF\xBF\xBD") != std::string::npos))
                throw data_error(errc::data, where(line),
                                 "the label of head \"" + kv.first +
                                     "\" holds bytes that are not UTF-8 (convert the file to UTF-8, e.g. from Latin-1 "
                                     "or Windows-1252: iconv -f cp1252 -t utf-8)");
            const std::string_view t = trim(kv.second);
            if (t.empty()) {
                warn(line, "label of head \"" + kv.first + "\" is whitespace only; treated as missing");
                continue;
            }
            if (t.size() != kv.second.size()) kv.second = std::string(t);
            if (!map_label(kv.first, kv.second)) continue;
            const auto ins = slot.emplace(kv.first, kept.size());
            if (!ins.second) {
                kept[ins.first->second].second = std::move(kv.second);  // two fields mapped to one head: the later wins
                continue;
            }
            kept.push_back(std::move(kv));
        }
        if (kept.empty() && !opt_.text_only) {
            warn(line, "expected at least one label, got none");
            return;
        }
        repair_utf8(id);
        out_.rows.push_back({std::move(text), std::move(kept), where(line), line, std::move(id)});
        ++added_;
    }

    std::size_t added() const noexcept { return added_; }

    /// After the last row: leaves id-like fields out, records the mapping and
    /// puts the file's summary notices before its row warnings (so a cap on
    /// shown warnings never hides them). `header_line`: where field notices
    /// point (a CSV header; 0 for JSONL: the file itself).
    void finish(std::size_t lines, std::size_t header_line) {
        std::vector<data_warning> notes;
        const std::string at = header_line ? where(header_line) : name_;
        if (repaired_bytes_)
            notes.push_back({where(first_repair_), std::to_string(repaired_bytes_) + " byte(s) that are not UTF-8 in " +
                                                       std::to_string(repaired_rows_) +
                                                       " text(s) replaced by U+FFFD (first here); convert the file "
                                                       "to UTF-8 to keep those characters"});
        // Heads in field order, and each head's values, in one pass over the
        // labels (hash lookups: linear in the labels however wide a row is).
        std::vector<std::string> heads;
        std::unordered_map<std::string, std::size_t> head_index;
        std::vector<std::vector<const std::string*>> head_values;
        for (std::size_t i = first_row_; i < out_.rows.size(); ++i)
            for (const auto& kv : out_.rows[i].labels) {
                const auto ins = head_index.emplace(kv.first, heads.size());
                if (ins.second) {
                    heads.push_back(kv.first);
                    head_values.emplace_back();
                }
                head_values[ins.first->second].push_back(&kv.second);
            }
        std::vector<std::string> dropped;
        std::unordered_set<std::string> dropped_set;
        if (opt_.columns.empty() && opt_.skip_id_like && !opt_.text_only) {
            for (std::size_t k = 0; k < heads.size(); ++k) {
                const std::string& h = heads[k];
                const std::string why = id_like_reason(head_values[k]);
                if (why.empty()) continue;
                dropped.push_back(h);
                dropped_set.insert(h);
                notes.push_back({at, "field \"" + h + "\" " + why + ": not a head; --head " + h +
                                         " (or data.columns in the configuration) makes it one"});
            }
        }
        if (!dropped.empty()) {
            std::size_t emptied = 0, first_empty = 0;
            std::vector<labelled_text> kept;
            for (std::size_t i = first_row_; i < out_.rows.size(); ++i) {
                auto& r = out_.rows[i];
                r.labels.erase(std::remove_if(r.labels.begin(), r.labels.end(),
                                              [&](const auto& kv) { return dropped_set.count(kv.first) != 0; }),
                               r.labels.end());
                if (r.labels.empty()) {
                    if (emptied++ == 0) first_empty = r.line;
                    --added_;
                }
            }
            out_.rows.erase(std::remove_if(out_.rows.begin() + static_cast<std::ptrdiff_t>(first_row_), out_.rows.end(),
                                           [](const labelled_text& r) { return r.labels.empty(); }),
                            out_.rows.end());
            if (emptied)
                notes.push_back({where(first_empty), std::to_string(emptied) +
                                                         " row(s) carry no label once those fields are left out "
                                                         "(first here); skipped"});
            for (const auto& d : dropped)
                if (std::find(out_.ignored_fields.begin(), out_.ignored_fields.end(), d) == out_.ignored_fields.end())
                    out_.ignored_fields.push_back(d);
        }
        for (const auto& t : texts_)
            if (std::find(out_.text_fields.begin(), out_.text_fields.end(), t) == out_.text_fields.end())
                out_.text_fields.push_back(t);
        std::unordered_set<std::string> mapped;
        for (const auto& kv : out_.head_fields) mapped.insert(kv.first);
        auto map_field = [&](const std::string& field, const std::string& head) {
            if (mapped.insert(field).second) out_.head_fields.emplace_back(field, head);
        };
        if (!opt_.text_only) {
            if (!opt_.columns.empty()) {
                for (const auto& kv : opt_.columns) map_field(kv.first, kv.second);
            } else {
                for (const auto& h : heads)
                    if (dropped_set.count(h) == 0) map_field(h, h);
            }
        }
        out_.warnings.insert(out_.warnings.begin() + static_cast<std::ptrdiff_t>(first_warning_), notes.begin(),
                             notes.end());
        require_rows(lines);
    }

    /// A file that contributed nothing is almost always a wrong path or mapping.
    void require_rows(std::size_t lines) const {
        if (added_ > 0) return;
        if (first_bad_ > 0)
            throw data_error(errc::data, where(first_bad_),
                             "expected at least one usable row, got none (first problem: " + first_bad_msg_ + ")");
        throw data_error(errc::data, where(lines == 0 ? 1 : lines), "expected at least one usable row, got an empty file");
    }

private:
    const read_options& opt_;
    std::string name_;
    dataset& out_;
    std::vector<std::string> texts_;
    std::size_t first_row_ = 0, first_warning_ = 0;
    std::size_t added_ = 0;
    std::size_t first_bad_ = 0;
    std::string first_bad_msg_;
    std::size_t repaired_bytes_ = 0, repaired_rows_ = 0, first_repair_ = 0;
    std::unordered_set<std::string> seen_fields_;
};

inline void strip_bom(std::string_view& s) noexcept {
    if (s.size() >= 3 && s.compare(0, 3, "\xEF\xBB\xBF") == 0) s.remove_prefix(3);
}

// The top level of one JSONL row, read with nlohmann's SAX parser rather
// than into a DOM: members stay in file order with repeats kept (the row
// builder lets a later field win), a number label keeps its source text
// (integers are printed back, which differs only for -0), and nested
// metadata is only noted as an object or array, never stored. The parser
// keeps its own nesting stack, so a line of a million '[' costs memory
// linear in the line, not the C stack.
struct jsonl_row {
    enum class kind { none, null, boolean, number, string, array, object };

    struct member {
        std::string key;
        kind type = kind::none;
        std::string value;  ///< a string's contents, a number's text, "true"/"false"
    };

    kind top = kind::none;
    /// The first `size` are this row's; the rest keep their capacity for the next row.
    std::vector<member> members;
    std::size_t size = 0;

    static const char* describe(kind k) noexcept {
        switch (k) {
            case kind::null: return "null";
            case kind::boolean: return "a boolean";
            case kind::number: return "a number";
            case kind::string: return "a string";
            case kind::array: return "an array";
            case kind::object: return "an object";
            case kind::none: break;
        }
        return "nothing";
    }

    /// Member `key` (the last one when repeated), or nullptr.
    const member* find(std::string_view key) const noexcept {
        const member* r = nullptr;
        for (std::size_t i = 0; i < size; ++i)
            if (members[i].key == key) r = &members[i];
        return r;
    }
};

class jsonl_row_reader {
public:
    using json = nlohmann::json;

    /// Reads one line into `row`; false with `error` set when it is not JSON.
    bool read(std::string_view line, jsonl_row& row, std::string& error) {
        row.top = jsonl_row::kind::none;
        row.size = 0;
        row_ = &row;
        depth_ = 0;
        error_ = &error;
        return json::sax_parse(line.begin(), line.end(), this, json::input_format_t::json, true, false);
    }

    // The SAX interface nlohmann::json::sax_parse calls. Strings are copied,
    // not moved, out of the parser's buffer: both keep their capacity, so a
    // file of similar rows allocates only for the rows it keeps.
    bool null() { return scalar(jsonl_row::kind::null, {}); }
    bool boolean(bool v) { return scalar(jsonl_row::kind::boolean, v ? "true" : "false"); }
    bool number_integer(json::number_integer_t v) { return scalar(jsonl_row::kind::number, std::to_string(v)); }
    bool number_unsigned(json::number_unsigned_t v) { return scalar(jsonl_row::kind::number, std::to_string(v)); }
    bool number_float(json::number_float_t, const json::string_t& text) { return scalar(jsonl_row::kind::number, text); }
    bool string(json::string_t& v) { return scalar(jsonl_row::kind::string, v); }
    bool binary(json::binary_t&) { return true; }  // never produced by the JSON parser
    bool start_object(std::size_t) { return open(jsonl_row::kind::object); }
    bool start_array(std::size_t) { return open(jsonl_row::kind::array); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(json::string_t& k) {
        if (depth_ != 1) return true;
        auto& ms = row_->members;
        if (row_->size == ms.size()) ms.emplace_back();
        auto& m = ms[row_->size++];
        m.key.assign(k);
        m.type = jsonl_row::kind::none;
        m.value.clear();
        return true;
    }
    bool parse_error(std::size_t position, const std::string&, const json::exception& e) {
        *error_ = describe_error(position, e.what());
        return false;
    }

    /// nlohmann's message rephrased for a data row: "invalid JSON at column N:
    /// what was wrong", without its exception prefix and without the token it
    /// had read, which can be the rest of a 10 MB line or bytes that are not
    /// UTF-8. Invalid UTF-8 gets a message of its own: it is the usual fault
    /// of helpdesk exports, and the fix is converting the file, not the JSON.
    static std::string describe_error(std::size_t column, std::string_view what) {
        if (what.find("ill-formed UTF-8") != std::string_view::npos)
            return "invalid JSON at column " + std::to_string(column) +
                   ": a string holds bytes that are not UTF-8 (convert the file to UTF-8, e.g. from Latin-1 or "
                   "Windows-1252)";
        if (!what.empty() && what[0] == '[') {
            const auto close_bracket = what.find("] ");
            if (close_bracket != std::string_view::npos) what.remove_prefix(close_bracket + 2);
        }
        if (what.compare(0, 12, "parse error ") == 0) {
            const auto colon = what.find(": ");
            if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
        }
        if (what.compare(0, 13, "syntax error ") == 0) {
            const auto dash = what.find("- ");
            if (dash != std::string_view::npos) what.remove_prefix(dash + 2);
        }
        std::string desc;
        const auto last_read = what.find("; last read: '");
        if (last_read == std::string_view::npos) {
            desc.assign(what);
        } else {
            desc.assign(what.substr(0, last_read));
            const auto expected = what.rfind("; expected ");
            if (expected != std::string_view::npos && expected > last_read) desc.append(what.substr(expected));
        }
        if (desc.size() > 120) desc = desc.substr(0, 117) + "...";
        return "invalid JSON at column " + std::to_string(column) + ": " + desc;
    }

private:
    // Only the top-level object has keys at depth 1, so a value there
    // belongs to the last key read.
    bool scalar(jsonl_row::kind k, std::string_view v) {
        if (depth_ == 0) {
            row_->top = k;
        } else if (depth_ == 1 && row_->size > 0) {
            auto& m = row_->members[row_->size - 1];
            m.type = k;
            m.value.assign(v);
        }
        return true;
    }
    bool open(jsonl_row::kind k) {
        if (depth_ == 0) row_->top = k;
        else if (depth_ == 1 && row_->size > 0) row_->members[row_->size - 1].type = k;
        ++depth_;
        return true;
    }
    bool close() {
        --depth_;
        return true;
    }

    jsonl_row* row_ = nullptr;
    std::size_t depth_ = 0;
    std::string* error_ = nullptr;
};

inline void read_jsonl(std::string_view content, const read_options& opt, const std::string& name, dataset& out) {
    row_builder rb(opt, name, out);
    strip_bom(content);
    std::size_t line = 0, pos = 0;
    jsonl_row_reader reader;
    jsonl_row v;
    std::string err, fixed;
    const auto& texts = rb.texts();
    while (pos < content.size()) {
        std::size_t end = content.find('\n', pos);
        if (end == std::string_view::npos) end = content.size();
        std::string_view l = content.substr(pos, end - pos);
        pos = end + 1;
        ++line;
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        if (is_blank(l)) continue;
        // Bytes that are not UTF-8 are repaired before parsing, as in CSV
        // texts; add() refuses them in a label.
        std::size_t repaired = 0;
        if (!valid_utf8(l)) {
            fixed.assign(l);
            repaired = repair_utf8(fixed);
            l = fixed;
        }
        if (!reader.read(l, v, err)) {
            rb.warn(line, err);
            continue;
        }
        if (v.top != jsonl_row::kind::object) {
            rb.warn(line, std::string("expected a JSON object, got ") + jsonl_row::describe(v.top));
            continue;
        }
        std::string text;
        bool text_ok = true;
        for (const auto& tf : texts) {
            const jsonl_row::member* t = v.find(tf);
            if (texts.size() > 1 && (!t || t->type == jsonl_row::kind::null)) continue;  // one of several may be absent
            if (!t) {
                rb.warn(line, "expected a field \"" + tf + "\", got none");
                text_ok = false;
                break;
            }
            if (t->type != jsonl_row::kind::string) {
                rb.warn(line, "expected \"" + tf + "\" to be a string, got " + jsonl_row::describe(t->type));
                text_ok = false;
                break;
            }
            if (is_blank(t->value)) continue;
            if (!text.empty()) text += opt.text_separator;
            text += t->value;
        }
        if (!text_ok) continue;
        std::vector<std::pair<std::string, std::string>> labels;
        for (std::size_t i = 0; i < v.size; ++i) {
            const jsonl_row::member& m = v.members[i];
            rb.saw_field(m.key);
            std::string head = rb.head_for(m.key);
            if (head.empty()) continue;
            if (m.type == jsonl_row::kind::object || m.type == jsonl_row::kind::array) {
                // Metadata objects are common in exported tickets; only complain when asked for this field.
                if (!opt.columns.empty())
                    rb.warn(line, "expected \"" + m.key + "\" to be a string label, got " + jsonl_row::describe(m.type) +
                                      " (label ignored)");
                continue;
            }
            if (m.value.empty()) continue;  // null or "": no label for this head
            labels.emplace_back(std::move(head), m.value);
        }
        std::string id;
        if (!opt.id_field.empty())
            if (const jsonl_row::member* m = v.find(opt.id_field)) id = m->value;
        rb.add(line, std::move(text), std::move(labels), repaired, std::move(id));
    }
    rb.finish(line, 0);
}

struct csv_record {
    std::size_t line = 0;
    std::vector<std::string> fields;
    std::string error;
};

// RFC 4180: quoted fields may hold separators, doubled quotes and newlines,
// so records are split on a character scan, never on lines.
inline std::vector<csv_record> split_csv(std::string_view s, char delim) {
    std::vector<csv_record> recs;
    std::size_t i = 0, line = 1;
    while (i < s.size()) {
        csv_record r;
        r.line = line;
        std::string field;
        bool done = false;
        while (!done) {
            field.clear();
            if (i < s.size() && s[i] == '"') {
                const std::size_t open_line = line;
                ++i;
                bool closed = false;
                while (i < s.size()) {
                    const char c = s[i];
                    if (c == '"') {
                        if (i + 1 < s.size() && s[i + 1] == '"') {
                            field.push_back('"');
                            i += 2;
                            continue;
                        }
                        ++i;
                        closed = true;
                        break;
                    }
                    if (c == '\n') ++line;
                    field.push_back(c);
                    ++i;
                }
                if (!closed) {
                    r.error = "expected a closing '\"' for the field opened on line " + std::to_string(open_line) +
                              ", got end of file";
                    r.fields.push_back(field);
                    recs.push_back(std::move(r));
                    return recs;
                }
                // Lenient like most readers: text after the closing quote is kept.
                while (i < s.size() && s[i] != delim && s[i] != '\n' && s[i] != '\r') field.push_back(s[i++]);
            } else {
                while (i < s.size() && s[i] != delim && s[i] != '\n' && s[i] != '\r') field.push_back(s[i++]);
            }
            r.fields.push_back(field);
            if (i < s.size() && s[i] == delim) {
                ++i;
                continue;
            }
            if (i < s.size() && s[i] == '\r') ++i;
            if (i < s.size() && s[i] == '\n') {
                ++i;
                ++line;
            }
            done = true;
        }
        recs.push_back(std::move(r));
    }
    return recs;
}

inline void read_csv(std::string_view content, const read_options& opt, const std::string& name, char delim,
                     dataset& out) {
    row_builder rb(opt, name, out);
    strip_bom(content);
    std::vector<csv_record> recs = split_csv(content, delim);
    std::size_t last_line = 0;
    for (const auto& r : recs) last_line = r.line;
    if (recs.empty()) rb.require_rows(0);
    const csv_record& header = recs.front();
    if (!header.error.empty()) throw data_error(errc::data, rb.where(header.line), header.error);
    const auto& cols = header.fields;
    for (const auto& c : cols) {
        if (!valid_utf8(c))
            throw data_error(errc::data, rb.where(header.line),
                             "a column name holds bytes that are not UTF-8 (convert the file to UTF-8, e.g. iconv -f "
                             "cp1252 -t utf-8)");
        rb.saw_field(c);
    }
    bool any_data = false;
    for (std::size_t ri = 1; ri < recs.size() && !any_data; ++ri)
        any_data = !(recs[ri].fields.size() == 1 && is_blank(recs[ri].fields[0]) && recs[ri].error.empty());
    if (!any_data)
        throw data_error(errc::data, rb.where(header.line),
                         "no data rows: the file holds a header (" + quoted_list(cols) + ") and nothing else");
    auto col_index = [&](const std::string& c) -> std::ptrdiff_t {
        for (std::size_t k = 0; k < cols.size(); ++k)
            if (cols[k] == c) return static_cast<std::ptrdiff_t>(k);
        return -1;
    };
    std::vector<std::size_t> text_cols;
    for (const auto& tf : rb.texts()) {
        const std::ptrdiff_t c = col_index(tf);
        if (c < 0)
            throw data_error(errc::data, rb.where(header.line),
                             "expected a text column \"" + tf + "\" in the header" + closest_hint(tf, cols) + ", got " +
                                 quoted_list(cols));
        text_cols.push_back(static_cast<std::size_t>(c));
    }
    std::ptrdiff_t id_col = -1;
    if (!opt.id_field.empty()) {
        id_col = col_index(opt.id_field);
        if (id_col < 0)
            throw data_error(errc::data, rb.where(header.line),
                             "expected an id column \"" + opt.id_field + "\" in the header" +
                                 closest_hint(opt.id_field, cols) + ", got " + quoted_list(cols));
    }
    std::vector<std::pair<std::size_t, std::string>> head_cols;
    if (opt.text_only) {
    } else if (!opt.columns.empty()) {
        for (const auto& kv : opt.columns) {
            const std::ptrdiff_t c = col_index(kv.first);
            if (c < 0 && opt.columns_optional) continue;
            if (c < 0)
                throw data_error(errc::data, rb.where(header.line),
                                 "expected a column \"" + kv.first + "\" (mapped to head \"" + kv.second +
                                     "\") in the header" + closest_hint(kv.first, cols) + ", got " + quoted_list(cols));
            head_cols.emplace_back(static_cast<std::size_t>(c), kv.second);
        }
    } else {
        for (std::size_t k = 0; k < cols.size(); ++k) {
            std::string h = rb.head_for(cols[k]);
            if (!h.empty()) head_cols.emplace_back(k, std::move(h));
        }
    }
    std::string text;
    for (std::size_t ri = 1; ri < recs.size(); ++ri) {
        const csv_record& r = recs[ri];
        if (!r.error.empty()) {
            rb.warn(r.line, r.error);
            continue;
        }
        if (r.fields.size() == 1 && r.fields[0].empty()) continue;  // blank line
        if (r.fields.size() != cols.size()) {
            rb.warn(r.line, "expected " + std::to_string(cols.size()) + " fields, got " + std::to_string(r.fields.size()));
            continue;
        }
        std::vector<std::pair<std::string, std::string>> labels;
        for (const auto& hc : head_cols)
            if (!r.fields[hc.first].empty()) labels.emplace_back(hc.second, r.fields[hc.first]);
        if (text_cols.size() == 1) {
            text = r.fields[text_cols[0]];
        } else {
            text.clear();
            for (std::size_t c : text_cols) {
                if (is_blank(r.fields[c])) continue;
                if (!text.empty()) text += opt.text_separator;
                text += r.fields[c];
            }
        }
        rb.add(r.line, std::move(text), std::move(labels), 0,
               id_col < 0 ? std::string() : r.fields[static_cast<std::size_t>(id_col)]);
    }
    rb.finish(last_line, header.line);
}

inline std::string read_text_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw data_error(errc::io, path.string(), "cannot open: no such file");
    if (std::filesystem::is_directory(path, ec)) throw data_error(errc::io, path.string(), "cannot read: is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw data_error(errc::io, path.string(), "cannot open for reading");
    std::string data;
    char buf[1 << 16];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (in.bad()) throw data_error(errc::io, path.string(), "read error");
    return data;
}

inline data_format format_for(const std::string& name, data_format f) {
    if (f != data_format::automatic) return f;
    const auto dot = name.rfind('.');
    std::string ext = dot == std::string::npos ? std::string() : name.substr(dot + 1);
    for (auto& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return (ext == "csv" || ext == "tsv") ? data_format::csv : data_format::jsonl;
}

}  // namespace detail

/// Parses data held in memory; `name` stands for the file in `where`
/// strings and picks the format when `opt.format` is automatic. Appends rows
/// and warnings to `out`. Throws data_error (errc::data, where `name:line`)
/// when the content yields no usable row, a CSV header lacks the text column
/// or a mapped column. Allocates.
inline void read_data_string(std::string_view content, const std::string& name, const read_options& opt, dataset& out) {
    if (detail::format_for(name, opt.format) == data_format::csv) {
        char delim = opt.delimiter;
        if (delim == ',' && name.size() >= 4 && (name.compare(name.size() - 4, 4, ".tsv") == 0 ||
                                                 name.compare(name.size() - 4, 4, ".TSV") == 0))
            delim = '\t';
        detail::read_csv(content, opt, name, delim, out);
    } else {
        detail::read_jsonl(content, opt, name, out);
    }
}

/// Reads a JSONL or CSV file, appending to `out`. Throws data_error (errc::io
/// for an unreadable file, errc::data as read_data_string).
inline void read_data_file(const std::filesystem::path& path, const read_options& opt, dataset& out) {
    read_data_string(detail::read_text_file(path), path.string(), opt, out);
}

/// Reads several files into one dataset. Throws data_error.
inline dataset read_data_files(const std::vector<std::filesystem::path>& paths, const read_options& opt = {}) {
    dataset d;
    for (const auto& p : paths) read_data_file(p, opt, d);
    return d;
}

/// Rows of `data` labelled for `head`.
inline std::size_t rows_labelled(const dataset& data, std::string_view head) {
    std::size_t n = 0;
    for (const auto& r : data.rows) n += r.label(head) ? 1 : 0;
    return n;
}

/// Checks a head a configuration names (at `where`, e.g.
/// `cfg.json:/heads/0/name`) before any training: throws tiny_ticket::error
/// (errc::argument) naming the closest field when no field of the data
/// becomes that head, data_error (errc::data) when one does but no row
/// carries a label for it.
inline void require_head_labels(const dataset& data, const std::string& head, const std::string& where) {
    if (rows_labelled(data, head) > 0) return;
    std::string field;
    for (const auto& kv : data.head_fields)
        if (kv.second == head) field = kv.first;
    if (field.empty() && std::find(data.fields.begin(), data.fields.end(), head) != data.fields.end()) field = head;
    if (field.empty()) {
        std::vector<std::string> names = data.fields;
        for (const auto& kv : data.head_fields) names.push_back(kv.second);
        throw error(errc::argument, where,
                    "head \"" + head + "\" names no column of the data" + detail::closest_hint(head, names) +
                        "; columns: " + detail::quoted_list(data.fields));
    }
    if (std::find(data.ignored_fields.begin(), data.ignored_fields.end(), field) != data.ignored_fields.end())
        throw data_error(errc::data, where,
                         "head \"" + head + "\": column \"" + field +
                             "\" was left out as identifier-like; name it with --head " + field + " (or data.columns)");
    throw data_error(errc::data, where, "head \"" + head + "\" has no labels in the data (column \"" + field +
                                            "\" is empty or whitespace in every row)");
}

/// What apply_corrections did.
struct correction_stats {
    std::size_t rows_changed = 0;  ///< data rows whose labels were overridden
    std::size_t rows_added = 0;    ///< corrections that matched no row, added as new rows
};

/// Overrides labels of every row whose text equals a correction's text
/// (byte for byte after trimming spaces): the correction's heads replace the
/// row's labels for those heads, other heads are kept. A correction that
/// matches no row is added as a new row (it is labelled data). When the
/// corrections repeat a text, the last one wins. Allocates.
inline correction_stats apply_corrections(dataset& data, const dataset& corrections) {
    auto trim = [](std::string_view s) {
        std::size_t b = 0, e = s.size();
        while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
        while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
        return std::string(s.substr(b, e - b));
    };
    std::unordered_map<std::string, std::size_t> by_text;
    for (std::size_t i = 0; i < corrections.rows.size(); ++i) by_text[trim(corrections.rows[i].text)] = i;
    std::vector<bool> used(corrections.rows.size(), false);
    correction_stats st;
    for (auto& row : data.rows) {
        auto it = by_text.find(trim(row.text));
        if (it == by_text.end()) continue;
        used[it->second] = true;
        for (const auto& kv : corrections.rows[it->second].labels) {
            bool found = false;
            for (auto& l : row.labels)
                if (l.first == kv.first) {
                    l.second = kv.second;
                    found = true;
                }
            if (!found) row.labels.push_back(kv);
        }
        ++st.rows_changed;
    }
    for (std::size_t i = 0; i < corrections.rows.size(); ++i) {
        if (used[i] || by_text[trim(corrections.rows[i].text)] != i) continue;
        data.rows.push_back(corrections.rows[i]);
        ++st.rows_added;
    }
    return st;
}

/// What drop_near_duplicates did.
struct near_duplicate_stats {
    std::size_t rows_dropped = 0;    ///< data rows removed
    std::size_t held_out_hit = 0;    ///< held-out texts that at least one removed row was near
};

namespace detail {

// Word sets for near-duplicate checks: runs of ASCII letters, case-folded.
// Digits and everything else separate words, so order numbers, amounts and
// emoji do not make two paraphrases of one ticket look different.
inline std::vector<std::string> letter_words(std::string_view s) {
    std::vector<std::string> w;
    std::string cur;
    for (char c : s) {
        const char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if (l >= 'a' && l <= 'z') {
            cur += l;
        } else if (!cur.empty()) {
            w.push_back(std::move(cur));
            cur.clear();
        }
    }
    if (!cur.empty()) w.push_back(std::move(cur));
    std::sort(w.begin(), w.end());
    w.erase(std::unique(w.begin(), w.end()), w.end());
    return w;
}

}  // namespace detail

/// Removes every row of `data` whose word set (ASCII letter runs,
/// case-folded) has Jaccard similarity >= `min_jaccard` with the word set of
/// any text in `held_out`: keeps paraphrases of an evaluation set out of
/// training, not just exact copies. Rows without letters are kept. Linear in
/// the words of `data` times the held-out texts sharing each word.
inline near_duplicate_stats drop_near_duplicates(dataset& data, const dataset& held_out, double min_jaccard = 0.5) {
    if (!(min_jaccard > 0.0 && min_jaccard <= 1.0))
        throw error(errc::argument, "drop_near_duplicates", "expected min_jaccard in (0, 1], got " + std::to_string(min_jaccard));
    std::unordered_map<std::string, std::vector<std::size_t>> postings;
    std::vector<std::size_t> held_size(held_out.rows.size());
    for (std::size_t i = 0; i < held_out.rows.size(); ++i) {
        const auto w = detail::letter_words(held_out.rows[i].text);
        held_size[i] = w.size();
        for (const auto& x : w) postings[x].push_back(i);
    }
    std::vector<std::size_t> shared(held_out.rows.size(), 0);
    std::vector<std::size_t> touched;
    std::vector<bool> hit(held_out.rows.size(), false);
    near_duplicate_stats st;
    std::vector<labelled_text> kept;
    kept.reserve(data.rows.size());
    for (auto& row : data.rows) {
        const auto w = detail::letter_words(row.text);
        touched.clear();
        for (const auto& x : w) {
            const auto it = postings.find(x);
            if (it == postings.end()) continue;
            for (std::size_t i : it->second)
                if (shared[i]++ == 0) touched.push_back(i);
        }
        bool near = false;
        for (std::size_t i : touched) {
            const double uni = static_cast<double>(w.size() + held_size[i] - shared[i]);
            if (static_cast<double>(shared[i]) >= min_jaccard * uni) {
                near = true;
                hit[i] = true;
            }
            shared[i] = 0;
        }
        if (near)
            ++st.rows_dropped;
        else
            kept.push_back(std::move(row));
    }
    data.rows = std::move(kept);
    for (bool h : hit) st.held_out_hit += h ? 1 : 0;
    return st;
}

}  // namespace tiny_ticket::train
