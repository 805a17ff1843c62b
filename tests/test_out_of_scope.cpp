// SPDX-License-Identifier: MIT
// Out-of-scope ("none of these") answers: the artifact field, the classifier's
// rule, the threshold choice, the metrics, and the trainer that sets them.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <tiny_ticket/artifact.hpp>
#include <tiny_ticket/train/data.hpp>
#include <tiny_ticket/train/evaluate.hpp>
#include <tiny_ticket/train/review.hpp>
#include <tiny_ticket/train/trainer.hpp>

#include "support/toy_model.hpp"
#include "support/toy_tickets.hpp"

using namespace tiny_ticket;
using json = nlohmann::json;

namespace {

const std::vector<std::string> texts = {"refund my money",   "where is my order", "cancel please", "paisa nahi mila",
                                        "track order 42",    "hello",             "",              "refund not received",
                                        "where is where is", "money money money", "please track",  "order cancel refund"};

// The median top probability of the toy intent head over `texts`: a threshold
// that sends some texts out of scope and keeps others.
double median_confidence(const classifier& clf) {
    std::vector<double> c;
    for (const auto& t : texts) c.push_back(static_cast<double>(clf.predict(t)["intent"].confidence));
    std::sort(c.begin(), c.end());
    return c[c.size() / 2];
}

}  // namespace

TEST_CASE("a head with an out-of-scope threshold answers its label and sets the flag below it") {
    const classifier plain(toy::model<float>());
    auto m = toy::model<float>();
    const double t = median_confidence(plain);
    m.heads[0].out_of_scope = out_of_scope_spec{"other", t};
    const classifier oos(m);
    std::size_t flagged = 0, kept = 0;
    for (const auto& text : texts) {
        const auto pa = plain.predict(text), pb = oos.predict(text);
        const auto& a = pa["intent"];
        const auto& b = pb["intent"];
        CAPTURE(text);
        // Scores, confidence and review do not move; only the answer may.
        CHECK(b.scores == a.scores);
        CHECK(b.confidence == a.confidence);
        CHECK(b.review == a.review);
        const bool expect = static_cast<double>(a.confidence) < t || a.label == "other";
        CHECK(b.out_of_scope == expect);
        if (expect) {
            CHECK(b.label == "other");
            CHECK(b.label_index == 2);
            ++flagged;
        } else {
            CHECK(b.label == a.label);
            CHECK(b.label_index == a.label_index);
            ++kept;
        }
        // Heads without one never set the flag.
        CHECK_FALSE(pb["churn"].out_of_scope);
        CHECK_FALSE(a.out_of_scope);
    }
    CHECK(flagged > 0);
    CHECK(kept > 0);

    // Threshold 0: the label is answered only when it scores highest.
    m.heads[0].out_of_scope->min_confidence = 0;
    const classifier top_only(m);
    for (const auto& text : texts) {
        const auto pa = plain.predict(text);
        CHECK(top_only.predict(text)["intent"].out_of_scope == (pa["intent"].label == "other"));
    }
}

TEST_CASE("the out_of_scope field survives a save and a load; models without it save as before") {
    const std::string before = save_model_to_string(toy::model<float>());
    CHECK(before.find("out_of_scope") == std::string::npos);
    CHECK(save_model_to_string(load_classifier_from_string(before).model()) == before);

    auto m = toy::model<float>();
    m.heads[0].out_of_scope = out_of_scope_spec{"other", 0.625};
    const std::string saved = save_model_to_string(m);
    const json j = json::parse(saved);
    CHECK(j["heads"][0]["out_of_scope"] == json{{"label", "other"}, {"min_confidence", 0.625}});
    CHECK_FALSE(j["heads"][1].contains("out_of_scope"));
    const auto clf = load_classifier_from_string(saved);
    REQUIRE(clf.head(0).out_of_scope.has_value());
    CHECK(clf.head(0).out_of_scope->label == "other");
    CHECK(clf.head(0).out_of_scope->min_confidence == 0.625);
    CHECK_FALSE(clf.head(1).out_of_scope.has_value());
    CHECK(save_model_to_string(clf.model()) == saved);
}

