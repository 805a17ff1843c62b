// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <tiny_ticket/tiny_ticket.hpp>

#include "support/toy_model.hpp"

using namespace tiny_ticket;
using json = nlohmann::json;

namespace {

json toy_json(weight_encoding enc = weight_encoding::arrays) {
    save_options o;
    o.weights = enc;
    return json::parse(save_model_to_string(toy::model<float>(), o));
}

struct failure {
    const char* name;
    std::function<void(json&)> mutate;
    errc code;
    const char* where;
    const char* message_part;
};

std::string f32_blob(const std::vector<float>& v) {
    std::string bytes(v.size() * 4, '\0');
    std::memcpy(bytes.data(), v.data(), bytes.size());  // test hosts are little-endian
    return tiny_ticket::detail::base64_encode(bytes.data(), bytes.size());
}

}  // namespace

TEST_CASE("broken artifacts fail with a code and the JSON path") {
    const failure cases[] = {
        {"missing field", [](json& j) { j.erase("trunk"); }, errc::missing_field, "/trunk", "expected this field"},
        {"missing nested field", [](json& j) { j["heads"][1].erase("labels"); }, errc::missing_field, "/heads/1/labels", ""},
        {"wrong type", [](json& j) { j["heads"][0]["labels"] = "refund"; }, errc::type, "/heads/0/labels",
         "expected an array of strings, got a string"},
        {"wrong element type", [](json& j) { j["trunk"][0]["bias"][3] = "x"; }, errc::type, "/trunk/0/bias/3", "expected a number"},
        {"wrong shape", [](json& j) { j["trunk"][0]["weights"].erase(0); }, errc::shape, "/trunk/0/weights", "values, got"},
        {"layer chain mismatch", [](json& j) {
             j["trunk"][2]["in"] = 7;
             j["trunk"][2]["weights"] = json::array();
             for (int i = 0; i < 42; ++i) j["trunk"][2]["weights"].push_back(0.0);
         }, errc::shape, "/trunk/2/in", "expected 8 inputs"},
        {"labels vs head width", [](json& j) { j["heads"][0]["labels"].push_back("extra"); }, errc::shape,
         "/heads/0/labels", "expected 3 labels"},
        {"sigmoid with 3 labels", [](json& j) { j["heads"][1]["labels"].push_back("mid"); }, errc::shape,
         "/heads/1/labels", "sigmoid"},
        {"duplicate label", [](json& j) { j["heads"][0]["labels"][2] = "refund"; }, errc::value, "/heads/0/labels/2",
         "unique"},
        {"non-finite weight", [](json& j) {
             std::vector<float> w(3 * 6, 0.5f);
             w[4] = std::numeric_limits<float>::quiet_NaN();
             j["heads"][0]["weights"] = {{"dtype", "f32"}, {"base64", f32_blob(w)}};
         }, errc::value, "/heads/0/weights", "finite"},
        {"unknown format", [](json& j) { j["format"] = "onnx"; }, errc::version, "/format", "expected \"tiny_ticket\""},
        {"newer version", [](json& j) { j["version"] = 7; }, errc::version, "/version", "version 7 is newer than this library reads (1)"},
        {"unknown layer type", [](json& j) { j["trunk"][1]["type"] = "gelu"; }, errc::value, "/trunk/1/type", "gelu"},
        {"base64 garbage", [](json& j) {
             j["trunk"][0]["bias"] = {{"dtype", "f32"}, {"base64", "AAAA*" + std::string(38, 'A') + "="}};
         }, errc::base64, "/trunk/0/bias/base64", "invalid character at offset 4"},
        {"base64 wrong size", [](json& j) {
             j["trunk"][0]["bias"] = {{"dtype", "f32"}, {"base64", "AAAA"}};
         }, errc::shape, "/trunk/0/bias/base64", "expected 32 bytes, got 3"},
        {"unknown dtype", [](json& j) { j["trunk"][0]["bias"] = {{"dtype", "bf16"}, {"base64", ""}}; }, errc::value,
         "/trunk/0/bias/dtype", "bf16"},
        {"negative dimension", [](json& j) { j["trunk"][0]["out"] = -8; }, errc::value, "/trunk/0/out", "non-negative"},
        {"huge declared size", [](json& j) { j["trunk"][0]["in"] = 1ull << 40; }, errc::limit, "/trunk/0/in", "at most"},
        {"bad count mode", [](json& j) { j["features"]["bow"]["mode"] = "tfidf"; }, errc::value, "/features/bow/mode", "tfidf"},
        {"unk out of range", [](json& j) { j["features"]["embedding"]["unk"] = 99; }, errc::value,
         "/features/embedding/unk", "99"},
        {"bad lexicon key", [](json& j) { j["normalizer"]["lexicon"]["-x"] = "y"; }, errc::value, "/normalizer/lexicon/-x", "-x"},
        {"self-test mismatch", [](json& j) {
             j["self_test"] = {{"cases", {{{"text", "refund"}, {"expected", {{"churn", {0.0, 1.0}}}}}}}};
         }, errc::self_test, "/self_test/0/expected/churn/0", "expected score"},
    };
    for (const auto& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        json j = toy_json();
        c.mutate(j);
        try {
            (void)load_classifier_from_string(j.dump());
            FAIL("loaded a broken artifact: " << c.name);
        } catch (const artifact_error& e) {
            CHECK(e.code() == c.code);
            CHECK(e.where() == c.where);
            CHECK(std::string(e.what()).find(c.message_part) != std::string::npos);
            CHECK(std::string(e.what()).rfind(std::string("[tiny_ticket.") + to_string(c.code) + "] ", 0) == 0);
        }
    }
}

