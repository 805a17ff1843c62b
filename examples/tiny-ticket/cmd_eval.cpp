// SPDX-License-Identifier: MIT
// `tiny-ticket eval`: score a model on labelled JSONL/CSV data.

#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <tiny_ticket/train/data.hpp>
#include <tiny_ticket/train/evaluate.hpp>
#include <tiny_ticket/train/metrics.hpp>

#include "cli.hpp"
#include "train_config_json.hpp"

namespace {

namespace tr = tiny_ticket::train;

// The review section: what share of tickets a human would see with the
// thresholds stored in the model, and how good the unflagged rest is.
std::string render_review(const tr::review_summary& r) {
    std::string out;
    char buf[200];
    std::snprintf(buf, sizeof buf, "\n== review  flagged by any head: %zu of %zu (%.1f%%)\n", r.flagged, r.rows,
                  100.0 * r.flagged_share());
    out += buf;
    std::snprintf(buf, sizeof buf, "  coverage (rows not flagged): %zu of %zu (%.1f%%)\n", r.rows - r.flagged, r.rows,
                  r.rows ? 100.0 * (1.0 - r.flagged_share()) : 0.0);
    out += buf;
    std::snprintf(buf, sizeof buf, "  %-14s %8s %10s %10s %14s %9s %13s\n", "head", "flagged", "accuracy", "unflagged",
                  "acc unflagged", "coverage", "acc covered");
    out += buf;
    for (const auto& h : r.heads) {
        if (h.labelled == 0) continue;
        // coverage: labelled rows this head itself does not flag (what its thresholds aim at).
        std::snprintf(buf, sizeof buf, "  %-14s %8zu %10.4f %10zu %14.4f %9.4f %13.4f\n", h.name.c_str(), h.flagged,
                      static_cast<double>(h.correct) / static_cast<double>(h.labelled), h.kept, h.kept_accuracy(),
                      h.coverage(), h.covered_accuracy());
        out += buf;
    }
    return out;
}

// Label agreement of two models over the same texts, per head and on every
// head at once (how an int8 model tracks its float original). Heads are
// matched by name and must have the same labels in the same order.
struct agreement {
    std::vector<std::string> heads;
    std::vector<std::size_t> same;  // per head
    std::size_t all_same = 0, rows = 0;
};

agreement compare_labels(const tiny_ticket::classifier& a, const tiny_ticket::classifier& b, const std::string& b_path,
                         const std::vector<tr::labelled_text>& rows) {
    agreement r;
    std::vector<std::size_t> in_b;
    for (std::size_t h = 0; h < a.num_heads(); ++h) {
        const auto& ha = a.head(h);
        std::size_t j = 0;
        while (j < b.num_heads() && b.head(j).name != ha.name) ++j;
        if (j == b.num_heads())
            throw tiny_ticket::error(tiny_ticket::errc::argument, b_path,
                                     "expected a head named \"" + ha.name + "\" as in --model, got none");
        if (b.head(j).labels != ha.labels)
            throw tiny_ticket::error(tiny_ticket::errc::argument, b_path,
                                     "expected head \"" + ha.name + "\" to have the labels of --model, in the same order");
        in_b.push_back(j);
        r.heads.push_back(ha.name);
    }
    if (b.num_heads() != a.num_heads())
        throw tiny_ticket::error(tiny_ticket::errc::argument, b_path,
                                 "expected " + std::to_string(a.num_heads()) + " heads as in --model, got " +
                                     std::to_string(b.num_heads()));
    r.same.assign(a.num_heads(), 0);
    auto wa = a.make_workspace();
    auto wb = b.make_workspace();
    for (const auto& row : rows) {
        const auto& pa = a.predict(row.text, wa);
        const auto& pb = b.predict(row.text, wb);
        bool all = true;
        for (std::size_t h = 0; h < a.num_heads(); ++h) {
            const bool eq = pa.heads[h].label_index == pb.heads[in_b[h]].label_index;
            r.same[h] += eq ? 1 : 0;
            all = all && eq;
        }
        r.all_same += all ? 1 : 0;
    }
    r.rows = rows.size();
    return r;
}

std::string render_agreement(const agreement& g, const std::string& other) {
    std::string out = "\n== agreement with " + other + "  (same label, " + std::to_string(g.rows) + " rows)\n";
    char buf[200];
    auto line = [&](const std::string& name, std::size_t same) {
        std::snprintf(buf, sizeof buf, "  %-14s %8zu %8zu %9.2f%%\n", name.c_str(), same, g.rows,
                      g.rows ? 100.0 * static_cast<double>(same) / static_cast<double>(g.rows) : 0.0);
        out += buf;
    };
    std::snprintf(buf, sizeof buf, "  %-14s %8s %8s %10s\n", "head", "same", "rows", "share");
    out += buf;
    for (std::size_t h = 0; h < g.heads.size(); ++h) line(g.heads[h], g.same[h]);
    line("every head", g.all_same);
    return out;
}

// At most `max_shown` warnings, then one line saying how many more and
// where the full list is: an export with hundreds of unknown labels must not
// bury the metrics.
void print_warnings(const std::vector<tr::data_warning>& w, bool has_report, std::size_t max_shown = 20) {
    for (std::size_t i = 0; i < w.size() && i < max_shown; ++i)
        std::cerr << "tiny-ticket eval: warning: " << (w[i].where.empty() ? "" : w[i].where + ": ") << w[i].message << "\n";
    if (w.size() > max_shown)
        std::cerr << "tiny-ticket eval: " << (w.size() - max_shown) << " more warnings not shown ("
                  << (has_report ? "all of them are in the --json report" : "--json REPORT lists them all") << ")\n";
}

int run_eval(const std::vector<std::string>& argv) {
    const cli::args a(argv, {"model", "data", "json", "config", "threads", "compare", "text", "head"}, {});
    if (!a.positional().empty()) throw cli::usage_error("unexpected argument '" + a.positional()[0] + "'");
    const std::string model_path = a.required("model");
    const auto files = a.all("data");
    if (files.empty()) throw cli::usage_error("missing required option --data");
    for (const auto& f : files)
        if (f.empty()) throw cli::usage_error("option --data needs a file name");
    const unsigned threads = static_cast<unsigned>(a.integer("threads", 1, 0, 256));
    const auto report = a.value("json");
    if (report && report->empty()) throw cli::usage_error("option --json needs a file name");
    const auto compare = a.value("compare");
    if (compare && compare->empty()) throw cli::usage_error("option --compare needs a model file name");

    cli::train_settings s;
    const auto config = a.value("config");
    if (config) cli::load_train_config(*config, s);
    const bool flags = cli::apply_column_flags(a.all("text"), a.all("head"), s.read);
    const auto clf = tiny_ticket::load_classifier(model_path);
    // Without a config or column flags, the columns the model was trained
    // from (stored in the artifact) say how to read the data.
    if (!config && !flags) cli::apply_data_mapping(clf.model().data, s.read);
    // The model's heads decide what is scored; judging columns would only
    // risk dropping a head of the model on a small file.
    s.read.skip_id_like = false;
    tr::dataset data;
    for (const auto& f : files) tr::read_data_file(f, s.read, data);
    const auto r = tr::evaluate(clf, data.rows, threads);
    std::vector<tr::data_warning> all = data.warnings;
    all.insert(all.end(), r.warnings.begin(), r.warnings.end());
    print_warnings(all, report.has_value());
    std::size_t labelled = 0;
    for (const auto& h : r.metrics.heads) labelled += h.examples;
    if (labelled == 0)
        throw tiny_ticket::data_error(tiny_ticket::errc::data, files.front(),
                                      "expected labels for at least one of the model's heads, got none");

    std::optional<agreement> agree;
    if (compare) {
        const auto other = tiny_ticket::load_classifier(*compare);
        agree = compare_labels(clf, other, *compare, data.rows);
    }

    std::cout << tr::render_table(r.metrics) << render_review(r.review);
    if (agree) std::cout << render_agreement(*agree, *compare);
    std::cout.flush();
    if (report) {
        nlohmann::json j;
        j["model"] = model_path;
        j["data"] = files;
        j["metrics"] = tr::to_json(r.metrics);
        nlohmann::json rev;
        rev["rows"] = r.review.rows;
        rev["flagged"] = r.review.flagged;
        rev["flagged_share"] = r.review.flagged_share();
        rev["coverage"] = r.review.rows ? 1.0 - r.review.flagged_share() : 0.0;
        rev["heads"] = nlohmann::json::array();
        for (const auto& h : r.review.heads)
            rev["heads"].push_back({{"name", h.name}, {"flagged", h.flagged}, {"labelled", h.labelled},
                                    {"correct", h.correct}, {"kept", h.kept}, {"kept_correct", h.kept_correct},
                                    {"kept_accuracy", h.kept_accuracy()}, {"coverage", h.coverage()},
                                    {"covered_accuracy", h.covered_accuracy()}});
        j["review"] = rev;
        if (agree) {
            nlohmann::json g;
            g["model"] = *compare;
            g["rows"] = agree->rows;
            g["every_head"] = agree->all_same;
            g["heads"] = nlohmann::json::object();
            for (std::size_t h = 0; h < agree->heads.size(); ++h) g["heads"][agree->heads[h]] = agree->same[h];
            j["agreement"] = g;
        }
        nlohmann::json warnings = nlohmann::json::array();
        auto add = [&](const std::vector<tr::data_warning>& list) {
            for (const auto& w : list) warnings.push_back(nlohmann::json{{"where", w.where}, {"message", w.message}});
        };
        add(data.warnings);
        add(r.warnings);
        j["warnings"] = warnings;
        std::ofstream out(*report, std::ios::binary | std::ios::trunc);
        if (!out) throw tiny_ticket::error(tiny_ticket::errc::io, *report, "cannot open for writing");
        out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        if (!out) throw tiny_ticket::error(tiny_ticket::errc::io, *report, "write failed");
    }
    return std::cout ? 0 : 1;
}

const cli::registrar eval_registrar(
    "eval", "score a model on labelled JSONL/CSV data (metrics table, JSON report)",
    "tiny-ticket eval --model PATH --data FILE [--data FILE ...] [--json REPORT] [--config FILE] [--threads N]\n"
    "                 [--text COLUMN ...] [--head COLUMN[=NAME] ...] [--compare OTHER]\n"
    "  --model PATH    model artifact\n"
    "  --data FILE     labelled JSONL or CSV (same formats as train); repeatable. Without --config,\n"
    "                  --text or --head, the columns are those the model was trained from (stored\n"
    "                  in the artifact), so the training export needs no configuration\n"
    "  --json REPORT   also write the metrics as JSON: per head accuracy, macro-F1,\n"
    "                  per-label precision/recall/F1/support and the confusion matrix\n"
    "  --config FILE   training config whose \"data\" section (columns, label mapping) applies\n"
    "  --text COLUMN   text column, as in train (repeatable; overrides the config and the model)\n"
    "  --head COLUMN[=NAME] read column COLUMN as head NAME, as in train (repeatable)\n"
    "  --threads N     prediction threads (default 1, 0 = all cores)\n"
    "  --compare OTHER also predict every row with model OTHER (same heads and labels, e.g. its\n"
    "                  int8 version) and print how often its label equals --model's, per head\n"
    "                  and on every head at once (in the JSON report: \"agreement\")\n"
    "  Prints per-head accuracy, macro-F1, per-label scores and confusions to stdout, then the\n"
    "  review section: the share of rows any head flags for review (thresholds stored in the\n"
    "  model), the coverage (share not flagged), each head's accuracy on the unflagged rest, and\n"
    "  its own coverage: the share of its labelled rows it does not flag itself, with their accuracy.\n"
    "  At most 20 warnings go to stderr, then a count of the rest (--json lists them all).",
    run_eval);

}  // namespace
