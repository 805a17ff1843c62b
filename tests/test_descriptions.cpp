// SPDX-License-Identifier: MIT
// Label descriptions: the optional "descriptions" object of a head.
#include <doctest/doctest.h>

#include <string>
#include <tiny_ticket/tiny_ticket.hpp>

#include "support/toy_model.hpp"

using namespace tiny_ticket;
using json = nlohmann::json;

namespace {

json described_toy_json() { return json::parse(save_model_to_string(toy::model<float>())); }

// The artifact error for `j`, or "" when it loads.
std::string load_error(const json& j, errc* code = nullptr) {
    try {
        (void)load_classifier_from_string(j.dump());
    } catch (const artifact_error& e) {
        if (code) *code = e.code();
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("label descriptions: absent by default, and an artifact without them saves as before") {
    const json j = described_toy_json();
    for (const auto& h : j["heads"]) CHECK_FALSE(h.contains("descriptions"));
    const auto clf = load_classifier_from_string(j.dump());
    for (std::size_t h = 0; h < clf.num_heads(); ++h) {
        CHECK(clf.head(h).descriptions.empty());
        CHECK(clf.head(h).description(0).empty());
    }
    CHECK(save_model_to_string(clf.model()) == j.dump());
}

TEST_CASE("label descriptions round-trip through the artifact, a subset of labels allowed") {
    json j = described_toy_json();
    j["heads"][0]["descriptions"] = {{"refund", "asks for money back"}, {"other", "anything else"}};
    j["heads"][1]["descriptions"] = {{"high", "may leave"}};
    const auto clf = load_classifier_from_string(j.dump());
    const auto& intent = clf.head(0);
    REQUIRE(intent.descriptions.size() == intent.labels.size());
    CHECK(intent.description(0) == "asks for money back");  // refund
    CHECK(intent.description(1).empty());                    // tracking: not described
    CHECK(intent.description(2) == "anything else");
    CHECK(intent.description(99).empty());
    CHECK(clf.head(1).description(1) == "may leave");

    // Written back as read: only the described labels, same predictions.
    const json again = json::parse(save_model_to_string(clf.model()));
    CHECK(again["heads"][0]["descriptions"] == j["heads"][0]["descriptions"]);
    CHECK(again["heads"][1]["descriptions"] == j["heads"][1]["descriptions"]);
    CHECK(again == j);
    const auto plain = load_classifier_from_string(described_toy_json().dump());
    for (const char* text : {"refund my money", "where is my order", "hello"}) {
        CAPTURE(text);
        CHECK(plain.predict(text).heads[0].scores == clf.predict(text).heads[0].scores);
    }
    // Kept through quantization.
    const auto q = quantize(clf.model(), quant_mode::full);
    CHECK(q.heads[0].descriptions == intent.descriptions);
}

TEST_CASE("label descriptions are validated with the JSON path of the problem") {
    struct bad {
        const char* name;
        json descriptions;
        errc code;
        const char* part;
    };
    const bad cases[] = {
        {"not an object", json::array({"a"}), errc::type, "/heads/0/descriptions: expected an object of label -> description"},
        {"a number", {{"refund", 7}}, errc::type, "/heads/0/descriptions/refund: expected a string"},
        {"null value", {{"refund", nullptr}}, errc::type, "/heads/0/descriptions/refund: expected a string"},
        {"unknown label", {{"refnd", "typo"}}, errc::value,
         "/heads/0/descriptions/refnd: \"refnd\" is not a label of this head"},
        {"another head's label", {{"high", "churn's label"}}, errc::value, "/heads/0/descriptions/high"},
        {"key needing escape", {{"a/b", "x"}}, errc::value, "/heads/0/descriptions/a~1b"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        json j = described_toy_json();
        j["heads"][0]["descriptions"] = c.descriptions;
        errc code{};
        const std::string what = load_error(j, &code);
        CHECK(code == c.code);
        CHECK_MESSAGE(what.find(c.part) != std::string::npos, what);
    }
    json ok = described_toy_json();
    ok["heads"][0]["descriptions"] = json::object();  // empty: allowed, nothing described
    CHECK(load_error(ok).empty());
}
