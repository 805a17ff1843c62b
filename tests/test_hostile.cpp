// SPDX-License-Identifier: MIT
// Hostile input: huge, repetitive, malformed and exotic tickets must be
// classified with valid scores, and the work done must stay linear in the
// input (checked by counting output, never by timing). Also the regression
// tests for every crash the fuzz targets in fuzz/ have found.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <tiny_ticket/tiny_ticket.hpp>
#include <tiny_ticket/train/data.hpp>
#include <vector>

#include "support/skip.hpp"
#include "support/toy_model.hpp"

using namespace tiny_ticket;
using json = nlohmann::json;

namespace {

std::string repeat(const std::string& unit, std::size_t bytes) {
    std::string s;
    s.reserve(bytes + unit.size());
    while (s.size() < bytes) s += unit;
    return s;
}

struct hostile_text {
    std::string name;
    std::string text;
};

std::vector<hostile_text> hostile_texts() {
    const std::size_t mb = std::size_t(1) << 20;
    const std::size_t kb256 = std::size_t(1) << 18;  // plenty to expose superlinear work, cheap under sanitizers
    std::vector<hostile_text> v;
    // Size: a 10 MB ticket of ordinary words, and one million tokens.
    v.push_back({"10 MB ticket", repeat("Hi, I was charged twice for order 5521; refund nahi mila, pls help! ", 10 * mb)});
    v.push_back({"1M tokens", repeat("refund ", 7 * 1000000)});
    v.push_back({"1M distinct tokens", [] {
                     std::string s;
                     for (int i = 0; i < 1000000; ++i) s += "w" + std::to_string(i) + "x ";
                     return s;
                 }()});
    // Long runs of one character, each hitting a different normalizer stage.
    for (const char* unit : {"a", "A", "1", "&", "<", ">", " ", "\t", "@", ".", "-", "_", "/", "\xff"})
        v.push_back({std::string("run of '") + unit + "'", repeat(unit, mb)});
    v.push_back({"one 1 MB word", repeat("pleeeease", mb)});
    // Patterns aimed at the URL, e-mail and number matchers.
    for (const char* unit : {"www.", "http://", "https://x", "a@", "a@b.", "a@b.c ", "a.b@c-d.e-", "@.-", "1&", "1.2.",
                             "kar do ", "kar ", "nahi&", "\xc4\xb0", "\xe2\x84\xaa"})
        v.push_back({std::string("repeated '") + unit + "'", repeat(unit, kb256)});
    v.push_back({"e-mail with a long dotted domain", "a@b" + repeat(".-", mb) + " x"});
    v.push_back({"url without end", "http://" + repeat("x", mb)});
    // Invalid and overlong UTF-8: overlong '/', surrogates, 5- and 6-byte
    // forms, bare continuation bytes, truncated sequences at the very end.
    v.push_back({"invalid UTF-8", repeat("\xc0\xaf\xe0\x80\xaf\xf0\x80\x80\xaf\xed\xa0\x80\xf8\x88\x80\x80\x80\xfc\x84\x80"
                                         "\x80\x80\x80\xfe\xff\x80\xbf refund ",
                                         kb256) +
                                      "\xc4"});
    v.push_back({"truncated multibyte at end", "refund \xe2\x84"});
    // NUL and every control character.
    {
        std::string s;
        for (int r = 0; r < 4096; ++r)
            for (int c = 0; c < 32; ++c) s += static_cast<char>(c), s += "x";
        s += '\x7f';
        v.push_back({"NUL and control characters", s});
    }
    // Right-to-left, bidi overrides and zero-width characters around words.
    v.push_back({"bidi and zero-width",
                 repeat("\xe2\x80\xae" "refund\xe2\x80\x8b" "order\xe2\x80\x8c\xe2\x80\x8d\xef\xbb\xbf "
                        "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd8\xa7\xd9\x84\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\xa9 "
                        "\xe2\x80\x8f\xe2\x81\xa6x\xe2\x81\xa9 ",
                        kb256)});
    // Emoji sequences: ZWJ families, flags, skin tones, keycaps (digit + FE0F + 20E3).
    v.push_back({"emoji sequences",
                 repeat("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 "
                        "\xf0\x9f\x87\xae\xf0\x9f\x87\xb3\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd "
                        "1\xef\xb8\x8f\xe2\x83\xa3#\xef\xb8\x8f\xe2\x83\xa3 refund\xf0\x9f\x98\xa1 ",
                        kb256)});
    // Every byte value, and pseudo-random bytes.
    {
        std::string all;
        for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
        v.push_back({"every byte value", repeat(all, kb256)});
        std::string rnd;
        std::uint64_t x = 0x9e3779b97f4a7c15ull;
        for (std::size_t i = 0; i < kb256; ++i) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            rnd += static_cast<char>(x & 0xff);
        }
        v.push_back({"random bytes", rnd});
    }
    v.push_back({"empty", ""});
    v.push_back({"only whitespace", repeat(" \t\r\n\f\v", kb256)});
    return v;
}

