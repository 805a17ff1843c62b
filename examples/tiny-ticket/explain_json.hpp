// SPDX-License-Identifier: MIT
#pragma once

// JSON form of explanations, shared by `tiny-ticket predict --explain` and
// the HTTP server's `?explain=1` (the library itself stays JSON-free).

#include <nlohmann/json.hpp>
#include <tiny_ticket/explain.hpp>

namespace cli {

/// `{"label", "score", "bias", "positive": [{"feature", "kind", "value"}...], "negative": [...]}`;
/// when the out-of-scope threshold decided the answer, `label` is the top
/// label that fell short, plus `"out_of_scope": true`, `"answer"` (the
/// out-of-scope label), `"confidence"`, `"min_confidence"` and `"reason"`.
inline nlohmann::json explain_json(const tiny_ticket::head_explanation& h) {
    auto list = [](const std::vector<tiny_ticket::attribution>& v) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& x : v) a.push_back({{"feature", x.name}, {"kind", tiny_ticket::to_string(x.kind)}, {"value", x.value}});
        return a;
    };
    nlohmann::json j = {{"label", h.label}, {"score", h.score}, {"bias", h.bias}, {"positive", list(h.positive)},
                        {"negative", list(h.negative)}};
    if (!h.out_of_scope_reason.empty()) {
        j["out_of_scope"] = true;
        j["answer"] = h.answer;
        j["confidence"] = h.confidence;
        j["min_confidence"] = h.min_confidence;
        j["reason"] = h.out_of_scope_reason;
    }
    return j;
}

/// Adds an "explain" object to each head of a prediction_json() object.
inline void add_explanations(nlohmann::json& prediction, const tiny_ticket::explanation& e) {
    for (const auto& h : e.heads)
        if (prediction.contains(h.head)) prediction[h.head]["explain"] = explain_json(h);
}

}  // namespace cli
