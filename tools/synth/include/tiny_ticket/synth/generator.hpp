// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <tiny_ticket/error.hpp>

namespace tiny_ticket::synth {

namespace detail {
struct tables;
}  // namespace detail

/// The template files could not be found or read. `where()` names the file,
/// with `:line:column` for malformed JSON or `#` and a JSON pointer for a
/// wrong value (`.../intents.json#/intents/2/tones/neutral`).
class template_error : public tiny_ticket::error {
public:
    using error::error;
};

/// The generator's text: phrase templates, lexicons and noise tables, read
/// from the JSON files of a templates folder (tools/synth/templates in the
/// source tree, share/tiny_ticket/synth when installed). Immutable once
/// loaded; copies share the data; safe to use from several threads.
class templates {
public:
    /// Reads and checks every file of `dir`. Throws template_error naming the
    /// file and the JSON line or path of the first problem (missing file,
    /// malformed JSON, wrong type, unknown key, empty list, unknown sector).
    static templates load(const std::filesystem::path& dir);

    /// The folders searched when none is given, in order: the installed data
    /// folder relative to the running executable (<prefix>/share/tiny_ticket/synth
    /// beside <prefix>/bin), the source tree's tools/synth/templates (build
    /// trees and tests), and the configured install prefix's data folder.
    static std::vector<std::filesystem::path> default_dirs();

    /// `dir` when not empty, else the first of default_dirs() holding the
    /// templates. Throws template_error (errc::io) listing the folders tried
    /// and how to name one when none does.
    static std::filesystem::path find(const std::filesystem::path& dir = {});

    /// The parsed tables (tiny_ticket/synth/detail/tables.hpp).
    const detail::tables& data() const noexcept { return *data_; }

private:
    explicit templates(std::shared_ptr<const detail::tables> d) noexcept : data_(std::move(d)) {}
    std::shared_ptr<const detail::tables> data_;
};

/// One synthetic support ticket and its labels for the default taxonomy.
struct ticket {
    /// The message as a customer would type it (UTF-8; may contain newlines).
    std::string text;
    /// head name -> label, in the order department, sentiment, lead_intent,
    /// churn_risk, intent.
    std::vector<std::pair<std::string, std::string>> labels;
    /// True when the text code-mixes Hinglish (Latin script).
    bool hinglish = false;
};

/// What to generate. Values outside [0, 1] for the shares are clamped.
struct options {
    /// Number of tickets.
    std::size_t count = 12000;
    /// Corpus seed; ticket i depends only on (seed, i).
    std::uint64_t seed = 42;
    /// Fraction of tickets with Hinglish code-mixing.
    double hinglish_share = 0.2;
    /// Probability that a ticket gets typos, SMS-speak, elongation, shouting,
    /// emoji or sloppy punctuation (one to three of them).
    double noise = 0.3;
};

/// Ticket number `index` of the corpus `generate(tpl, opt)` would produce
/// (ignores opt.count). Deterministic, allocates, thread-safe.
ticket make_ticket(const templates& tpl, const options& opt, std::size_t index);

/// Generates `opt.count` labelled tickets for the default taxonomy.
///
/// Deterministic: the same templates and options give byte-identical tickets
/// on every platform and standard library (own xoshiro256** and integer range
/// mapping, no std distributions). A corpus is a prefix of any larger one with
/// the same seed and shares. Intent is drawn first, then situation, sector,
/// tone, register and noise; labels come from those choices. Allocates;
/// throws only std::bad_alloc; safe to call from several threads at once.
std::vector<ticket> generate(const templates& tpl, const options& opt);

/// Writes one JSON object per line:
/// {"text": ..., "department": ..., ..., "intent": ..., "hinglish": bool}.
/// Label keys appear in the ticket's label order. Strings are escaped by
/// nlohmann/json (quotes, backslashes, control characters); UTF-8 passes
/// through, invalid UTF-8 becomes U+FFFD. Does not throw on stream failure:
/// check `out`.
void write_jsonl(std::ostream& out, const std::vector<ticket>& tickets);

}  // namespace tiny_ticket::synth
