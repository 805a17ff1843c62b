// SPDX-License-Identifier: MIT
// Pretrained word vectors: the file reader, the trainer's use of them, and
// artifacts with (and without) pretrained int8 rows.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <tiny_ticket/artifact.hpp>
#include <tiny_ticket/detail/base64.hpp>
#include <tiny_ticket/train/data.hpp>
#include <tiny_ticket/train/trainer.hpp>
#include <tiny_ticket/train/word_vectors.hpp>
#include <vector>

#include "support/skip.hpp"
#include "support/toy_tickets.hpp"

using namespace tiny_ticket;
using namespace tiny_ticket::train;

namespace {

// A word-vector file of `words` with `dim` columns; row i has q values
// (i * 7 + c * 13) % 255 - 127 and scale (i + 1) / 100.
std::string wv_make_file(const std::vector<std::string>& words, std::size_t dim, const std::string& name = "toy-vectors") {
    std::string q, scale;
    for (std::size_t i = 0; i < words.size(); ++i) {
        for (std::size_t c = 0; c < dim; ++c) q.push_back(static_cast<char>(static_cast<int>((i * 7 + c * 13) % 255) - 127));
        tiny_ticket::detail::store_le<float>(scale, static_cast<float>(i + 1) / 100.0f);
    }
    nlohmann::json j = {{"format", "tiny_ticket.word_vectors"},
                        {"version", 1},
                        {"name", name},
                        {"dim", dim},
                        {"count", words.size()},
                        {"base_model", "none"},
                        {"license", "MIT"},
                        {"method", "made up by the test"},
                        {"tool", "tests/test_word_vectors.cpp"},
                        {"words", words},
                        {"vectors",
                         {{"dtype", "i8"},
                          {"shape", {words.size(), dim}},
                          {"base64", tiny_ticket::detail::base64_encode(q.data(), q.size())},
                          {"scale",
                           {{"dtype", "f32"},
                            {"shape", {words.size()}},
                            {"base64", tiny_ticket::detail::base64_encode(scale.data(), scale.size())}}}}}};
    return j.dump();
}

// The toy tickets' words (and a few they lack), 8 columns.
std::vector<std::string> wv_toy_words() {
    return {"refund", "money", "package", "parcel", "password", "login", "account", "my", "please", "reimbursement",
            "shipment", "charge", "track", "reset", "<num>"};
}

dataset wv_toy_data() {
    dataset d;
    read_data_string(toy::intents_jsonl(), "toy.jsonl", {}, d);
    return d;
}

train_config wv_config(std::shared_ptr<const word_vectors> v) {
    train_config c;
    c.hidden = {24};
    c.char_buckets = 512;
    c.max_epochs = 8;
    c.patience = 50;
    c.batch_size = 8;
    c.optimizer.learning_rate = 0.01;
    c.validation_fraction = 0.2;
    c.seed = 3;
    c.ensemble = 1;
    c.refit = false;
    c.schedule = lr_schedule::constant;
    c.vectors = std::move(v);
    return c;
}

std::shared_ptr<const word_vectors> wv_toy_vectors(std::size_t dim = 8) {
    return std::make_shared<const word_vectors>(read_word_vectors(wv_make_file(wv_toy_words(), dim), "toy.json"));
}

// The error a reader throws for `text`, written to a file named `name`.
tiny_ticket::error wv_error_of(const std::string& text, const std::string& name = "bad_vectors.json") {
    const auto path = std::filesystem::temp_directory_path() / name;
    {
        std::ofstream out(path, std::ios::binary);
        out << text;
    }
    try {
        (void)load_word_vectors(path);
    } catch (const tiny_ticket::error& e) {
        std::filesystem::remove(path);
        return e;
    }
    std::filesystem::remove(path);
    FAIL("expected an error");
    return tiny_ticket::error(errc::argument, "", "");
}

std::vector<std::string> wv_texts() {
    return {"could you refund my money", "where is the parcel now", "my password does not work", "reimbursement please",
            "zzz unknown words only", ""};
}

// Every score of every head for the texts, in order.
std::vector<float> wv_scores(const classifier& clf) {
    std::vector<float> out;
    for (const auto& t : wv_texts())
        for (const auto& h : clf.predict(t).heads) out.insert(out.end(), h.scores.begin(), h.scores.end());
    return out;
}

}  // namespace

