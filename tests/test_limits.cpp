// SPDX-License-Identifier: MIT
// Hostile artifacts: small files that declare huge sizes must fail fast with
// errc::limit (or errc::shape when the declared size is allowed but the data
// is missing) without allocating what they declare. Allocation is bounded by
// running the load in a child process whose address space may grow by only
// a fixed budget (Linux): an attempt to allocate what the file declares
// fails there with std::bad_alloc instead of passing unnoticed.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <tiny_ticket/tiny_ticket.hpp>
#include <vector>

#include "support/toy_model.hpp"

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#define TT_HAVE_MEMORY_BUDGET 1
#endif

using namespace tiny_ticket;
using json = nlohmann::json;

namespace {

// Far below every declared size used here (>= 1 GiB), far above what
// parsing and rejecting a file of a few hundred KB needs, sanitizers included.
constexpr std::size_t k_budget = std::size_t(256) << 20;

/// A small valid native artifact: 2 words -> dense 2x2 -> relu -> softmax head.
json minimal() {
    return json::parse(R"({
      "format": "tiny_ticket", "version": 1,
      "features": {"bow": {"vocab": ["refund", "order"]}},
      "trunk": [{"type": "dense", "in": 2, "out": 2, "weights": [1, 0, 0, 1], "bias": [0, 0]}, {"type": "relu"}],
      "heads": [{"name": "intent", "kind": "softmax", "labels": ["refund", "order"], "in": 2, "out": 2,
                 "weights": [1, 0, 0, 1], "bias": [0, 0]}]})");
}

/// The smallest reference-format export the reader accepts.
json minimal_reference() {
    auto linear = [](std::size_t in, std::size_t out) {
        json w = json::array(), scale = json::array(), bias = json::array();
        for (std::size_t o = 0; o < out; ++o) {
            w.push_back(std::vector<int>(in, 1));
            scale.push_back(0.01);
            bias.push_back(0.0);
        }
        return json{{"type", "linear_int8_per_row"}, {"in_features", in}, {"out_features", out},
                    {"weight", w}, {"scale", scale}, {"bias", bias}};
    };
    json j;
    j["version"] = 1;
    j["preprocess"] = {{"lowercase", true}, {"replace_numbers", "<num>"}, {"hinglish_map", {{"nahi", "not"}}}};
    j["vocab"] = {{"bow_vocab", {{"refund", 0}, {"order", 1}}},
                  {"embedding_vocab", {{"<pad>", 0}, {"<unk>", 1}}},
                  {"keywords", json::array()},
                  {"max_tokens", 4}};
    j["embedding"] = {{"padding_idx", 0}, {"weights", {{0.0, 0.0}, {0.5, -0.5}}}};
    j["layers"] = {{"base_0", linear(4, 3)}, {"base_1", {{"type", "relu"}}}, {"base_2", linear(3, 3)},
                   {"base_3", {{"type", "relu"}}}};
    j["labels"] = {{"department", {"a", "b"}}, {"sentiment", {"a", "b"}}, {"lead_intent", {"a", "b"}},
                   {"churn_risk", {"low", "high"}}, {"intent", {"a", "b"}}};
    j["heads"] = {{"department", linear(3, 2)}, {"sentiment", linear(3, 2)}, {"lead_intent", linear(3, 2)},
                  {"churn_risk", linear(3, 1)}, {"intent", linear(3, 2)}};
    return j;
}

#if TT_HAVE_MEMORY_BUDGET
std::size_t address_space_bytes() {
    unsigned long pages = 0;
    if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%lu", &pages) != 1) pages = 0;
        std::fclose(f);
    }
    return static_cast<std::size_t>(pages) * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

/// Runs `f` in a child process whose address space may grow by at most
/// `budget` bytes. Returns the child's exit status: f's result, 90 for
/// std::bad_alloc, 91 for any other exception, 128 + signal when killed.
int run_with_budget(const std::function<int()>& f, std::size_t budget) {
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        rlimit r{};
        getrlimit(RLIMIT_AS, &r);
        r.rlim_cur = static_cast<rlim_t>(address_space_bytes() + budget);
        setrlimit(RLIMIT_AS, &r);
        int rc = 91;
        try {
            rc = f();
        } catch (const std::bad_alloc&) {
            rc = 90;
        } catch (...) {
            rc = 91;
        }
        _exit(rc);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
#endif

/// Loading `text` fails with `code` (and `where`, when given), in the
/// parent, and within the memory budget in a child process.
void expect_rejected(const std::string& text, errc code, const std::string& where = "", const load_options& opt = {}) {
    CAPTURE(where);
    bool threw = false;
    try {
        (void)load_classifier_from_string(text, opt);
    } catch (const artifact_error& e) {
        threw = true;
        CHECK_MESSAGE(e.code() == code, e.what());
        if (!where.empty()) CHECK_MESSAGE(e.where() == where, e.what());
    }
    CHECK_MESSAGE(threw, "loaded a hostile artifact");
#if TT_HAVE_MEMORY_BUDGET
    const int rc = run_with_budget(
        [&] {
            try {
                (void)load_classifier_from_string(text, opt);
            } catch (const artifact_error& e) {
                return e.code() == code ? 0 : 10 + static_cast<int>(e.code());
            }
            return 1;
        },
        k_budget);
    CHECK_MESSAGE(rc == 0, "child exit " << rc << " (90: std::bad_alloc under a " << (k_budget >> 20)
                                          << " MiB address-space budget)");
#endif
}

void expect_rejected(const json& j, errc code, const std::string& where = "", const load_options& opt = {}) {
    expect_rejected(j.dump(), code, where, opt);
}

}  // namespace

