// SPDX-License-Identifier: MIT
// Loading a large artifact: the shape `tiny-ticket train` gives BANKING77 with
// its defaults (2,218-word bag of words, 6,186 bigrams, character 2-5-grams in
// 4,096 buckets: a 12,500 -> 64 trunk, one 77-label head; 4.4 MB of JSON,
// nearly all of it the base64 first layer). The artifact is built in code
// with seeded random weights, so the benchmark needs no dataset;
// TINY_TICKET_LOAD_MODEL=path times a real file instead (e.g. the model
// bench/bulk_vs_fasttext.sh trains).

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>

#include <tiny_ticket/artifact.hpp>
#include <tiny_ticket/classifier.hpp>

namespace {

// Distinct lowercase words: "wa", "wb", ... in base 26.
std::string synthetic_word(std::size_t i) {
    std::string w = "w";
    do {
        w += static_cast<char>('a' + i % 26);
        i /= 26;
    } while (i);
    return w;
}

std::string banking77_size_artifact() {
    using namespace tiny_ticket;
    std::mt19937 rng(77);
    std::normal_distribution<float> weight(0.0f, 0.05f);
    model m;
    m.producer = "bench_load";
    auto& f = m.features;
    for (std::size_t i = 0; i < 2218; ++i) f.bow.vocab.push_back(synthetic_word(i));
    // Word a followed by a + 1, a + 32 or a + 63: 6,186 distinct pairs.
    for (std::size_t i = 0; i < 6186; ++i) {
        const std::size_t a = i % 2218, b = (a + 1 + 31 * (i / 2218)) % 2218;
        f.bigrams.vocab.push_back(synthetic_word(a) + " " + synthetic_word(b));
    }
    f.char_ngrams = {2, 5, 4096, count_mode::log1p, true};
    dense_spec<float> first;
    first.in = f.width();
    first.out = 64;
    for (std::size_t i = 0; i < first.in * first.out; ++i) first.weights.push_back(weight(rng));
    for (std::size_t i = 0; i < first.out; ++i) first.bias.push_back(weight(rng));
    m.trunk.emplace_back(std::move(first));
    m.trunk.emplace_back(relu_spec{});
    head_spec<float> h;
    h.name = "category";
    for (std::size_t i = 0; i < 77; ++i) h.labels.push_back("label_" + std::to_string(i));
    h.layer.in = 64;
    h.layer.out = 77;
    for (std::size_t i = 0; i < 64 * 77; ++i) h.layer.weights.push_back(weight(rng));
    for (std::size_t i = 0; i < 77; ++i) h.layer.bias.push_back(weight(rng));
    m.heads.push_back(std::move(h));
    return save_model_to_string(m);
}

const std::string& large_artifact() {
    static const std::string text = [] {
        if (const char* path = std::getenv("TINY_TICKET_LOAD_MODEL"))
            return tiny_ticket::detail::read_file(path, std::size_t(1) << 30);
        return banking77_size_artifact();
    }();
    return text;
}

// JSON text to classifier: parse, decode, validate, build tables and the
// prepared first layer, run self-tests (the file read itself is not timed).
void BM_large_load(benchmark::State& state) {
    const std::string& text = large_artifact();
    for (auto _ : state) {
        auto clf = tiny_ticket::load_classifier_from_string<float>(text);
        benchmark::DoNotOptimize(&clf);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_large_load)->Unit(benchmark::kMillisecond);

// The same split in two; counters in milliseconds per load.
void BM_large_load_stages(benchmark::State& state) {
    const std::string& text = large_artifact();
    using clock = std::chrono::steady_clock;
    double model_ms = 0, build_ms = 0;
    auto ms = [](clock::time_point a, clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
    for (auto _ : state) {
        const auto t0 = clock::now();
        auto m = tiny_ticket::load_model_from_string<float>(text);
        const auto t1 = clock::now();
        tiny_ticket::classifier clf(std::move(m));
        const auto t2 = clock::now();
        benchmark::DoNotOptimize(&clf);
        model_ms += ms(t0, t1);
        build_ms += ms(t1, t2);
    }
    const auto n = static_cast<double>(state.iterations());
    state.counters["artifact_bytes"] = static_cast<double>(text.size());
    state.counters["parse_convert_ms"] = model_ms / n;
    state.counters["classifier_ms"] = build_ms / n;
}
BENCHMARK(BM_large_load_stages)->Unit(benchmark::kMillisecond);

}  // namespace
