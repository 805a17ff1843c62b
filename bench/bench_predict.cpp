// SPDX-License-Identifier: MIT
// Per-ticket cost on the reference (tickets-inf) artifact, split by stage so
// it is visible where the time goes: normalize, normalize+tokenize+features,
// network forward on precomputed features, and the whole predict. Texts are
// the golden set's inputs (BANKING77 test questions plus edge cases), cycled.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <tiny_ticket/tiny_ticket.hpp>

#include "bench_text.hpp"

namespace {

const std::filesystem::path reference_dir = std::filesystem::path(TINY_TICKET_SHARED_DIR) / "compat" / "tickets-inf";

struct reference_data {
    bool ok = false;
    std::string why;
    std::optional<tiny_ticket::classifier> model;
    std::vector<std::string> texts;
    std::size_t longest = 0;

    const tiny_ticket::classifier& clf() const { return *model; }
};

const reference_data& reference() {
    static const reference_data data = [] {
        reference_data d;
        const auto model = reference_dir / "model.json";
        const auto golden = reference_dir / "golden.jsonl";
        if (!std::filesystem::exists(model) || !std::filesystem::exists(golden)) {
            d.why = "reference artifact not found under " + reference_dir.string();
            return d;
        }
        d.model.emplace(tiny_ticket::load_classifier(model));
        std::ifstream in(golden);
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty()) continue;
            d.texts.push_back(nlohmann::json::parse(line).at("text").get<std::string>());
            if (d.texts.back().size() > d.texts[d.longest].size()) d.longest = d.texts.size() - 1;
        }
        d.ok = !d.texts.empty();
        if (!d.ok) d.why = "golden.jsonl is empty";
        return d;
    }();
    return data;
}

bool usable(benchmark::State& state) {
    const auto& r = reference();
    if (!r.ok) state.SkipWithError(r.why.c_str());
    return r.ok;
}

// Whole predict (normalize, tokenize, features, network, softmax/sigmoid),
// cycling through every golden text: the mean cost per ticket of the set.
void BM_reference_predict(benchmark::State& state) {
    if (!usable(state)) return;
    const auto& r = reference();
    auto ws = r.clf().make_workspace();
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(r.clf().predict(r.texts[i], ws).heads.data());
        if (++i == r.texts.size()) i = 0;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_reference_predict);

// Normalization only.
void BM_reference_normalize(benchmark::State& state) {
    if (!usable(state)) return;
    const auto& r = reference();
    const auto& norm = r.clf().text_normalizer();
    std::string out;
    tiny_ticket::normalizer_scratch scratch;
    std::size_t i = 0;
    for (auto _ : state) {
        norm.normalize(r.texts[i], out, scratch);
        benchmark::DoNotOptimize(out.data());
        if (++i == r.texts.size()) i = 0;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_reference_normalize);

// Normalization, tokenization and feature extraction: everything before the network.
void BM_reference_features(benchmark::State& state) {
    if (!usable(state)) return;
    const auto& r = reference();
    auto ws = r.clf().make_workspace();
    std::size_t i = 0;
    for (auto _ : state) {
        r.clf().featurize(r.texts[i], ws);
        benchmark::DoNotOptimize(ws.features.index.data());
        if (++i == r.texts.size()) i = 0;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_reference_features);

// Network forward pass (trunk and fused heads, raw logits) on features
// computed beforehand; excludes the output softmax/sigmoid.
void BM_reference_network(benchmark::State& state) {
    if (!usable(state)) return;
    const auto& r = reference();
    std::vector<tiny_ticket::basic_feature_vector<float>> feats;
    feats.reserve(r.texts.size());
    auto ws = r.clf().make_workspace();
    for (const auto& t : r.texts) {
        r.clf().featurize(t, ws);
        feats.push_back(ws.features);
    }
    tiny_ticket::nn::network_scratch<float> scratch;
    const auto& net = r.clf().network();
    net.prepare(scratch);
    std::size_t i = 0;
    for (auto _ : state) {
        net.forward(feats[i], scratch);
        benchmark::DoNotOptimize(scratch.logits.data());
        if (++i == feats.size()) i = 0;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_reference_network);

// The per-ticket latency distribution over the golden set: every text is
// timed on its own, in order (as a stream of tickets arrives), once per pass;
// a text's time is its median over the passes, minus the cost of reading the
// clock. Counters give the median, mean, 99th percentile and maximum of the
// per-ticket times in microseconds, and the longest text's time.
void BM_reference_predict_distribution(benchmark::State& state) {
    if (!usable(state)) return;
    const auto& r = reference();
    auto ws = r.clf().make_workspace();
    using clock = std::chrono::steady_clock;
    const double overhead = tiny_ticket_bench::clock_overhead_us();
    const std::size_t n = r.texts.size();
    std::vector<std::vector<double>> us(n);
    for (auto _ : state) {
        for (std::size_t i = 0; i < n; ++i) {
            const auto t0 = clock::now();
            benchmark::DoNotOptimize(r.clf().predict(r.texts[i], ws).heads.data());
            const auto t1 = clock::now();
            us[i].push_back(std::max(0.0, std::chrono::duration<double, std::micro>(t1 - t0).count() - overhead));
        }
    }
    std::vector<double> per_text(n);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        auto& v = us[i];
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
        per_text[i] = v[v.size() / 2];
        sum += per_text[i];
    }
    const double longest = per_text[r.longest];
    std::sort(per_text.begin(), per_text.end());
    state.counters["median_us"] = per_text[n / 2];
    state.counters["mean_us"] = sum / static_cast<double>(n);
    state.counters["p99_us"] = per_text[std::min(n - 1, n * 99 / 100)];
    state.counters["max_us"] = per_text[n - 1];
    state.counters["longest_text_us"] = longest;
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_reference_predict_distribution)->Unit(benchmark::kMillisecond)->Iterations(5);

// The longest golden text (a 3,000-word ticket) on its own.
void BM_reference_predict_longest(benchmark::State& state) {
    if (!usable(state)) return;
    const auto& r = reference();
    auto ws = r.clf().make_workspace();
    const std::string& text = r.texts[r.longest];
    for (auto _ : state) benchmark::DoNotOptimize(r.clf().predict(text, ws).heads.data());
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_reference_predict_longest)->Unit(benchmark::kMicrosecond);

// Loading the reference artifact from disk: read, parse, convert, validate,
// build lookup tables and prepared weights.
void BM_reference_load(benchmark::State& state) {
    const auto path = reference_dir / "model.json";
    if (!std::filesystem::exists(path)) {
        state.SkipWithError("reference artifact not found");
        return;
    }
    for (auto _ : state) {
        auto clf = tiny_ticket::load_classifier(path);
        benchmark::DoNotOptimize(&clf);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_reference_load)->Unit(benchmark::kMillisecond);

}  // namespace
