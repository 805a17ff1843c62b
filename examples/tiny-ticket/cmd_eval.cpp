// SPDX-License-Identifier: MIT
// `tiny-ticket eval`: score a model on labelled JSONL/CSV data.

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
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

// Per head with an out-of-scope label: how well "none of these" is answered.
std::string render_out_of_scope(const std::vector<tr::out_of_scope_summary>& list) {
    if (list.empty()) return {};
    std::string out = "\n== out of scope\n";
    char buf[240];
    std::snprintf(buf, sizeof buf, "  %-14s %-14s %9s %9s %9s %10s %10s %17s\n", "head", "label", "in scope", "oos rows",
                  "answered", "precision", "recall", "in-scope accuracy");
    out += buf;
    for (const auto& o : list) {
        if (o.in_scope + o.out_of_scope == 0) {
            std::snprintf(buf, sizeof buf, "  %-14s %-14s no labelled rows\n", o.head.c_str(), o.label.c_str());
            out += buf;
            continue;
        }
        std::snprintf(buf, sizeof buf, "  %-14s %-14s %9zu %9zu %9zu %10.4f %10.4f %17.4f\n", o.head.c_str(),
                      o.label.c_str(), o.in_scope, o.out_of_scope, o.answered, o.precision(), o.recall(),
                      o.in_scope_accuracy());
        out += buf;
    }
    return out;
}

nlohmann::json out_of_scope_json(const std::vector<tr::out_of_scope_summary>& list) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& o : list) {
        j.push_back({{"head", o.head}, {"label", o.label}, {"in_scope", o.in_scope},
                     {"in_scope_correct", o.in_scope_correct}, {"out_of_scope", o.out_of_scope}, {"caught", o.caught},
                     {"answered", o.answered}, {"precision", o.precision()}, {"recall", o.recall()},
                     {"in_scope_accuracy", o.in_scope_accuracy()}});
        if (o.in_scope + o.out_of_scope == 0) {
            auto& x = j.back();
            x["precision"] = x["recall"] = x["in_scope_accuracy"] = nullptr;
            x["note"] = "no labelled rows";
        }
    }
    return j;
}

// A head without a single labelled row has no accuracy: render_table would
// print 0.0000, which reads as "always wrong". Its line says so instead.
std::string metrics_table(const tr::evaluation& m) {
    std::string out = tr::render_table(m);
    for (const auto& h : m.heads) {
        if (h.examples != 0) continue;
        const std::string line = "\n== " + h.name + "  (0 labelled)";
        const std::size_t at = out.find(line);
        if (at == std::string::npos) continue;
        const std::size_t end = out.find('\n', at + 1);
        out.replace(at, (end == std::string::npos ? out.size() : end) - at,
                    "\n== " + h.name + "  no labelled rows: not scored");
    }
    return out;
}

// The JSON counterpart: accuracy and macro-F1 are null, with a note.
void mark_unlabelled_heads(const tr::evaluation& m, nlohmann::json& metrics) {
    for (const auto& h : m.heads) {
        if (h.examples != 0 || !metrics["heads"].contains(h.name)) continue;
        auto& x = metrics["heads"][h.name];
        x["accuracy"] = nullptr;
        x["macro_f1"] = nullptr;
        x["note"] = "no labelled rows";
    }
}

// Another system's labels for the gold rows (`--predictions FILE`), per model
// head and gold row: the label index, or -1 (no prediction, or a label the
// head does not have).
struct external_predictions {
    std::string file;
    bool plain = false;  // one label per line, in data order
    std::vector<bool> has_head;  // per model head: some row gives it a label
    std::vector<std::vector<std::int32_t>> pred;  // [head][row]
    std::size_t rows = 0;  // lines read (plain) or predictions read (jsonl)
    std::size_t missing = 0, extra = 0, duplicate = 0;
    std::vector<std::string> missing_examples, extra_examples;
    std::vector<std::size_t> unknown;  // per head: labels the head does not have
    std::vector<std::string> unknown_examples;  // per head: the first one
};

// A gold row's id: its --id (or "id") value, else its line number, which is
// the id `predict --data FILE` writes.
std::string gold_id(const tr::labelled_text& row) { return row.id.empty() ? std::to_string(row.line) : row.id; }

void note(std::vector<std::string>& examples, const std::string& s) {
    if (examples.size() < 3) examples.push_back(s);
}

