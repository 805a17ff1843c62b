// SPDX-License-Identifier: MIT
// `tiny-ticket predict`: classify one text or a stream of JSONL / plain lines.

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include <tiny_ticket/train/data.hpp>

#include "bulk.hpp"
#include "cli.hpp"
#include "output.hpp"
#include "train_config_json.hpp"

namespace {

namespace tr = tiny_ticket::train;

// `--data FILE`: the texts of a JSONL or CSV file (an export the model was
// trained on, or one like it), read with the model's stored text columns
// unless --text-column names others. Labels in the file are ignored; the id of
// each output line is the row's --id value, else the line of the row in the file.
int predict_file(const tiny_ticket::classifier& clf, const cli::prediction_writer& writer,
                 const tiny_ticket::explainer* explainer, const std::string& file, const std::vector<std::string>& texts,
                 const std::string& id_field) {
    tr::read_options o;
    cli::apply_data_mapping(clf.model().data, o);
    o.columns.clear();
    o.text_only = true;
    o.id_field = id_field;
    if (!texts.empty()) cli::apply_column_flags(texts, {}, o);
    tr::dataset data;
    tr::read_data_file(file, o, data);
    for (std::size_t i = 0; i < data.warnings.size() && i < 20; ++i)
        std::cerr << "tiny-ticket predict: warning: " << data.warnings[i].where << ": " << data.warnings[i].message << "\n";
    if (data.warnings.size() > 20)
        std::cerr << "tiny-ticket predict: " << data.warnings.size() - 20 << " more warnings not shown\n";
    auto ws = clf.make_workspace();
    std::string out;
    writer.header(out);
    for (const auto& row : data.rows) {
        cli::ticket_id id;
        if (id_field.empty()) {
            id.set_number(static_cast<std::uint64_t>(row.line));
        } else {
            id.type = cli::ticket_id::kind::string;
            id.text = row.id;
        }
        const auto& p = clf.predict(row.text, ws, writer.detail());
        std::optional<tiny_ticket::explanation> e;
        if (explainer) e = explainer->explain(row.text);
        writer.write(out, id, p, e ? &*e : nullptr);
        if (out.size() > (1u << 16)) {
            std::fwrite(out.data(), 1, out.size(), stdout);
            out.clear();
        }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return std::ferror(stdout) || std::fflush(stdout) != 0 ? 1 : 0;
}

int run_predict(const std::vector<std::string>& argv) {
    const cli::args a(argv, {"model", "text", "data", "text-column", "id", "output", "format", "threads", "chunk"}, {"explain"});
    if (!a.positional().empty()) throw cli::usage_error("unexpected argument '" + a.positional()[0] + "'");
    // Every core by default: whole-file runs are what bulk prediction is
    // for, and the output is the same in order and bytes with any count.
    const cli::bulk_args b = cli::read_bulk_args(a, 0);
    const auto clf = tiny_ticket::load_classifier(a.required("model"));
    const cli::prediction_writer writer(clf, b.mode, b.format);
    std::optional<tiny_ticket::explainer> explainer;
    if (b.explain) explainer.emplace(clf);

    if (auto file = a.value("data")) {
        if (file->empty()) throw cli::usage_error("option --data needs a file name");
        if (a.value("text")) throw cli::usage_error("give --text or --data, not both");
        const std::string id = a.value("id").value_or("");
        if (a.value("id") && id.empty()) throw cli::usage_error("option --id needs a column name");
        return predict_file(clf, writer, explainer ? &*explainer : nullptr, *file, a.all("text-column"), id);
    }
    if (!a.all("text-column").empty() || a.value("id")) throw cli::usage_error("options --text-column and --id need --data");
    if (auto text = a.value("text")) {
        auto ws = clf.make_workspace();
        const auto& p = clf.predict(*text, ws, writer.detail());
        std::string out;
        writer.header(out);
        std::optional<tiny_ticket::explanation> e;
        if (explainer) e = explainer->explain(*text);
        writer.write(out, cli::ticket_id{}, p, e ? &*e : nullptr);
        std::fwrite(out.data(), 1, out.size(), stdout);
        return std::fflush(stdout) == 0 ? 0 : 1;
    }

    cli::bulk_options o;
    o.threads = b.threads;
    o.chunk = b.chunk;
    o.explainer = explainer ? &*explainer : nullptr;
    o.program = "tiny-ticket predict";
    o.flush_each_chunk = isatty(STDOUT_FILENO) != 0;
    const std::size_t failures = cli::run_bulk(clf, writer, o, STDIN_FILENO, stdout);
    if (std::ferror(stdout) || std::fflush(stdout) != 0) {
        std::cerr << "tiny-ticket predict: write to stdout failed\n";
        return 1;
    }
    return failures ? 1 : 0;
}

const cli::registrar predict_registrar(
    "predict", "classify --text, the rows of --data FILE, or stdin lines (JSONL {\"id\",\"text\"} or plain text)",
    "tiny-ticket predict --model PATH [--text TEXT | --data FILE [--text-column COLUMN ...] [--id COLUMN]]\n"
    "                    [--output full|compact|labels] [--format jsonl|tsv|csv] [--threads N] [--chunk LINES]\n"
    "                    [--explain]\n"
    "  Without --text or --data, reads stdin: one ticket per line, JSON objects with \"text\" (and\n"
    "  optional \"id\", copied to the output) or plain text (its line number becomes the id);\n"
    "  writes one line per input line, in input order, \"id\" first.\n"
    "  --data     classify every row of a JSONL or CSV file (e.g. the export the model was trained\n"
    "             on): the text is read from the columns stored in the model (train --text), other\n"
    "             columns are ignored; the id is the row's line number in the file\n"
    "  --text-column  with --data: the text column(s) instead of the stored ones; repeatable\n"
    "  --id       with --data: the column copied to each output line as its \"id\" (a string)\n"
    "  --output   full (default): per head label, confidence, review and every label's score;\n"
    "             compact: per head label, confidence and review; labels: per head its label\n"
    "  --format   jsonl (default); tsv or csv: a header line, then id and one column per head\n"
    "             (compact adds <head>.confidence and <head>.review; full needs jsonl)\n"
    "  A head with an out-of-scope label (docs/artifact-format.md) answers it for a text that fits\n"
    "  none of its other labels and adds \"out_of_scope\": true|false (full, compact) or a\n"
    "  <head>.out_of_scope column (compact tsv/csv).\n"
    "  --threads  threads reading, classifying and writing chunks of lines, output order kept;\n"
    "             0 = one per core (default 0; 1 runs everything in one thread)\n"
    "  --chunk    most lines per chunk (default 1024)\n"
    "  --explain  adds to each head an \"explain\" object: the features that pushed its\n"
    "             label up (\"positive\") or down (\"negative\") the most, in logit units.\n"
    "  A line that cannot be read becomes {\"id\", \"error\"} in place, is reported on stderr,\n"
    "  and makes the exit status 1.",
    run_predict);

}  // namespace
