// SPDX-License-Identifier: MIT
// Compatibility with the reference runtime's export format (tickets-inf v1):
// every golden line must normalize, tokenize and predict as the reference
// runtime did, and a native copy of the model must predict the same.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <tiny_ticket/tiny_ticket.hpp>

#include "support/skip.hpp"

using namespace tiny_ticket;
using json = nlohmann::json;

namespace {

const std::filesystem::path reference_dir = tiny_ticket_test::shared_dir() / "compat" / "tickets-inf";

bool have_reference() {
    const bool ok = std::filesystem::exists(reference_dir / "model.json") &&
                    std::filesystem::exists(reference_dir / "golden.jsonl");
    // The marker makes ctest report the case as skipped (support/skip.hpp).
    if (!ok)
        std::cout << TINY_TICKET_SKIP_MARKER " third-party data not found under " << reference_dir.string()
                  << " (configure with -DTINY_TICKET_SHARED_DIR=...)" << std::endl;
    return ok;
}

struct golden_line {
    std::string id, text, normalized;
    std::vector<std::string> tokens;
    json heads;  // head name -> {"label", "scores": {label: probability}}
};

const std::vector<golden_line>& golden() {
    static const std::vector<golden_line> lines = [] {
        std::vector<golden_line> v;
        std::ifstream in(reference_dir / "golden.jsonl");
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty()) continue;
            json j = json::parse(line);
            golden_line g;
            g.id = j.at("id").get<std::string>();
            g.text = j.at("text").get<std::string>();
            g.normalized = j.at("normalized").get<std::string>();
            // The reference runtime writes null for an empty token list.
            if (!j.at("tokens").is_null()) g.tokens = j.at("tokens").get<std::vector<std::string>>();
            for (const char* h : {"department", "sentiment", "lead_intent", "churn_risk", "intent"})
                g.heads[h] = j.at(h);
            v.push_back(std::move(g));
        }
        return v;
    }();
    return lines;
}

struct parity_report {
    std::size_t lines = 0, text_mismatches = 0, label_mismatches = 0, score_mismatches = 0;
    double worst = 0;
    std::string worst_where;
};

// Compares one classifier against every golden line. Only the first few
// failures are reported in detail; the counts cover all of them.
template <class T>
parity_report check_golden(const basic_classifier<T>& clf, double tolerance) {
    parity_report r;
    auto ws = clf.make_workspace();
    std::size_t reported = 0;
    for (const auto& g : golden()) {
        ++r.lines;
        CAPTURE(g.id);
        const std::string normalized = clf.normalize(g.text);
        const std::vector<std::string> tokens = clf.tokenize(g.text);
        if (normalized != g.normalized || tokens != g.tokens) {
            ++r.text_mismatches;
            if (reported++ < 5) {
                CHECK(normalized == g.normalized);
                CHECK(tokens == g.tokens);
            }
        }
        const auto& p = clf.predict(g.text, ws);
        REQUIRE(p.heads.size() == 5);
        for (auto it = g.heads.begin(); it != g.heads.end(); ++it) {
            const auto* h = p.find(it.key());
            REQUIRE(h != nullptr);
            const json& want = it.value();
            if (want.at("label").get<std::string>() != h->label) {
                ++r.label_mismatches;
                if (reported++ < 5) CHECK(want.at("label").get<std::string>() == std::string(h->label));
            }
            const json& scores = want.at("scores");
            REQUIRE(scores.size() == h->scores.size());
            for (auto s = scores.begin(); s != scores.end(); ++s) {
                const T got = h->score(s.key());
                if (got < T(0)) FAIL_CHECK("no label " << s.key() << " in head " << it.key());
                const double d = std::fabs(static_cast<double>(got) - s.value().get<double>());
                if (d > r.worst) {
                    r.worst = d;
                    r.worst_where = g.id + " " + it.key() + "/" + s.key();
                }
                if (!(d <= tolerance)) {
                    ++r.score_mismatches;
                    if (reported++ < 5) CHECK(d <= tolerance);
                }
            }
        }
    }
    return r;
}