TEST_CASE("limits: the crafted fixtures are valid before they are broken") {
    CHECK_NOTHROW((void)load_classifier_from_string(minimal().dump()));
    CHECK_NOTHROW((void)load_classifier_from_string(minimal_reference().dump()));
}

TEST_CASE("limits: huge declared layer sizes fail before allocation") {
    for (std::uint64_t size : {std::uint64_t(1) << 31, std::uint64_t(1) << 32, std::uint64_t(1) << 40,
                               std::uint64_t(1) << 63, ~std::uint64_t(0)}) {
        CAPTURE(size);
        json j = minimal();
        j["trunk"][0]["in"] = size;
        expect_rejected(j, errc::limit, "/trunk/0/in");
        j = minimal();
        j["trunk"][0]["out"] = size;
        expect_rejected(j, errc::limit, "/trunk/0/out");
        j = minimal();
        j["heads"][0]["out"] = size;
        expect_rejected(j, errc::limit, "/heads/0/out");
    }
    // Each dimension within its limit, the product not: 2^16 x 2^16 values.
    json j = minimal();
    j["trunk"][0]["in"] = 1 << 16;
    j["trunk"][0]["out"] = 1 << 16;
    expect_rejected(j, errc::limit, "/trunk/0/weights");
}

TEST_CASE("limits: a declared size within the limits buys no allocation until the data is there") {
    // 2^14 x 2^14 = 2^28 values (1 GiB of float) is allowed, but a base64 blob
    // of the wrong length, or rows that are not all there, must be rejected
    // before the tensor is sized.
    for (const char* dtype : {"f32", "f64", "i8"}) {
        CAPTURE(dtype);
        json j = minimal();
        j["trunk"][0]["in"] = 1 << 14;
        j["trunk"][0]["out"] = 1 << 14;
        j["trunk"][0]["weights"] = {{"dtype", dtype}, {"base64", "AAAA"}, {"scale", json::array()}};
        expect_rejected(j, errc::shape, "/trunk/0/weights/base64");
    }
    json j = minimal();
    j["trunk"][0]["in"] = 1 << 14;
    j["trunk"][0]["out"] = 1 << 14;
    json rows = json::array();
    rows.push_back(std::vector<int>(1 << 14, 0));  // one full row, the rest empty
    for (int r = 1; r < (1 << 14); ++r) rows.push_back(json::array());
    j["trunk"][0]["weights"] = rows;
    expect_rejected(j, errc::shape, "/trunk/0/weights/1");
}

TEST_CASE("limits: a tensor shape whose product wraps around is rejected") {
    // 4 x (2^62 + 1) = 2^64 + 4: every factor within the element limit, and a
    // product computed modulo 2^64 would equal the 2x2 = 4 values expected.
    json j = minimal();
    j["trunk"][0]["weights"] = {{"dtype", "f32"},
                                {"shape", {4, 5, 5581, 8681, 49477, 384773}},
                                {"base64", "AAAAAAAAAAAAAAAAAAAAAA=="}};
    expect_rejected(j, errc::shape, "/trunk/0/weights/shape");
    j["trunk"][0]["weights"]["shape"] = {2, 2};
    CHECK_NOTHROW((void)load_classifier_from_string(j.dump()));
}

