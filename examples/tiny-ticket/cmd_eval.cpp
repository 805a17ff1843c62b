// SPDX-License-Identifier: MIT
// `tiny-ticket eval`: score a model on labelled JSONL/CSV data.

#include <cstdio>
#include <fstream>
#include <iostream>
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
    std::snprintf(buf, sizeof buf, "  %-14s %8s %10s %10s %14s\n", "head", "flagged", "accuracy", "unflagged",
                  "acc unflagged");
    out += buf;
    for (const auto& h : r.heads) {
        if (h.labelled == 0) continue;
        std::snprintf(buf, sizeof buf, "  %-14s %8zu %10.4f %10zu %14.4f\n", h.name.c_str(), h.flagged,
                      static_cast<double>(h.correct) / static_cast<double>(h.labelled), h.kept, h.kept_accuracy());
        out += buf;
    }
    return out;
}

int run_eval(const std::vector<std::string>& argv) {
    const cli::args a(argv, {"model", "data", "json", "config", "threads"}, {});
    if (!a.positional().empty()) throw cli::usage_error("unexpected argument '" + a.positional()[0] + "'");
    const std::string model_path = a.required("model");
    const auto files = a.all("data");
    if (files.empty()) throw cli::usage_error("missing required option --data");
    for (const auto& f : files)
        if (f.empty()) throw cli::usage_error("option --data needs a file name");
    const unsigned threads = static_cast<unsigned>(a.integer("threads", 1, 0, 256));
    const auto report = a.value("json");
    if (report && report->empty()) throw cli::usage_error("option --json needs a file name");

    cli::train_settings s;
    if (auto c = a.value("config")) cli::load_train_config(*c, s);
    const auto clf = tiny_ticket::load_classifier(model_path);
    tr::dataset data;
    for (const auto& f : files) tr::read_data_file(f, s.read, data);
    for (const auto& w : data.warnings) std::cerr << "tiny-ticket eval: warning: " << w.where << ": " << w.message << "\n";

    const auto r = tr::evaluate(clf, data.rows, threads);
    for (const auto& w : r.warnings) std::cerr << "tiny-ticket eval: warning: " << w.where << ": " << w.message << "\n";
    std::size_t labelled = 0;
    for (const auto& h : r.metrics.heads) labelled += h.examples;
    if (labelled == 0)
        throw tiny_ticket::data_error(tiny_ticket::errc::data, files.front(),
                                      "expected labels for at least one of the model's heads, got none");

    std::cout << tr::render_table(r.metrics) << render_review(r.review);
    std::cout.flush();
    if (report) {
        nlohmann::json j;
        j["model"] = model_path;
        j["data"] = files;
        j["metrics"] = nlohmann::json::parse(tr::to_json(r.metrics));
        nlohmann::json rev;
        rev["rows"] = r.review.rows;
        rev["flagged"] = r.review.flagged;
        rev["flagged_share"] = r.review.flagged_share();
        rev["heads"] = nlohmann::json::array();
        for (const auto& h : r.review.heads)
            rev["heads"].push_back({{"name", h.name}, {"flagged", h.flagged}, {"labelled", h.labelled},
                                    {"correct", h.correct}, {"kept", h.kept}, {"kept_correct", h.kept_correct},
                                    {"kept_accuracy", h.kept_accuracy()}});
        j["review"] = rev;
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

const cli::registrar reg(
    "eval", "score a model on labelled JSONL/CSV data (metrics table, JSON report)",
    "tiny-ticket eval --model PATH --data FILE [--data FILE ...] [--json REPORT] [--config FILE] [--threads N]\n"
    "  --model PATH    model artifact\n"
    "  --data FILE     labelled JSONL or CSV (same formats as train); repeatable\n"
    "  --json REPORT   also write the metrics as JSON: per head accuracy, macro-F1,\n"
    "                  per-label precision/recall/F1/support and the confusion matrix\n"
    "  --config FILE   training config whose \"data\" section (columns, label mapping) applies\n"
    "  --threads N     prediction threads (default 1, 0 = all cores)\n"
    "  Prints per-head accuracy, macro-F1, per-label scores and confusions to stdout, then the\n"
    "  review section: the share of rows any head flags for review (thresholds stored in the\n"
    "  model) and each head's accuracy on the unflagged rest.",
    run_eval);

}  // namespace
