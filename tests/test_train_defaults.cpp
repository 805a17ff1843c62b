// SPDX-License-Identifier: MIT
// The trainer's unset settings (epochs, capacity) against explicit ones: a
// configuration that sets a value keeps it, so the shipped model's recipe
// (models/default-config.json, every size and schedule value set) trains as
// it did before a default changed.
#include <doctest/doctest.h>

#include <string>
#include <tiny_ticket/train/capacity.hpp>
#include <tiny_ticket/train/data.hpp>
#include <tiny_ticket/train/trainer.hpp>
#include <vector>

#include "../examples/tiny-ticket/train_config_json.hpp"
#include "support/toy_tickets.hpp"

namespace {

tiny_ticket::train::dataset toy_intents() {
    tiny_ticket::train::dataset d;
    tiny_ticket::train::read_data_string(toy::intents_jsonl(), "intents.jsonl", {}, d);
    return d;
}

// Epochs of the validated run (no refit), with early stopping out of the way.
std::size_t epochs_run(tiny_ticket::train::train_config c) {
    c.patience = 1000;
    c.refit = false;
    c.batch_size = 8;
    c.validation_fraction = 0.25;
    c.seed = 5;
    const auto res = tiny_ticket::train::train_model<float>(toy_intents(), c);
    std::size_t n = 0;
    for (const auto& e : res.epochs) n += e.refit ? 0 : 1;
    return n;
}

}  // namespace

TEST_CASE("training defaults: the schedule spans 45 epochs unless the configuration sets max_epochs") {
    CHECK(epochs_run(tiny_ticket::train::train_config{}) == 45);
    cli::train_settings s;
    cli::apply_train_config(R"({"training": {"max_epochs": 30}})", s);
    CHECK(epochs_run(s.train) == 30);
}

TEST_CASE("training defaults: the shipped model's recipe sets every value a default could change") {
    cli::train_settings s;
    cli::load_train_config(std::string(TINY_TICKET_SOURCE_DIR) + "/models/default-config.json", s);
    const auto& t = s.train;
    CHECK(t.max_epochs == 30);
    CHECK(t.patience == 10);
    CHECK_FALSE(t.refit);
    CHECK(t.optimizer.learning_rate == doctest::Approx(0.002));
    REQUIRE(t.max_vocab);
    REQUIRE(t.max_bigrams);
    REQUIRE(t.char_buckets);
    REQUIRE(t.hidden);
    REQUIRE(t.ensemble);
    // Whatever the data offers, the capacity is the configured one.
    for (std::size_t rows : {50u, 10000u, 100000u}) {
        tiny_ticket::train::capacity_inputs in;
        in.rows = rows;
        in.outputs = 27;
        in.words = rows;
        in.bigrams = rows * 2;
        const auto c = tiny_ticket::train::choose_capacity(t.max_vocab, t.max_bigrams, t.char_buckets, t.hidden, t.ensemble, in);
        CHECK(c.max_vocab == 2500);
        CHECK(c.max_bigrams == 800);
        CHECK(c.char_buckets == 2048);
        CHECK(c.hidden == std::vector<std::size_t>{32});
        CHECK(c.ensemble == 1);
        CHECK_FALSE((c.auto_vocab || c.auto_bigrams || c.auto_chars || c.auto_hidden || c.auto_ensemble));
    }
}