TEST_CASE("limits: huge embedding, vocabulary and char-n-gram declarations") {
    json j = minimal();
    j["features"]["embedding"] = {{"dim", std::uint64_t(1) << 40}, {"vocab", {"a"}}, {"weights", json::array()}};
    expect_rejected(j, errc::limit, "/features/embedding/dim");
    j["features"]["embedding"] = {{"dim", 1 << 16}, {"vocab", {"a", "b", "c", "d"}},
                                  {"weights", {{"dtype", "f32"}, {"base64", ""}}}};
    expect_rejected(j, errc::shape, "/features/embedding/weights/base64");
    j = minimal();
    j["features"]["char_ngrams"] = {{"min_n", 3}, {"max_n", 5}, {"buckets", std::uint64_t(1) << 32}};
    expect_rejected(j, errc::limit, "/features/char_ngrams/buckets");
    j["features"]["char_ngrams"]["max_n"] = 1000;
    expect_rejected(j, errc::limit, "/features/char_ngrams/max_n");
    // The largest bucket count allowed still needs its weights in the file.
    j = minimal();
    j["features"]["char_ngrams"] = {{"min_n", 3}, {"max_n", 5}, {"buckets", 1 << 24}};
    j["trunk"][0]["in"] = (1 << 24) + 2;
    j["trunk"][0]["weights"] = {{"dtype", "f32"}, {"base64", ""}};
    expect_rejected(j, errc::shape, "/trunk/0/weights/base64");
    // Vocabulary entries are counted before they are copied.
    load_options small;
    small.max_vocab = 100;
    j = minimal();
    j["features"]["bow"]["vocab"] = std::vector<std::string>(101, "w");
    expect_rejected(j, errc::limit, "/features/bow/vocab", small);
}

TEST_CASE("limits: the projected embedding table is bounded like a tensor") {
    // Every tensor in the file is small, but vocabulary rows x first-layer
    // width (what the network precomputes) is not.
    auto m = toy::model<float>();
    auto& e = m.features.embedding;
    for (int i = 0; i < 200; ++i) e.vocab.push_back("extra" + std::to_string(i));
    e.weights.resize(e.vocab.size() * e.dim, 0.25f);
    load_options opt;
    opt.max_tensor_elements = 1000;  // every tensor fits, 206 rows x 8 does not
    expect_rejected(save_model_to_string(m), errc::limit, "/features/embedding/vocab", opt);
    opt.max_tensor_elements = 206 * 8;
    CHECK_NOTHROW((void)load_classifier_from_string(save_model_to_string(m), opt));
}

TEST_CASE("limits: label and head counts") {
    json j = minimal();
    std::vector<std::string> labels;
    for (int i = 0; i < 5000; ++i) labels.push_back("l" + std::to_string(i));
    j["heads"][0]["labels"] = labels;
    expect_rejected(j, errc::limit, "/heads/0/labels");
    j = minimal();
    for (int i = 0; i < 300; ++i) j["heads"].push_back(j["heads"][0]);
    expect_rejected(j, errc::limit, "/heads");
    j = minimal();
    for (int i = 0; i < 70; ++i) j["trunk"].push_back({{"type", "relu"}});
    expect_rejected(j, errc::limit, "/trunk");
}

TEST_CASE("limits: deeply nested JSON fails before parsing") {
    expect_rejected(std::string(100000, '[') + std::string(100000, ']'), errc::limit);
    expect_rejected(std::string(1000000, '{'), errc::limit);
    // Nesting inside an otherwise valid artifact, where the DOM would be
    // copied or dumped recursively (metrics).
    json j = minimal();
    json deep = json::array();
    for (int i = 0; i < 100; ++i) deep = json::array({deep});
    j["metrics"] = {{"x", deep}};
    expect_rejected(j, errc::limit);
    // Brackets inside strings are text, not nesting.
    j = minimal();
    j["producer"] = std::string(5000, '[') + "\\\"" + std::string(5000, '{');
    CHECK_NOTHROW((void)load_classifier_from_string(j.dump()));
    // The limit is configurable and exact.
    load_options opt;
    opt.max_json_depth = 8;
    j = minimal();
    j["metrics"] = {{"a", {{"b", {{"c", {{"d", {{"e", {{"f", json::array({1})}}}}}}}}}}}};  // depth 8
    CHECK_NOTHROW((void)load_classifier_from_string(j.dump(), opt));
    j["metrics"]["a"]["b"]["c"]["d"]["e"]["f"] = json::array({json::array({1})});
    expect_rejected(j, errc::limit, "", opt);
}

TEST_CASE("limits: file size is checked before reading or parsing") {
    load_options opt;
    opt.max_file_bytes = 1000;
    const std::string big = minimal().dump() + std::string(2000, ' ');
    expect_rejected(big, errc::limit, "", opt);
    std::istringstream in(big);
    CHECK_THROWS_WITH_AS((void)load_classifier(in, opt), doctest::Contains("limit"), artifact_error);
}

