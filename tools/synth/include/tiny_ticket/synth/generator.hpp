// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "detail/builder.hpp"
#include <tiny_ticket/detail/json_string.hpp>

namespace tiny_ticket::synth {

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

namespace detail {
inline double clamp_share(double p) noexcept { return p >= 0.0 ? (p <= 1.0 ? p : 1.0) : 0.0; }  // NaN -> 0
}  // namespace detail

/// Ticket number `index` of the corpus `generate(opt)` would produce (ignores
/// opt.count). Deterministic, allocates, thread-safe (no shared mutable state).
inline ticket make_ticket(const options& opt, std::size_t index) {
    detail::built_ticket b = detail::build_ticket(opt.seed, index, detail::clamp_share(opt.hinglish_share),
                                                  detail::clamp_share(opt.noise));
    ticket t;
    t.text = std::move(b.text);
    t.labels = {{"department", b.department},
                {"sentiment", b.sentiment},
                {"lead_intent", b.lead_intent},
                {"churn_risk", b.churn_risk},
                {"intent", b.intent}};
    t.hinglish = b.hinglish;
    return t;
}

/// Generates `opt.count` labelled tickets for the default taxonomy.
///
/// Deterministic: the same options give byte-identical tickets on every
/// platform and standard library (own xoshiro256** and integer range mapping,
/// no std distributions). A corpus is a prefix of any larger one with the same
/// seed and shares. Intent is drawn first, then situation, sector, tone,
/// register and noise; labels come from those choices. Allocates; throws only
/// std::bad_alloc; safe to call from several threads at once.
inline std::vector<ticket> generate(const options& opt) {
    std::vector<ticket> out;
    out.reserve(opt.count);
    for (std::size_t i = 0; i < opt.count; ++i) out.push_back(make_ticket(opt, i));
    return out;
}

/// Writes one JSON object per line:
/// {"text": ..., "department": ..., ..., "intent": ..., "hinglish": bool}.
/// Label keys appear in the ticket's label order. Strings are escaped by
/// detail::append_json_string (quotes, backslashes, control characters);
/// UTF-8 passes through. Does not throw on stream failure: check `out`.
inline void write_jsonl(std::ostream& out, const std::vector<ticket>& tickets) {
    std::string line;
    for (const ticket& t : tickets) {
        line.clear();
        line += "{\"text\": ";
        tiny_ticket::detail::append_json_string(line, t.text);
        for (const auto& kv : t.labels) {
            line += ", ";
            tiny_ticket::detail::append_json_string(line, kv.first);
            line += ": ";
            tiny_ticket::detail::append_json_string(line, kv.second);
        }
        line += ", \"hinglish\": ";
        line += t.hinglish ? "true" : "false";
        line += "}\n";
        out.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
}

}  // namespace tiny_ticket::synth
