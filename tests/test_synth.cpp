// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <tiny_ticket/synth/detail/compose.hpp>
#include <tiny_ticket/synth/detail/tables.hpp>
#include <tiny_ticket/synth/generator.hpp>
#include <utility>
#include <vector>

namespace synth = tiny_ticket::synth;

namespace {

// The label sets of TAXONOMY.md, written out here rather than taken from the
// generator so that a typo in the generator cannot agree with itself.
const std::map<std::string, std::set<std::string>>& allowed_labels() {
    static const std::map<std::string, std::set<std::string>> m{
        {"department", {"billing", "general", "logistics", "sales", "technical"}},
        {"sentiment", {"negative", "neutral", "positive"}},
        {"lead_intent", {"high", "low", "medium"}},
        {"churn_risk", {"low", "high"}},
        {"intent",
         {"account_access", "billing_issue", "cancellation", "complaint", "delivery_issue", "demo_request",
          "feature_request", "general_query", "order_change", "order_tracking", "praise", "pricing_inquiry", "refund",
          "technical_issue"}},
    };
    return m;
}

std::string label(const synth::ticket& t, std::string_view head) {
    for (const auto& kv : t.labels)
        if (kv.first == head) return kv.second;
    return {};
}

// The source tree's templates, found the way the build-tree CLI finds them.
const synth::templates& tpl() {
    static const synth::templates t = synth::templates::load(synth::templates::find());
    return t;
}

std::vector<synth::ticket> corpus(std::size_t count, std::uint64_t seed = 42, double hinglish = 0.2, double noise = 0.3) {
    synth::options o;
    o.count = count;
    o.seed = seed;
    o.hinglish_share = hinglish;
    o.noise = noise;
    return synth::generate(tpl(), o);
}

std::string to_jsonl(const std::vector<synth::ticket>& v) {
    std::ostringstream os;
    synth::write_jsonl(os, v);
    return os.str();
}

// Lowercased runs of ASCII letters.
std::vector<std::string> words_of(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            cur += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        } else if (!cur.empty()) {
            out.push_back(cur);
            cur.clear();
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

bool valid_utf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
        i += n;
    }
    return true;
}

std::uint64_t fnv1a(const std::string& s) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ull;
    }
    return h;
}

}  // namespace

TEST_CASE("synth: same options give identical tickets, another seed gives others") {
    const auto a = corpus(1500, 7);
    const auto b = corpus(1500, 7);
    REQUIRE(a.size() == 1500);
    REQUIRE(b.size() == 1500);
    CHECK(to_jsonl(a) == to_jsonl(b));
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].text == b[i].text);
        CHECK(a[i].labels == b[i].labels);
        CHECK(a[i].hinglish == b[i].hinglish);
    }

    const auto c = corpus(1500, 8);
    std::size_t same = 0;
    for (std::size_t i = 0; i < a.size(); ++i) same += a[i].text == c[i].text;
    // Very short chats ("phone number?") may coincide; whole corpora must not.
    CHECK(same < a.size() / 20);
}

TEST_CASE("synth: a corpus is a prefix of a longer one and make_ticket matches generate") {
    const auto small = corpus(200, 99);
    const auto large = corpus(600, 99);
    for (std::size_t i = 0; i < small.size(); ++i) CHECK(small[i].text == large[i].text);
    synth::options o;
    o.seed = 99;
    for (std::size_t i : {0u, 17u, 599u}) CHECK(synth::make_ticket(tpl(), o, i).text == large[i].text);
}

TEST_CASE("synth: golden corpus hash pins cross-platform determinism") {
    // Any change to templates, lexicons or the generator's draw order changes
    // this value; update it deliberately. A difference between platforms with
    // the same sources is a determinism bug (a std distribution or an
    // unordered container crept in).
    const std::string jsonl = to_jsonl(corpus(300, 2024));
    CHECK(fnv1a(jsonl) == 0xa427d8963e06190bull);
}