TEST_CASE("truncated and non-JSON input") {
    const std::string full = toy_json().dump();
    for (std::size_t cut : {std::size_t(0), std::size_t(1), full.size() / 2, full.size() - 1}) {
        CAPTURE(cut);
        try {
            (void)load_classifier_from_string(full.substr(0, cut));
            FAIL("loaded truncated JSON");
        } catch (const artifact_error& e) {
            CHECK(e.code() == errc::parse);
            CHECK(std::string(e.what()).find("invalid JSON at byte") != std::string::npos);
        }
    }
    CHECK_THROWS_AS(load_classifier_from_string("[1, 2, 3]"), artifact_error);
    CHECK_THROWS_AS(load_classifier_from_string("{\"version\": 1}"), artifact_error);
}

TEST_CASE("file errors name the file") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / "tiny_ticket_test_artifact";
    fs::create_directories(dir);
    try {
        (void)load_classifier(dir / "missing.json");
        FAIL("no exception");
    } catch (const artifact_error& e) {
        CHECK(e.code() == errc::io);
        CHECK(e.where().find("missing.json") != std::string::npos);
    }
    try {
        (void)load_classifier(dir);
        FAIL("no exception");
    } catch (const artifact_error& e) {
        CHECK(e.code() == errc::io);
        CHECK(std::string(e.what()).find("directory") != std::string::npos);
    }
    json j = toy_json();
    j["heads"][0]["labels"] = 5;
    std::ofstream(dir / "bad.json") << j.dump();
    try {
        (void)load_classifier(dir / "bad.json");
        FAIL("no exception");
    } catch (const artifact_error& e) {
        CHECK(e.code() == errc::type);
        CHECK(e.where() == (dir / "bad.json").string() + ":/heads/0/labels");
    }
    load_options small;
    small.max_file_bytes = 100;
    CHECK_THROWS_WITH_AS(load_classifier(dir / "bad.json", small), doctest::Contains("limit"), artifact_error);
    fs::remove_all(dir);
}

TEST_CASE_TEMPLATE("save then load reproduces predictions exactly", T, float, double) {
    const basic_model<T> m = toy::model<T>();
    const basic_classifier<T> a(m);
    for (weight_encoding enc : {weight_encoding::base64, weight_encoding::arrays}) {
        save_options o;
        o.weights = enc;
        const std::string text = save_model_to_string(m, o);
        const auto b = load_classifier_from_string<T>(text);
        for (const char* t : {"refund nahi mila", "where is my order #12", "", "cancel cancel cancel pls"}) {
            const auto pa = a.predict(t);
            const auto pb = b.predict(t);
            REQUIRE(pa.heads.size() == pb.heads.size());
            for (std::size_t h = 0; h < pa.heads.size(); ++h) {
                CHECK(pa.heads[h].label == pb.heads[h].label);
                for (std::size_t i = 0; i < pa.heads[h].scores.size(); ++i) CHECK(pa.heads[h].scores[i] == pb.heads[h].scores[i]);
            }
        }
        // Saving what was loaded gives the same bytes: nothing is lost or reordered.
        CHECK(save_model_to_string(b.model(), o) == text);
    }
}