external_predictions read_predictions(const std::string& file, const tiny_ticket::classifier& clf,
                                      const std::vector<tr::labelled_text>& rows, std::ptrdiff_t plain_head) {
    using tiny_ticket::data_error;
    using tiny_ticket::errc;
    std::ifstream in(file, std::ios::binary);
    if (!in) throw tiny_ticket::error(errc::io, file, "cannot open for reading");
    external_predictions e;
    e.file = file;
    const std::size_t nh = clf.num_heads();
    e.has_head.assign(nh, false);
    e.pred.assign(nh, std::vector<std::int32_t>(rows.size(), -1));
    e.unknown.assign(nh, 0);
    e.unknown_examples.assign(nh, "");
    std::vector<std::unordered_map<std::string, std::int32_t>> index(nh);
    for (std::size_t h = 0; h < nh; ++h)
        for (std::size_t c = 0; c < clf.head(h).labels.size(); ++c) index[h][clf.head(h).labels[c]] = static_cast<std::int32_t>(c);
    auto set = [&](std::size_t h, std::size_t row, const std::string& label) {
        e.has_head[h] = true;
        const auto it = index[h].find(label);
        if (it != index[h].end()) {
            e.pred[h][row] = it->second;
        } else if (e.unknown[h]++ == 0) {
            e.unknown_examples[h] = label;
        }
    };
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
    }
    if (in.bad()) throw tiny_ticket::error(errc::io, file, "read error");
    std::size_t first = 0;
    while (first < lines.size() && lines[first].find_first_not_of(" \t") == std::string::npos) ++first;
    e.plain = first == lines.size() || lines[first][lines[first].find_first_not_of(" \t")] != '{';
    if (e.plain) {
        if (plain_head < 0)
            throw cli::usage_error("--predictions " + file + " holds plain labels: name their head with --predictions-head");
        const auto h = static_cast<std::size_t>(plain_head);
        while (!lines.empty() && lines.back().empty()) lines.pop_back();
        e.rows = lines.size();
        e.has_head[h] = true;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (i < lines.size()) set(h, i, lines[i]);
            else {
                ++e.missing;
                note(e.missing_examples, "row " + std::to_string(i + 1));
            }
        }
        for (std::size_t i = rows.size(); i < lines.size(); ++i) {
            ++e.extra;
            note(e.extra_examples, "line " + std::to_string(i + 1));
        }
        return e;
    }
    std::unordered_map<std::string, std::size_t> by_id;
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (!by_id.emplace(gold_id(rows[i]), i).second)
            throw data_error(errc::data, rows[i].where,
                             "expected unique ids to match --predictions by, got \"" + gold_id(rows[i]) +
                                 "\" twice (name a unique column with --id)");
    std::vector<bool> seen(rows.size(), false);
    for (std::size_t n = 0; n < lines.size(); ++n) {
        const std::string where = file + ":" + std::to_string(n + 1);
        if (lines[n].find_first_not_of(" \t") == std::string::npos) continue;
        const nlohmann::json j = nlohmann::json::parse(lines[n], nullptr, false);
        if (j.is_discarded() || !j.is_object())
            throw data_error(errc::data, where, "expected a JSON object {\"id\", \"<head>\": \"<label>\"}, got invalid JSON");
        const auto id_it = j.find("id");
        if (id_it == j.end()) throw data_error(errc::data, where, "expected an \"id\" field, got none");
        std::string id;
        if (id_it->is_string()) id = id_it->get<std::string>();
        else if (id_it->is_number_integer()) id = id_it->dump();
        else throw data_error(errc::data, where, "expected \"id\" to be a string or an integer, got " + std::string(id_it->type_name()));
        ++e.rows;
        const auto row = by_id.find(id);
        if (row == by_id.end()) {
            ++e.extra;
            note(e.extra_examples, id);
            continue;
        }
        if (seen[row->second]) {
            ++e.duplicate;
            continue;
        }
        seen[row->second] = true;
        for (std::size_t h = 0; h < nh; ++h) {
            const auto v = j.find(clf.head(h).name);
            if (v == j.end()) continue;
            const nlohmann::json* label = &*v;
            if (v->is_object()) {
                const auto l = v->find("label");
                if (l == v->end())
                    throw data_error(errc::data, where, "expected a \"label\" in head \"" + clf.head(h).name + "\", got none");
                label = &*l;
            }
            if (!label->is_string())
                throw data_error(errc::data, where, "expected head \"" + clf.head(h).name + "\" to be a label string or {\"label\": ...}, got " +
                                                        std::string(label->type_name()));
            set(h, row->second, label->get<std::string>());
        }
    }
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (!seen[i]) {
            ++e.missing;
            note(e.missing_examples, gold_id(rows[i]));
        }
    return e;
}