TEST_CASE("synth: labels are from the taxonomy and every label occurs") {
    const auto v = corpus(5000);
    std::map<std::string, std::map<std::string, std::size_t>> counts;
    for (const auto& t : v) {
        REQUIRE(t.labels.size() == 5);
        for (const auto& kv : t.labels) {
            const auto head = allowed_labels().find(kv.first);
            REQUIRE_MESSAGE(head != allowed_labels().end(), "unknown head " << kv.first);
            CHECK_MESSAGE(head->second.count(kv.second) == 1, kv.first << " has unknown label " << kv.second);
            ++counts[kv.first][kv.second];
        }
    }
    for (const auto& head : allowed_labels()) {
        for (const auto& l : head.second) {
            const double share = static_cast<double>(counts[head.first][l]) / static_cast<double>(v.size());
            CHECK_MESSAGE(share >= 0.03, head.first << "=" << l << " only " << share);
        }
    }
    for (const auto& kv : counts["intent"]) {
        const double share = static_cast<double>(kv.second) / static_cast<double>(v.size());
        CHECK_MESSAGE(share >= 0.05, kv.first << " " << share);
        CHECK_MESSAGE(share <= 0.10, kv.first << " " << share);
    }
}

TEST_CASE("synth: texts are non-empty, valid UTF-8 and free of template syntax") {
    for (double noise : {0.0, 1.0}) {
        for (const auto& t : corpus(3000, 5, 0.3, noise)) {
            CHECK_FALSE(t.text.empty());
            CHECK(valid_utf8(t.text));
            CHECK_MESSAGE(t.text.find_first_of("{}[]") == std::string::npos, t.text);
        }
    }
}

TEST_CASE("synth: hinglish share follows the option and hinglish tickets code-mix") {
    const auto v = corpus(5000, 42, 0.2, 0.0);
    std::size_t hi = 0;
    // Hindi function words; each Hinglish template contains at least one.
    const std::set<std::string> hindi{
        "nahi", "nai", "nhi", "nahin", "nahii", "hai", "he", "h", "kya", "kia", "kyaa", "kar", "kr", "krdo", "kardo",
        "karo", "kro", "ka", "ki", "ke", "ko", "se", "mein", "pe", "bhai", "bhaiya", "bhaii", "yaar", "yar", "yaara",
        "bhi", "bi", "ho", "tha", "thi", "raha", "rahi", "gaya", "gya", "gayaa", "aaya", "aya", "chahiye", "chaiye",
        "chahie", "mera", "mra", "meraa", "kab", "kb", "kyun", "kyu", "kyo", "kyon", "paisa", "paise", "pesa",
        "wapas", "vapas", "jaldi", "abhi", "abi", "bahut", "bohot", "bhot", "bahot", "shukriya", "dhanyavaad", "do",
        "dena", "batao", "lo", "hua", "huwa", "hui", "mujhe", "muje", "kaise", "kese", "theek", "thik", "wala",
        "wale", "mat", "bas", "toh", "aur", "lekin", "sirf", "kuch", "koi", "ekdum", "mast", "badhiya", "chala",
        "raho", "karte", "kahan", "milegi", "milega", "kitne", "kitni", "baje", "aayegi", "aayega", "baar", "bolna",
        "padega", "karunga", "jaunga", "ab", "wahi", "hota", "hoti", "sakte", "sakta", "milta", "lagega", "bata",
        "diya", "gaye", "kaam", "kaisey", "kare", "karu", "kiya", "har", "dekh", "lena"};
    const std::set<std::string> strong{"nahi", "nhi", "hai", "kya", "chahiye", "yaar", "bhai", "paisa", "wapas", "karo", "mera"};
    for (const auto& t : v) {
        const auto w = words_of(t.text);
        if (t.hinglish) {
            ++hi;
            bool mixed = false;
            for (const auto& x : w) mixed = mixed || hindi.count(x) > 0;
            CHECK_MESSAGE(mixed, t.text);
        } else {
            for (const auto& x : w) CHECK_MESSAGE(strong.count(x) == 0, t.text);
        }
    }
    const double share = static_cast<double>(hi) / static_cast<double>(v.size());
    CHECK(share > 0.17);
    CHECK(share < 0.23);

    for (const auto& t : corpus(500, 3, 0.0)) CHECK_FALSE(t.hinglish);
    for (const auto& t : corpus(500, 3, 1.0)) CHECK(t.hinglish);
}

