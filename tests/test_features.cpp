// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <tiny_ticket/features/featurizer.hpp>
#include <tiny_ticket/model_check.hpp>

#include "support/toy_model.hpp"

using namespace tiny_ticket;

namespace {

template <class T>
std::map<std::uint32_t, double> extract(const basic_featurizer<T>& f, const std::string& normalized,
                                        std::vector<std::int32_t>* rows = nullptr) {
    std::vector<std::string_view> tokens;
    normalizer::tokenize(normalized, tokens);
    basic_feature_vector<T> fv;
    featurizer_scratch s;
    f.extract(normalized, tokens, fv, s);
    std::map<std::uint32_t, double> m;
    for (std::size_t i = 0; i < fv.index.size(); ++i) {
        CHECK(m.count(fv.index[i]) == 0);  // every feature appears once
        m[fv.index[i]] = static_cast<double>(fv.value[i]);
    }
    if (rows) *rows = fv.embedding_rows;
    return m;
}

}  // namespace

TEST_CASE_TEMPLATE("bag of words counting modes", T, float, double) {
    feature_spec<T> spec;
    spec.bow.vocab = {"refund", "not", "", "received"};  // "" = unused index
    SUBCASE("log1p") {
        spec.bow.mode = count_mode::log1p;
        const basic_featurizer<T> f(spec);
        auto m = extract(f, "refund refund not x");
        REQUIRE(m.size() == 2);
        CHECK(m[0] == doctest::Approx(std::log1p(2.0)));
        CHECK(m[1] == doctest::Approx(std::log1p(1.0)));
    }
    SUBCASE("count") {
        spec.bow.mode = count_mode::count;
        const basic_featurizer<T> f(spec);
        auto m = extract(f, "refund refund refund received");
        CHECK(m[0] == 3.0);
        CHECK(m[3] == 1.0);
    }
    SUBCASE("binary with l2") {
        spec.bow.mode = count_mode::binary;
        spec.bow.l2 = true;
        const basic_featurizer<T> f(spec);
        auto m = extract(f, "refund refund not");
        CHECK(m[0] == doctest::Approx(1 / std::sqrt(2.0)));
        CHECK(m[1] == doctest::Approx(1 / std::sqrt(2.0)));
    }
}

TEST_CASE("keyword flags: token phrases vs substrings") {
    feature_spec<float> spec;
    spec.bow.vocab = {"a"};
    spec.keywords.phrases = {"api", "not working", "refund"};
    spec.keywords.match = keyword_match::token;
    {
        const basic_featurizer<float> f(spec);
        auto m = extract(f, "the rapid app is not working refund refund");
        CHECK(m.count(1) == 0);  // "api" does not fire inside "rapid"
        CHECK(m[2] == 1.0);
        CHECK(m[3] == 1.0);  // binary even when repeated
    }
    spec.keywords.match = keyword_match::substring;
    {
        const basic_featurizer<float> f(spec);
        auto m = extract(f, "the rapid app");
        CHECK(m[1] == 1.0);  // reference semantics: substring match
        CHECK(m.count(2) == 0);
    }
}

TEST_CASE("token keywords match whether or not their first word is a vocabulary word") {
    // Known words carry a flag for "some phrase starts here"; unknown tokens
    // are looked up in the phrase map directly. Both routes, and known words
    // that start no phrase, must give the same flags as the phrase list.
    feature_spec<float> spec;
    spec.bow.vocab = {"not", "refund", "app"};
    spec.bigrams.vocab = {"still waiting"};
    spec.keywords.phrases = {"not working", "still waiting", "chargeback", "cancel my plan", "refund"};
    spec.keywords.match = keyword_match::token;
    const basic_featurizer<float> f(spec);
    const std::uint32_t kw = static_cast<std::uint32_t>(spec.keyword_offset());
    auto flags = [&](const std::string& text) {
        std::vector<std::uint32_t> on;
        for (const auto& [i, v] : extract(f, text))
            if (i >= kw && i < spec.bigram_offset()) on.push_back(i - kw);
        return on;
    };
    CHECK(flags("app not working") == std::vector<std::uint32_t>{0});          // first word in the bag of words
    CHECK(flags("still waiting for it") == std::vector<std::uint32_t>{1});     // first word only in a bigram
    CHECK(flags("filed a chargeback") == std::vector<std::uint32_t>{2});       // unknown first word, one word
    CHECK(flags("pls cancel my plan now") == std::vector<std::uint32_t>{3});   // unknown first word, three words
    CHECK(flags("refund not working app") == std::vector<std::uint32_t>{0, 4});
    CHECK(flags("app not refund working").size() == 1);                        // "not" starts a phrase that does not follow
    CHECK(flags("cancel my").empty());                                          // phrase cut short by the end
    CHECK(flags("app app app").empty());                                        // known words that start no phrase
}

