// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace tiny_ticket::train {

/// Precision, recall and F1 of one label.
struct class_metrics {
    std::string label;
    double precision = 0;
    double recall = 0;
    double f1 = 0;
    std::size_t support = 0;    ///< gold examples of this label
    std::size_t predicted = 0;  ///< examples predicted as this label
};

/// Metrics of one head over the examples that carry its label.
struct head_metrics {
    std::string name;
    std::vector<std::string> labels;
    std::size_t examples = 0;
    double accuracy = 0;
    /// Mean F1 over labels that occur in the gold labels or the predictions.
    double macro_f1 = 0;
    std::vector<class_metrics> classes;
    /// confusion[gold][predicted] counts, in label order.
    std::vector<std::vector<std::size_t>> confusion;
};

/// Metrics of all heads.
struct evaluation {
    std::vector<head_metrics> heads;
    std::size_t examples = 0;
    /// Mean macro-F1 over heads with at least one labelled example.
    double mean_macro_f1 = 0;
    /// Mean accuracy over the same heads.
    double mean_accuracy = 0;

    /// The head named `name`, or nullptr.
    const head_metrics* find(std::string_view name) const noexcept {
        for (const auto& h : heads)
            if (h.name == name) return &h;
        return nullptr;
    }
};

/// Computes a head's metrics from gold and predicted label indices (gold -1 =
/// unlabelled, skipped). Labels must be valid indices into `labels`. Allocates.
inline head_metrics compute_head_metrics(std::string name, std::vector<std::string> labels,
                                         const std::vector<std::int32_t>& gold, const std::vector<std::int32_t>& pred) {
    head_metrics m;
    m.name = std::move(name);
    m.labels = std::move(labels);
    const std::size_t k = m.labels.size();
    m.confusion.assign(k, std::vector<std::size_t>(k, 0));
    std::size_t correct = 0;
    for (std::size_t i = 0; i < gold.size() && i < pred.size(); ++i) {
        if (gold[i] < 0 || pred[i] < 0) continue;
        const auto g = static_cast<std::size_t>(gold[i]), p = static_cast<std::size_t>(pred[i]);
        if (g >= k || p >= k) continue;
        ++m.confusion[g][p];
        ++m.examples;
        correct += g == p;
    }
    m.accuracy = m.examples ? static_cast<double>(correct) / static_cast<double>(m.examples) : 0.0;
    double f1_sum = 0;
    std::size_t f1_count = 0;
    for (std::size_t c = 0; c < k; ++c) {
        class_metrics cm;
        cm.label = m.labels[c];
        for (std::size_t o = 0; o < k; ++o) {
            cm.support += m.confusion[c][o];
            cm.predicted += m.confusion[o][c];
        }
        const double tp = static_cast<double>(m.confusion[c][c]);
        cm.precision = cm.predicted ? tp / static_cast<double>(cm.predicted) : 0.0;
        cm.recall = cm.support ? tp / static_cast<double>(cm.support) : 0.0;
        cm.f1 = (cm.precision + cm.recall) > 0 ? 2 * cm.precision * cm.recall / (cm.precision + cm.recall) : 0.0;
        if (cm.support || cm.predicted) {
            f1_sum += cm.f1;
            ++f1_count;
        }
        m.classes.push_back(std::move(cm));
    }
    m.macro_f1 = f1_count ? f1_sum / static_cast<double>(f1_count) : 0.0;
    return m;
}

/// Metrics of predictions that may lack a usable label (pred -1: no
/// prediction for the row, or a label the head does not have): such a row
/// counts as wrong, so systems that skip rows are scored on the same gold
/// rows as the rest. Rows with gold -1 are not scored. Macro-F1 is over the
/// head's labels that occur in the gold labels or the usable predictions.
inline head_metrics compute_head_metrics_unanswered(std::string name, const std::vector<std::string>& labels,
                                                    const std::vector<std::int32_t>& gold,
                                                    std::vector<std::int32_t> pred) {
    const auto none = static_cast<std::int32_t>(labels.size());
    for (std::size_t i = 0; i < pred.size(); ++i)
        if (pred[i] < 0 || pred[i] >= none) pred[i] = none;
    std::vector<std::string> with_none = labels;
    with_none.emplace_back();
    head_metrics m = compute_head_metrics(std::move(name), std::move(with_none), gold, pred);
    // The stand-in label is nobody's answer: drop it from the labels and the mean.
    m.labels.pop_back();
    m.classes.pop_back();
    m.confusion.pop_back();
    for (auto& row : m.confusion) row.pop_back();
    double f1_sum = 0;
    std::size_t f1_count = 0;
    for (const auto& c : m.classes)
        if (c.support || c.predicted) {
            f1_sum += c.f1;
            ++f1_count;
        }
    m.macro_f1 = f1_count ? f1_sum / static_cast<double>(f1_count) : 0.0;
    return m;
}

/// Fills the means of `e` from its heads.
inline void summarize(evaluation& e) {
    double f = 0, a = 0;
    std::size_t n = 0;
    for (const auto& h : e.heads)
        if (h.examples) {
            f += h.macro_f1;
            a += h.accuracy;
            ++n;
        }
    e.mean_macro_f1 = n ? f / static_cast<double>(n) : 0.0;
    e.mean_accuracy = n ? a / static_cast<double>(n) : 0.0;
}

