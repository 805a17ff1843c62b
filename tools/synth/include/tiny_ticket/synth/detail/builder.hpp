// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compose.hpp"
#include "noise.hpp"
#include "random.hpp"
#include "tables.hpp"
#include "text_util.hpp"

// Builds one ticket in the order the labels depend on: intent, then the
// situation and sector, then tone, then register and noise. Labels are read
// off those choices, never off the generated text.

namespace tiny_ticket::synth::detail {

/// A generated ticket before it is wrapped in the public type.
struct built_ticket {
    std::string text;
    std::string_view department;  // views into the tables or string literals
    std::string_view sentiment;
    std::string_view lead_intent;
    std::string_view churn_risk;
    std::string_view intent;
    bool hinglish;
};

/// How the message is written: a two-to-eight-word chat, a casual note, or an
/// e-mail with greeting and signature.
enum class register_kind { chat, casual, formal };

/// Frustrated, sarcastic, threatening, repeated-failure and last-chance tones.
inline bool is_negative(tone t) noexcept { return t != tone::neutral && t != tone::positive; }

/// churn_risk from the choices: cancelling, an angry refund, a threat, repeated
/// failures or a "last chance" mean high; everything else is low.
inline const char* churn_for(std::string_view intent, tone t) noexcept {
    if (intent == "cancellation") return "high";
    if (t == tone::threat || t == tone::repeated || t == tone::last_chance) return "high";
    if (intent == "refund" && is_negative(t)) return "high";
    return "low";
}

/// sentiment label of a tone.
inline const char* sentiment_for(tone t) noexcept {
    return t == tone::neutral ? "neutral" : t == tone::positive ? "positive" : "negative";
}

/// Appends a piece, adding the separator a typist would when the previous
/// piece (often Hinglish) ended without punctuation.
inline void join_piece(std::string& out, const std::string& piece, rng& r) {
    if (piece.empty()) return;
    if (!out.empty() && out.back() != '\n' && out.back() != ' ') {
        const char last = out.back();
        const bool ended = last == '.' || last == '!' || last == '?' || last == ':' || last == ')' || last == ',';
        if (!ended) {
            const std::size_t k = r.below(5);
            out += k < 2 ? ", " : k < 4 ? ". " : " ";
        } else {
            out += ' ';
        }
    }
    out += piece;
}

/// Hinglish fragment turned into a sentence for formal text.
inline std::string as_sentence(std::string s) {
    capitalize_first(s);
    const char last = s.empty() ? '.' : s.back();
    if (last != '.' && last != '!' && last != '?' && last != ')') s += '.';
    return s;
}

/// Writes the text of one ticket from its scenario and tone. One per ticket.
class ticket_writer {
public:
    ticket_writer(scenario& sc, tone t, bool angry_core = false)
        : sc_(sc), r_(sc.random()), ph_(sc.data().phrases), tone_(t), spec_(sc.intent()), sub_(sc.sub()),
          angry_core_(angry_core) {}

    std::string write(register_kind reg) {
        switch (reg) {
            case register_kind::chat: return chat();
            case register_kind::casual: return casual();
            default: return formal();
        }
    }

private:
    bool prospect() const { return sub_.lead != "low"; }

    // Hinglish tickets write each piece in Hinglish about half the time; the
    // core is Hinglish more often, since that is where people code-mix most.
    bool hi(double p = 0.5) { return sc_.hinglish() && r_.chance(p); }

    std::string hinglish_core() {
        used_hi_ = true;
        return sc_.fragment(sc_.choose(sub_.hi));
    }

    std::string core() {
        if (!sub_.hi.empty() && hi(0.8)) return hinglish_core();
        return sc_.sentence(sc_.choose(sub_.core));
    }

    std::string from_tone(tone t) {
        const tone_phrases& tp = ph_.tones[static_cast<std::size_t>(t)];
        if (!tp.hinglish.empty() && hi()) {
            used_hi_ = true;
            return sc_.fragment(sc_.choose(tp.hinglish));
        }
        if (t == tone::neutral && prospect()) return sc_.sentence(sc_.choose(ph_.prospect_neutral));
        return sc_.sentence(sc_.choose(tp.sentences));
    }

