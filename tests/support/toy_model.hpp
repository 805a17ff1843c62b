// SPDX-License-Identifier: MIT
#pragma once

// A small model built in code, exercising every feature group, for tests.
// Weights come from a fixed integer generator so every platform builds the
// same model.

#include <cstdint>
#include <tiny_ticket/model.hpp>

namespace toy {

struct lcg {
    std::uint64_t s;
    double next() {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<double>((s >> 33) % 2001) / 1000.0 - 1.0;  // [-1, 1]
    }
};

template <class T>
tiny_ticket::dense_spec<T> dense(std::size_t in, std::size_t out, lcg& g, double scale) {
    tiny_ticket::dense_spec<T> d;
    d.in = in;
    d.out = out;
    for (std::size_t i = 0; i < in * out; ++i) d.weights.push_back(static_cast<T>(g.next() * scale));
    for (std::size_t i = 0; i < out; ++i) d.bias.push_back(static_cast<T>(g.next() * 0.1));
    return d;
}

/// Heads: `intent` (softmax: refund, tracking, other) and `churn` (sigmoid).
template <class T>
tiny_ticket::basic_model<T> model(std::uint64_t seed = 7) {
    using namespace tiny_ticket;
    lcg g{seed};
    basic_model<T> m;
    m.producer = "toy";
    m.normalizer.lexicon = {{"nahi", "not"}, {"paisa", "money"}, {"kar do", "please do"}};
    auto& f = m.features;
    f.bow.vocab = {"refund", "money", "not", "received", "where", "order", "<num>", "cancel", "please", "track"};
    f.keywords.phrases = {"not received", "cancel", "where is"};
    f.bigrams.vocab = {"refund not", "my order", "not received"};
    f.char_ngrams = {3, 4, 64, count_mode::log1p, true};
    f.embedding.vocab = {"<pad>", "<unk>", "refund", "order", "money", "cancel"};
    f.embedding.unk = 1;
    f.embedding.dim = 4;
    f.embedding.max_tokens = 8;
    for (std::size_t i = 0; i < f.embedding.vocab.size() * 4; ++i) f.embedding.weights.push_back(static_cast<T>(g.next()));
    const std::size_t width = f.width();
    m.trunk.emplace_back(dense<T>(width, 8, g, 0.8));
    m.trunk.emplace_back(relu_spec{});
    m.trunk.emplace_back(dense<T>(8, 6, g, 0.8));
    m.trunk.emplace_back(relu_spec{});
    head_spec<T> intent;
    intent.name = "intent";
    intent.labels = {"refund", "tracking", "other"};
    intent.layer = dense<T>(6, 3, g, 1.5);
    intent.review = {0.5, 0.1};
    head_spec<T> churn;
    churn.name = "churn";
    churn.kind = head_kind::sigmoid;
    churn.labels = {"low", "high"};
    churn.layer = dense<T>(6, 1, g, 1.5);
    m.heads = {intent, churn};
    return m;
}

}  // namespace toy