template <class T>
void require_parity(const basic_classifier<T>& clf, const std::string& what) {
    const parity_report r = check_golden(clf, 1e-4);
    MESSAGE(what << ": " << r.lines << " golden lines, " << r.text_mismatches << " normalize/tokenize mismatches, "
                 << r.label_mismatches << " label mismatches, " << r.score_mismatches
                 << " scores off by more than 1e-4; worst score difference " << r.worst << " (" << r.worst_where
                 << ")");
    CHECK(r.lines == golden().size());
    CHECK(r.lines > 3000);
    CHECK(r.text_mismatches == 0);
    CHECK(r.label_mismatches == 0);
    CHECK(r.score_mismatches == 0);
    CHECK(r.worst <= 1e-4);
}

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A tiny hand-made tickets-inf export whose predictions follow from its
// weights by hand: hidden unit 0 is the log1p count of "refund", hidden unit
// 1 the substring flag of the keyword "api"; every head reads them directly.
json tiny_export() {
    const json eye2 = {{1, 0}, {0, 1}};
    auto linear = [](std::size_t in, std::size_t out, json weight, json scale, json bias) {
        return json{{"type", "linear_int8_per_row"}, {"in_features", in}, {"out_features", out},
                    {"weight", std::move(weight)}, {"scale", std::move(scale)}, {"bias", std::move(bias)}};
    };
    json j;
    j["version"] = 1;
    j["metadata"] = {{"dense_size", 4}, {"embedding_dim", 2}, {"hidden_size", 2}};
    j["preprocess"] = {{"lowercase", true}, {"replace_urls", "<url>"}, {"replace_emails", "<email>"},
                       {"replace_numbers", "<num>"}, {"hinglish_map", {{"paisa", "money"}, {"kar do", "please do"}}}};
    j["vocab"] = {{"bow_vocab", {{"refund", 0}, {"late", 1}}},
                  {"embedding_vocab", {{"<pad>", 0}, {"<unk>", 1}, {"refund", 2}}},
                  {"keywords", {"refund", "api"}},
                  {"max_tokens", 4}};
    j["labels"] = {{"department", {"billing", "technical"}}, {"sentiment", {"negative", "positive"}},
                   {"lead_intent", {"low", "high"}}, {"churn_risk", {"low", "high"}},
                   {"intent", {"refund", "technical_issue", "general_query"}}};
    j["embedding"] = {{"padding_idx", 0}, {"weights", {{0.0, 0.0}, {0.5, -0.25}, {1.0, 2.0}}}};
    // Input: [bow refund, bow late, kw refund, kw api, emb0, emb1].
    j["layers"] = {{"base_0", linear(6, 2, {{1, 0, 0, 0, 0, 0}, {0, 0, 0, 1, 0, 0}}, {1.0, 1.0}, {0.0, 0.0})},
                   {"base_1", {{"type", "relu"}}},
                   {"base_2", linear(2, 2, eye2, {1.0, 1.0}, {0.0, 0.0})},
                   {"base_3", {{"type", "relu"}}}};
    j["heads"] = {{"department", linear(2, 2, eye2, {1.0, 1.0}, {0.0, 0.0})},
                  {"sentiment", linear(2, 2, {{0, 0}, {0, 0}}, {1.0, 1.0}, {0.0, 0.0})},
                  {"lead_intent", linear(2, 2, eye2, {0.5, 0.5}, {0.0, 0.0})},
                  {"churn_risk", linear(2, 1, {{1, -1}}, {1.0}, {0.0})},
                  {"intent", linear(2, 3, {{1, 0}, {0, 1}, {0, 0}}, {1.0, 1.0, 1.0}, {0.0, 0.0, 0.0})}};
    j["metrics"] = {{"note", "hand-made"}};
    return j;
}

}  // namespace

TEST_CASE("tickets-inf reference artifact reproduces every golden line (float)") {
    if (!have_reference()) return;
    const auto clf = load_classifier(reference_dir / "model.json");
    require_parity(clf, "float");
}

TEST_CASE("tickets-inf reference artifact reproduces every golden line (double)") {
    if (!have_reference()) return;
    const auto clf = load_classifier<double>(reference_dir / "model.json");
    require_parity(clf, "double");
}

TEST_CASE("tickets-inf reference artifact loads from a path, a stream and a string alike") {
    if (!have_reference()) return;
    const auto from_path = load_classifier(reference_dir / "model.json");
    std::ifstream in(reference_dir / "model.json", std::ios::binary);
    REQUIRE(in);
    const auto from_stream = load_classifier(in);
    const auto from_string = load_classifier_from_string(read_text(reference_dir / "model.json"));
    auto wa = from_path.make_workspace(), wb = from_stream.make_workspace(), wc = from_string.make_workspace();
    for (const auto& g : golden()) {
        CAPTURE(g.id);
        const auto& a = from_path.predict(g.text, wa);
        const auto& b = from_stream.predict(g.text, wb);
        const auto& c = from_string.predict(g.text, wc);
        for (std::size_t h = 0; h < a.heads.size(); ++h) {
            REQUIRE(a.heads[h].scores == b.heads[h].scores);
            REQUIRE(a.heads[h].scores == c.heads[h].scores);
        }
    }
    const parity_report r = check_golden(from_stream, 1e-4);
    CHECK(r.label_mismatches == 0);
    CHECK(r.score_mismatches == 0);
}

