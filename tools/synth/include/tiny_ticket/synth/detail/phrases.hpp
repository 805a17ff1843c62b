// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstddef>
#include <utility>
#include <vector>

#include "intents.hpp"
#include "lexicon.hpp"

// Frame sentences shared by all intents: greetings, openers, tone sentences,
// closings, signatures, and the Hinglish spelling variants.

namespace tiny_ticket::synth::detail {

/// Sentences that carry one tone, in English and Hinglish, plus chat tails.
struct tone_phrases {
    words sentences;
    words hinglish;
    words chat_tails;  // appended to two-word chats: " or im switching to {competitor}"
};

/// Indexed by `tone`. Negative tones never borrow from each other: a threat
/// ticket always contains a threat, which is what makes churn derivable.
inline const std::array<tone_phrases, tone_count>& tones() {
    static const std::array<tone_phrases, tone_count> t{{
        // neutral: polite, plain; politeness alone is not positive sentiment
        {{"Thanks.", "Thank you.", "Appreciate your help.", "Please let me know.", "Thanks in advance.",
          "Let me know if you need anything else from me.", "No rush, just wanted to flag it.",
          "Not complaining, just want to understand.", "I'm not unhappy with {biz}, I just need this sorted.",
          "Not a big deal, but wanted to check.", "Hope that makes sense.", "Any help is appreciated."},
         {"please help {kr_do}", "thoda check {kr_do}", "bata do please", "dhanyavaad", "dekh lo please", "thoda {jaldi} {karo} please"},
         {"", "", " pls", " thanks", "?", " please", " thx"}},
        // positive: delight, thanks with warmth
        {{"Thanks so much!", "You guys are [awesome|amazing|the best]!", "Really appreciate [it|your help|the quick response]!",
          "Love [your product|{biz}|the app]!", "Have a great day! :)", "Keep up the great work!", "[Big|Huge] fan of {biz}.",
          "Happy customer here!", "You've made this so easy, thank you!", "Super excited!", "Can't wait!",
          "No complaints at all, you've been great.", "Never had a bad experience with you.", "You never disappoint!",
          "Yay, thank you!", "Honestly the best, thank you!", "Made my day!"},
         {"{bahut} badhiya!", "thank you {bhai}!", "shukriya!", "mast service {hai}", "aap log best ho", "dil khush kar diya",
          "ekdum zabardast", "maza aa gaya", "koi shikayat {nahi}, sab badhiya", "{bahut} khush hu"},
         {" thx!!", " :)", " thanks a ton!", " love you guys", " you rock!", " <3", " so excited!", " cant wait :D", " yay",
          " best ever"}},
        // frustrated
        {{"This is [completely|absolutely|totally] unacceptable.",
          "I'm [really|extremely|incredibly|so] [frustrated|annoyed|disappointed|angry] [right now|with this|with {biz}].",
          "[Seriously|Honestly], what is going on?", "Worst [experience|service|customer service] I've [ever had|had in years].",
          "I am [not happy|not happy at all] about this.", "How hard can it be?", "[Absolutely|Totally] ridiculous.",
          "I'm [sick|tired] of this.", "Fix it.", "Nobody seems to care.",
          "I've wasted [hours|the whole morning|half my day] on this.", "You should be ashamed of this level of service.",
          "This is a joke.", "Pathetic.", "I'm losing my patience.", "I expected much better from {biz}.",
          "Not happy. At all.", "Very unhappy with this.", "Not impressed, {biz}.", "Not great, honestly.",
          "Hardly what I'd call service.", "Really not okay.", "Ugh.", "So done with this.", "What a mess.",
          "Disappointing, to say the least.", "Not what I signed up for."},
         {"{bahut} bekaar service {hai}", "{kya} bakwas {hai} {yaar}", "pagal bana rahe ho {kya}", "kitni baar bolna padega?",
          "bilkul {bhi} acceptable {nahi} {hai}", "dimag kharab ho gaya {hai}", "ye {kya} mazaak {hai}", "had {hai} {yaar}",
          "ek kaam {theek} se {nahi} hota", "bilkul {bhi} khush {nahi} hu", "kya fayda aise service ka",
          "{bahut} gussa aa raha {hai}", "faltu ka time waste"},
         {"!!!", " wtf", " ridiculous", " seriously??", " fix this now", "!! worst service", " so annoying", " unacceptable",
          " ugh", " not happy", " smh", " so unhappy", " not ok"}},
        // sarcastic: {sarc} is the subtype's event
        {{"Great, {sarc}, just great.", "Wow, {sarc}. Amazing service as always.", "Oh fantastic, {sarc}. Thanks a lot, {biz}.",
          "{sarc}. Brilliant. Just brilliant.", "Ten out of ten, {biz}: {sarc}.", "Truly world-class service: {sarc}.",
          "Oh wonderful, {sarc}. Perfect.", "{sarc}? Love that for me.", "Loving the experience so far: {sarc}.",
          "Just what I needed today: {sarc}.", "So glad I chose {biz}: {sarc}.", "Thanks for nothing, I guess.",
          "Another day, another {sarc}. Marvellous.", "Sure, {sarc}, totally normal.", "Wow. Just wow. {sarc}.",
          "Love it, {sarc}. Really.", "Clap clap, {biz}: {sarc}.", "Nice one, {biz}. {sarc} again.",
          "{sarc}, what a surprise.", "Five stars for {sarc}, obviously."},
         {"wah, {kya} service {hai}, {sarc}", "{bahut} badhiya, {sarc}, maza aa gaya", "great {yaar}, {sarc} phir se",
          "waah {biz}, {sarc}, kamaal kar diya", "{sarc}, wah kya baat {hai}", "shabash {biz}, {sarc}, kya baat {hai}"},
         {}},
        // threat: switching, public shaming, chargebacks
        {{"If this isn't [sorted|fixed|resolved] by {deadline}, I'm [switching|moving|going back] to {competitor}.",
          "{competitor} never treated me like this. I'm seriously considering switching.",
          "One more issue and I'm taking my business to {competitor}.", "Frankly, {competitor} is looking better every day.",
          "I'll be [closing my account|leaving] and moving to {competitor} if this continues.",
          "Give me one good reason not to switch to {competitor}.", "I've already got an offer from {competitor}.",
          "I'll be [posting about this on Twitter|leaving reviews everywhere] and telling everyone to avoid {biz}.",
          "If I don't hear back by {deadline}, I'm disputing the charge with my bank and leaving.",
          "Tempted to take my [shopping|banking|orders] somewhere else.", "My patience with {biz} has run out.",
          "Time to find another provider.", "You've just lost a customer.", "Seriously considering moving to {competitor}.",
          "Not sure why I'm still with you when {competitor} exists.", "One more slip and I'm gone.",
          "If there's another [outage|failure], we're ending the contract."},
         {"{competitor} pe shift ho jaunga agar {jaldi} fix {nahi} {hua}", "ab {competitor} hi use karunga", "consumer court jaunga, dekh lena",
          "{competitor} wale isse better {hai}, wahi chala jaunga",
          "ab koi aur service dhundh lunga", "aapke saath ab aur {nahi}", "soch raha hu {competitor} pe chala jau",
          "ek aur baar {hua} toh sab cancel kar dunga"},
         {" or im switching to {competitor}", " else moving to {competitor}", ". {competitor} is better anyway",
          " or i'm leaving", ". patience gone", ". thinking of switching", ". lost a customer"}},
        // repeated failures
        {{"This is the {nth} time I'm [writing|contacting you|raising this].",
          "I have already [raised|opened] {n} tickets about this ({ticket_id}) and nobody has fixed it.",
          "Same problem [again|for the {nth} time this month].", "It's been {days} days and I'm still waiting.",
          "Every time I contact you I'm told it's fixed, and it never is.",
          "This keeps happening[ every month| every week| over and over].",
          "I've explained this {n} times to {n} different agents."},
         {"{nth_hi} baar complaint kar raha hu", "{days} din ho gaye, koi reply {nahi}", "har baar yahi hota {hai}",
          "kitni baar ticket raise karu? {n} ho gaye"},
         {" {nth} time asking", " still nothing after {days} days", " again!!", " same issue again", " asked {n} times already"}},
        // last chance
        {{"This is your last chance to [sort this out|make this right].",
          "Last chance: fix this [today|by {deadline}] or I'm [done|gone|out].",
          "I'm giving you one final opportunity before I [go elsewhere|file a chargeback|leave for good].",
          "Consider this my final message before I leave.", "[I'm|We're] done after this if it's not resolved."},
         {"last chance de raha hu, warna main chala", "aaj fix {nahi} {hua} toh main chala", "ye last warning {hai}"},
         {" last chance", " last warning", " final chance before i leave"}},
    }};
    return t;
}

/// Neutral closers that suit a prospect (no "I just need this sorted").
inline const words& prospect_neutral() {
    static const words w{"Thanks.", "Thank you.", "Thanks in advance.", "Looking forward to hearing from you.",
                         "Please let me know.", "Appreciate your time."};
    return w;
}

inline const words& formal_greetings() {
    static const words w{"Dear Support Team,", "Dear {biz} Team,", "Dear Sir/Madam,", "Hello,", "Hello {biz} Support,",
                         "Hi there,", "Good morning,", "Good afternoon,", "To whom it may concern,", "Dear Customer Care,",
                         "Respected Sir/Madam,", "Hi {biz} team,", "Dear {biz} Support,", "Hello team,", "Greetings,"};
    return w;
}

inline const words& casual_greetings() {
    static const words w{"hi", "hey", "hello", "hi there", "hey team", "hi {biz}", "hiya", "good morning", "hey guys",
                         "hello support", "yo", "hey {biz} folks", "hi all", "morning"};
    return w;
}

inline const words& hinglish_greetings() {
    static const words w{"hello sir", "{bhai}", "hi team", "namaste", "hello ji", "sir", "hi {bhai}", "hello madam"};
    return w;
}

/// Context sentences for existing customers, about their account.
inline const words& account_openers() {
    static const words w{"I'm contacting you regarding my account ({email}).", "I've been a {biz} customer for {years} years.",
                         "My [registered email|account email|login] is {email}.", "Writing on behalf of {company}.",
                         "I need some help with my {biz} account.", "Long-time user here."};
    return w;
}

/// Context sentences for existing customers, about one order or payment.
inline const words& order_openers() {
    static const words w{"I'm writing about {order_noun} {oid}.", "Reference: {oid}.",
                         "This is regarding my recent {order_noun} with {biz}.", "Following up on my {order_noun} from {date}.",
                         "[Quick|Small] issue with my {order_noun}.", "[Regarding|Re:] {order_noun} {oid}."};
    return w;
}

/// Context sentences for prospects (lead_intent medium or high).
inline const words& prospect_openers() {
    static const words w{"I'm the {title} at {company}.",
                         "I came across {biz} [on LinkedIn|through a friend|in a Google search|at a conference].",
                         "We're a team of {seats} at {company} looking at new tools.",
                         "We're a [small|growing|mid-sized] business in {city}.", "A colleague recommended {biz} to us.",
                         "I run [a small agency|an online store|a clinic|a logistics startup] in {city}."};
    return w;
}

/// Context sentences that fit anyone.
inline const words& generic_openers() {
    static const words w{"I hope you're doing well.", "Hope you're having a good week.", "Quick question.", "Sorry to bother you.",
                         "Hope someone can help.", "I'll keep this short.", "Hope this is the right place to ask."};
    return w;
}

inline const words& formal_closings() {
    static const words w{"Kind regards,", "Best regards,", "Regards,", "Best,", "Thanks,", "Thank you,", "Sincerely,",
                         "Many thanks,", "Cheers,", "Thanks and regards,", "Warm regards,"};
    return w;
}

inline const words& signatures() {
    static const words w{"{name}", "{first}", "{name}\n{title}, {company}", "{first} {initial}.", "{name}\n{phone}",
                         "{first}\n\nSent from my iPhone", "{name} | {company}", "-- \n{name}\n{title}\n{company}",
                         "{name}\nCustomer ID: {small}{small}{small}{small}{small}{small}"};
    return w;
}

inline const words& casual_closings() {
    static const words w{"thanks", "thx", "cheers", "ty", "- {first}", "thanks, {first}", "regards"};
    return w;
}

/// Side remarks that add a second topic without changing the primary intent.
inline const words& asides() {
    static const words w{"Separately, could you update my phone number on file? Not urgent.",
                         "Unrelated, but the promo code {promo} didn't work last week either. Not a big deal.",
                         "(Also, your help centre link {url} seems broken.)",
                         "PS: the app has felt a bit slow lately, but that's minor.",
                         "One more small thing: can I get invoices as PDF? The main issue is above though.",
                         "Also, is there a way to change my notification settings? Just curious."};
    return w;
}

/// Hinglish words with their common Latin-script spellings. A ticket picks one
/// spelling per word and keeps it, as one writer would.
inline const std::vector<std::pair<const char*, words>>& hinglish_variants() {
    static const std::vector<std::pair<const char*, words>> v{
        {"nahi", {"nahi", "nai", "nhi", "nahin", "nahi", "nahii"}},
        {"kab", {"kab", "kb"}},
        {"kyun", {"kyun", "kyu", "kyo", "kyon"}},
        {"paisa", {"paisa", "paise", "pesa", "paisaa"}},
        {"wapas", {"wapas", "vapas", "wapis", "vaapas"}},
        {"chahiye", {"chahiye", "chaiye", "chahie", "chahiye"}},
        {"jaldi", {"jaldi", "jldi", "jaldee", "jaldi"}},
        {"abhi", {"abhi", "abi", "abhi"}},
        {"kr_do", {"kar do", "kr do", "krdo", "kardo", "kar dijiye", "kar do"}},
        {"bhai", {"bhai", "bhaiya", "bhaii", "bhai"}},
        {"yaar", {"yaar", "yar", "yaara"}},
        {"mera", {"mera", "mra", "meraa", "mera"}},
        {"hua", {"hua", "huwa", "hua"}},
        {"hui", {"hui", "huyi", "huii"}},
        {"gaya", {"gaya", "gya", "gayaa"}},
        {"aaya", {"aaya", "aya", "aayaa", "aaya"}},
        {"hai", {"hai", "h", "hai", "he", "hai"}},
        {"kya", {"kya", "kia", "kyaa", "kya"}},
        {"bhi", {"bhi", "bi", "bhi"}},
        {"karo", {"karo", "kro"}},
        {"theek", {"theek", "thik", "thk"}},
        {"kaise", {"kaise", "kese", "kaisey"}},
        {"mujhe", {"mujhe", "muje", "mujhe"}},
        {"bahut", {"bahut", "bohot", "bhot", "bahot"}},
    };
    return v;
}

/// UTF-8 emoji by sentiment, spelled as byte escapes so the source stays ASCII
/// (MSVC reads source files in the local code page unless /utf-8 is given).
inline const words& emoji(bool negative, bool positive) {
    static const words neg{"\xF0\x9F\x98\xA1", "\xF0\x9F\x98\xA4", "\xF0\x9F\x99\x84", "\xF0\x9F\x98\xA0", "\xF0\x9F\xA4\xAC",
                           "\xF0\x9F\x98\x92", "\xF0\x9F\x98\x9E", "\xF0\x9F\x98\xAD", ":(", ":/"};
    static const words pos{"\xF0\x9F\x98\x8A", "\xF0\x9F\x99\x8F", "\xE2\x9D\xA4\xEF\xB8\x8F", "\xF0\x9F\x91\x8D",
                           "\xF0\x9F\x8E\x89", "\xF0\x9F\x98\x8D", "\xF0\x9F\x99\x8C", "\xE2\x9C\xA8", ":)", ":D"};
    static const words neu{"\xF0\x9F\x99\x8F", "\xF0\x9F\xA4\x94", "\xF0\x9F\x99\x82", "\xF0\x9F\x91\x8D", "\xF0\x9F\x98\x85", ":)"};
    return negative ? neg : positive ? pos : neu;
}

}  // namespace tiny_ticket::synth::detail
