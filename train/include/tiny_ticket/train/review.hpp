// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include <tiny_ticket/model.hpp>

namespace tiny_ticket::train {

/// One held-out prediction of one head: its confidence (top probability, as
/// the classifier reports it) and whether its label was right.
struct scored_prediction {
    double confidence = 0;
    bool correct = false;
};

/// The review threshold chosen for one head and what it does on the rows
/// it was chosen on.
struct review_choice {
    std::string head;
    review_thresholds thresholds;
    std::size_t rows = 0;   ///< held-out rows labelled for the head
    std::size_t kept = 0;   ///< of those, not flagged
    double coverage = 0;    ///< kept / rows
    double accuracy = 0;    ///< accuracy of the kept rows
    double target = 0;
    /// The kept rows reach `target`; otherwise the threshold is the most
    /// accurate one that keeps at least the minimum coverage.
    bool reached = false;
};

/// Chooses `min_confidence` so that the predictions at or above it (the ones
/// the classifier does not flag) are as many as possible while their
/// accuracy is at least `target`. The threshold is the lowest kept
/// confidence, so a new text less confident than every kept one is flagged.
/// When no cut reaches the target, takes the most accurate cut that keeps at
/// least `min_coverage` of the rows (`reached` false). `min_margin` stays 0:
/// on one head, confidence and margin rank predictions almost identically.
/// Rows with equal confidence are kept or flagged together. No rows: nothing
/// is flagged.
inline review_choice choose_review_threshold(std::vector<scored_prediction> rows, double target,
                                             double min_coverage = 0.5) {
    review_choice c;
    c.target = target;
    c.rows = rows.size();
    if (rows.empty()) return c;
    std::stable_sort(rows.begin(), rows.end(),
                     [](const scored_prediction& a, const scored_prediction& b) { return a.confidence > b.confidence; });
    const std::size_t n = rows.size();
    const auto floor_rows = static_cast<std::size_t>(std::max(1.0, min_coverage * static_cast<double>(n) - 1e-9));
    std::size_t best_reached = 0, best_any = 0;
    double best_any_acc = -1;
    std::size_t right = 0;
    for (std::size_t k = 1; k <= n; ++k) {
        right += rows[k - 1].correct ? 1 : 0;
        // Only cut between different confidences: ties share a fate.
        if (k < n && rows[k].confidence == rows[k - 1].confidence) continue;
        const double acc = static_cast<double>(right) / static_cast<double>(k);
        if (acc >= target) best_reached = k;
        if (k >= floor_rows && acc > best_any_acc) {
            best_any_acc = acc;
            best_any = k;
        }
    }
    std::size_t k = best_reached;
    c.reached = k > 0;
    if (!c.reached) k = best_any ? best_any : n;
    std::size_t kept_right = 0;
    for (std::size_t i = 0; i < k; ++i) kept_right += rows[i].correct ? 1 : 0;
    c.kept = k;
    c.coverage = static_cast<double>(k) / static_cast<double>(n);
    c.accuracy = static_cast<double>(kept_right) / static_cast<double>(k);
    c.thresholds.min_confidence = rows[k - 1].confidence;
    return c;
}

}  // namespace tiny_ticket::train