    /// The sentences that carry the tone; every non-neutral ticket gets at least one.
    std::vector<std::string> tone_sentences() {
        std::vector<std::string> out;
        // Real people often let the facts carry the anger; keep many of those bare.
        if (angry_core_ && r_.chance(0.6)) return out;
        switch (tone_) {
            case tone::neutral:
                if (r_.chance(0.45)) out.push_back(from_tone(tone::neutral));
                break;
            case tone::positive:
                if (!spec_.positive.empty() && r_.chance(0.65)) out.push_back(sc_.sentence(sc_.choose(spec_.positive)));
                if (out.empty() || r_.chance(0.3)) out.push_back(from_tone(tone::positive));
                break;
            case tone::frustrated:
                out.push_back(from_tone(tone::frustrated));
                if (!spec_.negative.empty() && r_.chance(0.5)) out.push_back(sc_.sentence(sc_.choose(spec_.negative)));
                else if (r_.chance(0.25)) out.push_back(from_tone(tone::frustrated));
                break;
            default:
                out.push_back(from_tone(tone_));
                if (r_.chance(0.4)) {
                    if (!spec_.negative.empty() && r_.chance(0.5)) out.push_back(sc_.sentence(sc_.choose(spec_.negative)));
                    else out.push_back(from_tone(tone::frustrated));
                }
                if (r_.chance(0.5)) std::swap(out.front(), out.back());
                break;
        }
        return out;
    }

    std::string ask() {
        if (!spec_.asks_hi.empty() && hi()) {
            used_hi_ = true;
            return sc_.fragment(sc_.choose(spec_.asks_hi));
        }
        return sc_.sentence(sc_.choose(spec_.asks));
    }

    std::string opener() {
        if (r_.chance(0.35)) return sc_.sentence(sc_.choose(ph_.generic_openers));
        if (prospect()) return sc_.sentence(sc_.choose(ph_.prospect_openers));
        // Order references only make sense where an order or payment is the topic.
        static const std::string_view order_intents[] = {"refund", "billing_issue", "cancellation", "delivery_issue",
                                                         "order_tracking", "order_change"};
        bool about_order = false;
        for (std::string_view n : order_intents) about_order = about_order || n == spec_.name;
        return sc_.sentence(sc_.choose(about_order && r_.chance(0.6) ? ph_.order_openers : ph_.account_openers));
    }

    bool want_details() const {
        // Support details ("my account email") would contradict a prospect.
        const std::string_view name = spec_.name;
        return !prospect() || name == "pricing_inquiry" || name == "demo_request";
    }

    /// Body sentences in order: opener, tone, core, details, tone, ask, aside.
    std::vector<std::string> body(double p_opener, double p_detail, double p_ask, double p_aside, int max_details) {
        std::vector<std::string> s;
        if (r_.chance(p_opener)) s.push_back(opener());
        std::vector<std::string> ts = tone_sentences();
        std::size_t used = 0;
        // Anger or delight can open a message; polite closers never do.
        if (!ts.empty() && tone_ != tone::neutral && r_.chance(0.35)) s.push_back(ts[used++]);
        const std::size_t core_at = s.size();
        s.push_back(core());
        if (want_details() && !spec_.details.empty()) {
            for (int d = 0; d < max_details; ++d) {
                if (!r_.chance(p_detail)) continue;
                std::string detail = sc_.sentence(sc_.choose(spec_.details));
                // Openers and details share sentences ("I'm the CTO at ..."); say each once.
                bool repeated = false;
                for (const std::string& x : s) repeated = repeated || x == detail;
                if (!repeated) s.push_back(std::move(detail));
            }
        }
        while (used < ts.size()) s.push_back(ts[used++]);
        if (r_.chance(p_ask)) s.push_back(ask());
        if (!prospect() && r_.chance(p_aside)) s.push_back(sc_.sentence(sc_.choose(ph_.asides)));
        // A Hinglish ticket must code-mix somewhere; if no piece did, the core does.
        if (sc_.hinglish() && !used_hi_ && !sub_.hi.empty()) s[core_at] = hinglish_core();
        return s;
    }