TEST_CASE("synth: label logic follows the taxonomy") {
    const auto v = corpus(5000, 11);
    std::size_t sarcastic = 0;
    for (const auto& t : v) {
        const std::string intent = label(t, "intent"), dept = label(t, "department"), sent = label(t, "sentiment"),
                          lead = label(t, "lead_intent"), churn = label(t, "churn_risk");
        INFO(t.text);
        if (intent == "refund") {
            CHECK(dept == "billing");
            CHECK(lead == "low");
            // An angry refund is a churn signal; a polite one is not.
            CHECK((sent == "negative") == (churn == "high"));
        }
        if (intent == "billing_issue") CHECK(dept == "billing");
        if (intent == "praise") {
            CHECK(sent == "positive");
            CHECK(churn == "low");
            CHECK(dept == "general");
        }
        if (intent == "cancellation") {
            CHECK(churn == "high");
            CHECK(lead == "low");
        }
        if (intent == "complaint") CHECK(sent == "negative");
        if (intent == "demo_request") {
            CHECK(dept == "sales");
            CHECK(lead == "high");
            CHECK(sent != "negative");
        }
        if (intent == "pricing_inquiry") {
            CHECK(dept == "sales");
            CHECK(lead != "low");
        }
        if (intent == "delivery_issue" || intent == "order_tracking" || intent == "order_change") CHECK(dept == "logistics");
        if (intent == "order_tracking" || intent == "order_change") CHECK(sent != "negative");
        if (intent == "account_access" || intent == "technical_issue") CHECK(dept == "technical");
        if (lead != "low") {
            CHECK(dept == "sales");
            CHECK(sent != "negative");  // prospects are not angry customers
        }
        if (churn == "high") CHECK((intent == "cancellation" || sent == "negative"));
        if (sent == "positive" && intent != "cancellation") CHECK(churn == "low");
        sarcastic += t.text.find("just great") != std::string::npos || t.text.find("Love that for me") != std::string::npos;
    }
    CHECK(sarcastic > 0);

    // Department follows content: complaints land in more than one department.
    std::set<std::string> complaint_depts;
    for (const auto& t : v)
        if (label(t, "intent") == "complaint") complaint_depts.insert(label(t, "department"));
    CHECK(complaint_depts.count("general") == 1);
    CHECK(complaint_depts.count("logistics") == 1);
    CHECK(complaint_depts.count("billing") == 1);
}

TEST_CASE("synth: negated cancellation is not a cancellation") {
    const auto v = corpus(6000, 21, 0.0, 0.0);
    std::size_t negated = 0;
    for (const auto& t : v) {
        const bool neg = t.text.find("don't cancel") != std::string::npos || t.text.find("Don't cancel") != std::string::npos ||
                         t.text.find("not cancelling") != std::string::npos ||
                         t.text.find("Not looking to cancel") != std::string::npos ||
                         t.text.find("don't want to cancel") != std::string::npos;
        if (!neg) continue;
        ++negated;
        INFO(t.text);
        CHECK(label(t, "intent") != "cancellation");
    }
    CHECK(negated >= 10);
}

TEST_CASE("synth: topic words appear under other intents") {
    // A model must not learn "delivery" => delivery_issue or "refund" => refund:
    // praise, how-to questions and feature requests mention those topics too.
    const auto v = corpus(8000, 5, 0.2, 0.0);
    std::map<std::string, std::set<std::string>> intents_with;
    for (const auto& t : v) {
        const auto w = words_of(t.text);
        const std::set<std::string> ws(w.begin(), w.end());
        for (const char* topic : {"delivery", "refund", "invoice", "update", "address", "cancel"})
            if (ws.count(topic) || ws.count(std::string(topic) + "s")) intents_with[topic].insert(label(t, "intent"));
    }
    CHECK(intents_with["delivery"].count("praise") == 1);
    CHECK(intents_with["delivery"].count("feature_request") == 1);
    CHECK(intents_with["delivery"].count("general_query") == 1);
    CHECK(intents_with["refund"].count("praise") == 1);
    CHECK(intents_with["refund"].count("order_change") == 1);
    CHECK(intents_with["invoice"].count("general_query") == 1);
    CHECK(intents_with["invoice"].count("feature_request") == 1);
    CHECK(intents_with["update"].count("praise") == 1);
    CHECK(intents_with["cancel"].count("order_change") == 1);
    for (const auto& kv : intents_with) CHECK_MESSAGE(kv.second.size() >= 3, kv.first);
}

TEST_CASE("synth: sarcasm in the core is negative, never praise") {
    const auto v = corpus(8000, 9, 0.0, 0.0);
    std::size_t seen = 0;
    for (const auto& t : v) {
        const bool sarcastic_core = t.text.find("Brilliant work") != std::string::npos ||
                                    t.text.find("Really great design") != std::string::npos ||
                                    t.text.find("Thanks for that") != std::string::npos;
        if (!sarcastic_core) continue;
        ++seen;
        INFO(t.text);
        CHECK(label(t, "sentiment") == "negative");
        CHECK(label(t, "intent") != "praise");
    }
    CHECK(seen >= 5);
}

