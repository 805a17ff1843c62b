// SPDX-License-Identifier: MIT
// `tiny-ticket predict`: classify one text or a stream of JSONL / plain lines.

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "bulk.hpp"
#include "cli.hpp"
#include "output.hpp"

namespace {

int run_predict(const std::vector<std::string>& argv) {
    const cli::args a(argv, {"model", "text", "output", "format", "threads", "chunk"}, {"explain"});
    if (!a.positional().empty()) throw cli::usage_error("unexpected argument '" + a.positional()[0] + "'");
    const cli::bulk_args b = cli::read_bulk_args(a);
    const auto clf = tiny_ticket::load_classifier(a.required("model"));
    const cli::prediction_writer writer(clf, b.mode, b.format);
    std::optional<tiny_ticket::explainer> explainer;
    if (b.explain) explainer.emplace(clf);

    if (auto text = a.value("text")) {
        auto ws = clf.make_workspace();
        const auto& p = clf.predict(*text, ws);
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

const cli::registrar reg(
    "predict", "classify --text, or stdin lines (JSONL {\"id\",\"text\"} or plain text)",
    "tiny-ticket predict --model PATH [--text TEXT] [--output full|compact|labels] [--format jsonl|tsv|csv]\n"
    "                    [--threads N] [--chunk LINES] [--explain]\n"
    "  Without --text, reads stdin: one ticket per line, JSON objects with \"text\" (and\n"
    "  optional \"id\", copied to the output) or plain text (its line number becomes the id);\n"
    "  writes one line per input line, in input order, \"id\" first.\n"
    "  --output   full (default): per head label, confidence, review and every label's score;\n"
    "             compact: per head label, confidence and review; labels: per head its label\n"
    "  --format   jsonl (default); tsv or csv: a header line, then id and one column per head\n"
    "             (compact adds <head>.confidence and <head>.review; full needs jsonl)\n"
    "  --threads  threads reading, classifying and writing chunks of lines, output order kept;\n"
    "             0 = one per core (default 1)\n"
    "  --chunk    most lines per chunk (default 1024)\n"
    "  --explain  adds to each head an \"explain\" object: the features that pushed its\n"
    "             label up (\"positive\") or down (\"negative\") the most, in logit units.\n"
    "  A line that cannot be read becomes {\"id\", \"error\"} in place, is reported on stderr,\n"
    "  and makes the exit status 1.",
    run_predict);

}  // namespace
