// SPDX-License-Identifier: MIT
// Capacity chosen from the data, learned review thresholds, and training
// that starts from a trained model.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <tiny_ticket/artifact.hpp>
#include <tiny_ticket/train/capacity.hpp>
#include <tiny_ticket/train/data.hpp>
#include <tiny_ticket/train/review.hpp>
#include <tiny_ticket/train/trainer.hpp>
#include <vector>

#include "support/toy_tickets.hpp"

using namespace tiny_ticket;
using namespace tiny_ticket::train;

namespace {

capacity auto_capacity(const capacity_inputs& in) { return choose_capacity({}, {}, {}, {}, {}, in); }

std::size_t pow2(std::size_t v) { return v && (v & (v - 1)) == 0; }


// Other rows for a head the first model does not have.
std::string urgency_jsonl() {
    const char* urgent[] = {"refund now or i call my bank", "my package is lost asap", "account hacked help now",
                            "urgent password reset", "need the parcel today", "refund immediately please"};
    const char* calm[] = {"when you have time, a refund question", "just curious where my package is",
                          "no rush on the login issue", "a small question about my account", "whenever possible track it",
                          "no hurry for the refund"};
    std::string out;
    for (int r = 0; r < 4; ++r)
        for (int i = 0; i < 6; ++i) {
            out += "{\"text\": \"" + std::string(urgent[i]) + (r ? " " + std::to_string(r) : "") + "\", \"urgency\": \"high\"}\n";
            out += "{\"text\": \"" + std::string(calm[i]) + (r ? " " + std::to_string(r) : "") + "\", \"urgency\": \"low\"}\n";
        }
    return out;
}

dataset read(const std::string& text, const char* name) {
    dataset d;
    read_data_string(text, name, {}, d);
    return d;
}

train_config small_config() {
    train_config c;
    c.max_epochs = 10;
    c.batch_size = 8;
    c.validation_fraction = 0.25;
    c.seed = 5;
    c.schedule = lr_schedule::constant;
    return c;
}

const dense_spec<float>& dense_at(const model& m, std::size_t i) { return std::get<dense_spec<float>>(m.trunk.at(i)); }

bool same_bytes(const basic_tensor<float>& a, const basic_tensor<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

TEST_CASE("capacity: a small file gets a model of tens of KB") {
    capacity_inputs in;
    in.rows = 45;
    in.outputs = 8;
    in.words = 300;
    in.bigrams = 60;
    const capacity c = auto_capacity(in);
    CHECK(c.auto_vocab);
    CHECK(c.auto_hidden);
    CHECK(c.ensemble == 1);
    REQUIRE(c.hidden.size() == 1);
    CHECK(c.hidden[0] == 16);
    CHECK(pow2(c.char_buckets));
    CHECK(c.char_buckets >= 256);
    // Every word of a small file fits; 5.33 bytes a float32 weight in base64.
    CHECK(c.max_vocab == 300);
    CHECK(static_cast<double>(c.parameters(in)) * 5.33 < 100e3);
    CHECK(c.input_width(in) <= c.budget / c.hidden[0] + 1);
}

TEST_CASE("capacity: a large file is capped near the budget, a few MB") {
    capacity_inputs in;
    in.rows = 9000;
    in.outputs = 77;
    in.words = 9000;
    in.bigrams = 40000;
    const capacity c = auto_capacity(in);
    REQUIRE(c.hidden.size() == 1);
    CHECK(c.hidden[0] == 64);
    CHECK(c.ensemble == 1);
    CHECK(c.budget == capacity_policy{}.max_budget);
    // Words come first, bigrams get the rest; the input fills the budget.
    CHECK(c.max_vocab < in.words);
    CHECK(c.max_bigrams > 0);
    CHECK(c.input_width(in) * c.hidden[0] <= c.budget);
    CHECK(c.input_width(in) * c.hidden[0] > c.budget * 9 / 10);
    CHECK(static_cast<double>(c.parameters(in)) * 5.33 < 5e6);
    // More rows never shrink the budget; few labels narrow the network.
    capacity_inputs fewer = in;
    fewer.rows = 2000;
    fewer.outputs = 5;
    const capacity f = auto_capacity(fewer);
    CHECK(f.budget <= c.budget);
    CHECK(f.hidden[0] == 16);
}

TEST_CASE("capacity: explicit values win and the rest fits around them") {
    capacity_inputs in;
    in.rows = 9000;
    in.outputs = 77;
    in.words = 9000;
    in.bigrams = 40000;
    const capacity c = choose_capacity(std::size_t(7), {}, std::uint32_t(1000), std::vector<std::size_t>{128, 32},
                                       std::size_t(2), in);
    CHECK(c.max_vocab == 7);
    CHECK(c.char_buckets == 1000);
    CHECK(c.hidden == std::vector<std::size_t>{128, 32});
    CHECK(c.ensemble == 2);
    CHECK_FALSE(c.auto_vocab);
    CHECK_FALSE(c.auto_chars);
    CHECK_FALSE(c.auto_hidden);
    CHECK_FALSE(c.auto_ensemble);
    CHECK(c.auto_bigrams);
    CHECK(c.max_bigrams == c.budget / (128 * 2) - 1000 - 7);

    // Through the trainer: the configured sizes are what the model gets.
    train_config cfg = small_config();
    cfg.hidden = std::vector<std::size_t>{12};
    cfg.char_buckets = 300;
    cfg.max_vocab = 20;
    cfg.ensemble = 2;
    const auto res = train_model<float>(read(toy::intents_jsonl(), "intents.jsonl"), cfg);
    CHECK(res.model.features.char_ngrams.buckets == 300);
    CHECK(res.model.features.bow.vocab.size() == 20);
    CHECK(dense_at(res.model, 0).out == 24);
    CHECK(res.chosen.ensemble == 2);
}

TEST_CASE("capacity: the defaults size the model from the data") {
    const dataset d = read(toy::intents_jsonl(), "intents.jsonl");
    const auto res = train_model<float>(d, small_config());
    CHECK(res.chosen.auto_vocab);
    CHECK(res.chosen.ensemble == 1);
    CHECK(res.chosen.hidden == std::vector<std::size_t>{16});
    CHECK(res.model.features.char_ngrams.buckets == res.chosen.char_buckets);
    const std::string artifact = save_model_to_string(res.model);
    CHECK(artifact.size() < 150000);
}

TEST_CASE("review threshold: the kept rows reach the target at the largest coverage") {
    // Confidence falls with i; rows below i = 60 are right, then every other one.
    std::vector<scored_prediction> rows;
    for (int i = 0; i < 100; ++i) rows.push_back({1.0 - i / 100.0, i < 60 || i % 2 == 0});
    const review_choice c = choose_review_threshold(rows, 0.95);
    REQUIRE(c.reached);
    CHECK(c.rows == 100);
    CHECK(c.accuracy >= 0.95);
    // Brute force: no larger prefix reaches the target, this one does.
    auto acc = [&](std::size_t k) {
        std::size_t right = 0;
        for (std::size_t i = 0; i < k; ++i) right += rows[i].correct;
        return static_cast<double>(right) / static_cast<double>(k);
    };
    CHECK(acc(c.kept) == doctest::Approx(c.accuracy));
    for (std::size_t k = c.kept + 1; k <= rows.size(); ++k) CHECK(acc(k) < 0.95);
    CHECK(c.kept > 60);
    // Rows at or above the threshold are exactly the kept ones.
    std::size_t above = 0;
    for (const auto& r : rows) above += r.confidence >= c.thresholds.min_confidence;
    CHECK(above == c.kept);
    CHECK(c.thresholds.min_margin == 0);
    CHECK(c.coverage == doctest::Approx(c.kept / 100.0));

    // Every row right: nothing below the least confident one is flagged.
    std::vector<scored_prediction> all_right = {{0.9, true}, {0.4, true}, {0.7, true}};
    const review_choice r = choose_review_threshold(all_right, 0.95);
    CHECK(r.reached);
    CHECK(r.coverage == 1.0);
    CHECK(r.thresholds.min_confidence == 0.4);
}

TEST_CASE("review threshold: ties share a fate, an unreachable target keeps the coverage floor") {
    std::vector<scored_prediction> tied = {{0.9, true}, {0.8, true}, {0.8, false}, {0.8, true}, {0.3, false}};
    const review_choice t = choose_review_threshold(tied, 0.9);
    CHECK(t.kept == 1);
    CHECK(t.thresholds.min_confidence == 0.9);

    // Right and wrong alternate: no cut reaches 0.99; the best cut with at
    // least half the rows is taken, and says so.
    std::vector<scored_prediction> coin;
    for (int i = 0; i < 40; ++i) coin.push_back({1.0 - i / 40.0, i % 2 == 1});
    const review_choice u = choose_review_threshold(coin, 0.99, 0.5);
    CHECK_FALSE(u.reached);
    CHECK(u.coverage >= 0.5);
    CHECK(u.accuracy == doctest::Approx(0.5));
    CHECK(choose_review_threshold({}, 0.95).rows == 0);
}

TEST_CASE("review thresholds are learned on the validation split, configured ones are kept") {
    const dataset d = read(toy::intents_jsonl(), "intents.jsonl");
    train_config cfg = small_config();
    cfg.review_target = 0.99;
    head_config intent;
    intent.name = "intent";
    head_config sentiment;
    sentiment.name = "sentiment";
    sentiment.review = review_thresholds{0.7, 0.2};
    cfg.heads = {intent, sentiment};
    const auto res = train_model<float>(d, cfg);
    REQUIRE(res.review.size() == 1);
    const review_choice& c = res.review[0];
    CHECK(c.head == "intent");
    CHECK(c.rows == res.validation.heads[0].examples);
    CHECK(c.coverage > 0);
    CHECK(c.thresholds.min_confidence > 0);
    CHECK(res.model.heads[0].review.min_confidence == c.thresholds.min_confidence);
    CHECK(res.model.heads[1].review.min_confidence == 0.7);
    CHECK(res.model.heads[1].review.min_margin == 0.2);
    // Stored with the metrics, so eval can say what the model was tuned for.
    const auto metrics = nlohmann::json::parse(res.model.metrics_json);
    CHECK(metrics.at("training").at("review").at(0).at("head") == "intent");
}

TEST_CASE("--init: reuses normalizer, features and trunk, keeps the initial heads") {
    train_config base_cfg = small_config();
    base_cfg.normalizer.lexicon = {{"pkg", "package"}};
    const model base = train_model<float>(read(toy::intents_jsonl(), "intents.jsonl"), base_cfg).model;
    REQUIRE(base.heads.size() == 2);

    const dataset urgency = read(urgency_jsonl(), "urgency.jsonl");
    train_config cfg = small_config();
    cfg.freeze_trunk = true;
    cfg.max_vocab = 3;  // ignored: the features are the initial model's
    const auto res = train_model<float>(urgency, base, cfg);
    const model& m = res.model;
    CHECK(m.normalizer.lexicon == base.normalizer.lexicon);
    CHECK(m.features.bow.vocab == base.features.bow.vocab);
    CHECK(m.features.bigrams.vocab == base.features.bigrams.vocab);
    CHECK(m.features.char_ngrams.buckets == base.features.char_ngrams.buckets);
    bool warned = false;
    for (const auto& w : res.warnings) warned = warned || w.message.find("ignored") != std::string::npos;
    CHECK(warned);

    // Frozen: the trunk is byte-identical.
    REQUIRE(m.trunk.size() == base.trunk.size());
    for (std::size_t l = 0; l < m.trunk.size(); l += 2) {
        CHECK(same_bytes(dense_at(m, l).weights, dense_at(base, l).weights));
        CHECK(dense_at(m, l).bias == dense_at(base, l).bias);
    }
    // The data's head first, then the initial model's heads under their names, untouched.
    REQUIRE(m.heads.size() == 3);
    CHECK(m.heads[0].name == "urgency");
    CHECK(m.heads[1].name == "intent");
    CHECK(m.heads[2].name == "sentiment");
    for (std::size_t h = 0; h < 2; ++h) {
        CHECK(same_bytes(m.heads[h + 1].layer.weights, base.heads[h].layer.weights));
        CHECK(m.heads[h + 1].layer.bias == base.heads[h].layer.bias);
        CHECK(m.heads[h + 1].labels == base.heads[h].labels);
        CHECK(m.heads[h + 1].review.min_confidence == base.heads[h].review.min_confidence);
    }
    // So the kept heads predict exactly as before, and the new head learned.
    const classifier a = load_classifier_from_string(save_model_to_string(base));
    const classifier b = load_classifier_from_string(save_model_to_string(m));
    for (const char* text : {"refund my money", "where is my parcel", "i am locked out"}) {
        CHECK(b.predict(text).find("intent")->label == a.predict(text).find("intent")->label);
        CHECK(b.predict(text).find("intent")->confidence == a.predict(text).find("intent")->confidence);
    }
    CHECK(res.validation.heads.at(0).name == "urgency");
    CHECK(res.validation.heads.at(0).accuracy > 0.5);
}

TEST_CASE("--init without freezing: the trunk trains, a head of the same name starts from the initial one") {
    const model base = train_model<float>(read(toy::intents_jsonl(), "intents.jsonl"), small_config()).model;
    // Only the refund and login intents, in another order than the base's labels.
    dataset more = read(toy::intents_jsonl(), "intents.jsonl");
    std::vector<labelled_text> rows;
    for (auto& r : more.rows)
        if (*r.label("intent") != "tracking") rows.push_back(r);
    more.rows = rows;
    train_config cfg = small_config();
    cfg.max_epochs = 2;
    const auto res = train_model<float>(more, base, cfg);
    const model& m = res.model;
    CHECK_FALSE(same_bytes(dense_at(m, 0).weights, dense_at(base, 0).weights));
    REQUIRE(m.heads.size() == 2);
    CHECK(m.heads[0].name == "intent");
    CHECK(m.heads[0].labels == base.heads[0].labels);  // the base's order, tracking included
    CHECK(m.heads[1].name == "sentiment");

    // A quantized model cannot be a starting point.
    model q = base;
    q.quantization = quant_mode::weight_only;
    CHECK_THROWS_AS((void)train_model<float>(more, q, cfg), error);
}