TEST_CASE("bad out_of_scope values fail with the JSON path") {
    auto m = toy::model<float>();
    m.heads[0].out_of_scope = out_of_scope_spec{"other", 0.5};
    const json good = json::parse(save_model_to_string(m));
    struct bad_case {
        const char* name;
        json value;
        errc code;
        const char* where;
        const char* message_part;
    };
    const bad_case cases[] = {
        {"unknown label", {{"label", "spam"}, {"min_confidence", 0.5}}, errc::value, "/heads/0/out_of_scope/label",
         "expected one of the head's labels, got \"spam\""},
        {"threshold above 1", {{"label", "other"}, {"min_confidence", 1.5}}, errc::value,
         "/heads/0/out_of_scope/min_confidence", "expected a threshold in [0, 1]"},
        {"negative threshold", {{"label", "other"}, {"min_confidence", -0.1}}, errc::value,
         "/heads/0/out_of_scope/min_confidence", "[0, 1]"},
        {"no label", {{"min_confidence", 0.5}}, errc::missing_field, "/heads/0/out_of_scope/label", ""},
        {"label not a string", {{"label", 3}}, errc::type, "/heads/0/out_of_scope/label", "expected a string"},
        {"not an object", "other", errc::type, "/heads/0/out_of_scope", ""},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        json j = good;
        j["heads"][0]["out_of_scope"] = c.value;
        try {
            (void)load_classifier_from_string(j.dump());
            FAIL("expected an artifact_error");
        } catch (const artifact_error& e) {
            CHECK(e.code() == c.code);
            CHECK(e.where() == c.where);
            CHECK(std::string(e.what()).find(c.message_part) != std::string::npos);
        }
    }
}

TEST_CASE("the out-of-scope threshold keeps in-scope accuracy within the tolerance") {
    using train::out_of_scope_row;
    // 10 in-scope rows (8 right, 1 wrong, 1 answered out of scope by the
    // network) and 4 out-of-scope rows (1 already caught by the network).
    const std::vector<out_of_scope_row> rows = {
        {0.95, false, false, true}, {0.90, false, false, true}, {0.85, false, false, true}, {0.80, false, false, true},
        {0.70, false, false, true}, {0.60, false, false, true}, {0.50, false, false, true}, {0.40, false, false, true},
        {0.30, false, false, false}, {0.55, false, true, false},
        {0.35, true, false, false}, {0.45, true, false, false}, {0.65, true, false, false}, {0.90, true, true, false},
    };
    // Tolerance 0.1 of 10 in-scope rows: one right answer may be lost, the
    // one at 0.40; the threshold is the next right confidence.
    const auto c = train::choose_out_of_scope_threshold(rows, 0.1);
    CHECK(c.min_confidence == 0.50);
    CHECK(c.in_scope_rows == 10);
    CHECK(c.out_of_scope_rows == 4);
    CHECK(c.in_scope_accuracy_before == doctest::Approx(0.8));
    CHECK(c.in_scope_accuracy == doctest::Approx(0.7));
    CHECK(c.recall_before == doctest::Approx(0.25));
    CHECK(c.recall == doctest::Approx(0.75));              // 0.35, 0.45 and the caught one
    CHECK(c.precision == doctest::Approx(3.0 / 6.0));      // answered: 0.35 0.45 0.90 (oos), 0.40 0.30 0.55 (in)

    // No tolerance: nothing right may be lost, the threshold is the lowest right confidence.
    const auto strict = train::choose_out_of_scope_threshold(rows, 0.0);
    CHECK(strict.min_confidence == 0.40);
    CHECK(strict.in_scope_accuracy == doctest::Approx(0.8));
    CHECK(strict.recall == doctest::Approx(0.5));

    // Without out-of-scope rows there is nothing to choose on.
    std::vector<out_of_scope_row> in_only(rows.begin(), rows.begin() + 10);
    CHECK(train::choose_out_of_scope_threshold(in_only, 0.1).min_confidence == 0.0);
}

TEST_CASE("out-of-scope precision, recall and in-scope accuracy from gold and predicted labels") {
    // Labels: 0 refund, 1 tracking, 2 none (out of scope).
    const std::vector<std::int32_t> gold = {0, 0, 1, 1, 2, 2, 2, -1, 0};
    const std::vector<std::int32_t> pred = {0, 2, 1, 0, 2, 0, 2, 2, 0};
    const auto s = train::summarize_out_of_scope("intent", "none", 2, gold, pred);
    CHECK(s.in_scope == 5);
    CHECK(s.in_scope_correct == 3);
    CHECK(s.out_of_scope == 3);
    CHECK(s.caught == 2);
    CHECK(s.answered == 3);  // the unlabelled row is not scored
    CHECK(s.in_scope_accuracy() == doctest::Approx(0.6));
    CHECK(s.recall() == doctest::Approx(2.0 / 3.0));
    CHECK(s.precision() == doctest::Approx(2.0 / 3.0));
}