/// Valid scores: finite, in [0, 1], each head summing to 1 (a sigmoid head's
/// two scores too), label consistent with the scores.
template <class T>
void check_scores(const basic_prediction<T>& p, const basic_classifier<T>& clf) {
    REQUIRE(p.heads.size() == clf.num_heads());
    for (std::size_t h = 0; h < p.heads.size(); ++h) {
        const auto& hp = p.heads[h];
        REQUIRE(hp.scores.size() == clf.head(h).labels.size());
        double sum = 0;
        bool ok = true;
        for (T s : hp.scores) {
            ok = ok && std::isfinite(s) && s >= T(0) && s <= T(1);
            sum += static_cast<double>(s);
        }
        CHECK(ok);
        CHECK(sum == doctest::Approx(1.0).epsilon(1e-4));
        CHECK(hp.label_index < hp.scores.size());
        CHECK(hp.confidence == hp.scores[hp.label_index]);
    }
}

/// Classifies every hostile text with `clf` and checks scores plus the
/// counted work: normalized bytes at most `growth` per input byte (so every
/// later stage, which walks the normalized text, stays linear), at most one
/// token per two normalized bytes, and no more features than tokens allow.
template <class T>
void classify_all(const basic_classifier<T>& clf, std::size_t growth) {
    auto ws = clf.make_workspace();
    const auto& f = clf.model().features;
    const std::size_t grams_per_token = f.char_ngrams.buckets ? (f.char_ngrams.max_n + 2) * (f.char_ngrams.max_n + 2) : 0;
    for (const auto& h : hostile_texts()) {
        CAPTURE(h.name);
        const auto& p = clf.predict(h.text, ws);
        check_scores(p, clf);
        const std::size_t n = h.text.size();
        CHECK(ws.normalized.size() <= growth * n);
        CHECK(ws.tokens.size() <= ws.normalized.size() / 2 + 1);
        CHECK(ws.features.index.size() <= ws.tokens.size() * (3 + grams_per_token) + f.keywords.phrases.size());
        CHECK(ws.features.embedding_rows.size() <= ws.tokens.size());
        // Same answer from a fresh workspace: no state leaks between calls.
        if (n > (std::size_t(1) << 20)) continue;
        auto fresh = clf.make_workspace();
        const auto& q = clf.predict(h.text, fresh);
        for (std::size_t k = 0; k < q.heads.size(); ++k) CHECK(q.heads[k].scores == p.heads[k].scores);
    }
}

std::filesystem::path reference_model() {
    return tiny_ticket_test::shared_dir() / "compat" / "tickets-inf" / "model.json";
}

}  // namespace

// With the default placeholders the worst case is "1&" -> "<num> and ": 5x.
TEST_CASE("hostile: texts on the toy model give valid scores in linear work") {
    classify_all(classifier(toy::model<float>()), 5);
}

TEST_CASE("hostile: texts on the toy model in double precision") {
    classify_all(basic_classifier<double>(toy::model<double>()), 5);
}

TEST_CASE("hostile: texts on a model with every feature option switched") {
    auto m = toy::model<float>(11);
    m.normalizer.lowercase = false;
    m.normalizer.max_repeat = 1;
    m.features.keywords.match = keyword_match::substring;
    m.features.bow.mode = count_mode::count;
    m.features.bigrams.mode = count_mode::binary;
    m.features.char_ngrams.max_n = 8;
    m.features.embedding.unk = -1;
    m.features.embedding.max_tokens = 0;
    classify_all(classifier(m), 5);
}

TEST_CASE("hostile: texts on the reference artifact") {
    const auto path = reference_model();
    TINY_TICKET_SKIP_UNLESS_EXISTS(path);
    classify_all(load_classifier(path), 5);
}