TEST_CASE("word vectors: a good file reads as int8 x scale per row") {
    const auto v = read_word_vectors(wv_make_file({"refund", "money", "<url>"}, 4, "tiny"), "tiny.json");
    CHECK(v.name == "tiny");
    CHECK(v.dim == 4);
    CHECK(v.license == "MIT");
    REQUIRE(v.words.size() == 3);
    const float* money = v.row("money");
    REQUIRE(money);
    for (std::size_t c = 0; c < 4; ++c)
        CHECK(money[c] == static_cast<float>(static_cast<int>((7 + c * 13) % 255) - 127) * (2.0f / 100.0f));
    CHECK(v.row("<url>") == v.values.data() + 8);
    CHECK(v.row("nothing") == nullptr);
    double norm = 0;
    for (std::size_t r = 0; r < 3; ++r) {
        double n2 = 0;
        for (std::size_t c = 0; c < 4; ++c) n2 += double(v.values[r * 4 + c]) * v.values[r * 4 + c];
        norm += std::sqrt(n2) / 3;
    }
    CHECK(v.mean_norm() == doctest::Approx(norm));
}

TEST_CASE("word vectors: bad files get an error naming the file and the JSON path") {
    const std::string good = wv_make_file({"refund", "money"}, 4);
    auto with = [&](const std::string& pointer, const nlohmann::json& value) {
        nlohmann::json j = nlohmann::json::parse(good);
        j[nlohmann::json::json_pointer(pointer)] = value;
        return j.dump();
    };
    SUBCASE("not JSON") {
        const auto e = wv_error_of("{\"format\": ");
        CHECK(e.code() == errc::parse);
        CHECK(std::string(e.what()).find("bad_vectors.json") != std::string::npos);
    }
    SUBCASE("wrong format") {
        const auto e = wv_error_of(with("/format", "tiny_ticket"));
        CHECK(e.code() == errc::version);
        CHECK(e.where().find("bad_vectors.json:/format") != std::string::npos);
    }
    SUBCASE("newer version") {
        const auto e = wv_error_of(with("/version", 2));
        CHECK(e.code() == errc::version);
        CHECK(e.where().find(":/version") != std::string::npos);
    }
    SUBCASE("bad base64") {
        std::string blob = nlohmann::json::parse(good)["vectors"]["base64"];
        blob[0] = '@';  // the right length, one character outside the alphabet
        const auto e = wv_error_of(with("/vectors/base64", blob));
        CHECK(e.code() == errc::base64);
        CHECK(e.where().find("bad_vectors.json:/vectors/base64") != std::string::npos);
    }
    SUBCASE("count disagrees with the words") {
        const auto e = wv_error_of(with("/count", 3));
        CHECK(e.code() == errc::shape);
        CHECK(e.where().find(":/words") != std::string::npos);
        CHECK(e.message().find("expected 3 words") != std::string::npos);
    }
    SUBCASE("blob shorter than count x dim") {
        const auto e = wv_error_of(with("/dim", 5));
        CHECK((e.code() == errc::shape || e.code() == errc::base64));
        CHECK(e.where().find(":/vectors") != std::string::npos);
    }
    SUBCASE("repeated word") {
        const auto e = wv_error_of(with("/words/1", "refund"));
        CHECK(e.code() == errc::value);
        CHECK(e.where().find(":/words/1") != std::string::npos);
    }
    SUBCASE("missing file") {
        CHECK_THROWS_AS((void)load_word_vectors("no/such/vectors.json"), tiny_ticket::artifact_error);
    }
    std::string msg = wv_error_of(with("/format", 3)).what();
    CHECK(msg.rfind("[tiny_ticket.type] ", 0) == 0);
}

