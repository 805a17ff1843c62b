// SPDX-License-Identifier: MIT
// Reads the template files (tools/synth/templates/*.json) into detail::tables.
// Every value is checked here, so the generator can index and pick without
// checks of its own: the lists it draws from unconditionally are non-empty,
// sector tags name known sectors, and brackets are balanced.

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <tiny_ticket/synth/detail/tables.hpp>
#include <tiny_ticket/synth/generator.hpp>

namespace tiny_ticket::synth {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using detail::words;

// RFC 6901: '~' and '/' inside a key are escaped.
std::string pointer_token(std::string_view key) {
    std::string s;
    for (const char c : key) {
        if (c == '~') s += "~0";
        else if (c == '/') s += "~1";
        else s += c;
    }
    return s;
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

/// One template file being read: its name for messages and the sector names
/// that tags may use (empty while the lexicon itself is read).
class file_reader {
public:
    file_reader(fs::path path, const std::vector<std::string>* sectors) : path_(std::move(path)), sectors_(sectors) {}

    [[noreturn]] void fail(errc code, const std::string& ptr, const std::string& what) const {
        throw template_error(code, path_.string() + "#" + ptr, what);
    }

    json parse() const {
        std::ifstream f(path_, std::ios::binary);
        if (!f) {
            std::error_code ec;
            const bool exists = fs::exists(path_, ec);
            throw template_error(errc::io, path_.string(),
                                 exists ? "cannot read the file" : "no such file (a template folder holds " +
                                                                       std::string(file_list()) + ")");
        }
        const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        try {
            return json::parse(text);
        } catch (const json::parse_error& e) {
            // e.byte is the 1-based offset of the offending character.
            const std::size_t end = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
            std::size_t line = 1, line_start = 0;
            for (std::size_t i = 0; i < end; ++i)
                if (text[i] == '\n') {
                    ++line;
                    line_start = i + 1;
                }
            std::string what = e.what();
            const std::size_t colon = what.find(": ");  // drop "[json.exception...] parse error at ...: "
            if (colon != std::string::npos) what.erase(0, colon + 2);
            throw template_error(errc::parse, path_.string() + ":" + std::to_string(line) + ":" +
                                                  std::to_string(end - line_start + 1),
                                 "malformed JSON: " + what);
        }
    }

    static const char* file_list() {
        return "lexicon.json, intents.json, phrases.json, noise.json, variety.json, crossover.json, breadth.json, "
               "frames.json and realism.json";
    }

    void expect_object(const json& j, const std::string& ptr, const std::vector<const char*>& keys) const {
        if (!j.is_object()) fail(errc::type, ptr, std::string("expected an object, got ") + j.type_name());
        for (const auto& kv : j.items()) {
            if (kv.key() == "description") continue;  // prose for readers of the file
            bool known = false;
            for (const char* k : keys) known = known || kv.key() == k;
            if (!known) {
                std::string list;
                for (const char* k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
                fail(errc::value, ptr + "/" + pointer_token(kv.key()),
                     "unknown key " + in_quotes(kv.key()) + " (expected " + list + ")");
            }
        }
    }

    const json& member(const json& obj, const std::string& ptr, const char* key) const {
        const auto it = obj.find(key);
        if (it == obj.end()) fail(errc::missing_field, ptr + "/" + key, "required key is missing");
        return *it;
    }

    std::string string(const json& j, const std::string& ptr, bool may_be_empty = false) const {
        if (!j.is_string()) fail(errc::type, ptr, std::string("expected a string, got ") + j.type_name());
        std::string s = j.get<std::string>();
        if (s.empty() && !may_be_empty) fail(errc::value, ptr, "expected a non-empty string");
        return s;
    }

    unsigned count(const json& j, const std::string& ptr) const {
        if (!j.is_number_unsigned() || j.get<std::uint64_t>() > 1000000)
            fail(errc::type, ptr, "expected a whole number from 0 to 1000000, got " + j.dump());
        return j.get<unsigned>();
    }

    /// A list of templates. `may_be_empty` is false for lists the generator
    /// draws from without checking.
    words list(const json& j, const std::string& ptr, bool may_be_empty = false) const {
        if (!j.is_array()) fail(errc::type, ptr, std::string("expected an array of strings, got ") + j.type_name());
        if (j.empty() && !may_be_empty) fail(errc::value, ptr, "expected at least one entry");
        words w;
        w.reserve(j.size());
        for (std::size_t i = 0; i < j.size(); ++i) {
            const std::string p = ptr + "/" + std::to_string(i);
            w.push_back(string(j[i], p, true));
            check_template(w.back(), p);
        }
        return w;
    }

    std::vector<std::pair<std::string, words>> list_map(const json& j, const std::string& ptr) const {
        if (!j.is_object()) fail(errc::type, ptr, std::string("expected an object of arrays, got ") + j.type_name());
        std::vector<std::pair<std::string, words>> out;
        for (const auto& kv : j.items()) {
            if (kv.key().empty()) fail(errc::value, ptr + "/", "expected a non-empty key");
            out.emplace_back(kv.key(), list(kv.value(), ptr + "/" + pointer_token(kv.key())));
        }
        return out;
    }

    /// Sector names or "all", as bits of tables::sectors.
    unsigned sector_set(const json& j, const std::string& ptr) const {
        const unsigned all = sectors_->size() >= 32 ? ~0u : (1u << sectors_->size()) - 1;
        if (j.is_string() && j.get<std::string>() == "all") return all;
        if (!j.is_array() || j.empty())
            fail(errc::type, ptr, std::string("expected \"all\" or a non-empty array of sector names, got ") + j.dump());
        unsigned bits = 0;
        for (std::size_t i = 0; i < j.size(); ++i) bits |= 1u << sector_index(string(j[i], ptr + "/" + std::to_string(i)),
                                                                                 ptr + "/" + std::to_string(i));
        return bits;
    }

private:
    std::size_t sector_index(const std::string& name, const std::string& ptr) const {
        for (std::size_t b = 0; b < sectors_->size(); ++b)
            if ((*sectors_)[b] == name) return b;
        fail(errc::value, ptr, "unknown sector " + in_quotes(name) + " (lexicon.json names " + sector_names() + ")");
    }

    std::string sector_names() const {
        std::string s;
        for (const std::string& n : *sectors_) s += (s.empty() ? "" : ", ") + n;
        return s;
    }

    // A malformed template would expand to visible "[" or "{" in the corpus;
    // catching it here names the file and entry instead.
    void check_template(std::string_view t, const std::string& ptr) const {
        std::string_view body = t;
        if (!t.empty() && t[0] == '<') {
            const std::size_t end = t.find('>');
            if (end == std::string_view::npos) fail(errc::value, ptr, "sector tag without '>': " + in_quotes(t));
            if (sectors_) {
                std::string_view tags = t.substr(1, end - 1);
                while (true) {
                    const std::size_t comma = tags.find(',');
                    sector_index(std::string(tags.substr(0, comma)), ptr);
                    if (comma == std::string_view::npos) break;
                    tags.remove_prefix(comma + 1);
                }
            }
            body = t.substr(end + 1);
        }
        int depth = 0;
        for (std::size_t i = 0; i < body.size(); ++i) {
            const char c = body[i];
            if (c == '[') ++depth;
            if (c == ']' && --depth < 0) fail(errc::value, ptr, "']' without '[' in " + in_quotes(t));
            if (c == '{') {
                const std::size_t close = body.find_first_of("}{[]|", i + 1);
                if (close == std::string_view::npos || body[close] != '}' || close == i + 1)
                    fail(errc::value, ptr, "'{' without a slot name and '}' in " + in_quotes(t));
                i = close;
            } else if (c == '}') {
                fail(errc::value, ptr, "'}' without '{' in " + in_quotes(t));
            }
        }
        if (depth != 0) fail(errc::value, ptr, "'[' without ']' in " + in_quotes(t));
    }

    fs::path path_;
    const std::vector<std::string>* sectors_;
};

detail::subtype read_situation(const file_reader& r, const json& j, const std::string& p) {
    r.expect_object(j, p, {"sectors", "department", "lead", "weight", "core", "hinglish", "chat", "sarcasm"});
    detail::subtype st;
    st.sectors = r.sector_set(r.member(j, p, "sectors"), p + "/sectors");
    st.department = r.string(r.member(j, p, "department"), p + "/department");
    st.lead = r.string(r.member(j, p, "lead"), p + "/lead");
    if (st.lead != "low" && st.lead != "medium" && st.lead != "high")
        r.fail(errc::value, p + "/lead", "expected \"low\", \"medium\" or \"high\", got " + in_quotes(st.lead));
    st.weight = r.count(r.member(j, p, "weight"), p + "/weight");
    st.core = r.list(r.member(j, p, "core"), p + "/core");
    st.hi = r.list(r.member(j, p, "hinglish"), p + "/hinglish", true);
    st.chat = r.list(r.member(j, p, "chat"), p + "/chat");
    st.sarc = r.list(r.member(j, p, "sarcasm"), p + "/sarcasm", true);
    return st;
}

detail::situation_layer read_layer(const file_reader& r, const json& j, const std::string& p,
                                   const std::vector<detail::intent_spec>& intents) {
    if (!j.is_object()) r.fail(errc::type, p, std::string("expected an object keyed by intent, got ") + j.type_name());
    detail::situation_layer layer;
    for (const auto& kv : j.items()) {
        const std::string ip = p + "/" + pointer_token(kv.key());
        bool known = false;
        for (const auto& in : intents) known = known || in.name == kv.key();
        if (!known) r.fail(errc::value, ip, "unknown intent " + in_quotes(kv.key()) + " (intents.json does not define it)");
        if (!kv.value().is_array())
            r.fail(errc::type, ip, std::string("expected an array of situations, got ") + kv.value().type_name());
        std::vector<detail::subtype> subs;
        for (std::size_t i = 0; i < kv.value().size(); ++i)
            subs.push_back(read_situation(r, kv.value()[i], ip + "/" + std::to_string(i)));
        layer.by_intent.emplace_back(kv.key(), std::move(subs));
    }
    return layer;
}

void read_lexicon(const fs::path& dir, detail::tables& t, std::vector<std::string>& sector_names) {
    const file_reader names_only(dir / "lexicon.json", nullptr);
    const json j = names_only.parse();
    names_only.expect_object(j, "", {"sectors", "globals", "slots"});
    const json& secs = names_only.member(j, "", "sectors");
    if (!secs.is_array() || secs.empty() || secs.size() > 32)
        names_only.fail(errc::type, "/sectors", "expected an array of 1 to 32 sectors");
    // Names first: the sectors' own lists may carry tags naming any of them.
    for (std::size_t i = 0; i < secs.size(); ++i) {
        const std::string p = "/sectors/" + std::to_string(i);
        if (!secs[i].is_object()) names_only.fail(errc::type, p, std::string("expected an object, got ") + secs[i].type_name());
        std::string name = names_only.string(names_only.member(secs[i], p, "name"), p + "/name");
        if (name == "all" || name.find_first_of(",<>") != std::string::npos ||
            std::find(sector_names.begin(), sector_names.end(), name) != sector_names.end())
            names_only.fail(errc::value, p + "/name", "sector names are unique, not \"all\", without ',', '<', '>': " + in_quotes(name));
        sector_names.push_back(std::move(name));
    }
    const file_reader r(dir / "lexicon.json", &sector_names);
    for (std::size_t i = 0; i < secs.size(); ++i) {
        const std::string p = "/sectors/" + std::to_string(i);
        const json& s = secs[i];
        r.expect_object(s, p, {"name", "businesses", "items", "order_nouns", "order_ids", "plans", "features", "app_parts",
                               "competitors", "actions"});
        detail::sector_lexicon x;
        x.name = sector_names[i];
        x.businesses = r.list(r.member(s, p, "businesses"), p + "/businesses");
        x.items = r.list(r.member(s, p, "items"), p + "/items");
        x.order_nouns = r.list(r.member(s, p, "order_nouns"), p + "/order_nouns");
        x.order_ids = r.list(r.member(s, p, "order_ids"), p + "/order_ids");
        x.plans = r.list(r.member(s, p, "plans"), p + "/plans");
        x.features = r.list(r.member(s, p, "features"), p + "/features");
        x.app_parts = r.list(r.member(s, p, "app_parts"), p + "/app_parts");
        x.competitors = r.list(r.member(s, p, "competitors"), p + "/competitors");
        x.actions = r.list(r.member(s, p, "actions"), p + "/actions");
        t.sectors.push_back(std::move(x));
    }
    const json& g = r.member(j, "", "globals");
    r.expect_object(g, "/globals", {"first_names", "last_names", "agents", "cities", "countries", "companies", "titles",
                                    "errors", "devices", "payments", "promos", "email_domains", "addresses", "apps"});
    const std::pair<const char*, words*> globals[] = {
        {"first_names", &t.globals.first_names}, {"last_names", &t.globals.last_names},
        {"agents", &t.globals.agents},           {"cities", &t.globals.cities},
        {"countries", &t.globals.countries},     {"companies", &t.globals.companies},
        {"titles", &t.globals.titles},           {"errors", &t.globals.errors},
        {"devices", &t.globals.devices},         {"payments", &t.globals.payments},
        {"promos", &t.globals.promos},           {"email_domains", &t.globals.email_domains},
        {"addresses", &t.globals.addresses},     {"apps", &t.globals.apps}};
    for (const auto& kv : globals) *kv.second = r.list(r.member(g, "/globals", kv.first), std::string("/globals/") + kv.first);
    const json& s = r.member(j, "", "slots");
    r.expect_object(s, "/slots", {"when", "since", "deadline", "weekday", "url_paths", "txn", "ticket_id", "phone", "nth",
                                  "nth_hi", "seats", "sarc"});
    const std::pair<const char*, words*> slots[] = {
        {"when", &t.slots.when},   {"since", &t.slots.since},         {"deadline", &t.slots.deadline},
        {"weekday", &t.slots.weekday}, {"url_paths", &t.slots.url_paths}, {"txn", &t.slots.txn},
        {"ticket_id", &t.slots.ticket_id}, {"phone", &t.slots.phone}, {"nth", &t.slots.nth},
        {"nth_hi", &t.slots.nth_hi}, {"seats", &t.slots.seats},       {"sarc", &t.slots.sarc}};
    for (const auto& kv : slots) *kv.second = r.list(r.member(s, "/slots", kv.first), std::string("/slots/") + kv.first);
}

void read_intents(const file_reader& r, detail::tables& t) {
    const json j = r.parse();
    r.expect_object(j, "", {"intents"});
    const json& a = r.member(j, "", "intents");
    if (!a.is_array() || a.empty()) r.fail(errc::type, "/intents", "expected a non-empty array of intents");
    for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string p = "/intents/" + std::to_string(i);
        const json& o = a[i];
        r.expect_object(o, p, {"name", "tones", "details", "asks", "asks_hinglish", "negative", "positive", "situations"});
        detail::intent_spec in;
        in.name = r.string(r.member(o, p, "name"), p + "/name");
        for (const auto& other : t.intents)
            if (other.name == in.name) r.fail(errc::value, p + "/name", "intent " + in_quotes(in.name) + " defined twice");
        const json& tones = r.member(o, p, "tones");
        r.expect_object(tones, p + "/tones", {"neutral", "positive", "frustrated", "sarcastic", "threat", "repeated", "last_chance"});
        for (std::size_t k = 0; k < detail::tone_count; ++k)
            in.tones[k] = r.count(r.member(tones, p + "/tones", detail::tone_names[k]), p + "/tones/" + detail::tone_names[k]);
        in.details = r.list(r.member(o, p, "details"), p + "/details", true);
        in.asks = r.list(r.member(o, p, "asks"), p + "/asks");
        in.asks_hi = r.list(r.member(o, p, "asks_hinglish"), p + "/asks_hinglish", true);
        in.negative = r.list(r.member(o, p, "negative"), p + "/negative", true);
        in.positive = r.list(r.member(o, p, "positive"), p + "/positive", true);
        const json& subs = r.member(o, p, "situations");
        if (!subs.is_array() || subs.empty()) r.fail(errc::type, p + "/situations", "expected a non-empty array of situations");
        for (std::size_t k = 0; k < subs.size(); ++k)
            in.subtypes.push_back(read_situation(r, subs[k], p + "/situations/" + std::to_string(k)));
        t.intents.push_back(std::move(in));
    }
}

void read_phrases(const file_reader& r, detail::tables& t) {
    const json j = r.parse();
    r.expect_object(j, "", {"tones", "prospect_neutral", "greetings", "chat_prefixes", "openers", "closings", "signatures",
                            "asides", "hinglish_spellings"});
    detail::phrase_tables& ph = t.phrases;
    const json& tones = r.member(j, "", "tones");
    r.expect_object(tones, "/tones", {"neutral", "positive", "frustrated", "sarcastic", "threat", "repeated", "last_chance"});
    for (std::size_t k = 0; k < detail::tone_count; ++k) {
        const std::string p = std::string("/tones/") + detail::tone_names[k];
        const json& o = r.member(tones, "/tones", detail::tone_names[k]);
        r.expect_object(o, p, {"sentences", "hinglish", "chat_tails"});
        const auto tn = static_cast<detail::tone>(k);
        ph.tones[k].sentences = r.list(r.member(o, p, "sentences"), p + "/sentences");
        // Other tones fall back to the neutral Hinglish phrases; sarcastic chats
        // end with a sarcastic sentence instead of a tail.
        ph.tones[k].hinglish = r.list(r.member(o, p, "hinglish"), p + "/hinglish", tn != detail::tone::neutral);
        ph.tones[k].chat_tails = r.list(r.member(o, p, "chat_tails"), p + "/chat_tails", tn == detail::tone::sarcastic);
    }
    ph.prospect_neutral = r.list(r.member(j, "", "prospect_neutral"), "/prospect_neutral");
    const json& gr = r.member(j, "", "greetings");
    r.expect_object(gr, "/greetings", {"formal", "casual", "hinglish"});
    ph.formal_greetings = r.list(r.member(gr, "/greetings", "formal"), "/greetings/formal");
    ph.casual_greetings = r.list(r.member(gr, "/greetings", "casual"), "/greetings/casual");
    ph.hinglish_greetings = r.list(r.member(gr, "/greetings", "hinglish"), "/greetings/hinglish");
    const json& cp = r.member(j, "", "chat_prefixes");
    r.expect_object(cp, "/chat_prefixes", {"english", "hinglish"});
    ph.chat_prefixes = r.list(r.member(cp, "/chat_prefixes", "english"), "/chat_prefixes/english");
    ph.chat_prefixes_hi = r.list(r.member(cp, "/chat_prefixes", "hinglish"), "/chat_prefixes/hinglish");
    const json& op = r.member(j, "", "openers");
    r.expect_object(op, "/openers", {"account", "order", "prospect", "generic"});
    ph.account_openers = r.list(r.member(op, "/openers", "account"), "/openers/account");
    ph.order_openers = r.list(r.member(op, "/openers", "order"), "/openers/order");
    ph.prospect_openers = r.list(r.member(op, "/openers", "prospect"), "/openers/prospect");
    ph.generic_openers = r.list(r.member(op, "/openers", "generic"), "/openers/generic");
    const json& cl = r.member(j, "", "closings");
    r.expect_object(cl, "/closings", {"formal", "casual"});
    ph.formal_closings = r.list(r.member(cl, "/closings", "formal"), "/closings/formal");
    ph.casual_closings = r.list(r.member(cl, "/closings", "casual"), "/closings/casual");
    ph.signatures = r.list(r.member(j, "", "signatures"), "/signatures");
    ph.asides = r.list(r.member(j, "", "asides"), "/asides");
    ph.hinglish_variants = r.list_map(r.member(j, "", "hinglish_spellings"), "/hinglish_spellings");
}

void read_noise(const file_reader& r, detail::tables& t) {
    const json j = r.parse();
    r.expect_object(j, "", {"sms", "elongation", "shouting", "emphasis", "emoji"});
    t.noise.sms = r.list_map(r.member(j, "", "sms"), "/sms");
    t.noise.elongation = r.list(r.member(j, "", "elongation"), "/elongation", true);
    t.noise.shouting = r.list(r.member(j, "", "shouting"), "/shouting", true);
    t.noise.emphasis = r.list(r.member(j, "", "emphasis"), "/emphasis", true);
    const json& e = r.member(j, "", "emoji");
    r.expect_object(e, "/emoji", {"negative", "positive", "neutral"});
    t.noise.emoji_negative = r.list(r.member(e, "/emoji", "negative"), "/emoji/negative");
    t.noise.emoji_positive = r.list(r.member(e, "/emoji", "positive"), "/emoji/positive");
    t.noise.emoji_neutral = r.list(r.member(e, "/emoji", "neutral"), "/emoji/neutral");
}

/// A situation file: "situations" and, where `upset` is given, "upset".
void read_layers(const file_reader& r, const detail::tables& t, detail::situation_layer& situations,
                 detail::situation_layer* upset, std::initializer_list<const char*> extra_keys, json* root) {
    *root = r.parse();
    std::vector<const char*> keys{"situations"};
    if (upset) keys.push_back("upset");
    keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
    r.expect_object(*root, "", keys);
    situations = read_layer(r, r.member(*root, "", "situations"), "/situations", t.intents);
    if (upset) *upset = read_layer(r, r.member(*root, "", "upset"), "/upset", t.intents);
}

}  // namespace

templates templates::load(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw template_error(errc::io, dir.string(), "not a folder (synth templates are a folder of JSON files)");
    auto t = std::make_shared<detail::tables>();
    std::vector<std::string> sector_names;
    read_lexicon(dir, *t, sector_names);
    read_intents(file_reader(dir / "intents.json", &sector_names), *t);
    read_phrases(file_reader(dir / "phrases.json", &sector_names), *t);
    read_noise(file_reader(dir / "noise.json", &sector_names), *t);
    json root;
    read_layers(file_reader(dir / "variety.json", &sector_names), *t, t->variety, &t->angry_variety, {}, &root);
    {
        const file_reader r(dir / "crossover.json", &sector_names);
        read_layers(r, *t, t->crossover, nullptr, {"upset_intents"}, &root);
        const json& u = r.member(root, "", "upset_intents");
        t->crossover_upset = r.list(u, "/upset_intents", true);
        for (std::size_t i = 0; i < t->crossover_upset.size(); ++i) {
            const std::string& n = t->crossover_upset[i];
            if (std::none_of(t->intents.begin(), t->intents.end(), [&](const detail::intent_spec& in) { return in.name == n; }))
                r.fail(errc::value, "/upset_intents/" + std::to_string(i), "unknown intent " + in_quotes(n));
        }
    }
    read_layers(file_reader(dir / "breadth.json", &sector_names), *t, t->breadth, nullptr, {}, &root);
    {
        const file_reader r(dir / "frames.json", &sector_names);
        read_layers(r, *t, t->frames, &t->upset_frames, {"topics"}, &root);
        t->topics = r.list_map(r.member(root, "", "topics"), "/topics");
    }
    read_layers(file_reader(dir / "realism.json", &sector_names), *t, t->realism, &t->upset_realism, {}, &root);
    return templates(std::move(t));
}

}  // namespace tiny_ticket::synth