TEST_CASE("evaluate reports out of scope for heads that have the label") {
    auto m = toy::model<float>();
    m.heads[0].out_of_scope = out_of_scope_spec{"other", 0.0};
    m.heads[0].out_of_scope->min_confidence = median_confidence(classifier(toy::model<float>()));
    const classifier clf(m);
    std::vector<train::labelled_text> rows;
    std::size_t in = 0, in_right = 0, out = 0, caught = 0, answered = 0;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        train::labelled_text r;
        r.text = texts[i];
        const std::string gold = i % 3 == 0 ? "other" : i % 3 == 1 ? "refund" : "tracking";
        r.labels = {{"intent", gold}};
        rows.push_back(r);
        const auto p = clf.predict(texts[i]);
        answered += p["intent"].out_of_scope ? 1 : 0;
        if (gold == "other") {
            ++out;
            caught += p["intent"].out_of_scope ? 1 : 0;
        } else {
            ++in;
            in_right += p["intent"].label == gold ? 1 : 0;
        }
    }
    const auto r = train::evaluate(clf, rows);
    REQUIRE(r.out_of_scope.size() == 1);
    const auto& s = r.out_of_scope[0];
    CHECK(s.head == "intent");
    CHECK(s.label == "other");
    CHECK(s.in_scope == in);
    CHECK(s.in_scope_correct == in_right);
    CHECK(s.out_of_scope == out);
    CHECK(s.caught == caught);
    CHECK(s.answered == answered);
    CHECK(answered > 0);
    CHECK(train::evaluate(classifier(toy::model<float>()), rows).out_of_scope.empty());
}

TEST_CASE("the trainer learns the threshold on validation rows, adding a label the training rows lack") {
    using namespace tiny_ticket::train;
    dataset tr, va;
    read_data_string(toy::intents_jsonl(), "toy.jsonl", {}, tr);
    std::string v;
    const std::pair<const char*, const char*> in_scope[] = {
        {"refund my double charge please", "refund"}, {"where is my parcel now", "tracking"},
        {"i cannot log in today", "login"},           {"please refund me", "refund"},
        {"track the parcel", "tracking"},             {"password not working", "login"}};
    for (const auto& [t, l] : in_scope) v += std::string("{\"text\": \"") + t + "\", \"intent\": \"" + l + "\"}\n";
    for (const char* t : {"out of office until monday", "buy cheap watches now", "lunch at noon?",
                          "this message is for the other company", "auto reply: received"})
        v += std::string("{\"text\": \"") + t + "\", \"intent\": \"none\"}\n";
    read_data_string(v, "valid.jsonl", {}, va);
    train_config c;
    c.hidden = std::vector<std::size_t>{16};
    c.char_buckets = 256;
    c.max_epochs = 6;
    c.ensemble = 1;
    c.refit = false;
    c.out_of_scope_tolerance = 0.2;
    head_config intent;
    intent.name = "intent";
    intent.out_of_scope_label = "none";
    c.heads = {intent};
    const auto res = train_model<float>(tr, va, c);
    const auto& h = res.model.heads[0];
    CHECK(h.labels == std::vector<std::string>{"login", "refund", "tracking", "none"});
    CHECK(h.layer.out == 4);
    REQUIRE(h.out_of_scope.has_value());
    CHECK(h.out_of_scope->label == "none");
    REQUIRE(res.out_of_scope.size() == 1);
    const auto& choice = res.out_of_scope[0];
    CHECK(choice.out_of_scope_rows == 5);
    CHECK(choice.in_scope_rows == 6);
    CHECK(h.out_of_scope->min_confidence == choice.min_confidence);
    CHECK(choice.min_confidence > 0);
    // The label the network never chooses is no warning, and the loaded model
    // answers it exactly below the threshold.
    for (const auto& w : res.warnings) CHECK(w.message.find("got \"none\"") == std::string::npos);
    const auto clf = load_classifier_from_string(save_model_to_string(res.model));
    for (const auto& row : va.rows) {
        const auto pred = clf.predict(row.text);
        const auto& p = pred["intent"];
        CHECK(p.scores[3] == 0.0f);
        CHECK(p.out_of_scope == (static_cast<double>(p.confidence) < choice.min_confidence));
    }

    // Configured: the threshold is kept as given.
    c.heads[0].out_of_scope_min_confidence = 0.3;
    const auto fixed = train_model<float>(tr, va, c);
    CHECK(fixed.model.heads[0].out_of_scope->min_confidence == 0.3);
    CHECK(fixed.out_of_scope.empty());

    // Off: no label, no field.
    c.heads[0].out_of_scope_label = "";
    c.heads[0].out_of_scope_min_confidence.reset();
    const auto off = train_model<float>(tr, va, c);
    CHECK_FALSE(off.model.heads[0].out_of_scope.has_value());
    CHECK(off.model.heads[0].labels.size() == 3);
}
