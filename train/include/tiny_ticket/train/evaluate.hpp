// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <tiny_ticket/classifier.hpp>
#include <tiny_ticket/train/data.hpp>
#include <tiny_ticket/train/metrics.hpp>

namespace tiny_ticket::train {

/// How the model's review flags split scored rows: how many a human would
/// see, and how accurate the rows left to the model are.
struct review_summary {
    /// One model head.
    struct head {
        std::string name;
        /// Rows this head flags for review.
        std::size_t flagged = 0;
        /// Rows labelled for this head, and those predicted right.
        std::size_t labelled = 0;
        std::size_t correct = 0;
        /// Labelled rows that no head flags, and those predicted right.
        std::size_t kept = 0;
        std::size_t kept_correct = 0;
        /// Labelled rows this head does not flag, and those predicted right:
        /// what its own review thresholds were chosen on.
        std::size_t covered = 0;
        std::size_t covered_correct = 0;

        /// Share of the labelled rows this head does not flag (0 for none).
        double coverage() const noexcept {
            return labelled ? static_cast<double>(covered) / static_cast<double>(labelled) : 0.0;
        }
        /// Accuracy on the labelled rows this head does not flag.
        double covered_accuracy() const noexcept {
            return covered ? static_cast<double>(covered_correct) / static_cast<double>(covered) : 0.0;
        }

        /// Accuracy on the rows no head flags (0 when there are none).
        double kept_accuracy() const noexcept {
            return kept ? static_cast<double>(kept_correct) / static_cast<double>(kept) : 0.0;
        }
    };
    /// Rows scored, and rows at least one head flags.
    std::size_t rows = 0;
    std::size_t flagged = 0;
    std::vector<head> heads;

    /// Share of rows flagged by any head (0 for no rows).
    double flagged_share() const noexcept {
        return rows ? static_cast<double>(flagged) / static_cast<double>(rows) : 0.0;
    }
};

/// How a head with an out-of-scope label (head_spec::out_of_scope) does on
/// the rows labelled for it: rows whose gold label is the out-of-scope label
/// against the rest (in scope).
struct out_of_scope_summary {
    std::string head;
    std::string label;
    std::size_t in_scope = 0;          ///< labelled in scope
    std::size_t in_scope_correct = 0;  ///< of those, given their gold label
    std::size_t out_of_scope = 0;      ///< labelled out of scope
    std::size_t caught = 0;            ///< of those, answered out of scope
    std::size_t answered = 0;          ///< labelled rows answered out of scope

    /// In-scope accuracy: an out-of-scope answer to an in-scope row is wrong.
    double in_scope_accuracy() const noexcept { return ratio(in_scope_correct, in_scope); }
    /// Out-of-scope rows answered out of scope, over all out-of-scope rows.
    double recall() const noexcept { return ratio(caught, out_of_scope); }
    /// Out-of-scope answers that were right, over all out-of-scope answers.
    double precision() const noexcept { return ratio(caught, answered); }

private:
    static double ratio(std::size_t a, std::size_t b) noexcept {
        return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
    }
};

/// Out-of-scope precision, recall and in-scope accuracy of one head from gold
/// and predicted label indices (-1: no label), `oos` being the index of its
/// out-of-scope label.
inline out_of_scope_summary summarize_out_of_scope(std::string head, std::string label, std::int32_t oos,
                                                   const std::vector<std::int32_t>& gold,
                                                   const std::vector<std::int32_t>& pred) {
    out_of_scope_summary s;
    s.head = std::move(head);
    s.label = std::move(label);
    for (std::size_t i = 0; i < gold.size() && i < pred.size(); ++i) {
        if (gold[i] < 0) continue;
        const bool said = pred[i] == oos;
        s.answered += said ? 1 : 0;
        if (gold[i] == oos) {
            ++s.out_of_scope;
            s.caught += said ? 1 : 0;
        } else {
            ++s.in_scope;
            s.in_scope_correct += pred[i] == gold[i] ? 1 : 0;
        }
    }
    return s;
}

/// Predictions of a classifier on labelled rows, scored per head.
template <class T>
struct evaluation_result {
    evaluation metrics;
    /// The review flags (thresholds stored in the model) over the same rows.
    review_summary review;
    /// One per head with an out-of-scope label, in head order.
    std::vector<out_of_scope_summary> out_of_scope;
    /// Per row, per model head: the predicted label index.
    std::vector<std::vector<std::int32_t>> predicted;
    /// Per model head, per row: the gold label index (-1: none, or a label
    /// the head does not have), what every figure here is scored against.
    std::vector<std::vector<std::int32_t>> gold;
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
    for (std::size_t h = 0; h < nh; ++h) {
        const auto& hs = clf.head(h);
        if (!hs.out_of_scope) continue;
        const auto oos = static_cast<std::int32_t>(
            std::find(hs.labels.begin(), hs.labels.end(), hs.out_of_scope->label) - hs.labels.begin());
        r.out_of_scope.push_back(summarize_out_of_scope(hs.name, hs.out_of_scope->label, oos, gold[h], pred[h]));
    }

    r.review.rows = rows.size();
    r.review.heads.resize(nh);
    for (std::size_t h = 0; h < nh; ++h) r.review.heads[h].name = clf.head(h).name;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const bool any = preds[i].review();
        r.review.flagged += any ? 1 : 0;
        for (std::size_t h = 0; h < nh; ++h) {
            auto& s = r.review.heads[h];
            s.flagged += preds[i].heads[h].review ? 1 : 0;
            if (gold[h][i] < 0) continue;
            const bool right = gold[h][i] == pred[h][i];
            ++s.labelled;
            s.correct += right ? 1 : 0;
            if (!preds[i].heads[h].review) {
                ++s.covered;
                s.covered_correct += right ? 1 : 0;
            }
            if (!any) {
                ++s.kept;
                s.kept_correct += right ? 1 : 0;
            }
        }
    }
    r.gold = std::move(gold);
    return r;
}

}  // namespace tiny_ticket::train