TEST_CASE("synth: noise changes surface only, never labels") {
    const auto clean = corpus(2000, 77, 0.2, 0.0);
    const auto noisy = corpus(2000, 77, 0.2, 1.0);
    std::size_t changed = 0, emoji = 0;
    for (std::size_t i = 0; i < clean.size(); ++i) {
        CHECK(clean[i].labels == noisy[i].labels);
        changed += clean[i].text != noisy[i].text;
        // 0xF0 starts a four-byte UTF-8 sequence: every emoji in the pools.
        CHECK(clean[i].text.find('\xF0') == std::string::npos);
        emoji += noisy[i].text.find('\xF0') != std::string::npos;
    }
    CHECK(changed > clean.size() * 8 / 10);
    CHECK(emoji > clean.size() / 10);
}

TEST_CASE("synth: write_jsonl escapes quotes, backslashes and control characters") {
    synth::ticket t;
    t.text = std::string("He said \"hi\"\\ \n\t") + '\x01' + '\x1f' + "\r caf\xC3\xA9";
    t.labels = {{"intent", "refund"}, {"sentiment", "ne\"g"}};
    t.hinglish = true;
    synth::ticket u;
    u.text = "ok";
    std::ostringstream os;
    synth::write_jsonl(os, {t, u});
    CHECK(os.str() ==
          "{\"text\": \"He said \\\"hi\\\"\\\\ \\n\\t\\u0001\\u001f\\r caf\xC3\xA9\", \"intent\": \"refund\", "
          "\"sentiment\": \"ne\\\"g\", \"hinglish\": true}\n"
          "{\"text\": \"ok\", \"hinglish\": false}\n");
}

TEST_CASE("synth: write_jsonl keeps emoji and replaces invalid UTF-8 instead of throwing") {
    synth::ticket t;
    t.text = "ok \xF0\x9F\x98\x8A bad \xFF!";
    std::ostringstream os;
    synth::write_jsonl(os, {t});
    CHECK(os.str() == "{\"text\": \"ok \xF0\x9F\x98\x8A bad \xEF\xBF\xBD!\", \"hinglish\": false}\n");
}

TEST_CASE("synth: generated JSONL has one object per line with the documented keys") {
    const auto v = corpus(300, 4, 0.5, 1.0);
    const std::string s = to_jsonl(v);
    std::size_t lines = 0, start = 0;
    while (start < s.size()) {
        const std::size_t end = s.find('\n', start);
        REQUIRE(end != std::string::npos);
        const std::string line = s.substr(start, end - start);
        CHECK(line.rfind("{\"text\": \"", 0) == 0);
        for (const char* key : {"\"department\": ", "\"sentiment\": ", "\"lead_intent\": ", "\"churn_risk\": ", "\"intent\": ",
                                "\"hinglish\": "})
            CHECK(line.find(key) != std::string::npos);
        for (char c : line) CHECK(static_cast<unsigned char>(c) >= 0x20);
        ++lines;
        start = end + 1;
    }
    CHECK(lines == v.size());
}