TEST_CASE("converting the reference artifact to the native format keeps every prediction") {
    if (!have_reference()) return;
    const auto original = load_classifier(reference_dir / "model.json");
    const basic_model<float> m = load_model(reference_dir / "model.json");
    for (weight_encoding enc : {weight_encoding::base64, weight_encoding::arrays}) {
        save_options o;
        o.weights = enc;
        const std::string native = save_model_to_string(m, o);
        CHECK(json::parse(native).at("format") == "tiny_ticket");
        const auto converted = load_classifier_from_string(native);
        // The reference semantics travel with the artifact.
        const auto& cm = converted.model();
        CHECK(cm.features.keywords.match == keyword_match::substring);
        CHECK(cm.features.bow.mode == count_mode::log1p);
        CHECK(cm.features.embedding.unk == m.features.embedding.unk);
        CHECK(cm.features.embedding.max_tokens == m.features.embedding.max_tokens);
        CHECK(cm.features.embedding.weights == m.features.embedding.weights);
        CHECK(cm.features.embedding.vocab == m.features.embedding.vocab);  // gaps ("") included
        CHECK(cm.features.bow.vocab == m.features.bow.vocab);
        CHECK(cm.features.keywords.phrases == m.features.keywords.phrases);
        CHECK(cm.normalizer.lowercase == m.normalizer.lowercase);
        CHECK(cm.normalizer.url_token == m.normalizer.url_token);
        CHECK(cm.normalizer.email_token == m.normalizer.email_token);
        CHECK(cm.normalizer.number_token == m.normalizer.number_token);
        CHECK(cm.normalizer.max_repeat == m.normalizer.max_repeat);
        auto sorted = [](auto v) {
            std::sort(v.begin(), v.end());
            return v;
        };
        CHECK(sorted(cm.normalizer.lexicon) == sorted(m.normalizer.lexicon));  // a JSON object: order not kept

        auto wa = original.make_workspace(), wb = converted.make_workspace();
        std::size_t label_mismatches = 0, text_mismatches = 0;
        double worst = 0;
        for (const auto& g : golden()) {
            CAPTURE(g.id);
            const auto& a = original.predict(g.text, wa);
            const auto& b = converted.predict(g.text, wb);
            if (wa.normalized != wb.normalized) ++text_mismatches;
            REQUIRE(a.heads.size() == b.heads.size());
            for (std::size_t h = 0; h < a.heads.size(); ++h) {
                if (a.heads[h].label != b.heads[h].label) ++label_mismatches;
                for (std::size_t i = 0; i < a.heads[h].scores.size(); ++i)
                    worst = std::max(worst, std::fabs(static_cast<double>(a.heads[h].scores[i]) -
                                                      static_cast<double>(b.heads[h].scores[i])));
            }
        }
        MESSAGE((enc == weight_encoding::base64 ? "base64" : "arrays") << ": " << golden().size() << " lines, "
                << label_mismatches << " label mismatches, worst score difference " << worst);
        CHECK(text_mismatches == 0);
        CHECK(label_mismatches == 0);
        CHECK(worst <= 1e-6);
        // And the converted copy still matches the reference runtime.
        const parity_report r = check_golden(converted, 1e-4);
        CHECK(r.label_mismatches == 0);
        CHECK(r.score_mismatches == 0);
    }
}

TEST_CASE("hand-made tickets-inf export predicts what its weights say") {
    const auto clf = load_classifier_from_string(tiny_export().dump());
    CHECK(clf.model().features.keywords.match == keyword_match::substring);
    // "refund": hidden = (log1p(1), 0) -> department softmax(ln 2, 0) = (2/3, 1/3).
    auto p = clf.predict("Refund!");
    CHECK(p["department"].label == "billing");
    CHECK(p["department"].scores[0] == doctest::Approx(2.0 / 3.0).epsilon(1e-6));
    CHECK(p["churn_risk"].label == "high");  // sigmoid(ln 2) = 2/3 >= 0.5
    CHECK(p["churn_risk"].scores[1] == doctest::Approx(2.0 / 3.0).epsilon(1e-6));
    CHECK(p["sentiment"].scores[0] == doctest::Approx(0.5));
    // Keywords match as substrings: "api" fires inside "rapid".
    p = clf.predict("rapid fix");
    CHECK(p["department"].label == "technical");
    CHECK(p["department"].scores[1] == doctest::Approx(std::exp(1.0) / (1 + std::exp(1.0))).epsilon(1e-6));
    CHECK(p["intent"].label == "technical_issue");
    CHECK(p["churn_risk"].label == "low");
    // Nothing known: every head uniform over its logits, churn exactly 0.5 -> "high".
    p = clf.predict("");
    CHECK(p["intent"].scores[2] == doctest::Approx(1.0 / 3.0));
    CHECK(p["churn_risk"].label == "high");
    CHECK(clf.normalize("Paisa wapas KAR DO www.x.com") == "money wapas please do <url>");
}