TEST_CASE("trainer with frozen word vectors: vocabulary, rows, round trip") {
    const dataset d = wv_toy_data();
    const auto vectors = wv_toy_vectors();
    train_config c = wv_config(vectors);
    c.vectors_freeze = true;
    const auto res = train_model<float>(d, c);
    CHECK(res.vectors == "frozen");
    CHECK(res.vectors_trials.empty());
    const auto& e = res.model.features.embedding;
    CHECK(e.dim == 8);
    CHECK(e.unk == -1);
    CHECK(e.source == "toy-vectors");
    CHECK(e.int8_rows);
    // Exactly the table's words that the training texts use.
    std::set<std::string> train_words;
    {
        const normalizer norm(res.model.normalizer);
        std::vector<std::string_view> toks;
        for (const auto& r : d.rows) {
            const std::string n = norm.normalize(r.text);
            normalizer::tokenize(n, toks);
            for (auto t : toks) train_words.emplace(t);
        }
    }
    std::set<std::string> expected;
    for (const auto& w : vectors->words)
        if (train_words.count(w)) expected.insert(w);
    CHECK(std::set<std::string>(e.vocab.begin(), e.vocab.end()) == expected);
    CHECK(expected.count("reimbursement") == 0);
    CHECK(expected.count("refund") == 1);
    // Frozen: the table's rows times one common factor (int8 rounding only).
    REQUIRE(e.weights.values.size() == e.vocab.size() * 8);
    double num = 0, den = 0;
    for (std::size_t r = 0; r < e.vocab.size(); ++r)
        for (std::size_t col = 0; col < 8; ++col) {
            num += double(e.weights.values[r * 8 + col]) * vectors->row(e.vocab[r])[col];
            den += double(vectors->row(e.vocab[r])[col]) * vectors->row(e.vocab[r])[col];
        }
    const double k = num / den;
    CHECK(k > 0);
    {
        // The factor follows vectors_scale (the mean text embedding's norm).
        train_config one = c;
        one.vectors_scale = 1.0;
        const std::vector<float> w1 = train_model<float>(d, one).model.features.embedding.weights.values;
        double n1 = 0;
        for (std::size_t r = 0; r < e.vocab.size(); ++r)
            for (std::size_t col = 0; col < 8; ++col) n1 += double(w1[r * 8 + col]) * vectors->row(e.vocab[r])[col];
        CHECK(k / (n1 / den) == doctest::Approx(c.vectors_scale).epsilon(0.02));
    }
    for (std::size_t r = 0; r < e.vocab.size(); ++r) {
        const float* src = vectors->row(e.vocab[r]);
        double max_abs = 0;
        for (std::size_t col = 0; col < 8; ++col) max_abs = std::max(max_abs, std::fabs(src[col] * k));
        for (std::size_t col = 0; col < 8; ++col)
            CHECK(std::fabs(e.weights.values[r * 8 + col] - src[col] * k) <= max_abs / 127 + 1e-6);  // within one int8 step
    }

    // The artifact stores the rows as int8 and its provenance, and predicts
    // exactly like the trained model after a reload, and again after a
    // second save.
    const std::string text = save_model_to_string(res.model);
    const auto j = nlohmann::json::parse(text);
    CHECK(j.at("features").at("embedding").at("weights").at("dtype") == "i8");
    CHECK(j.at("features").at("embedding").at("source") == "toy-vectors");
    const auto reloaded = load_model_from_string<float>(text);
    CHECK(reloaded.features.embedding.int8_rows);
    CHECK(reloaded.features.embedding.weights.values == e.weights.values);
    CHECK(save_model_to_string(reloaded) == text);
    const classifier original(res.model), again(reloaded);
    CHECK(wv_scores(original) == wv_scores(again));
    CHECK(again.predict("could you refund my money").find("intent")->label == "refund");

    // Smaller than a float table: the same model saved with f32 rows is larger.
    auto as_float = res.model;
    as_float.features.embedding.int8_rows = false;
    CHECK(save_model_to_string(as_float).size() > text.size());
}

TEST_CASE("trainer with fine-tuned word vectors moves the rows and still round-trips exactly") {
    const dataset d = wv_toy_data();
    const auto vectors = wv_toy_vectors();
    train_config c = wv_config(vectors);
    c.vectors_freeze = false;
    const auto tuned = train_model<float>(d, c);
    c.vectors_freeze = true;
    const auto frozen = train_model<float>(d, c);
    CHECK(tuned.vectors == "fine-tuned");
    CHECK(tuned.model.features.embedding.vocab == frozen.model.features.embedding.vocab);
    CHECK(tuned.model.features.embedding.weights.values != frozen.model.features.embedding.weights.values);
    const std::string text = save_model_to_string(tuned.model);
    const auto reloaded = load_model_from_string<float>(text);
    CHECK(reloaded.features.embedding.weights.values == tuned.model.features.embedding.weights.values);
    CHECK(wv_scores(classifier(tuned.model)) == wv_scores(classifier(reloaded)));
}

TEST_CASE("the use of the word vectors is chosen on the validation split") {
    const dataset d = wv_toy_data();
    train_config c = wv_config(wv_toy_vectors(4));
    c.vectors_optional = true;
    c.refit = true;
    const auto res = train_model<float>(d, c);
    REQUIRE(res.vectors_trials.size() == 3);
    CHECK(res.vectors_trials[0].variant == "frozen");
    CHECK(res.vectors_trials[1].variant == "fine-tuned");
    CHECK(res.vectors_trials[2].variant == "none");
    double best = 0;
    std::string chosen;
    for (const auto& t : res.vectors_trials)
        if (chosen.empty() || t.valid_mean_macro_f1 > best + 1e-12) {
            best = t.valid_mean_macro_f1;
            chosen = t.variant;
        }
    CHECK(res.vectors == chosen);
    CHECK(res.validation.mean_macro_f1 == doctest::Approx(best));
    // The chosen variant was refitted on all rows.
    CHECK(res.train_examples == d.rows.size());
    CHECK(res.model.features.embedding.dim == (chosen == "none" ? 0u : 4u));
    // Asked for explicitly, the same configuration trains the same artifact.
    train_config again = c;
    again.vectors_optional = false;
    if (chosen == "none") again.vectors.reset();
    else again.vectors_freeze = chosen == "frozen";
    CHECK(save_model_to_string(train_model<float>(d, again).model) == save_model_to_string(res.model));
}

