// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <string>
#include <tiny_ticket/artifact.hpp>
#include <tiny_ticket/train/cross_validate.hpp>

using namespace tiny_ticket;
using namespace tiny_ticket::train;

namespace {

dataset small_data() {
    const char* words[3][4] = {{"invoice", "refund", "charge", "payment"},
                               {"crash", "login", "error", "password"},
                               {"parcel", "courier", "delivery", "tracking"}};
    const char* queues[3] = {"billing", "technical", "shipping"};
    dataset d;
    for (int q = 0; q < 3; ++q)
        for (int i = 0; i < 10; ++i) {
            labelled_text r;
            r.text = std::string("my ") + words[q][i % 4] + " issue " + std::to_string(i) + " " + words[q][(i + 1) % 4];
            r.labels = {{"queue", queues[q]}};
            if (i % 2) r.labels.emplace_back("urgent", i % 4 == 1 ? "yes" : "no");
            d.rows.push_back(r);
        }
    return d;
}

train_config quick_config() {
    train_config c;
    c.hidden = {16};
    c.char_buckets = 256;
    c.ensemble = 1;
    c.max_epochs = 30;
    c.batch_size = 4;
    c.optimizer.learning_rate = 0.01;
    c.refit = false;
    return c;
}

}  // namespace

TEST_CASE("cross_validate: k folds cover every row once, stratified, scores per head in [0, 1]") {
    const dataset d = small_data();
    train_config c = quick_config();
    std::size_t calls = 0;
    const cross_validation cv = cross_validate<float>(d, c, 3, [&](std::size_t f) { CHECK(f == calls++); });
    CHECK(calls == 3);
    CHECK(cv.folds == 3);
    // "urgent" has 15 rows for 2 labels, "queue" 30 for 3: urgent has fewer per label.
    CHECK(cv.stratify_head == "urgent");
    REQUIRE(cv.fold_rows.size() == 3);
    CHECK(cv.fold_rows[0] + cv.fold_rows[1] + cv.fold_rows[2] == 30);
    for (std::size_t n : cv.fold_rows) CHECK(n == 10);
    REQUIRE(cv.heads.size() == 2);
    for (const auto& h : cv.heads) {
        CHECK(h.accuracy.size() == 3);
        std::size_t rows = 0;
        for (std::size_t e : h.examples) rows += e;
        CHECK(rows == (h.name == "queue" ? 30u : 15u));
        for (double a : h.accuracy) CHECK((a >= 0 && a <= 1));
        CHECK(fold_scores::stddev(h.accuracy) >= 0);
    }
    // The texts name their queue outright: most held-out rows are right.
    const auto* q = cv.heads[0].name == "queue" ? &cv.heads[0] : &cv.heads[1];
    CHECK(fold_scores::mean(q->accuracy) > 0.5);
    const std::string report = render_cross_validation(cv);
    CHECK(report.find("cross-validation: 3 folds over 30 rows, stratified on \"urgent\"") == 0);
    CHECK(report.find("  queue ") != std::string::npos);

    c.stratify_head = "queue";
    CHECK(cross_validate<float>(d, c, 2).stratify_head == "queue");
    c.stratify_head = "queu";
    CHECK_THROWS_AS(cross_validate<float>(d, c, 2), error);
    CHECK_THROWS_AS(cross_validate<float>(d, quick_config(), 1), error);
    CHECK_THROWS_AS(cross_validate<float>(d, quick_config(), 31), error);
}

TEST_CASE("fold_scores: mean and sample standard deviation by hand") {
    CHECK(fold_scores::mean({0.5, 0.7, 0.9}) == doctest::Approx(0.7));
    CHECK(fold_scores::stddev({0.5, 0.7, 0.9}) == doctest::Approx(0.2));
    CHECK(fold_scores::stddev({0.5}) == 0.0);
}

TEST_CASE("artifact: the data mapping round-trips, is validated, and a model without it loads as before") {
    const dataset d = small_data();
    train_config c = quick_config();
    auto res = train_model<float>(d, c);
    res.model.data.text = {"subject", "body"};
    res.model.data.heads = {{"queue_col", "queue"}};
    const std::string text = save_model_to_string(res.model);
    const auto back = load_model_from_string<float>(text);
    CHECK(back.data.text == std::vector<std::string>{"subject", "body"});
    CHECK(back.data.separator == "\n");
    CHECK(back.data.heads == std::vector<std::pair<std::string, std::string>>{{"queue_col", "queue"}});

    auto j = nlohmann::json::parse(text);
    j["data"]["heads"]["x"] = "no_such_head";
    try {
        (void)load_model_from_string<float>(j.dump());
        FAIL("expected an artifact_error");
    } catch (const artifact_error& e) {
        CHECK(e.where() == "/data/heads/x");
    }
    j["data"] = {{"text", nlohmann::json::array()}};
    CHECK_THROWS_AS((void)load_model_from_string<float>(j.dump()), artifact_error);
    j.erase("data");
    CHECK(load_model_from_string<float>(j.dump()).data.empty());

    // The writer refuses a string that is not UTF-8 with its own error, not
    // the JSON library's (this crashed `train` after training before texts
    // were repaired on reading).
    if (res.model.self_tests.empty()) res.model.self_tests.emplace_back();
    res.model.self_tests.front().text = "caf\xe9";
    try {
        (void)save_model_to_string(res.model);
        FAIL("expected an artifact_error");
    } catch (const artifact_error& e) {
        CHECK(std::string(e.message()).find("not valid UTF-8") != std::string::npos);
    }
}
