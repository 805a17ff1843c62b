// SPDX-License-Identifier: MIT
#pragma once

// K-fold cross-validation on top of the public trainer: on a few dozen rows a
// single validation split of a handful of rows says little, the spread over
// K folds says how much the score can be trusted.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <tiny_ticket/classifier.hpp>
#include <tiny_ticket/error.hpp>
#include <tiny_ticket/train/data.hpp>
#include <tiny_ticket/train/evaluate.hpp>
#include <tiny_ticket/train/rng.hpp>
#include <tiny_ticket/train/trainer.hpp>

namespace tiny_ticket::train {

/// One head's scores over the folds.
struct fold_scores {
    std::string name;
    /// Per fold in which the head had held-out rows: accuracy, macro-F1, rows.
    std::vector<double> accuracy;
    std::vector<double> macro_f1;
    std::vector<std::size_t> examples;

    static double mean(const std::vector<double>& v) noexcept {
        double s = 0;
        for (double x : v) s += x;
        return v.empty() ? 0.0 : s / static_cast<double>(v.size());
    }
    /// Sample standard deviation (n - 1); 0 for fewer than two folds.
    static double stddev(const std::vector<double>& v) noexcept {
        if (v.size() < 2) return 0.0;
        const double m = mean(v);
        double s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return std::sqrt(s / static_cast<double>(v.size() - 1));
    }
};

/// What cross_validate measured.
struct cross_validation {
    std::size_t folds = 0;
    /// Head whose labels were spread evenly over the folds.
    std::string stratify_head;
    /// Rows held out per fold.
    std::vector<std::size_t> fold_rows;
    std::vector<fold_scores> heads;
    /// Warnings of the fold trainings, each once.
    std::vector<data_warning> warnings;
};

namespace detail {

/// The head named by `cfg.stratify_head`, else the one with the fewest
/// labelled rows per label (the one a random fold most easily starves).
inline std::string cv_stratify_head(const dataset& data, const train_config& cfg) {
    std::vector<std::string> names;
    if (!cfg.heads.empty()) {
        for (const auto& h : cfg.heads) names.push_back(h.name);
    } else {
        for (const auto& r : data.rows)
            for (const auto& kv : r.labels)
                if (std::find(names.begin(), names.end(), kv.first) == names.end()) names.push_back(kv.first);
    }
    if (!cfg.stratify_head.empty()) {
        if (std::find(names.begin(), names.end(), cfg.stratify_head) == names.end())
            throw error(errc::argument, "stratify_head",
                        "expected a head of the data, got \"" + cfg.stratify_head + "\"" +
                            closest_hint(cfg.stratify_head, names));
        return cfg.stratify_head;
    }
    std::string best;
    double fewest = 0;
    for (const auto& n : names) {
        std::vector<std::string> labels;
        std::size_t rows = 0;
        for (const auto& r : data.rows)
            if (const std::string* l = r.label(n)) {
                ++rows;
                if (std::find(labels.begin(), labels.end(), *l) == labels.end()) labels.push_back(*l);
            }
        if (labels.size() < 2) continue;
        const double per = static_cast<double>(rows) / static_cast<double>(labels.size());
        if (best.empty() || per < fewest) {
            best = n;
            fewest = per;
        }
    }
    return best;
}

}  // namespace detail

/// Splits `data` into `k` folds (rows of each label of the stratifying head
/// shuffled with `cfg.seed` and dealt round-robin, so every fold gets its
/// share of each label), trains `k` models with train_model on the other
/// folds and scores each with evaluate on its own fold. `on_fold(i)` runs
/// before fold i (0-based) is trained. Throws tiny_ticket::error
/// (errc::argument) for k < 2 or more folds than rows, and whatever
/// train_model throws (prefixed with the fold). Allocates; k trainings.
template <class T = float>
cross_validation cross_validate(const dataset& data, const train_config& cfg, std::size_t k,
                                const std::function<void(std::size_t)>& on_fold = {}) {
    if (k < 2) throw error(errc::argument, "folds", "expected at least 2 folds, got " + std::to_string(k));
    if (k > data.rows.size())
        throw error(errc::argument, "folds",
                    "expected at most one fold per row (" + std::to_string(data.rows.size()) + "), got " + std::to_string(k));
    cross_validation cv;
    cv.folds = k;
    cv.stratify_head = detail::cv_stratify_head(data, cfg);
    // Rows without a label of the stratifying head form a group of their own.
    std::map<std::string, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < data.rows.size(); ++i) {
        const std::string* l = cv.stratify_head.empty() ? nullptr : data.rows[i].label(cv.stratify_head);
        groups[l ? "=" + *l : std::string()].push_back(i);
    }
    std::vector<std::size_t> fold_of(data.rows.size(), 0);
    rng g(derive_seed(cfg.seed, 0xf01d5ull));
    std::size_t next = 0;
    for (auto& [label, idx] : groups) {
        (void)label;
        g.shuffle(idx);
        for (std::size_t i : idx) fold_of[i] = next++ % k;
    }
    std::map<std::string, std::size_t> head_slot;
    for (std::size_t f = 0; f < k; ++f) {
        if (on_fold) on_fold(f);
        dataset tr, te;
        for (std::size_t i = 0; i < data.rows.size(); ++i) (fold_of[i] == f ? te : tr).rows.push_back(data.rows[i]);
        cv.fold_rows.push_back(te.rows.size());
        train_result<T> res;
        try {
            res = train_model<T>(tr, cfg);
        } catch (const error& e) {
            throw error(e.code(), "fold " + std::to_string(f + 1) + "/" + std::to_string(k) +
                                      (e.where().empty() ? std::string() : " " + e.where()),
                        e.message());
        }
        for (const auto& w : res.warnings) {
            bool seen = false;
            for (const auto& x : cv.warnings) seen = seen || (x.where == w.where && x.message == w.message);
            if (!seen) cv.warnings.push_back(w);
        }
        const basic_classifier<T> clf(std::move(res.model));
        const auto ev = evaluate(clf, te.rows);
        for (const auto& h : ev.metrics.heads) {
            if (h.examples == 0) continue;
            auto it = head_slot.find(h.name);
            if (it == head_slot.end()) {
                it = head_slot.emplace(h.name, cv.heads.size()).first;
                cv.heads.push_back({h.name, {}, {}, {}});
            }
            auto& s = cv.heads[it->second];
            s.accuracy.push_back(h.accuracy);
            s.macro_f1.push_back(h.macro_f1);
            s.examples.push_back(h.examples);
        }
    }
    return cv;
}