TEST_CASE("hostile: a loaded model with maximal replacements grows text by a bounded factor") {
    // Longest allowed placeholders and lexicon values, with a lexicon key
    // that matches inside the number placeholder and a value that '&'
    // expands fourfold: the worst the loader lets through.
    const load_options lim;
    const std::size_t r = lim.max_replacement_bytes;
    auto m = toy::model<float>();
    m.normalizer.number_token = "<" + std::string(r - 2, 'n') + ">";
    m.normalizer.url_token = std::string(r, 'u');
    m.normalizer.email_token = std::string(r, 'e');
    m.normalizer.lexicon = {{std::string(r - 2, 'n'), std::string(r, '&')}, {"a", std::string(r, '&')}};
    const auto clf = load_classifier_from_string(save_model_to_string(m));
    auto ws = clf.make_workspace();
    const std::size_t bound = 4 * (r + 2);
    for (const char* unit : {"1 ", "a ", "1&", "www.x ", "a@b.c ", "a", "1"}) {
        CAPTURE(unit);
        const std::string text = repeat(unit, 1 << 16);
        check_scores(clf.predict(text, ws), clf);
        CHECK(ws.normalized.size() <= bound * text.size());
    }
}

TEST_CASE("hostile: a loaded model with the most keyword and lexicon matching work allowed") {
    // Nested phrases a, aa, ..., a^64 all end at every byte of "aaaa...", and
    // 64 phrases / lexicon keys share each first word: the per-byte and
    // per-word matching work the phrase limits allow. Counted, not timed.
    const load_options lim;
    auto m = toy::model<float>();
    std::vector<std::string> phrases;
    for (std::size_t n = 1; n <= lim.max_phrase_bytes; ++n) phrases.push_back(std::string(n, 'a'));
    for (std::size_t i = 0; phrases.size() < 2 * lim.max_phrases_per_word; ++i) phrases.push_back("b w" + std::to_string(i));
    m.normalizer.lexicon.clear();
    for (std::size_t i = 0; i < lim.max_phrases_per_word; ++i)
        m.normalizer.lexicon.emplace_back("c " + std::string(lim.max_phrase_bytes - 4, 'c') + std::to_string(10 + i), "refund");
    for (keyword_match match : {keyword_match::substring, keyword_match::token}) {
        auto mm = m;
        mm.features.keywords.phrases = phrases;
        mm.features.keywords.match = match;
        auto& first = std::get<dense_spec<float>>(mm.trunk[0]);
        const std::size_t old_in = first.in, extra = phrases.size() - m.features.keywords.phrases.size();
        std::vector<float> w;
        for (std::size_t o = 0; o < first.out; ++o)
            for (std::size_t i = 0; i < old_in + extra; ++i)
                w.push_back(i < m.features.keyword_offset() + m.features.keywords.phrases.size()
                                ? first.weights[o * old_in + i]
                                : i < m.features.keyword_offset() + phrases.size() ? 0.01f
                                                                                   : first.weights[o * old_in + i - extra]);
        first.in = old_in + extra;
        first.weights = w;
        const auto clf = load_classifier_from_string(save_model_to_string(mm));
        auto ws = clf.make_workspace();
        for (const std::string& text : {repeat("a", 1 << 20), repeat("b ", 1 << 19), repeat("c ", 1 << 19),
                                        repeat("c " + std::string(lim.max_phrase_bytes - 4, 'c') + " ", 1 << 18)}) {
            const auto& p = clf.predict(text, ws);
            check_scores(p, clf);
            CHECK(ws.features.index.size() <= clf.model().features.sparse_width());
        }
        if (match == keyword_match::substring) {
            (void)clf.predict("aaaaaaaa", ws);
            std::size_t kw = 0;
            for (auto i : ws.features.index)
                if (i >= mm.features.keyword_offset() && i < mm.features.bigram_offset()) ++kw;
            CHECK(kw == 8);  // a .. a^8
        }
    }
}

TEST_CASE("hostile: predict_batch over hostile texts matches predict") {
    const classifier clf(toy::model<float>());
    std::vector<std::string> texts;
    for (const auto& h : hostile_texts())
        if (h.text.size() <= (std::size_t(1) << 20)) texts.push_back(h.text);
    const auto batch = clf.predict_batch(texts, 2);
    auto ws = clf.make_workspace();
    REQUIRE(batch.size() == texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const auto& p = clf.predict(texts[i], ws);
        for (std::size_t h = 0; h < p.heads.size(); ++h) CHECK(batch[i].heads[h].scores == p.heads[h].scores);
    }
}

// ---- Regression tests for crashes found by the fuzz targets ----

// fuzz_load: nlohmann reports a number literal beyond double range
// ("1e400") as out_of_range, not parse_error; it escaped the loader as a
// non-tiny_ticket exception and terminated the fuzzer.
TEST_CASE("hostile: fuzz regression - number literal out of double range") {
    for (const char* text : {R"({"format": "tiny_ticket", "version": 1e400})", "[-1e40060000157356262]", "1E999999",
                             R"({"version": 1, "vocab": {}, "layers": {}, "heads": {"x": 2e308}})"}) {
        CAPTURE(text);
        try {
            (void)load_classifier_from_string(text);
            FAIL("loaded an out-of-range number");
        } catch (const error& e) {
            CHECK(e.code() == errc::parse);
        }
    }
}