    std::string formal() {
        std::string text = sc_.sentence(sc_.choose(ph_.formal_greetings));
        text += "\n\n";
        std::vector<std::string> s = body(0.7, 0.45, 0.8, 0.1, 2);
        std::string para;
        const std::size_t split = s.size() >= 4 && r_.chance(0.4) ? 1 + r_.below(s.size() - 2) : s.size();
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (i == split) {
                text += para;
                text += "\n\n";
                para.clear();
            }
            join_piece(para, sc_.hinglish() ? as_sentence(s[i]) : s[i], r_);
        }
        text += para;
        text += "\n\n";
        text += sc_.sentence(sc_.choose(ph_.formal_closings));
        text += '\n';
        text += sc_.fragment(sc_.choose(ph_.signatures));
        if (r_.chance(0.25)) {
            // Web forms flatten e-mails into one line.
            std::string flat;
            for (char c : text) {
                if (c == '\n') {
                    if (!flat.empty() && flat.back() != ' ') flat += ' ';
                } else {
                    flat += c;
                }
            }
            text.swap(flat);
        }
        return text;
    }

    std::string casual() {
        std::string text;
        if (r_.chance(0.5)) {
            text = sc_.fragment(sc_.choose(sc_.hinglish() && r_.chance(0.6) ? ph_.hinglish_greetings : ph_.casual_greetings));
            static const char* seps[] = {", ", "! ", " ", "\n", " - ", ",\n"};
            text += seps[r_.below(6)];
        }
        for (const std::string& piece : body(0.15, 0.25, 0.45, 0.05, 1)) join_piece(text, piece, r_);
        if (r_.chance(0.25)) {
            text += r_.chance(0.5) ? "\n" : " ";
            text += sc_.fragment(sc_.choose(ph_.casual_closings));
        }
        if (r_.chance(0.35)) lower_ascii(text);
        return text;
    }

    std::string chat_tail() {
        const tone_phrases& tp = ph_.tones[static_cast<std::size_t>(tone_)];
        if (sc_.hinglish() && !tp.hinglish.empty() && r_.chance(0.5)) {
            used_hi_ = true;
            return " " + sc_.fragment(sc_.choose(tp.hinglish));
        }
        switch (tone_) {
            case tone::positive:
                if (!spec_.positive.empty() && r_.chance(0.6)) return " " + sc_.sentence(sc_.choose(spec_.positive));
                break;
            case tone::frustrated:
                if (!spec_.negative.empty() && r_.chance(0.4)) return ". " + sc_.sentence(sc_.choose(spec_.negative));
                break;
            case tone::sarcastic:
                return ". " + sc_.sentence(sc_.choose(tp.sentences));
            default:
                break;
        }
        return sc_.fragment(sc_.choose(tp.chat_tails));
    }

    std::string chat() {
        std::string text;
        bool hinglish_done = false;
        if (sc_.hinglish() && !sub_.hi.empty() && r_.chance(0.65)) {
            text = sc_.fragment(sc_.choose(sub_.hi));
            hinglish_done = true;
        } else {
            text = sc_.fragment(sc_.choose(sub_.chat));
        }
        std::string tail = angry_core_ && r_.chance(0.6) ? std::string() : chat_tail();
        if (sc_.hinglish() && !hinglish_done && !used_hi_) {
            // An English chat core still needs its code-mixed part: the ask for
            // calm tickets ("confirm kar dena"), a Hinglish tone phrase otherwise.
            const tone_phrases& tp = ph_.tones[static_cast<std::size_t>(tone_)];
            const bool calm = tone_ == tone::neutral || tone_ == tone::positive;
            const words& pool = calm && !spec_.asks_hi.empty() && r_.chance(0.7) ? spec_.asks_hi
                                : tp.hinglish.empty()                             ? ph_.tones[0].hinglish
                                                                                  : tp.hinglish;
            tail = " " + sc_.fragment(sc_.choose(pool)) + (calm ? "" : tail);
        } else if (tone_ == tone::neutral && (text.find("pls") != std::string::npos || text.find("please") != std::string::npos) &&
                   (tail == " pls" || tail == " please")) {
            tail.clear();  // "sales call pls please" reads like a bug, not a person
        }
        // "...padega?. it's absurd": no full stop straight after other punctuation.
        if (tail.rfind(". ", 0) == 0 && !text.empty() && (text.back() == '?' || text.back() == '!' || text.back() == '.'))
            tail.erase(0, 1);
        text += tail;
        if (r_.chance(0.2)) {
            text = sc_.fragment(sc_.choose(sc_.hinglish() ? ph_.chat_prefixes_hi : ph_.chat_prefixes)) + text;
        }
        if (r_.chance(0.7)) lower_ascii(text);
        strip_final_period(text);
        return text;
    }