/// The report `train --folds K` prints: per head, the folds it was scored
/// in, held-out rows per fold, and mean and standard deviation of accuracy
/// and macro-F1.
inline std::string render_cross_validation(const cross_validation& cv) {
    std::string out;
    char buf[240];
    std::size_t rows = 0;
    for (std::size_t n : cv.fold_rows) rows += n;
    std::snprintf(buf, sizeof buf, "cross-validation: %zu folds over %zu rows, stratified on \"%s\"\n", cv.folds, rows,
                  cv.stratify_head.c_str());
    out += buf;
    std::snprintf(buf, sizeof buf, "  %-16s %5s %9s %10s %8s %10s %8s\n", "head", "folds", "rows/fold", "accuracy",
                  "std", "macro-F1", "std");
    out += buf;
    for (const auto& h : cv.heads) {
        double n = 0;
        for (std::size_t e : h.examples) n += static_cast<double>(e);
        std::snprintf(buf, sizeof buf, "  %-16s %5zu %9.1f %10.4f %8.4f %10.4f %8.4f\n", h.name.c_str(), h.accuracy.size(),
                      h.examples.empty() ? 0.0 : n / static_cast<double>(h.examples.size()),
                      fold_scores::mean(h.accuracy), fold_scores::stddev(h.accuracy), fold_scores::mean(h.macro_f1),
                      fold_scores::stddev(h.macro_f1));
        out += buf;
    }
    return out;
}

}  // namespace tiny_ticket::train
