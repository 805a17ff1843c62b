// SPDX-License-Identifier: MIT
#pragma once

// JSON form of explanations, shared by `tiny-ticket predict --explain` and
// the HTTP server's `?explain=1` (the library itself stays JSON-free).

#include <nlohmann/json.hpp>
#include <tiny_ticket/explain.hpp>

namespace cli {

/// `{"label", "score", "bias", "positive": [{"feature", "kind", "value"}...], "negative": [...]}`.
inline nlohmann::json explain_json(const tiny_ticket::head_explanation& h) {
    auto list = [](const std::vector<tiny_ticket::attribution>& v) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& x : v) a.push_back({{"feature", x.name}, {"kind", tiny_ticket::to_string(x.kind)}, {"value", x.value}});
        return a;
    };
    return {{"label", h.label}, {"score", h.score}, {"bias", h.bias}, {"positive", list(h.positive)},
            {"negative", list(h.negative)}};
}

/// Adds an "explain" object to each head of a prediction_json() object.
inline void add_explanations(nlohmann::json& prediction, const tiny_ticket::explanation& e) {
    for (const auto& h : e.heads)
        if (prediction.contains(h.head)) prediction[h.head]["explain"] = explain_json(h);
}

}  // namespace cli