TEST_CASE("synth: every template fits its sectors and expands completely") {
    using namespace tiny_ticket::synth::detail;
    const tables& data = tpl().data();
    const auto& secs = data.sectors;
    for (const intent_spec& in : data.intents) {
        unsigned intent_mask = 0;
        std::vector<const subtype*> all_subtypes;
        for (const subtype& st : in.subtypes) all_subtypes.push_back(&st);
        for (const situation_layer* layer : {&data.variety, &data.crossover, &data.angry_variety, &data.breadth, &data.frames,
                                             &data.upset_frames, &data.realism, &data.upset_realism})
            for (const subtype& st : layer->for_intent(in.name)) all_subtypes.push_back(&st);
        for (const subtype* stp : all_subtypes) {
            const subtype& st = *stp;
            intent_mask |= st.sectors;
            for (std::size_t b = 0; b < secs.size(); ++b) {
                if (!(st.sectors & (1u << b))) continue;
                for (const words* list : {&st.core, &st.hi, &st.chat}) {
                    bool any = false;
                    for (const std::string& e : *list) any = any || template_fits(e, secs[b].name);
                    CHECK_MESSAGE(any, in.name << " has a situation without templates for " << secs[b].name);
                }
                for (const words* list : {&st.core, &st.hi, &st.chat, &st.sarc, &in.details, &in.asks, &in.asks_hi,
                                          &in.negative, &in.positive}) {
                    for (const std::string& e : *list) {
                        if (!template_fits(e, secs[b].name)) continue;
                        rng r(b);
                        scenario sc(data, r, in, st, secs[b], true);
                        const std::string out = sc.fragment(strip_tag(e));
                        CHECK_MESSAGE(out.find_first_of("{}[]") == std::string::npos, in.name << ": " << e << " -> " << out);
                        CHECK_MESSAGE((out.empty() || out[0] != '<'), in.name << ": malformed tag in " << e);
                    }
                }
            }
        }
        // Frame sentences (tones, greetings, openers, closings) in every sector.
        const phrase_tables& ph = data.phrases;
        for (std::size_t b = 0; b < secs.size(); ++b) {
            if (!(intent_mask & (1u << b))) continue;
            std::vector<const words*> frames{&ph.formal_greetings, &ph.casual_greetings, &ph.hinglish_greetings,
                                             &ph.chat_prefixes,    &ph.chat_prefixes_hi, &ph.account_openers,
                                             &ph.order_openers,    &ph.prospect_openers, &ph.generic_openers,
                                             &ph.prospect_neutral, &ph.formal_closings,  &ph.signatures,
                                             &ph.casual_closings,  &ph.asides};
            for (const tone_phrases& tp : ph.tones) {
                frames.push_back(&tp.sentences);
                frames.push_back(&tp.hinglish);
                frames.push_back(&tp.chat_tails);
            }
            for (const words* list : frames) {
                for (const std::string& e : *list) {
                    rng r(b + 100);
                    scenario sc(data, r, in, in.subtypes.front(), secs[b], true);
                    const std::string out = sc.fragment(strip_tag(e));
                    CHECK_MESSAGE(out.find_first_of("{}[]") == std::string::npos, e << " -> " << out);
                }
            }
        }
        // Shared topic lists behind the {t_*} slots of the compositional frames.
        for (std::size_t b = 0; b < secs.size(); ++b) {
            if (!(intent_mask & (1u << b))) continue;
            for (const auto& tl : data.topics) {
                bool any = false;
                for (const std::string& e : tl.second) {
                    any = any || template_fits(e, secs[b].name);
                    rng r(b + 200);
                    scenario sc(data, r, in, in.subtypes.front(), secs[b], true);
                    const std::string out = sc.fragment(strip_tag(e));
                    CHECK_MESSAGE(out.find_first_of("{}[]") == std::string::npos, tl.first << ": " << e << " -> " << out);
                }
                CHECK_MESSAGE(any, tl.first << " has nothing for " << secs[b].name);
            }
        }
        for (std::size_t b = 0; b < secs.size(); ++b) {
            if (!(intent_mask & (1u << b)) || in.details.empty()) continue;
            bool any = false;
            for (const std::string& e : in.details) any = any || template_fits(e, secs[b].name);
            CHECK_MESSAGE(any, in.name << " details have nothing for " << secs[b].name);
        }
    }
}

