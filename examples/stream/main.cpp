// SPDX-License-Identifier: MIT
// A Unix filter: tickets in on stdin (JSONL {"id","text"} or plain lines),
// predictions out on stdout, one line per input line, in order, in the same
// format as `tiny-ticket predict` (the same code writes both). Progress goes
// to stderr only when stderr is a terminal, so the filter is safe under
// `parallel --pipe`, Spark's `rdd.pipe()` or any shell pipeline.

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "../tiny-ticket/bulk.hpp"
#include "../tiny-ticket/cli.hpp"
#include "../tiny-ticket/output.hpp"

namespace {

constexpr const char* usage =
    "stream [--model PATH] [--output full|compact|labels] [--format jsonl|tsv|csv] [--threads N]\n"
    "       [--chunk LINES] [--explain] [--no-progress] < in > out\n"
    "  --model    artifact (default: models/tiny_ticket-default-v6.json)\n"
    "  --output   full (default), compact (label, confidence, review per head) or labels\n"
    "  --format   jsonl (default), tsv or csv (header line, then id and one column per head)\n"
    "  --threads  1 (default): one thread, line by line; N > 1: a reader, N workers and a\n"
    "             writer, output order preserved; 0: one worker per core\n"
    "  --chunk    most lines per chunk (default 1024)\n"
    "  --explain  add an \"explain\" object to every head (full jsonl only)\n"
    "Plain-text lines get their line number as \"id\".\n"
    "Exit status: 0 all lines classified, 1 some lines were invalid (reported on stderr\n"
    "and written as {\"id\", \"error\"}), 2 usage error.";

/// Progress on an interactive stderr: lines, throughput and, when stdin is a
/// regular file, the share of it consumed.
class progress {
public:
    explicit progress(bool on) : on_(on), start_(clock::now()), last_(start_) {
        struct stat st {};
        if (on_ && fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode)) total_bytes_ = static_cast<double>(st.st_size);
    }
    void add(std::size_t lines, std::size_t bytes) {
        lines_ += lines;
        bytes_ += static_cast<double>(bytes);
        if (!on_) return;
        const auto now = clock::now();
        if (now - last_ < std::chrono::milliseconds(200)) return;
        last_ = now;
        draw(now);
    }
    /// Erases the bar so a message can be printed on a clean line.
    void clear() const {
        if (on_) std::fprintf(stderr, "\r\033[K");
    }
    void finish() {
        if (!on_) return;
        draw(clock::now());
        std::fprintf(stderr, "\n");
    }

private:
    using clock = std::chrono::steady_clock;
    void draw(clock::time_point now) const {
        const double secs = std::chrono::duration<double>(now - start_).count();
        const double rate = secs > 0 ? static_cast<double>(lines_) / secs : 0.0;
        std::fprintf(stderr, "\r\033[K%zu lines  %.1f MB  %.0f lines/s", lines_, bytes_ / 1e6, rate);
        if (total_bytes_ > 0) {
            const double f = bytes_ / total_bytes_ > 1 ? 1 : bytes_ / total_bytes_;
            const int width = 30, filled = static_cast<int>(f * width);
            std::fprintf(stderr, "  [%s%s] %3.0f%%", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                         std::string(static_cast<std::size_t>(width - filled), '.').c_str(), f * 100);
        }
        std::fflush(stderr);
    }
    bool on_;
    clock::time_point start_, last_;
    std::size_t lines_ = 0;
    double bytes_ = 0, total_bytes_ = 0;
};

int run(const std::vector<std::string>& argv) {
    const cli::args a(argv, {"model", "threads", "chunk", "output", "format"}, {"explain", "no-progress"});
    if (!a.positional().empty()) throw cli::usage_error("unexpected argument '" + a.positional()[0] + "'");
    const cli::bulk_args b = cli::read_bulk_args(a);
    const auto clf = tiny_ticket::load_classifier(a.value("model").value_or("models/tiny_ticket-default-v6.json"));
    const cli::prediction_writer writer(clf, b.mode, b.format);
    std::optional<tiny_ticket::explainer> explainer;
    if (b.explain) explainer.emplace(clf);

    progress bar(!a.flag("no-progress") && isatty(STDERR_FILENO) != 0);
    cli::bulk_options o;
    o.threads = b.threads;
    o.chunk = b.chunk;
    o.explainer = explainer ? &*explainer : nullptr;
    o.program = "stream";
    o.flush_each_chunk = isatty(STDOUT_FILENO) != 0;
    o.progress = [&bar](std::size_t lines, std::size_t bytes) { bar.add(lines, bytes); };
    o.before_errors = [&bar] { bar.clear(); };
    const std::size_t failures = cli::run_bulk(clf, writer, o, STDIN_FILENO, stdout);
    bar.finish();
    if (std::ferror(stdout) || std::fflush(stdout) != 0) {
        std::cerr << "stream: write to stdout failed\n";
        return 1;
    }
    return failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    return cli::run_program("stream", usage, argc, argv, run);
}
