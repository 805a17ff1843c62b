// SPDX-License-Identifier: MIT
// predict(text, ws, prediction_detail::labels) skips the softmax where the
// logits alone decide the label; its labels must be the full path's, always.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tiny_ticket/artifact.hpp>
#include <tiny_ticket/classifier.hpp>

#include "support/toy_model.hpp"

namespace {

// Every "text" of the project's ticket sets (a few thousand tickets, English
// and Hinglish, 2-40 words) plus edge cases.
std::vector<std::string> pd_ticket_texts() {
    std::vector<std::string> texts = {"", "   ", "?!", std::string(3000, 'a'), "\xff\xfe invalid utf8 \xc3",
                                      "refund refund refund refund", "www.example.com bob@example.com 12345"};
    for (const char* name : {"eval_tickets.jsonl", "eval2_tickets.jsonl", "dev_tickets.jsonl", "tune_tickets.jsonl",
                             "negation_tickets.jsonl", "train_tickets.jsonl"}) {
        std::ifstream in(std::string(TINY_TICKET_SOURCE_DIR) + "/tests/data/" + name);
        REQUIRE_MESSAGE(in, name);
        std::string line;
        while (std::getline(in, line)) {
            const auto j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_object() && j.contains("text") && j["text"].is_string()) texts.push_back(j["text"].get<std::string>());
        }
    }
    return texts;
}

// Compares the two details on every text; returns how many heads took the
// fast path (empty scores), so a test can show it was exercised.
template <class T>
std::size_t pd_compare(const tiny_ticket::basic_classifier<T>& clf, const std::vector<std::string>& texts) {
    auto full_ws = clf.make_workspace();
    auto labels_ws = clf.make_workspace();
    std::size_t fast = 0;
    for (const auto& text : texts) {
        const auto& full = clf.predict(text, full_ws);
        const auto& labels = clf.predict(text, labels_ws, tiny_ticket::prediction_detail::labels);
        REQUIRE(labels.heads.size() == full.heads.size());
        for (std::size_t h = 0; h < full.heads.size(); ++h) {
            const auto& f = full.heads[h];
            const auto& l = labels.heads[h];
            INFO("text: " << text << ", head " << f.name);
            CHECK(l.name == f.name);
            CHECK(l.label_index == f.label_index);
            CHECK(l.label == f.label);
            CHECK(l.out_of_scope == f.out_of_scope);
            CHECK(l.labels == f.labels);
            if (l.scores.empty()) ++fast;
            else CHECK(l.scores == f.scores);
        }
    }
    return fast;
}

}  // namespace

TEST_CASE("labels-only predict answers the full path's labels on the shipped model") {
    const auto clf = tiny_ticket::load_classifier(std::string(TINY_TICKET_SOURCE_DIR) + "/models/tiny_ticket-default-v6.json");
    const auto texts = pd_ticket_texts();
    REQUIRE(texts.size() > 1000);
    const std::size_t fast = pd_compare(clf, texts);
    // Most heads of most tickets have a clear top logit.
    CHECK(fast > texts.size());
}

TEST_CASE("labels-only predict answers the full path's labels: toy models, float and double, out of scope") {
    const auto texts = pd_ticket_texts();
    for (std::uint64_t seed : {1u, 7u, 42u}) {
        CAPTURE(seed);
        pd_compare(tiny_ticket::classifier(toy::model<float>(seed)), texts);
        pd_compare(tiny_ticket::basic_classifier<double>(toy::model<double>(seed)), texts);
        auto m = toy::model<float>(seed);
        // A head with an out-of-scope label needs the top probability, so it
        // always takes the full path.
        m.heads[0].out_of_scope = tiny_ticket::out_of_scope_spec{"other", 0.6};
        const tiny_ticket::classifier oos(std::move(m));
        // No head is left for the fast path: the sigmoid head is always
        // filled in full too.
        CHECK(pd_compare(oos, texts) == 0);
    }
}

TEST_CASE("labels-only predict: tied and nearly tied logits take the full path's first maximum") {
    for (const float delta : {0.0f, 1e-7f, 1e-5f, 9e-4f}) {
        CAPTURE(delta);
        auto m = toy::model<float>(3);
        auto& intent = m.heads[0];  // softmax: refund, tracking, other
        const std::size_t in = intent.layer.in;
        // "other" copies "refund": tied logits (or `delta` apart, on the side
        // that makes the later label win after rounding if anything does).
        for (std::size_t i = 0; i < in; ++i) intent.layer.weights[2 * in + i] = intent.layer.weights[i];
        intent.layer.bias[2] = intent.layer.bias[0] + delta;
        intent.layer.bias[1] = -50;  // never the top
        const tiny_ticket::classifier clf(std::move(m));
        auto ws_full = clf.make_workspace(), ws_labels = clf.make_workspace();
        for (const auto& text : pd_ticket_texts()) {
            const auto& f = clf.predict(text, ws_full);
            const auto& l = clf.predict(text, ws_labels, tiny_ticket::prediction_detail::labels);
            INFO(text);
            REQUIRE(l.heads[0].label_index == f.heads[0].label_index);
            // Closer than the gap: decided by the probabilities, so filled in full.
            CHECK(l.heads[0].scores.size() == 3);
        }
    }
}