TEST_CASE("word vectors that miss every training word leave the model as without them") {
    const dataset d = wv_toy_data();
    train_config c = wv_config(std::make_shared<const word_vectors>(
        read_word_vectors(wv_make_file({"xylophone", "zeppelin"}, 4), "other.json")));
    c.vectors_freeze = true;
    const auto with = train_model<float>(d, c);
    bool warned = false;
    for (const auto& w : with.warnings) warned = warned || w.message.find("none of the training words") != std::string::npos;
    CHECK(warned);
    c.vectors.reset();
    const auto without = train_model<float>(d, c);
    CHECK(without.vectors.empty());
    CHECK(save_model_to_string(with.model) == save_model_to_string(without.model));
    const auto j = nlohmann::json::parse(save_model_to_string(without.model));
    CHECK_FALSE(j.at("features").contains("embedding"));
}

TEST_CASE("ensembles, --init and dim truncation work with pretrained rows") {
    const dataset d = wv_toy_data();
    train_config c = wv_config(wv_toy_vectors());
    c.vectors_freeze = true;
    c.ensemble = 2;
    c.embedding_dim = 5;  // the first 5 of 8 columns
    const auto ens = train_model<float>(d, c);
    const auto& e = ens.model.features.embedding;
    CHECK(e.dim == 10);  // two members' tables side by side
    const std::string text = save_model_to_string(ens.model);
    const auto reloaded = load_model_from_string<float>(text);
    CHECK(wv_scores(classifier(ens.model)) == wv_scores(classifier(reloaded)));
    CHECK(save_model_to_string(reloaded) == text);

    c.ensemble = 1;
    const auto base = train_model<float>(d, c);
    train_config more = c;
    more.freeze_trunk = true;
    const auto cont = train_model<float>(d, base.model, more);
    CHECK(cont.vectors.empty());
    CHECK(cont.model.features.embedding.source == "toy-vectors");
    CHECK(cont.model.features.embedding.int8_rows);
    CHECK(cont.model.features.embedding.weights.values == base.model.features.embedding.weights.values);
    bool warned = false;
    for (const auto& w : cont.warnings) warned = warned || w.message.find("word vectors") != std::string::npos;
    CHECK(warned);

    // Without --freeze-trunk the trunk trains, the pretrained rows stay.
    train_config thaw = c;
    thaw.vectors_freeze = false;
    const auto thawed = train_model<float>(d, base.model, thaw);
    CHECK(thawed.model.features.embedding.weights.values == base.model.features.embedding.weights.values);
    CHECK(std::get<dense_spec<float>>(thawed.model.trunk.front()).weights.values !=
          std::get<dense_spec<float>>(base.model.trunk.front()).weights.values);

    c.embedding_dim = 9;
    CHECK_THROWS_AS((void)train_model<float>(d, c), tiny_ticket::error);
}

TEST_CASE("an artifact without pretrained rows loads and saves as before") {
    const auto shipped = std::filesystem::path(TINY_TICKET_SOURCE_DIR) / "models" / "tiny_ticket-default-v6.json";
    const auto m = load_model<float>(shipped);
    CHECK_FALSE(m.features.embedding.int8_rows);
    CHECK(m.features.embedding.source.empty());
    const std::string once = save_model_to_string(m);
    const auto j = nlohmann::json::parse(once);
    if (j.at("features").contains("embedding")) CHECK_FALSE(j["features"]["embedding"].contains("source"));
    const auto again = load_model_from_string<float>(once);
    CHECK(save_model_to_string(again) == once);
    CHECK(wv_scores(classifier(m)) == wv_scores(classifier(again)));
    // A table learned from scratch stays float.
    train_config c = wv_config(nullptr);
    c.embedding_dim = 4;
    const auto res = train_model<float>(wv_toy_data(), c);
    const auto jr = nlohmann::json::parse(save_model_to_string(res.model));
    CHECK(jr.at("features").at("embedding").at("weights").at("dtype") == "f32");
    CHECK_FALSE(jr.at("features").at("embedding").contains("source"));
}

TEST_CASE("the shipped word vectors read, if present") {
    const auto path = std::filesystem::path(TINY_TICKET_SOURCE_DIR) / "models" / "vectors" / "minilm-l6-v2.json";
    if (!std::filesystem::exists(path)) {
        std::cout << TINY_TICKET_SKIP_MARKER " the word vectors are not in this checkout: " << path.string() << std::endl;
        return;
    }
    const auto v = load_word_vectors(path);
    CHECK(v.dim > 0);
    CHECK(v.words.size() * v.dim == v.values.size());
    CHECK(v.row("refund") != nullptr);
    CHECK(v.mean_norm() > 0);
}