    scenario& sc_;
    rng& r_;
    const phrase_tables& ph_;
    tone tone_;
    const intent_spec& spec_;
    const subtype& sub_;
    bool angry_core_;
    bool used_hi_ = false;
};

/// Ticket number `index` of the corpus for `seed`; independent of all others.
inline built_ticket build_ticket(const tables& data, std::uint64_t seed, std::uint64_t index, double hinglish_share,
                                double noise) {
    rng r(ticket_seed(seed, index));
    const std::vector<intent_spec>& all = data.intents;
    const intent_spec& in = all[r.below(all.size())];

    // Pools in draw order: template situations, extra variety, topic-crossing
    // situations, upset cores, second-layer situations, compositional frames,
    // upset compositional frames, third-layer situations, upset third-layer
    // situations.
    const std::vector<subtype>* pools[] = {&in.subtypes,
                                           &data.variety.for_intent(in.name),
                                           &data.crossover.for_intent(in.name),
                                           &data.angry_variety.for_intent(in.name),
                                           &data.breadth.for_intent(in.name),
                                           &data.frames.for_intent(in.name),
                                           &data.upset_frames.for_intent(in.name),
                                           &data.realism.for_intent(in.name),
                                           &data.upset_realism.for_intent(in.name)};
    std::vector<unsigned> weights;
    for (const std::vector<subtype>* p : pools)
        for (const subtype& st : *p) weights.push_back(st.weight);
    std::size_t pick = r.weighted(weights);
    std::size_t pool = 0;
    while (pick >= pools[pool]->size()) pick -= pools[pool++]->size();
    const subtype& sub = (*pools[pool])[pick];
    const bool angry_core = pool == 3 || pool == 6 || pool == 8 || (pool == 2 && data.crossover_is_upset(in.name));

    // The loader guarantees at least one sector per situation and at most 32 sectors.
    // Zeroed: GCC cannot see that guarantee and warns of an uninitialized read.
    std::size_t candidates[32] = {};
    std::size_t n = 0;
    for (std::size_t b = 0; b < data.sectors.size(); ++b)
        if (sub.sectors & (1u << b)) candidates[n++] = b;
    const sector_lexicon& sector = data.sectors[candidates[r.below(n)]];

    // Prospects are never angry: a threat or "third time writing" from someone
    // who has not bought yet would contradict lead_intent medium/high.
    std::array<unsigned, tone_count> tone_weights = in.tones;
    if (angry_core) {
        // The core already sounds upset ("it showed up smashed"), so a calm label would contradict it. Plain
        // frustration only: an upset customer is not by itself about to leave, which keeps negative sentiment
        // and high churn from collapsing into one signal.
        tone_weights = {};
        tone_weights[static_cast<std::size_t>(tone::frustrated)] = 3;
        tone_weights[static_cast<std::size_t>(tone::sarcastic)] = 1;
    }
    if (sub.lead != "low") {
        for (std::size_t k = 0; k < tone_count; ++k)
            if (is_negative(static_cast<tone>(k))) tone_weights[k] = 0;
        if (tone_weights[0] + tone_weights[1] == 0) tone_weights[0] = 1;
    }
    const tone t = static_cast<tone>(r.weighted(tone_weights));
    const bool hinglish = r.chance(hinglish_share);
    const unsigned reg_weights_en[] = {28, 40, 32};
    const unsigned reg_weights_hi[] = {40, 50, 10};
    const auto reg = static_cast<register_kind>(hinglish ? r.weighted(reg_weights_hi) : r.weighted(reg_weights_en));

    scenario sc(data, r, in, sub, sector, hinglish);
    ticket_writer writer(sc, t, angry_core);
    built_ticket out{writer.write(reg), sub.department, sentiment_for(t), sub.lead, churn_for(in.name, t), in.name, hinglish};
    if (r.chance(noise)) add_noise(data.noise, out.text, is_negative(t), t == tone::positive, r);
    return out;
}

}  // namespace tiny_ticket::synth::detail