namespace {

namespace fs = std::filesystem;

// A private copy of the source templates that one test may break.
struct template_copy {
    fs::path dir;
    explicit template_copy(const std::string& name) : dir(fs::temp_directory_path() / ("tiny_ticket_synth_" + name)) {
        fs::remove_all(dir);
        fs::copy(synth::templates::find(), dir);
    }
    ~template_copy() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    nlohmann::ordered_json read(const std::string& file) const {
        std::ifstream f(dir / file);
        return nlohmann::ordered_json::parse(f);
    }
    void write(const std::string& file, const std::string& text) const {
        std::ofstream f(dir / file, std::ios::binary | std::ios::trunc);
        f << text;
    }
    void write_json(const std::string& file, const nlohmann::ordered_json& j) const { write(file, j.dump(2)); }
};

// Loads `dir` and returns the error, failing the test when none is thrown.
tiny_ticket::synth::template_error load_error(const fs::path& dir) {
    try {
        synth::templates::load(dir);
    } catch (const synth::template_error& e) {
        return e;
    }
    FAIL("no template_error for " << dir.string());
    return synth::template_error(tiny_ticket::errc::io, "", "");
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

TEST_CASE("synth: templates load from the source tree and name the folder") {
    const fs::path dir = synth::templates::find();
    CHECK(fs::is_regular_file(dir / "intents.json"));
    CHECK(synth::templates::find("/some/where") == fs::path("/some/where"));
    const auto& data = tpl().data();
    CHECK(data.intents.size() == 14);
    CHECK(data.sectors.size() == 6);
}

TEST_CASE("synth: template errors name the file and the JSON line or path") {
    SUBCASE("missing folder") {
        const auto e = load_error("/nonexistent/tiny_ticket/synth");
        CHECK(e.code() == tiny_ticket::errc::io);
        CHECK(e.where() == "/nonexistent/tiny_ticket/synth");
    }
    SUBCASE("missing file") {
        const template_copy c("missing_file");
        fs::remove(c.dir / "noise.json");
        const auto e = load_error(c.dir);
        CHECK(e.code() == tiny_ticket::errc::io);
        CHECK(e.where() == (c.dir / "noise.json").string());
        CHECK(std::string(e.what()).find("no such file") != std::string::npos);
    }
    SUBCASE("malformed JSON: line and column") {
        const template_copy c("malformed");
        c.write("phrases.json", "{\n  \"tones\": {\n    oops\n}\n");
        const auto e = load_error(c.dir);
        CHECK(e.code() == tiny_ticket::errc::parse);
        INFO(e.what());
        CHECK(e.where().rfind((c.dir / "phrases.json").string() + ":3:", 0) == 0);
    }
    SUBCASE("wrong type: JSON pointer") {
        const template_copy c("wrong_type");
        auto j = c.read("intents.json");
        j["intents"][2]["tones"]["neutral"] = "lots";
        c.write_json("intents.json", j);
        const auto e = load_error(c.dir);
        CHECK(e.code() == tiny_ticket::errc::type);
        CHECK(ends_with(e.where(), "intents.json#/intents/2/tones/neutral"));
    }
    SUBCASE("missing key") {
        const template_copy c("missing_key");
        auto j = c.read("intents.json");
        j["intents"][0]["situations"][1].erase("chat");
        c.write_json("intents.json", j);
        const auto e = load_error(c.dir);
        CHECK(e.code() == tiny_ticket::errc::missing_field);
        CHECK(ends_with(e.where(), "intents.json#/intents/0/situations/1/chat"));
    }
    SUBCASE("unknown key (a typo would otherwise drop a list silently)") {
        const template_copy c("unknown_key");
        auto j = c.read("phrases.json");
        j["greetings"]["formall"] = nlohmann::ordered_json::array({"Hi,"});
        c.write_json("phrases.json", j);
        const auto e = load_error(c.dir);
        CHECK(e.code() == tiny_ticket::errc::value);
        CHECK(ends_with(e.where(), "phrases.json#/greetings/formall"));
    }
    SUBCASE("empty list the generator draws from") {
        const template_copy c("empty_list");
        auto j = c.read("lexicon.json");
        j["sectors"][1]["competitors"] = nlohmann::ordered_json::array();
        c.write_json("lexicon.json", j);
        const auto e = load_error(c.dir);
        CHECK(e.code() == tiny_ticket::errc::value);
        CHECK(ends_with(e.where(), "lexicon.json#/sectors/1/competitors"));
    }
    SUBCASE("unknown sector, in a situation and in a tag") {
        const template_copy c("unknown_sector");
        auto j = c.read("variety.json");
        j["situations"]["refund"][0]["sectors"] = nlohmann::ordered_json::array({"shop", "spaceport"});
        c.write_json("variety.json", j);
        auto e = load_error(c.dir);
        CHECK(e.code() == tiny_ticket::errc::value);
        CHECK(ends_with(e.where(), "variety.json#/situations/refund/0/sectors/1"));
        CHECK(std::string(e.what()).find("spaceport") != std::string::npos);

        j["situations"]["refund"][0]["sectors"] = "all";
        j["situations"]["refund"][0]["core"][0] = "<shop,spaceport>Refund please.";
        c.write_json("variety.json", j);
        e = load_error(c.dir);
        CHECK(ends_with(e.where(), "variety.json#/situations/refund/0/core/0"));
    }
    SUBCASE("unbalanced template syntax") {
        const template_copy c("unbalanced");
        auto j = c.read("frames.json");
        j["topics"]["t_page"][0] = "billing [page|screen";
        c.write_json("frames.json", j);
        const auto e = load_error(c.dir);
        CHECK(e.code() == tiny_ticket::errc::value);
        CHECK(ends_with(e.where(), "frames.json#/topics/t_page/0"));
    }
}