// ---- Training-data readers (train/data.hpp) on hostile files ----

namespace {

/// Reads `content` as `name`; only tiny_ticket::error may escape. Returns the
/// rows read, or -1 when the reader rejected the whole file.
long read_rows(const std::string& content, const std::string& name, train::dataset& ds) {
    try {
        train::read_data_string(content, name, {}, ds);
        return static_cast<long>(ds.rows.size());
    } catch (const error& e) {
        CHECK(e.code() == errc::data);
        return -1;
    }
}

}  // namespace

// Found by review while adding fuzz_data: merging a row's labels compared
// every field with every other, so one 1 MB line of distinct fields took
// seconds and a 10 MB line minutes. Work is now linear; nothing here is
// timed, the sizes just make the old behaviour impossible to miss.
TEST_CASE("hostile: data rows with 200k fields, and duplicate heads keep the later label") {
    const int fields = 200000;
    std::string line = R"({"text": "refund pls")";
    for (int i = 0; i < fields; ++i) line += ",\"f" + std::to_string(i) + "\":\"x\"";
    line += R"(,"f7": "later"})";
    train::dataset ds;
    REQUIRE(read_rows(line + "\n", "wide.jsonl", ds) == 1);
    CHECK(ds.rows[0].labels.size() == static_cast<std::size_t>(fields));
    REQUIRE(ds.rows[0].label("f7") != nullptr);
    CHECK(*ds.rows[0].label("f7") == "later");
    std::string csv = "text";
    for (int i = 0; i < fields; ++i) csv += ",c" + std::to_string(i);
    csv += "\nrefund pls";
    for (int i = 0; i < fields; ++i) csv += ",x";
    train::dataset ds2;
    REQUIRE(read_rows(csv + "\n", "wide.csv", ds2) == 1);
    CHECK(ds2.rows[0].labels.size() == static_cast<std::size_t>(fields));
}

TEST_CASE("hostile: data files with malformed, deep, binary and huge content") {
    static const char nul_jsonl[] = "{\"text\": \"a\0b\", \"intent\": \"x\"}\n\0\0\0\n{\"text\": \"c\", \"intent\": \"\0\"}\n";
    // Expected row count; -1: the reader rejects the file; -2: any outcome.
    struct hostile_file {
        std::string name, content;
        long rows;
    };
    const std::vector<hostile_file> files = {
        {"deep.jsonl", std::string(100000, '[') + "\n" + R"({"text": "ok", "intent": "refund"})" "\n", 1},
        {"deep_object.jsonl", R"({"text": "ok", "x": )" + std::string(100000, '{') + "\n", -1},
        {"nul.jsonl", std::string(nul_jsonl, sizeof nul_jsonl - 1), -2},
        {"utf8.jsonl", "{\"text\": \"\xc0\xaf\xed\xa0\x80\xff\", \"intent\": \"x\"}\n{\"text\": \"\\ud800\\udfff\\u0000\", \"intent\": \"y\"}\n", -2},
        // A number beyond double's range is invalid JSON to nlohmann: that row is skipped.
        {"numbers.jsonl", R"({"text": "a", "intent": 1e999999})" "\n"
                          R"({"text": "a", "intent": 2, "n": -0.0e-99999, "m": 123456789012345678901234567890})" "\n", 1},
        {"truncated.jsonl", R"({"text": "a", "intent": "b)", -1},
        {"unclosed.csv", "text,intent\n\"refund" + repeat("x", 1 << 20), -1},
        {"quotes.csv", "text,intent\n" + repeat("\"\"\"\"\"\",a\n", 9 * 4096), 4096},  // 9-byte rows
        {"ragged.csv", "text,intent\n" + repeat("a,b,c\n\n,\n", 1 << 14) + "ok,refund\n", 1},
        {"only_header.csv", "text,intent", -1},
        {"empty.jsonl", "", -1},
        {"bom.tsv", "\xef\xbb\xbftext\tintent\r\nrefund\tx\r\n", 1},
        {"long_line.jsonl", R"({"text": ")" + repeat("refund ", 10 << 20) + R"(", "intent": "x"})" "\n", 1},
    };
    for (const auto& f : files) {
        CAPTURE(f.name);
        train::dataset ds;
        const long rows = read_rows(f.content, f.name, ds);
        for (const auto& r : ds.rows) {
            CHECK(!r.where.empty());
            CHECK(!r.labels.empty());
        }
        if (f.rows != -2) CHECK(rows == f.rows);
    }
}