TEST_CASE("self-test cases recorded at save time pass on load, and can be skipped") {
    basic_model<float> m = toy::model<float>();
    const classifier c(m);
    self_test_case tc;
    tc.text = "refund nahi mila";
    const auto p = c.predict(tc.text);
    for (const auto& h : p.heads) tc.expected.emplace_back(std::string(h.name), std::vector<double>(h.scores.begin(), h.scores.end()));
    m.self_tests.push_back(tc);
    const std::string text = save_model_to_string(m);
    CHECK_NOTHROW((void)load_classifier_from_string(text));
    json j = json::parse(text);
    j["self_test"]["cases"][0]["expected"]["intent"][0] = 0.999;
    CHECK_THROWS_AS(load_classifier_from_string(j.dump()), artifact_error);
    load_options skip;
    skip.run_self_tests = false;
    CHECK_NOTHROW((void)load_classifier_from_string(j.dump(), skip));
}

TEST_CASE("save_model writes atomically and reports unwritable paths") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / "tiny_ticket_test_save";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto m = toy::model<float>();
    save_model(m, dir / "m.json");
    CHECK(fs::exists(dir / "m.json"));
    CHECK(!fs::exists(dir / "m.json.tmp"));
    const auto before = fs::file_size(dir / "m.json");
    CHECK_THROWS_AS(save_model(m, dir / "no" / "such" / "dir" / "m.json"), artifact_error);
    CHECK(fs::file_size(dir / "m.json") == before);
    fs::remove_all(dir);
}

// The one-liner from the issue: the temporary classifier dies at the end of
// the first statement. Before predictions shared the model, `label` read
// freed memory (ASan reports a heap-use-after-free here).
TEST_CASE("a prediction returned by value outlives its classifier") {
    const auto path = std::filesystem::path(TINY_TICKET_SOURCE_DIR) / "models" / "tiny_ticket-default-v6.json";
    auto p = tiny_ticket::load_classifier(path).predict("I was charged twice, please refund my money");
    CHECK(p["intent"].label == "refund");
    CHECK(p["intent"].name == "intent");
    CHECK(p["intent"].score("refund") == p["intent"].confidence);
    CHECK(p["intent"].top_k(1).at(0).first == "refund");

    auto batch = tiny_ticket::load_classifier(path).predict_batch(
        std::vector<std::string>{"where is my order", "I was charged twice, please refund my money"}, 2);
    REQUIRE(batch.size() == 2);
    CHECK(batch[1]["intent"].label == "refund");
    CHECK((*batch[1]["intent"].labels)[batch[1]["intent"].label_index] == "refund");
}

TEST_CASE("the emoji option is stored with the artifact; older artifacts read as off and save unchanged") {
    auto m = toy::model<float>();
    // Off: no key written, so a model without emoji tokens saves as before.
    const json off = json::parse(save_model_to_string(m));
    CHECK_FALSE(off["normalizer"].contains("emoji"));
    CHECK_FALSE(load_classifier_from_string(off.dump()).model().normalizer.emoji);

    // On: the tokens reach the features, and survive a save and a load.
    m.normalizer.emoji = true;
    m.features.bow.vocab[9] = "<angry>";  // in place of "track": same width
    const std::string saved = save_model_to_string(m);
    CHECK(json::parse(saved)["normalizer"]["emoji"] == true);
    const auto clf = load_classifier_from_string(saved);
    CHECK(clf.model().normalizer.emoji);
    const auto angry = clf.predict("\xF0\x9F\x98\xA1\xF0\x9F\x98\xA1");
    const auto empty = clf.predict("");
    bool differs = false;
    for (std::size_t h = 0; h < clf.num_heads(); ++h)
        for (std::size_t k = 0; k < angry.heads[h].scores.size(); ++k)
            differs = differs || angry.heads[h].scores[k] != empty.heads[h].scores[k];
    CHECK(differs);
    CHECK(save_model_to_string(clf.model()) == saved);

    json bad = json::parse(saved);
    bad["normalizer"]["emoji"] = "yes";
    try {
        (void)load_classifier_from_string(bad.dump());
        FAIL("expected an artifact_error");
    } catch (const artifact_error& e) {
        CHECK(e.where() == "/normalizer/emoji");
    }
}
