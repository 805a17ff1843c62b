// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
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

/// One held-out row of a head that has an out-of-scope label, as the model
/// without an out-of-scope threshold predicts it.
struct out_of_scope_row {
    double confidence = 0;      ///< top probability
    bool out_of_scope = false;  ///< gold is the out-of-scope label
    /// The top-scoring label is the out-of-scope label (a model trained on
    /// out-of-scope rows).
    bool top_out_of_scope = false;
    bool correct = false;  ///< the top-scoring label is the gold one
};

/// The out-of-scope threshold chosen for one head and what it does on the
/// rows it was chosen on.
struct out_of_scope_choice {
    std::string head;
    std::string label;          ///< the head's out-of-scope label
    double min_confidence = 0;  ///< the threshold (0: none)
    double tolerance = 0;       ///< in-scope accuracy the threshold may cost
    std::size_t in_scope_rows = 0;
    std::size_t out_of_scope_rows = 0;
    /// In-scope accuracy (an out-of-scope answer is wrong) without and with
    /// the threshold.
    double in_scope_accuracy_before = 0;
    double in_scope_accuracy = 0;
    /// Out-of-scope recall without and with the threshold, and precision with it.
    double recall_before = 0;
    double recall = 0;
    double precision = 0;
};

/// What a threshold does on `rows`: fills the accuracy, recall and precision
/// fields of `c` for `c.min_confidence` (and the "before" ones for 0).
inline void score_out_of_scope(const std::vector<out_of_scope_row>& rows, out_of_scope_choice& c) {
    std::size_t in = 0, in_right = 0, in_right0 = 0, out = 0, caught = 0, caught0 = 0, answered = 0;
    for (const auto& r : rows) {
        const bool said0 = r.top_out_of_scope;
        const bool said = said0 || r.confidence < c.min_confidence;
        answered += said ? 1 : 0;
        if (r.out_of_scope) {
            ++out;
            caught += said ? 1 : 0;
            caught0 += said0 ? 1 : 0;
        } else {
            ++in;
            in_right += r.correct && !said ? 1 : 0;
            in_right0 += r.correct && !said0 ? 1 : 0;
        }
    }
    auto ratio = [](std::size_t a, std::size_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
    c.in_scope_rows = in;
    c.out_of_scope_rows = out;
    c.in_scope_accuracy_before = ratio(in_right0, in);
    c.in_scope_accuracy = ratio(in_right, in);
    c.recall_before = ratio(caught0, out);
    c.recall = ratio(caught, out);
    c.precision = ratio(caught, answered);
}

/// Chooses the out-of-scope threshold of one head: the highest
/// `min_confidence` (top probability below it => the out-of-scope answer)
/// whose in-scope accuracy on `rows` stays within `tolerance` of the accuracy
/// without a threshold, which makes out-of-scope recall as high as that
/// allows. Rows with equal confidence share a fate. No out-of-scope rows or
/// no in-scope rows: no threshold (0), since nothing says what it would buy.
inline out_of_scope_choice choose_out_of_scope_threshold(const std::vector<out_of_scope_row>& rows, double tolerance) {
    out_of_scope_choice c;
    c.tolerance = tolerance;
    std::vector<double> right;  // confidences of the in-scope rows answered right without a threshold
    std::size_t in = 0, out = 0;
    for (const auto& r : rows) {
        (r.out_of_scope ? out : in) += 1;
        if (!r.out_of_scope && r.correct && !r.top_out_of_scope) right.push_back(r.confidence);
    }
    if (in && out) {
        std::sort(right.begin(), right.end());
        // Rows below the threshold are lost; `budget` right ones may be.
        const auto budget = static_cast<std::size_t>(std::floor(tolerance * static_cast<double>(in) + 1e-9));
        c.min_confidence = budget < right.size() ? right[budget] : 1.0;
    }
    score_out_of_scope(rows, c);
    return c;
}

}  // namespace tiny_ticket::train
