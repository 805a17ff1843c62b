// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "../classifier.hpp"
#include "data.hpp"
#include "metrics.hpp"

namespace tiny_ticket::train {

/// Predictions of a classifier on labelled rows, scored per head.
template <class T>
struct evaluation_result {
    evaluation metrics;
    /// Per row, per model head: the predicted label index.
    std::vector<std::vector<std::int32_t>> predicted;
    /// Gold labels the model does not know, and heads it does not have.
    std::vector<data_warning> warnings;
};

/// Runs `clf` on every row (using up to `threads` threads; 0 = one per core)
/// and scores each head on the rows labelled for it. Gold labels that are not
/// among the head's labels are skipped and reported once per (head, label);
/// row heads the model lacks are reported once. Allocates.
template <class T>
evaluation_result<T> evaluate(const basic_classifier<T>& clf, const std::vector<labelled_text>& rows,
                              unsigned threads = 1) {
    evaluation_result<T> r;
    std::vector<std::string_view> texts;
    texts.reserve(rows.size());
    for (const auto& row : rows) texts.emplace_back(row.text);
    const auto preds = clf.predict_batch(texts, threads);
    const std::size_t nh = clf.num_heads();
    r.predicted.assign(rows.size(), std::vector<std::int32_t>(nh, -1));
    std::vector<std::vector<std::int32_t>> gold(nh, std::vector<std::int32_t>(rows.size(), -1)),
        pred(nh, std::vector<std::int32_t>(rows.size(), -1));
    std::map<std::pair<std::string, std::string>, std::pair<std::size_t, std::string>> unknown;
    std::map<std::string, std::pair<std::size_t, std::string>> missing_heads;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        for (std::size_t h = 0; h < nh; ++h) {
            const auto p = static_cast<std::int32_t>(preds[i].heads[h].label_index);
            r.predicted[i][h] = p;
            pred[h][i] = p;
        }
        for (const auto& kv : rows[i].labels) {
            const std::ptrdiff_t h = clf.head_index(kv.first);
            if (h < 0) {
                auto& e = missing_heads[kv.first];
                if (e.first++ == 0) e.second = rows[i].where;
                continue;
            }
            const auto& labels = clf.head(static_cast<std::size_t>(h)).labels;
            std::int32_t g = -1;
            for (std::size_t c = 0; c < labels.size(); ++c)
                if (labels[c] == kv.second) g = static_cast<std::int32_t>(c);
            if (g < 0) {
                auto& e = unknown[{kv.first, kv.second}];
                if (e.first++ == 0) e.second = rows[i].where;
                continue;
            }
            gold[static_cast<std::size_t>(h)][i] = g;
        }
    }
    for (const auto& [head, e] : missing_heads)
        r.warnings.push_back({e.second, "the model has no head \"" + head + "\"; its labels are ignored (" +
                                            std::to_string(e.first) + " rows)"});
    for (const auto& [key, e] : unknown)
        r.warnings.push_back({e.second, "expected a label of head \"" + key.first + "\", got \"" + key.second +
                                            "\" (" + std::to_string(e.first) + " rows skipped for this head)"});
    r.metrics.examples = rows.size();
    for (std::size_t h = 0; h < nh; ++h)
        r.metrics.heads.push_back(compute_head_metrics(clf.head(h).name, clf.head(h).labels, gold[h], pred[h]));
    summarize(r.metrics);
    return r;
}

}  // namespace tiny_ticket::train