TEST_CASE("pair map: every pair found, absent pairs not, whatever its probe sequence") {
    // Lookups settle the first two slots without branching and probe on
    // only past full clusters: enough pairs that some clusters run longer.
    tiny_ticket::detail::pair_map m;
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::int32_t> ref;
    const std::size_t n = 20000;
    m.reserve(n);
    std::uint64_t x = 12345;
    auto next = [&] {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<std::uint32_t>(x >> 33) % 3000;
    };
    for (std::int32_t v = 0; ref.size() < n; ++v) {
        const std::uint32_t a = next(), b = next();
        const bool fresh = ref.emplace(std::make_pair(a, b), v).second;
        CHECK(m.insert(a, b, v) == fresh);
    }
    std::size_t checked = 0;
    for (const auto& [k, v] : ref) checked += m.find(k.first, k.second) == v;
    CHECK(checked == n);
    std::size_t absent = 0, tried = 0;
    for (std::uint32_t a = 0; a < 300; ++a)
        for (std::uint32_t b = 3000; b < 3010; ++b) {  // ids never inserted
            ++tried;
            absent += m.find(a, b) == -1;
        }
    CHECK(absent == tried);
    CHECK(m.find(0xffffffffu, 0) == -1);  // an unknown word's id
    CHECK(m.find(0, 0) == (ref.count({0, 0}) ? ref[{0, 0}] : -1));  // key 0, as an empty slot's
}

TEST_CASE("bigrams and char n-grams land in their own index ranges") {
    feature_spec<float> spec;
    spec.bow.vocab = {"my", "order"};
    spec.keywords.phrases = {"late"};
    spec.bigrams.vocab = {"my order", "order late"};
    spec.bigrams.mode = count_mode::count;
    spec.char_ngrams = {3, 4, 32, count_mode::count, false};
    const basic_featurizer<float> f(spec);
    auto m = extract(f, "my order late");
    CHECK(m[spec.bigram_offset() + 0] == 1.0);
    CHECK(m[spec.bigram_offset() + 1] == 1.0);
    double char_mass = 0;
    for (auto& [i, v] : m) {
        CHECK(i < spec.sparse_width());
        if (i >= spec.char_offset()) char_mass += v;
    }
    // "<my>" has 3-grams "<my","my>" (the 4-gram is the whole token, skipped);
    // "<order>" 5 + 4; "<late>" 4 + 3 = 2 + 9 + 7 = 18 n-grams.
    CHECK(char_mass == 18.0);
    // Hashing is fixed across platforms: same input, same buckets.
    CHECK(extract(f, "my order late") == m);
}

TEST_CASE("embedding rows: first max_tokens tokens, unknown to <unk> or skipped") {
    feature_spec<float> spec;
    spec.embedding.vocab = {"<pad>", "<unk>", "refund", "order"};
    spec.embedding.dim = 2;
    spec.embedding.weights.assign(8, 0.5f);
    spec.embedding.max_tokens = 3;
    spec.embedding.unk = 1;
    std::vector<std::int32_t> rows;
    {
        const basic_featurizer<float> f(spec);
        extract(f, "refund xyz order refund", &rows);
        CHECK(rows == std::vector<std::int32_t>{2, 1, 3});
    }
    spec.embedding.unk = -1;
    {
        const basic_featurizer<float> f(spec);
        extract(f, "refund xyz order refund", &rows);
        CHECK(rows == std::vector<std::int32_t>{2, 3});
    }
}

TEST_CASE("duplicate vocabulary entries are rejected; validate_model names their artifact path") {
    feature_spec<float> spec;
    spec.bow.vocab = {"a", "b", "a"};
    try {
        basic_featurizer<float> f(spec);
        FAIL("expected an exception");
    } catch (const artifact_error&) {
        FAIL("the featurizer knows no artifact paths");
    } catch (const error& e) {
        CHECK(e.code() == errc::value);
        CHECK(e.where() == "bag-of-words vocabulary entry 2");
    }
    auto m = toy::model<float>();
    for (const char* group : {"bow", "embedding", "bigrams"}) {
        CAPTURE(group);
        auto bad = m;
        auto& vocab = std::string(group) == "bow"         ? bad.features.bow.vocab
                      : std::string(group) == "embedding" ? bad.features.embedding.vocab
                                                          : bad.features.bigrams.vocab;
        if (vocab.size() < 2) continue;
        vocab.back() = vocab.front();
        try {
            validate_model(bad);
            FAIL("expected an artifact_error");
        } catch (const artifact_error& e) {
            CHECK(e.code() == errc::value);
            CHECK(e.where() == "/features/" + std::string(group) + "/vocab/" + std::to_string(vocab.size() - 1));
        }
    }
}