std::string quoted_examples(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

struct scored_file {
    external_predictions in;
    std::vector<std::optional<tr::head_metrics>> heads;  // per model head; empty when the file has none of it
};

std::string render_side_by_side(const tiny_ticket::classifier& clf, const tr::evaluation& model,
                                const std::vector<scored_file>& files) {
    std::string out = "\n== side by side  (same gold rows; a row without a usable prediction counts as wrong)\n";
    char buf[400];
    std::snprintf(buf, sizeof buf, "  %-14s %-32s %9s %9s %8s %9s\n", "head", "system", "accuracy", "macro-F1", "rows",
                  "unusable");
    out += buf;
    for (std::size_t h = 0; h < clf.num_heads(); ++h) {
        const auto& m = model.heads[h];
        if (m.examples == 0) continue;
        std::snprintf(buf, sizeof buf, "  %-14s %-32s %9.4f %9.4f %8zu %9s\n", m.name.c_str(), "model", m.accuracy,
                      m.macro_f1, m.examples, "-");
        out += buf;
        for (const auto& f : files) {
            const auto& x = f.heads[h];
            if (!x) continue;
            std::size_t unusable = 0;
            for (std::size_t c = 0; c < x->confusion.size(); ++c) {
                std::size_t in_row = 0;
                for (std::size_t v : x->confusion[c]) in_row += v;
                unusable += x->classes[c].support - in_row;
            }
            std::snprintf(buf, sizeof buf, "  %-14s %-32s %9.4f %9.4f %8zu %9zu\n", m.name.c_str(), f.in.file.c_str(),
                          x->accuracy, x->macro_f1, x->examples, unusable);
            out += buf;
        }
    }
    for (const auto& f : files) {
        const auto& e = f.in;
        out += "  " + e.file + ": " + std::to_string(e.rows) + (e.plain ? " lines" : " predictions");
        out += "; " + std::to_string(e.missing) + " gold rows without a prediction";
        if (e.missing) out += " (first: " + quoted_examples(e.missing_examples) + ")";
        out += "; " + std::to_string(e.extra) + (e.plain ? " lines past the data" : " ids not in the data");
        if (e.extra) out += " (first: " + quoted_examples(e.extra_examples) + ")";
        if (e.duplicate) out += "; " + std::to_string(e.duplicate) + " repeated ids ignored";
        for (std::size_t h = 0; h < clf.num_heads(); ++h)
            if (e.unknown[h])
                out += "; " + std::to_string(e.unknown[h]) + " labels not of head \"" + clf.head(h).name + "\" (first: \"" +
                       e.unknown_examples[h] + "\")";
        out += "\n";
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
    const cli::args a(argv,
                      {"model", "data", "json", "config", "threads", "compare", "text", "head", "predictions", "id",
                       "predictions-head"},
                      {});
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
    const auto prediction_files = a.all("predictions");
    for (const auto& f : prediction_files)
        if (f.empty()) throw cli::usage_error("option --predictions needs a file name");
    const auto id_column = a.value("id");
    if (id_column && id_column->empty()) throw cli::usage_error("option --id needs a column name");
    const auto plain_head_name = a.value("predictions-head");
    if ((id_column || plain_head_name) && prediction_files.empty())
        throw cli::usage_error("options --id and --predictions-head need --predictions");

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
    for (const auto& f : files) {
        // Predictions are matched by id: the --id column, else a JSONL row's
        // "id" (a CSV without that column would be an error), else the line.
        tr::read_options o = s.read;
        if (!prediction_files.empty())
            o.id_field = id_column ? *id_column
                                   : (tr::detail::format_for(f, o.format) == tr::data_format::jsonl ? "id" : "");
        tr::read_data_file(f, o, data);
    }
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

    std::vector<scored_file> scored;
    if (!prediction_files.empty()) {
        std::ptrdiff_t plain_head = clf.num_heads() == 1 ? 0 : -1;
        if (plain_head_name) {
            plain_head = clf.head_index(*plain_head_name);
            if (plain_head < 0)
                throw tiny_ticket::error(tiny_ticket::errc::argument, "--predictions-head",
                                         "expected a head of the model, got \"" + *plain_head_name + "\"");
        }
        for (const auto& f : prediction_files) {
            scored_file sf{read_predictions(f, clf, data.rows, plain_head), {}};
            for (std::size_t h = 0; h < clf.num_heads(); ++h) {
                if (!sf.in.has_head[h]) sf.heads.emplace_back();
                else sf.heads.emplace_back(tr::compute_head_metrics_unanswered(clf.head(h).name, clf.head(h).labels, r.gold[h], sf.in.pred[h]));
            }
            scored.push_back(std::move(sf));
        }
    }

    std::cout << metrics_table(r.metrics) << render_review(r.review) << render_out_of_scope(r.out_of_scope);
    if (!scored.empty()) std::cout << render_side_by_side(clf, r.metrics, scored);
    if (agree) std::cout << render_agreement(*agree, *compare);
    std::cout.flush();
    if (report) {
        nlohmann::json j;
        j["model"] = model_path;
        j["data"] = files;
        j["metrics"] = tr::to_json(r.metrics);
        mark_unlabelled_heads(r.metrics, j["metrics"]);
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
        if (!r.out_of_scope.empty()) j["out_of_scope"] = out_of_scope_json(r.out_of_scope);
        if (!scored.empty()) {
            nlohmann::json list = nlohmann::json::array();
            for (const auto& f : scored) {
                const auto& e = f.in;
                nlohmann::json heads = nlohmann::json::object();
                for (std::size_t h = 0; h < clf.num_heads(); ++h) {
                    if (!f.heads[h] || r.metrics.heads[h].examples == 0) continue;
                    heads[clf.head(h).name] = {{"accuracy", f.heads[h]->accuracy},
                                               {"macro_f1", f.heads[h]->macro_f1},
                                               {"examples", f.heads[h]->examples},
                                               {"unknown_labels", e.unknown[h]},
                                               {"model_accuracy", r.metrics.heads[h].accuracy},
                                               {"model_macro_f1", r.metrics.heads[h].macro_f1}};
                }
                list.push_back({{"file", e.file}, {"format", e.plain ? "plain" : "jsonl"}, {"rows", e.rows},
                                {"missing", e.missing}, {"missing_examples", e.missing_examples},
                                {"extra", e.extra}, {"extra_examples", e.extra_examples},
                                {"duplicate", e.duplicate}, {"heads", heads}});
            }
            j["predictions"] = list;
        }
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
    "                 [--predictions FILE ...] [--id COLUMN] [--predictions-head HEAD]\n"
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
    "  --predictions FILE  another system's labels for the same rows (an LLM's, a vendor's, an older\n"
    "                  model's), scored on the same gold and printed beside the model's, per head\n"
    "                  (accuracy, macro-F1); repeatable. JSONL {\"id\", \"<head>\": \"<label>\" or\n"
    "                  {\"label\": ...}} (what predict writes) matched by id, or plain text: one label\n"
    "                  per line in data order. A gold row without a usable label counts as wrong;\n"
    "                  missing and extra ids are counted (JSON report: \"predictions\")\n"
    "  --id COLUMN     with --predictions: the data column holding the ids (default: \"id\" in\n"
    "                  JSONL data, else the row's line number, as predict --data writes it)\n"
    "  --predictions-head HEAD  the head of plain-text predictions (default: the model's only head)\n"
    "  Prints per-head accuracy, macro-F1, per-label scores and confusions to stdout, then the\n"
    "  review section: the share of rows any head flags for review (thresholds stored in the\n"
    "  model), the coverage (share not flagged), each head's accuracy on the unflagged rest, and\n"
    "  its own coverage: the share of its labelled rows it does not flag itself, with their accuracy.\n"
    "  Heads with an out-of-scope label get an out-of-scope section: precision and recall of that\n"
    "  answer and the accuracy on the other rows (JSON report: \"out_of_scope\").\n"
    "  At most 20 warnings go to stderr, then a count of the rest (--json lists them all).",
    run_eval);

}  // namespace