TEST_CASE("limits: normalizer replacements are bounded") {
    json j = minimal();
    j["normalizer"] = {{"number_token", "<" + std::string(100, 'n') + ">"}};
    expect_rejected(j, errc::limit, "/normalizer/number_token");
    j["normalizer"] = {{"url_token", "<u1>"}};  // digits would be replaced again as a number
    expect_rejected(j, errc::value, "/normalizer/url_token");
    j["normalizer"] = {{"email_token", "a b"}};
    expect_rejected(j, errc::value, "/normalizer/email_token");
    j["normalizer"] = {{"lexicon", {{"x", std::string(65, 'y')}}}};
    expect_rejected(j, errc::limit, "/normalizer/lexicon/x");
    j["normalizer"] = {{"url_token", " <link> "}, {"number_token", "NUM"}, {"email_token", ""}};
    CHECK_NOTHROW((void)load_classifier_from_string(j.dump()));
}

TEST_CASE("limits: keyword phrases and lexicon keys") {
    auto with_keywords = [](std::vector<std::string> phrases) {
        json j = minimal();
        const std::size_t n = phrases.size();
        j["features"]["keywords"] = {{"phrases", std::move(phrases)}};
        j["trunk"][0]["in"] = 2 + n;
        j["trunk"][0]["weights"] = std::vector<double>((2 + n) * 2, 0.5);
        return j;
    };
    std::vector<std::string> many;
    for (int i = 0; i < 2049; ++i) many.push_back("k" + std::to_string(i));
    expect_rejected(with_keywords(many), errc::limit, "/features/keywords/phrases");
    many.pop_back();
    CHECK_NOTHROW((void)load_classifier_from_string(with_keywords(many).dump()));
    expect_rejected(with_keywords({"ok", std::string(65, 'a')}), errc::limit, "/features/keywords/phrases/1");
    expect_rejected(with_keywords({"refund", "late", "refund"}), errc::value, "/features/keywords/phrases/2");
    expect_rejected(with_keywords({"caf\xc3\xa9"}), errc::value, "/features/keywords/phrases/0");
    std::vector<std::string> shared;
    for (int i = 0; i < 65; ++i) shared.push_back("not w" + std::to_string(i));
    expect_rejected(with_keywords(shared), errc::limit, "/features/keywords/phrases/64");
    shared.pop_back();
    CHECK_NOTHROW((void)load_classifier_from_string(with_keywords(shared).dump()));

    json j = minimal();
    json lex = json::object();
    for (int i = 0; i < 65; ++i) lex["kar w" + std::to_string(i)] = "do";
    j["normalizer"] = {{"lexicon", lex}};
    expect_rejected(j, errc::limit);
    j["normalizer"]["lexicon"] = {{std::string(65, 'k'), "x"}};
    expect_rejected(j, errc::limit, "/normalizer/lexicon/" + std::string(65, 'k'));

    json r = minimal_reference();
    r["preprocess"]["hinglish_map"] = lex;
    expect_rejected(r, errc::limit);
    r = minimal_reference();
    r["vocab"]["keywords"] = {"api", "api"};
    expect_rejected(r, errc::value, "/vocab/keywords/1");
}

TEST_CASE("limits: reference-format exports") {
    json j = minimal_reference();
    j["vocab"]["bow_vocab"]["zzz"] = 4000000;  // one entry, four million slots
    expect_rejected(j, errc::limit, "/vocab/bow_vocab");
    j = minimal_reference();
    j["vocab"]["embedding_vocab"]["zzz"] = std::uint64_t(1) << 40;
    expect_rejected(j, errc::limit, "/vocab/embedding_vocab/zzz");
    j = minimal_reference();
    j["layers"]["base_0"]["out_features"] = std::uint64_t(1) << 31;
    expect_rejected(j, errc::limit, "/layers/base_0/out_features");
    j = minimal_reference();
    j["layers"]["base_0"]["in_features"] = 1 << 20;
    j["layers"]["base_0"]["out_features"] = 1 << 8;
    expect_rejected(j, errc::shape);
    j = minimal_reference();
    j["preprocess"]["hinglish_map"]["x"] = std::string(1000, 'y');
    expect_rejected(j, errc::limit, "/preprocess/hinglish_map/x");
    j = minimal_reference();
    j["preprocess"]["replace_numbers"] = "<" + std::string(1000, 'n') + ">";
    expect_rejected(j, errc::limit, "/preprocess/replace_numbers");
    // Gaps in the index range stay allowed within the slack: this one is only
    // rejected because the first layer does not match the wider vocabulary.
    j = minimal_reference();
    j["vocab"]["bow_vocab"]["order"] = 5;
    try {
        (void)load_classifier_from_string(j.dump());
        FAIL("loaded a first layer narrower than the vocabulary");
    } catch (const artifact_error& e) {
        CHECK_MESSAGE(e.code() == errc::shape, e.what());
    }
}
