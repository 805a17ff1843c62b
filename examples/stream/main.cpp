// SPDX-License-Identifier: MIT
// A Unix filter: tickets in on stdin (JSONL {"id","text"} or plain lines),
// predictions out on stdout as JSONL, one line per input line, in order, in
// the same format as `tiny-ticket predict`. Progress goes to stderr only when
// stderr is a terminal, so the filter is safe under `parallel --pipe`,
// Spark's `rdd.pipe()` or any shell pipeline.

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "../tiny-ticket/cli.hpp"
#include "../tiny-ticket/explain_json.hpp"

namespace {

constexpr const char* usage =
    "stream [--model PATH] [--threads N] [--chunk LINES] [--explain] [--no-progress] < in > out\n"
    "  --model    artifact (default: models/tiny_ticket-default-v4.json)\n"
    "  --threads  worker threads per chunk, 0 = one per core (default 1: line by line)\n"
    "  --chunk    lines per parallel chunk (default 1024)\n"
    "  --explain  add an \"explain\" object to every head\n"
    "Exit status: 0 all lines classified, 1 some lines were invalid (reported on stderr\n"
    "and written as {\"error\": ...}), 2 usage error.";

/// One input line, parsed: either a text to classify or an error to report.
struct item {
    std::string text;
    nlohmann::json id;  // null when absent
    std::optional<std::string> error;
};

item parse_line(std::string line, std::size_t lineno) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    item it;
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] != '{') {
        it.text = std::move(line);
        return it;
    }
    const nlohmann::json in = nlohmann::json::parse(line, nullptr, false);
    const std::string where = "stdin:" + std::to_string(lineno) + ": ";
    if (in.is_discarded() || !in.is_object()) {
        it.error = where + "invalid JSON object";
        return it;
    }
    if (in.contains("id")) it.id = in["id"];
    if (!in.contains("text") || !in["text"].is_string()) it.error = where + "expected a string field \"text\"";
    else it.text = in["text"].get<std::string>();
    return it;
}

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
    const cli::args a(argv, {"model", "threads", "chunk"}, {"explain", "no-progress"});
    if (!a.positional().empty()) throw cli::usage_error("unexpected argument '" + a.positional()[0] + "'");
    const auto threads = static_cast<unsigned>(a.integer("threads", 1, 0, 1024));
    const auto chunk = static_cast<std::size_t>(a.integer("chunk", 1024, 1, 1 << 24));
    const auto clf = tiny_ticket::load_classifier(a.value("model").value_or("models/tiny_ticket-default-v4.json"));
    std::optional<tiny_ticket::explainer> explainer;
    if (a.flag("explain")) explainer.emplace(clf);

    const bool interactive_out = isatty(STDOUT_FILENO) != 0;
    progress bar(!a.flag("no-progress") && isatty(STDERR_FILENO) != 0);
    std::size_t lineno = 0, failures = 0;
    auto write = [&](const item& it, const tiny_ticket::prediction* p) {
        nlohmann::json out;
        if (it.error) {
            ++failures;
            bar.clear();
            std::cerr << "stream: " << *it.error << "\n";
            out = {{"error", *it.error}};
        } else {
            out = cli::prediction_json(*p);
            if (explainer) cli::add_explanations(out, explainer->explain(it.text));
        }
        if (!it.id.is_null()) out["id"] = it.id;
        std::cout << cli::dump_line(out) << '\n';
    };

    std::string line;
    if (threads == 1) {
        auto ws = clf.make_workspace();
        while (std::getline(std::cin, line)) {
            const std::size_t bytes = line.size() + 1;
            const item it = parse_line(std::move(line), ++lineno);
            write(it, it.error ? nullptr : &clf.predict(it.text, ws));
            if (interactive_out) std::cout.flush();
            bar.add(1, bytes);
        }
    } else {
        std::vector<item> items;
        std::vector<std::string_view> texts;
        std::vector<std::size_t> slot;  // items[i] -> index into the batch, for valid lines
        for (bool more = true; more;) {
            items.clear();
            std::size_t bytes = 0;
            while (items.size() < chunk && (more = static_cast<bool>(std::getline(std::cin, line)))) {
                bytes += line.size() + 1;
                items.push_back(parse_line(std::move(line), ++lineno));
            }
            texts.clear();
            slot.assign(items.size(), 0);
            for (std::size_t i = 0; i < items.size(); ++i)
                if (!items[i].error) {
                    slot[i] = texts.size();
                    texts.emplace_back(items[i].text);
                }
            // predict_batch returns results in input order, identical to serial predict.
            const auto predictions = clf.predict_batch(texts, threads);
            for (std::size_t i = 0; i < items.size(); ++i)
                write(items[i], items[i].error ? nullptr : &predictions[slot[i]]);
            if (interactive_out) std::cout.flush();
            bar.add(items.size(), bytes);
        }
    }
    bar.finish();
    std::cout.flush();
    if (!std::cout) {
        std::cerr << "stream: write to stdout failed\n";
        return 1;
    }
    return failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    return cli::run_program("stream", usage, argc, argv, run);
}
