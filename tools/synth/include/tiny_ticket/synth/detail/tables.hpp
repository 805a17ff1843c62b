// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The generator's text tables, as read from the template files
// (tools/synth/templates/*.json, see its README). Plain data: the logic that
// draws from them lives in compose.hpp, builder.hpp and noise.hpp. Template
// strings may hold [a|b] alternatives, {slot} fillers and a leading
// "<shop,food>" sector tag.

namespace tiny_ticket::synth::detail {

using words = std::vector<std::string>;

/// The writer's attitude. Drives sentiment and, with the intent, churn risk.
enum class tone : unsigned { neutral, positive, frustrated, sarcastic, threat, repeated, last_chance };
inline constexpr std::size_t tone_count = 7;
/// The tones' names in the template files, indexed by tone.
inline constexpr std::array<const char*, tone_count> tone_names{"neutral", "positive", "frustrated", "sarcastic",
                                                                "threat",  "repeated", "last_chance"};

/// One concrete situation behind an intent ("charged twice", "returned item").
struct subtype {
    unsigned sectors = 0;    // bit b: sector b of tables::sectors
    std::string department;  // who handles it: the content decides, not the intent
    std::string lead;        // lead_intent label
    unsigned weight = 0;     // relative frequency within the intent
    words core;              // English body sentences
    words hi;                // Hinglish (Latin script) body sentences; may be empty
    words chat;              // two-to-eight-word chat forms
    words sarc;              // events for sarcastic frames: "Great, {sarc}, just great."; may be empty
};

/// An intent: its situations, tone mix and intent-flavoured sentences.
struct intent_spec {
    std::string name;
    std::array<unsigned, tone_count> tones{};  // weights, indexed by tone
    std::vector<subtype> subtypes;
    words details;   // optional factual follow-ups (existing customers)
    words asks;      // what the writer wants done
    words asks_hi;   // the same in Hinglish
    words negative;  // intent-specific anger, added for negative tones
    words positive;  // intent-specific warmth, added for the positive tone
};

/// Vocabulary of one business sector. Order-id patterns: '#' digit, '&'
/// capital letter, '*' capital letter or digit, '~' a literal '#'.
struct sector_lexicon {
    std::string name;
    words businesses, items, order_nouns, order_ids, plans, features, app_parts, competitors;
    words actions;  // what the user was doing when something broke
};

/// Shared filler lists, keyed by slot name in compose.hpp.
struct global_lexicon {
    words first_names, last_names, agents, cities, countries, companies, titles, errors, devices, payments, promos,
        email_domains, addresses, apps;
};

/// The lists behind built-in slots that are drawn in code ({when}, {txn}, ...).
struct slot_lists {
    words when, since, deadline, weekday, url_paths, txn, ticket_id, phone, nth, nth_hi, seats;
    words sarc;  // {sarc} for situations without events of their own
};

/// Sentences that carry one tone, in English and Hinglish, plus chat tails.
struct tone_phrases {
    words sentences;
    words hinglish;
    words chat_tails;  // appended to two-word chats: " or im switching to {competitor}"
};

/// Frame sentences shared by all intents.
struct phrase_tables {
    std::array<tone_phrases, tone_count> tones;
    words prospect_neutral;  // neutral closers that suit a prospect
    words formal_greetings, casual_greetings, hinglish_greetings;
    words chat_prefixes, chat_prefixes_hi;  // "hi " before a chat
    words account_openers, order_openers, prospect_openers, generic_openers;
    words formal_closings, casual_closings, signatures;
    words asides;  // side remarks that add a second topic without changing the intent
    // Hinglish words and their Latin-script spellings; a ticket keeps one.
    std::vector<std::pair<std::string, words>> hinglish_variants;
};

/// Word lists of the surface noise.
struct noise_tables {
    std::vector<std::pair<std::string, words>> sms;  // lowercased word -> SMS-speak forms
    words elongation, shouting, emphasis;
    words emoji_negative, emoji_positive, emoji_neutral;
};

/// Extra situations, keyed by intent name.
struct situation_layer {
    std::vector<std::pair<std::string, std::vector<subtype>>> by_intent;

    /// The situations of one intent; empty when there are none.
    const std::vector<subtype>& for_intent(std::string_view intent) const noexcept {
        static const std::vector<subtype> none;
        for (const auto& e : by_intent)
            if (intent == e.first) return e.second;
        return none;
    }
};

/// Everything the generator draws text from. Immutable once loaded.
struct tables {
    std::vector<sector_lexicon> sectors;  // at most 32; names are the sector tags
    global_lexicon globals;
    slot_lists slots;
    std::vector<intent_spec> intents;
    phrase_tables phrases;
    noise_tables noise;
    std::vector<std::pair<std::string, words>> topics;  // {t_*} slots of the compositional frames
    situation_layer variety, angry_variety, crossover, breadth, frames, upset_frames, realism, upset_realism;
    std::vector<std::string> crossover_upset;  // intents whose crossover cores are sarcastic or upset

    unsigned all_sectors() const noexcept {
        return sectors.size() >= 32 ? ~0u : (1u << sectors.size()) - 1;
    }

    bool crossover_is_upset(std::string_view intent) const noexcept {
        for (const std::string& n : crossover_upset)
            if (n == intent) return true;
        return false;
    }
};

}  // namespace tiny_ticket::synth::detail