namespace detail {

inline std::string fixed(double v, int digits = 4) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

inline std::string pad(std::string s, std::size_t w, bool right = false) {
    if (s.size() >= w) return s;
    return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
}

}  // namespace detail

/// Options of render_table.
struct table_options {
    /// Heads with at most this many labels get a full confusion matrix;
    /// larger heads list their most frequent confusions instead.
    std::size_t max_matrix_labels = 12;
    /// How many confusions to list for large heads.
    std::size_t top_confusions = 10;
    /// Print per-label precision/recall/F1 rows.
    bool per_class = true;
};

/// Renders an evaluation as a plain-text report (fixed-width tables).
/// Allocates; never throws except std::bad_alloc.
inline std::string render_table(const evaluation& e, const table_options& opt = {}) {
    using detail::fixed;
    using detail::pad;
    std::string out;
    out += "examples: " + std::to_string(e.examples) + "   mean accuracy: " + fixed(e.mean_accuracy) +
           "   mean macro-F1: " + fixed(e.mean_macro_f1) + "\n";
    for (const auto& h : e.heads) {
        out += "\n== " + h.name + "  (" + std::to_string(h.examples) + " labelled)   accuracy " + fixed(h.accuracy) +
               "   macro-F1 " + fixed(h.macro_f1) + "\n";
        if (!h.examples) continue;
        std::size_t w = 5;
        for (const auto& l : h.labels) w = std::max(w, l.size());
        w = std::min<std::size_t>(w, 40);
        if (opt.per_class) {
            out += "  " + pad("label", w) + "  precision  recall      f1  support\n";
            for (const auto& c : h.classes) {
                if (!c.support && !c.predicted) continue;
                out += "  " + pad(c.label.substr(0, 40), w) + "  " + pad(fixed(c.precision), 9, true) + "  " +
                       pad(fixed(c.recall), 6, true) + "  " + pad(fixed(c.f1), 6, true) + "  " +
                       pad(std::to_string(c.support), 7, true) + "\n";
            }
        }
        const std::size_t k = h.labels.size();
        if (k <= opt.max_matrix_labels) {
            out += "  confusion (rows: gold, columns: predicted)\n  " + pad("", w);
            std::vector<std::size_t> cw(k);
            for (std::size_t c = 0; c < k; ++c) {
                cw[c] = std::max<std::size_t>(std::min<std::size_t>(h.labels[c].size(), 12), 5);
                out += " " + pad(h.labels[c].substr(0, cw[c]), cw[c], true);
            }
            out += "\n";
            for (std::size_t g = 0; g < k; ++g) {
                out += "  " + pad(h.labels[g].substr(0, 40), w);
                for (std::size_t p = 0; p < k; ++p) out += " " + pad(std::to_string(h.confusion[g][p]), cw[p], true);
                out += "\n";
            }
        } else {
            std::vector<std::pair<std::size_t, std::pair<std::size_t, std::size_t>>> conf;
            for (std::size_t g = 0; g < k; ++g)
                for (std::size_t p = 0; p < k; ++p)
                    if (g != p && h.confusion[g][p]) conf.push_back({h.confusion[g][p], {g, p}});
            std::stable_sort(conf.begin(), conf.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
            if (conf.size() > opt.top_confusions) conf.resize(opt.top_confusions);
            if (!conf.empty()) out += "  most frequent confusions (gold -> predicted)\n";
            for (const auto& c : conf)
                out += "  " + pad(std::to_string(c.first), 5, true) + "  " + h.labels[c.second.first] + " -> " +
                       h.labels[c.second.second] + "\n";
        }
    }
    return out;
}

namespace detail {

// A metric rounded to 6 significant digits, so equal evaluations give equal
// text and reports stay short. Whole values within %g's plain range are
// integers, as their text "1" or "0" always parsed back; non-finite is null.
inline nlohmann::json metric_number(double v) {
    if (!std::isfinite(v)) return nullptr;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    const double r = std::strtod(buf, nullptr);
    if (r == std::floor(r) && std::fabs(r) < 1e6) return static_cast<std::int64_t>(r);
    return r;
}

}  // namespace detail

/// An evaluation as a JSON object: `{"examples", "mean_accuracy",
/// "mean_macro_f1", "heads": {name: {"examples", "accuracy", "macro_f1",
/// "labels", "per_class": {label: {"precision", "recall", "f1", "support"}},
/// "confusion": [[...]]}}}`. Numbers have 6 significant digits, so equal
/// evaluations give equal text. Allocates.
inline nlohmann::json to_json(const evaluation& e) {
    using detail::metric_number;
    nlohmann::json heads = nlohmann::json::object();
    for (const auto& h : e.heads) {
        nlohmann::json per_class = nlohmann::json::object();
        for (const auto& c : h.classes)
            per_class[c.label] = {{"precision", metric_number(c.precision)},
                                  {"recall", metric_number(c.recall)},
                                  {"f1", metric_number(c.f1)},
                                  {"support", c.support}};
        heads[h.name] = {{"examples", h.examples},         {"accuracy", metric_number(h.accuracy)},
                         {"macro_f1", metric_number(h.macro_f1)}, {"labels", h.labels},
                         {"per_class", std::move(per_class)}, {"confusion", h.confusion}};
    }
    return {{"examples", e.examples},
            {"mean_accuracy", metric_number(e.mean_accuracy)},
            {"mean_macro_f1", metric_number(e.mean_macro_f1)},
            {"heads", std::move(heads)}};
}

}  // namespace tiny_ticket::train
