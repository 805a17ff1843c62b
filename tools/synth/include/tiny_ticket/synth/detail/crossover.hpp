// SPDX-License-Identifier: MIT
#pragma once

#include <string_view>
#include <vector>

#include "intents.hpp"
#include "lexicon.hpp"
#include "variety.hpp"

// Situations whose words belong to another intent: praise for a fast delivery,
// a how-to question about invoices, a feature request about delivery slots,
// "don't cancel, just change the size". Without them a model learns that
// "delivery" means delivery_issue and "cancel" means cancellation; real tickets
// mention one topic while wanting another all the time. Also upset cores for
// intents that had none (cancelling in anger), and sarcasm carried by the core.

namespace tiny_ticket::synth::detail {

/// Topic-crossing situations, keyed by intent name.
inline const std::vector<extra_subtypes>& crossover_variety() {
    static const std::vector<extra_subtypes> v{
        {"praise",
         {{sec::shop | sec::food | sec::tel, "general", "low", 2,
           {"The [rider|delivery partner|driver] called ahead, was [polite|friendly|courteous] and came right on time.",
            "My {item} arrived a day early and was packed really well.",
            "Order {oid} came in perfect condition, [well done|great job|thank you].",
            "The engineer who set up my connection was patient and left everything tidy.",
            "Delivery in under 20 minutes and the food was still hot. Impressive."},
           {"rider {bahut} polite tha aur time se pahuncha", "order time se pehle aa gaya, packing {bhi} badhiya thi",
            "khana garam garam {aaya}, {bahut} badhiya"},
           {"fast delivery, thanks!", "delivered early, love it", "great packaging!"},
           {}},
          {sec::all, "general", "low", 2,
           {"Got my refund within two days, really impressed.",
            "Thanks for sorting out my bill so quickly, {agent} was great.",
            "Support fixed my login problem in five minutes. Thank you!",
            "Whatever you changed in the last release, the app [flies|is so smooth] now.",
            "I was ready to cancel, but {agent} turned it around. Thank you.",
            "Your team solved in one call what I'd been struggling with for a week.",
            "Thank you for refunding the duplicate charge without any fuss."},
           {"refund turant mil gaya, {bahut} badhiya", "issue sort ho gaya, dil se thanks {bhai}",
            "support wale ne 5 min mein issue theek kar diya, shukriya", "latest version mast {hai}, sab smooth chal raha {hai}"},
           {"refund received, thank you!", "issue fixed, thanks a lot", "love the new update", "great support today"},
           {}}}},
        {"general_query",
         {{sec::all, "general", "low", 3,
           {"Do you deliver on [Sundays|public holidays|weekends]?",
            "Where in the app can I get a tax invoice for my purchases?",
            "Can two people in my family share one account on different devices?",
            "Is cash on delivery available in {city}?",
            "Are [discounted items|gifts|opened boxes] returnable?",
            "What payment methods do you accept?",
            "Can I speak to someone by phone rather than chat?",
            "Where should I post the signed forms?",
            "Is it possible to name a nominee, and where do I do that?",
            "Not cancelling anything, just curious: can I pause my membership while I travel?",
            "Do I need an account to place an order, or can I check out as a guest?",
            "Where can I see my old invoices?"},
           {"weekend pe {bhi} order aata {hai} {kya}?", "tax invoice app mein kahan milega?",
            "courier se papers bhejne {hai}, head office kahan {hai}?", "cash on delivery milta {hai} {kya}?",
            "ek hi login do devices pe chalega {kya}?", "purane invoice kahan dikhenge?"},
           {"do you deliver sundays?", "cod available?", "guest checkout?", "office address?", "invoice download how?"},
           {"no phone number anywhere on your site", "a help page that answers nothing"}}}},
        {"feature_request",
         {{sec::all, "technical", "low", 3,
           {"Please add late evening slots when we pick a delivery time.",
            "Invoices only come as emails, a PDF download would help our accounts team.",
            "I have a home and an office address, let me keep both on file.",
            "Could you add UPI autopay as a payment option?",
            "Group orders where everyone pays their own share would be great.",
            "Recurring invoices would save us hours, please add them.",
            "Could the app be available in Tamil or Hindi?",
            "Scheduled transfers for rent day would be handy.",
            "It would be great to get an SMS when the order is out for delivery."},
           {"bill ka PDF nikalne ka option add {karo}", "do teen address save ho sake aisa kuch {karo}",
            "app regional language mein {bhi} hona {chahiye}", "evening delivery slot ka option {bhi} do",
            "payment schedule karne ka option hona {chahiye}"},
           {"pls add pdf invoices", "need multiple addresses option", "add hindi language pls", "add dark mode"},
           {"retyping my address on every single order", "still no PDF invoices in this day and age"}}}},
        {"order_change",
         {{sec::shop | sec::food, "logistics", "low", 3,
           {"Don't cancel the order, I just want to change the size to [L|M|XL].",
            "No need to cancel or refund anything, please just change the delivery date to {date}.",
            "Please don't cancel it, just swap the colour to [black|grey|navy] on {oid}.",
            "Not asking for a refund, I only need the quantity changed from [4 to 2|3 to 1|1 to 3].",
            "I typed the wrong house number, it should be [B-17|5C|910] and not [B-71|C5|190]."},
           {"cancel mat karna, bas address change {kr_do}", "refund {nahi} {chahiye}, bas size change {kr_do}",
            "order cancel {nahi} karna, delivery date aage {kr_do}"},
           {"dont cancel, just change size", "change qty not cancel", "wrong flat no, pls update"},
           {}}}},
        {"cancellation",
         {{sec::all, "billing", "low", 2,
           {"I'm out. Close the account.",
            "{competitor} costs less and doesn't crash. End my plan.",
            "Just end it, I'm sick of the downtime.",
            "Enough is enough, stop my subscription today.",
            "Stop charging me and end the subscription. Now."},
           {"pareshan ho gaya hu, account band {kr_do}", "{bahut} ho gaya, subscription cancel {karo} abhi",
            "ab {nahi} chalana, sab cancel {kr_do}"},
           {"CANCEL IT NOW", "just cancel my account", "done. cancel everything", "cancel asap, fed up"},
           {"paying full price for an app that is down every week", "outage number five this month"}}}},
        {"technical_issue",
         {{sec::saas | sec::shop | sec::fin | sec::tel, "technical", "low", 2,
           {"The latest release wiped my saved [lists|drafts|filters]. Brilliant work.",
            "Love how the app logs me out every five minutes. Really great design.",
            "Oh great, the report download is blank again. Thanks for that.",
            "Amazing, the page now loads in a full minute. Progress!"},
           {"wah, update ke baad sab data gayab, kamaal {hai}", "great {yaar}, app phir se crash, badhiya"},
           {"great, crashed again", "wow another broken update", "love the blank page, thanks"},
           {"an update that deleted my data", "logging in again every five minutes"}}}},
    };
    return v;
}

/// True when the topic-crossing situations of `intent` have sarcastic or
/// upset cores, so their tone is forced negative as for angry_variety().
inline bool crossover_is_upset(std::string_view intent) noexcept {
    return intent == "cancellation" || intent == "technical_issue";
}

/// The topic-crossing situations of one intent; empty when there are none.
inline const std::vector<subtype>& crossover_for(std::string_view intent) {
    static const std::vector<subtype> none;
    for (const extra_subtypes& e : crossover_variety())
        if (intent == e.intent) return e.subtypes;
    return none;
}

}  // namespace tiny_ticket::synth::detail