TEST_CASE("broken tickets-inf exports fail with the JSON path of the problem") {
    struct failure {
        const char* name;
        std::function<void(json&)> mutate;
        errc code;
        const char* where;
        const char* message_part;
    };
    const failure cases[] = {
        {"unsupported version 2", [](json& j) { j["version"] = 2; }, errc::version, "/version", "version 2"},
        {"wrong layer type", [](json& j) { j["layers"]["base_0"]["type"] = "linear_fp32"; }, errc::value,
         "/layers/base_0/type", "linear_int8_per_row"},
        {"wrong activation type", [](json& j) { j["layers"]["base_1"]["type"] = "gelu"; }, errc::value,
         "/layers/base_1/type", "gelu"},
        {"missing layer", [](json& j) { j["layers"].erase("base_2"); }, errc::missing_field, "/layers/base_2",
         "expected this field"},
        {"weight above int8 range", [](json& j) { j["heads"]["intent"]["weight"][0][1] = 200; }, errc::value,
         "/heads/intent/weight/0/1", "[-127, 127]"},
        {"weight below int8 range", [](json& j) { j["layers"]["base_2"]["weight"][1][0] = -128; }, errc::value,
         "/layers/base_2/weight/1/0", "-128"},
        {"fractional weight", [](json& j) { j["layers"]["base_0"]["weight"][0][0] = 0.5; }, errc::value,
         "/layers/base_0/weight/0/0", "integer"},
        {"scale count wrong", [](json& j) { j["layers"]["base_2"]["scale"] = {1.0}; }, errc::shape,
         "/layers/base_2/scale", "expected 2x1 values, got 1"},
        {"bias count wrong", [](json& j) { j["heads"]["sentiment"]["bias"] = {0.0, 0.0, 0.0}; }, errc::shape,
         "/heads/sentiment/bias", "got 3"},
        {"weight row too short", [](json& j) { j["layers"]["base_0"]["weight"][1].erase(5); }, errc::shape,
         "/layers/base_0/weight/1", "expected 6 values, got 5"},
        {"non-numeric weight", [](json& j) { j["heads"]["department"]["weight"][1][1] = "1"; }, errc::type,
         "/heads/department/weight/1/1", "a number"},
        {"missing labels", [](json& j) { j.erase("labels"); }, errc::missing_field, "/labels", "expected this field"},
        {"missing one head's labels", [](json& j) { j["labels"].erase("sentiment"); }, errc::missing_field,
         "/labels/sentiment", "expected this field"},
        {"labels not strings", [](json& j) { j["labels"]["intent"][1] = 7; }, errc::type, "/labels/intent/1",
         "a string"},
        {"labels vs head width", [](json& j) { j["labels"]["intent"].push_back("extra"); }, errc::shape,
         "/heads/intent/out_features", "one per label in /labels/intent"},
        {"churn with 3 labels", [](json& j) { j["labels"]["churn_risk"].push_back("mid"); }, errc::shape,
         "/labels/churn_risk", "expected 2 labels"},
        {"head input width", [](json& j) {
             j["heads"]["lead_intent"]["in_features"] = 3;
             for (auto& row : j["heads"]["lead_intent"]["weight"]) row.push_back(0);
         }, errc::shape, "/heads/lead_intent/in_features", "expected 2"},
        {"missing head", [](json& j) { j["heads"].erase("churn_risk"); }, errc::missing_field, "/heads/churn_risk",
         "expected this field"},
        {"dense_size disagrees", [](json& j) { j["metadata"]["dense_size"] = 5; }, errc::shape,
         "/metadata/dense_size", "expected 4"},
        {"duplicate vocabulary index", [](json& j) { j["vocab"]["bow_vocab"]["late"] = 0; }, errc::value,
         "/vocab/bow_vocab/", "unique index"},
        {"embedding rows missing", [](json& j) { j["embedding"]["weights"].erase(2); }, errc::shape,
         "/embedding/weights", "at least 3 rows"},
        {"first layer width", [](json& j) {
             j["layers"]["base_0"]["in_features"] = 5;
             for (auto& row : j["layers"]["base_0"]["weight"]) row.erase(5);
         }, errc::shape, "/layers/base_0/in_features", "expected 6"},
    };
    // The unbroken export loads: every failure below is the mutation's doing.
    REQUIRE_NOTHROW((void)load_classifier_from_string(tiny_export().dump()));
    for (const auto& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        json j = tiny_export();
        c.mutate(j);
        try {
            (void)load_classifier_from_string(j.dump());
            FAIL("loaded a broken export: " << c.name);
        } catch (const artifact_error& e) {
            CHECK(e.code() == c.code);
            CHECK(std::string(e.where()).rfind(c.where, 0) == 0);
            CHECK(std::string(e.what()).find(c.message_part) != std::string::npos);
            if (std::string(e.what()).find(c.message_part) == std::string::npos) MESSAGE(e.what());
        }
    }
}
