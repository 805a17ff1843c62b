// SPDX-License-Identifier: MIT
// The C++ side of go/bench.sh: per-ticket cost of the C++ API and of the C
// API on the same texts the Go benchmarks use, so the script can print the
// ratios of one run on one machine.
//
// usage: tiny_ticket_c_bench MODEL TEXTS [ROUNDS] [PASSES] [NAME,NAME...]
//   TEXTS: JSONL with a "text" field per line (golden.jsonl) or plain lines.
// Prints one line per measurement: "<name> <median ns per ticket> <min>
// <median CPU ns per ticket>"; CPU time is the process's (all threads),
// steadier than wall time on a machine shared with other work.
// A round is PASSES passes over every text (batches: PASSES batches of all
// texts); the median over ROUNDS rounds is reported. NAMEs select
// measurements (default: all), so a script can pair each with its Go
// counterpart in time. Not a Google Benchmark program so
// that it needs nothing beyond the library and builds with benchmarks off.
#include <tiny_ticket/c/tiny_ticket.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tiny_ticket/tiny_ticket.hpp>

namespace {

using clock_type = std::chrono::steady_clock;

std::vector<std::string> read_texts(const char* path) {
    std::ifstream in(path);
    if (!in) {
        std::fprintf(stderr, "cannot read %s\n", path);
        std::exit(2);
    }
    std::vector<std::string> texts;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.front() == '{') {
            const auto j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_object() && j.contains("text") && j["text"].is_string()) {
                texts.push_back(j["text"].get<std::string>());
                continue;
            }
        }
        texts.push_back(line);
    }
    return texts;
}

volatile float sink;

double cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

int passes = 6;
std::string selected;  // ",a,b," or empty for all

template <class F>
void measure(const char* name, std::size_t tickets, int rounds, F&& round) {
    if (!selected.empty() && selected.find("," + std::string(name) + ",") == std::string::npos) return;
    std::vector<double> per_ticket, cpu_per_ticket;
    round();  // warm-up: caches, workspace growth
    tickets *= static_cast<std::size_t>(passes);
    for (int r = 0; r < rounds; ++r) {
        const double c0 = cpu_ns();
        const auto t0 = clock_type::now();
        for (int p = 0; p < passes; ++p) round();
        const double ns = std::chrono::duration<double, std::nano>(clock_type::now() - t0).count();
        per_ticket.push_back(ns / static_cast<double>(tickets));
        cpu_per_ticket.push_back((cpu_ns() - c0) / static_cast<double>(tickets));
    }
    std::sort(per_ticket.begin(), per_ticket.end());
    std::sort(cpu_per_ticket.begin(), cpu_per_ticket.end());
    std::printf("%s %.1f %.1f %.1f\n", name, per_ticket[per_ticket.size() / 2], per_ticket.front(),
                cpu_per_ticket[cpu_per_ticket.size() / 2]);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s MODEL TEXTS [ROUNDS] [PASSES]\n", argv[0]);
        return 2;
    }
    const int rounds = argc > 3 ? std::atoi(argv[3]) : 15;
    if (argc > 4) passes = std::max(1, std::atoi(argv[4]));
    if (argc > 5) selected = "," + std::string(argv[5]) + ",";
    const auto texts = read_texts(argv[2]);
    const std::size_t n = texts.size();
    std::vector<std::string_view> views(texts.begin(), texts.end());

    const auto clf = tiny_ticket::load_classifier(argv[1]);
    tt_classifier* c = nullptr;
    if (tt_classifier_load(argv[1], &c) != TT_OK) {
        std::fprintf(stderr, "%s\n", tt_last_error_message());
        return 1;
    }
    const std::size_t H = tt_classifier_num_heads(c), S = tt_classifier_num_scores(c);
    std::printf("# %zu texts, %d rounds of %d passes, %zu heads, %zu scores\n", n, rounds, passes, H, S);

    auto ws = clf.make_workspace();
    measure("cpp_predict", n, rounds, [&] {
        for (const auto& t : views) sink = clf.predict(t, ws).heads[0].confidence;
    });

    tt_workspace* cws = nullptr;
    tt_workspace_new(c, &cws);
    std::vector<tt_head_result> heads(H * n);
    std::vector<float> scores(S * n);
    measure("c_predict_into", n, rounds, [&] {
        for (const auto& t : views) tt_predict_into(c, cws, t.data(), t.size(), heads.data(), H, scores.data(), S);
        sink = heads[0].confidence;
    });
    measure("c_predict_accessors", n, rounds, [&] {
        const tt_result* r = nullptr;
        for (const auto& t : views) {
            tt_predict(c, cws, t.data(), t.size(), &r);
            for (std::size_t h = 0; h < H; ++h) sink = tt_result_confidence(r, h);
        }
    });

    std::string packed;
    std::vector<std::size_t> offsets{0};
    for (const auto& t : texts) {
        packed += t;
        offsets.push_back(packed.size());
    }
    for (unsigned threads : {1u, 2u}) {
        const std::string suffix = "_t" + std::to_string(threads);
        measure(("cpp_predict_batch" + suffix).c_str(), n, rounds, [&] {
            const auto out = clf.predict_batch(views, threads);
            sink = out[0].heads[0].confidence;
        });
        measure(("c_predict_batch_into" + suffix).c_str(), n, rounds, [&] {
            tt_predict_batch_into(c, packed.data(), offsets.data(), n, threads, heads.data(), heads.size(),
                                  scores.data(), scores.size());
            sink = heads[0].confidence;
        });
    }
    measure("c_noop", 100000, rounds, [&] {
        for (int i = 0; i < 100000; ++i) sink = static_cast<float>(tt_noop());
    });
    tt_workspace_free(cws);
    tt_classifier_free(c);
    return 0;
}
