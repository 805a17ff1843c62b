// SPDX-License-Identifier: MIT
// The shipped model (models/tiny_ticket-default-v6.json) on the hand-written
// evaluation tickets (tests/data/eval_tickets.jsonl, 404 tickets of 2-40
// words, English and Hinglish), both read at run time: every stage of
// predict, whole predicts in float and double, artifact loading, and
// throughput over threads against one shared const model.
//
// This file replaces the global operator new (every form) with a counting
// one, so the predict benchmarks can show that a warmed-up predict does not
// touch the heap (`allocs_per_predict`).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <tiny_ticket/artifact.hpp>
#include <tiny_ticket/classifier.hpp>

// ---------------------------------------------------------------------------
// Counting allocator. Per thread, so threads of the scaling benchmarks do not
// share (and contend on) one counter; a predict runs on the calling thread.

#include "bench_text.hpp"

namespace {
thread_local std::uint64_t allocations = 0;

void* counted_alloc(std::size_t n) noexcept {
    ++allocations;
    return std::malloc(n ? n : 1);
}

void* counted_aligned_alloc(std::size_t n, std::align_val_t al) noexcept {
    ++allocations;
    void* p = nullptr;
    const std::size_t a = std::max(static_cast<std::size_t>(al), sizeof(void*));
    return posix_memalign(&p, a, n ? n : 1) == 0 ? p : nullptr;
}

// Out of line: once inlined into a caller, GCC pairs the free() with the
// operator new that produced the pointer and warns about a mismatch.
#if defined(__GNUC__)
__attribute__((noinline))
#endif
void counted_free(void* p) noexcept { std::free(p); }

void* or_throw(void* p) {
    if (!p) throw std::bad_alloc();
    return p;
}
}  // namespace

void* operator new(std::size_t n) { return or_throw(counted_alloc(n)); }
void* operator new[](std::size_t n) { return or_throw(counted_alloc(n)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new(std::size_t n, std::align_val_t al) { return or_throw(counted_aligned_alloc(n, al)); }
void* operator new[](std::size_t n, std::align_val_t al) { return or_throw(counted_aligned_alloc(n, al)); }
void* operator new(std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept { return counted_aligned_alloc(n, al); }
void* operator new[](std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept { return counted_aligned_alloc(n, al); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_free(p); }

namespace {

// TINY_TICKET_SHIPPED_MODEL times another artifact of the same heads (an
// earlier default, a retrained one) with the same binary and texts.
const std::filesystem::path shipped_model_path = [] {
    const char* env = std::getenv("TINY_TICKET_SHIPPED_MODEL");
    return env && *env ? std::filesystem::path(env)
                       : std::filesystem::path(TINY_TICKET_SOURCE_DIR) / "models" / "tiny_ticket-default-v6.json";
}();
const std::filesystem::path eval_path = std::filesystem::path(TINY_TICKET_SOURCE_DIR) / "tests" / "data" / "eval_tickets.jsonl";

using tiny_ticket_bench::count_words;

struct corpus {
    bool ok = false;
    std::string why;
    std::vector<std::string> texts;
    std::vector<std::string> twenty_words;  ///< the tickets of 18-22 words
    std::size_t bytes = 0;
};

const corpus& eval_corpus() {
    static const corpus data = [] {
        corpus c;
        std::ifstream in(eval_path);
        if (!in) {
            c.why = "cannot read " + eval_path.string();
            return c;
        }
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty()) continue;
            c.texts.push_back(nlohmann::json::parse(line).at("text").get<std::string>());
            c.bytes += c.texts.back().size();
            const std::size_t w = count_words(c.texts.back());
            if (w >= 18 && w <= 22) c.twenty_words.push_back(c.texts.back());
        }
        c.ok = !c.texts.empty() && !c.twenty_words.empty();
        if (!c.ok) c.why = "no tickets in " + eval_path.string();
        return c;
    }();
    return data;
}

template <class T>
const std::optional<tiny_ticket::basic_classifier<T>>& shipped() {
    static const std::optional<tiny_ticket::basic_classifier<T>> clf = []() -> std::optional<tiny_ticket::basic_classifier<T>> {
        if (!std::filesystem::exists(shipped_model_path)) return std::nullopt;
        return tiny_ticket::load_classifier<T>(shipped_model_path);
    }();
    return clf;
}

template <class T = float>
bool usable(benchmark::State& state) {
    if (!eval_corpus().ok) {
        state.SkipWithError(eval_corpus().why.c_str());
        return false;
    }
    if (!shipped<T>()) {
        state.SkipWithError("shipped model not found");
        return false;
    }
    return true;
}

// Items, bytes (of the input texts) and heap allocations per iteration.
void report(benchmark::State& state, std::size_t items_per_iter, std::size_t bytes, std::uint64_t allocs) {
    const auto iters = static_cast<double>(state.iterations());
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(items_per_iter));
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.counters["allocs_per_iter"] = iters > 0 ? static_cast<double>(allocs) / iters : 0.0;
}

// Normalization only.
void BM_shipped_normalize(benchmark::State& state) {
    if (!usable(state)) return;
    const auto& texts = eval_corpus().texts;
    const auto& norm = shipped<float>()->text_normalizer();
    std::string out;
    out.reserve(8192);
    tiny_ticket::normalizer_scratch scratch;
    for (const auto& t : texts) norm.normalize(t, out, scratch);
    std::size_t i = 0, bytes = 0;
    const std::uint64_t a0 = allocations;
    for (auto _ : state) {
        norm.normalize(texts[i], out, scratch);
        benchmark::DoNotOptimize(out.data());
        bytes += texts[i].size();
        if (++i == texts.size()) i = 0;
    }
    report(state, 1, bytes, allocations - a0);
}
BENCHMARK(BM_shipped_normalize);

// Tokenization and feature extraction on already normalized text; with
// /folded:1 the form predict() computes (basic_featurizer::extract_folded).
void BM_shipped_tokenize_features(benchmark::State& state) {
    const bool folded = state.range(0) != 0;
    if (!usable(state)) return;
    const auto& clf = *shipped<float>();
    std::vector<std::string> normalized;
    for (const auto& t : eval_corpus().texts) normalized.push_back(clf.normalize(t));
    auto ws = clf.make_workspace();
    const auto& feat = clf.featurizer();
    for (const auto& n : normalized) {
        tiny_ticket::normalizer::tokenize(n, ws.tokens);
        feat.extract(n, ws.tokens, ws.features, ws.feat);
    }
    auto extract = [&](const std::string& n) {
        if (folded) feat.extract_folded(n, ws.tokens, ws.features, ws.feat);
        else feat.extract(n, ws.tokens, ws.features, ws.feat);
    };
    std::size_t i = 0, bytes = 0;
    const std::uint64_t a0 = allocations;
    for (auto _ : state) {
        tiny_ticket::normalizer::tokenize(normalized[i], ws.tokens);
        extract(normalized[i]);
        benchmark::DoNotOptimize(ws.features.index.data());
        bytes += normalized[i].size();
        if (++i == normalized.size()) i = 0;
    }
    report(state, 1, bytes, allocations - a0);
}
BENCHMARK(BM_shipped_tokenize_features)->ArgName("folded")->Arg(0)->Arg(1);

// Network forward pass (trunk and fused heads, raw logits) on features
// computed beforehand; /folded:1 on the form predict() computes.
template <class T>
void BM_shipped_network(benchmark::State& state) {
    if (!usable<T>(state)) return;
    const auto& clf = *shipped<T>();
    std::vector<tiny_ticket::basic_feature_vector<T>> feats;
    auto ws = clf.make_workspace();
    for (const auto& t : eval_corpus().texts) {
        if (state.range(0) != 0) (void)clf.predict(t, ws);
        else clf.featurize(t, ws);
        feats.push_back(ws.features);
    }
    tiny_ticket::nn::network_scratch<T> scratch;
    const auto& net = clf.network();
    net.prepare(scratch);
    for (const auto& f : feats) net.forward(f, scratch);
    std::size_t i = 0;
    const std::uint64_t a0 = allocations;
    for (auto _ : state) {
        net.forward(feats[i], scratch);
        benchmark::DoNotOptimize(scratch.logits.data());
        if (++i == feats.size()) i = 0;
    }
    report(state, 1, 0, allocations - a0);
}
BENCHMARK_TEMPLATE(BM_shipped_network, float)->ArgName("folded")->Arg(0)->Arg(1);
BENCHMARK_TEMPLATE(BM_shipped_network, double)->ArgName("folded")->Arg(0)->Arg(1);

// The network's two parts on the features predict() computes: the trunk
// alone (first-layer gather, ReLU, any further dense layers), and the fused
// heads alone on trunk outputs computed beforehand (raw logits of all five
// heads; softmax/sigmoid and labels are part of predict).
template <class T>
std::vector<tiny_ticket::basic_feature_vector<T>> shipped_folded_features() {
    const auto& clf = *shipped<T>();
    std::vector<tiny_ticket::basic_feature_vector<T>> feats;
    auto ws = clf.make_workspace();
    for (const auto& t : eval_corpus().texts) {
        (void)clf.predict(t, ws);
        feats.push_back(ws.features);
    }
    return feats;
}

template <class T>
void BM_shipped_trunk(benchmark::State& state) {
    if (!usable<T>(state)) return;
    const auto feats = shipped_folded_features<T>();
    const auto& net = shipped<T>()->network();
    tiny_ticket::nn::network_scratch<T> scratch;
    for (const auto& f : feats) (void)net.forward_trunk(f, scratch);
    std::size_t i = 0;
    const std::uint64_t a0 = allocations;
    for (auto _ : state) {
        benchmark::DoNotOptimize(net.forward_trunk(feats[i], scratch));
        if (++i == feats.size()) i = 0;
    }
    report(state, 1, 0, allocations - a0);
}
BENCHMARK_TEMPLATE(BM_shipped_trunk, float);
BENCHMARK_TEMPLATE(BM_shipped_trunk, double);

template <class T>
void BM_shipped_heads(benchmark::State& state) {
    if (!usable<T>(state)) return;
    const auto& net = shipped<T>()->network();
    tiny_ticket::nn::network_scratch<T> scratch;
    std::vector<std::vector<T>> trunks;
    for (const auto& f : shipped_folded_features<T>()) {
        const T* t = net.forward_trunk(f, scratch);
        trunks.emplace_back(t, t + net.trunk_width());
    }
    std::size_t i = 0;
    const std::uint64_t a0 = allocations;
    for (auto _ : state) {
        net.forward_heads(trunks[i].data(), scratch);
        benchmark::DoNotOptimize(scratch.logits.data());
        if (++i == trunks.size()) i = 0;
    }
    report(state, 1, 0, allocations - a0);
}
BENCHMARK_TEMPLATE(BM_shipped_heads, float);
BENCHMARK_TEMPLATE(BM_shipped_heads, double);

// Whole predict (normalize, tokenize, features, network, softmax/sigmoid of
// five heads) cycling through `texts` after one warm-up pass.
template <class T>
void predict_loop(benchmark::State& state, const std::vector<std::string>& texts) {
    const auto& clf = *shipped<T>();
    auto ws = clf.make_workspace();
    for (const auto& t : texts) (void)clf.predict(t, ws);
    std::size_t i = 0, bytes = 0;
    const std::uint64_t a0 = allocations;
    for (auto _ : state) {
        benchmark::DoNotOptimize(clf.predict(texts[i], ws).heads.data());
        bytes += texts[i].size();
        if (++i == texts.size()) i = 0;
    }
    const std::uint64_t allocs = allocations - a0;
    report(state, 1, bytes, allocs);
    if (allocs != 0) state.SetLabel("predict allocated after warm-up");
}

// Every evaluation ticket in turn: the mean cost per ticket of the set.
template <class T>
void BM_shipped_predict(benchmark::State& state) {
    if (!usable<T>(state)) return;
    predict_loop<T>(state, eval_corpus().texts);
}
BENCHMARK_TEMPLATE(BM_shipped_predict, float);
BENCHMARK_TEMPLATE(BM_shipped_predict, double);

// Only the tickets of 18-22 words (the "ticket of ~20 words" target).
template <class T>
void BM_shipped_predict_20_words(benchmark::State& state) {
    if (!usable<T>(state)) return;
    predict_loop<T>(state, eval_corpus().twenty_words);
}
BENCHMARK_TEMPLATE(BM_shipped_predict_20_words, float);
BENCHMARK_TEMPLATE(BM_shipped_predict_20_words, double);

// Per-ticket latency distribution: each ticket timed on its own, in file
// order, once per pass; a ticket's time is its median over the passes minus
// the cost of reading the clock. Counters in microseconds: median, p99 and
// max over all tickets, and the median over the 18-22-word tickets.
template <class T>
void BM_shipped_predict_distribution(benchmark::State& state) {
    if (!usable<T>(state)) return;
    const auto& clf = *shipped<T>();
    const auto& c = eval_corpus();
    auto ws = clf.make_workspace();
    using clock = std::chrono::steady_clock;
    const double overhead = tiny_ticket_bench::clock_overhead_us();
    const std::size_t n = c.texts.size();
    std::vector<std::vector<double>> us(n);
    for (const auto& t : c.texts) (void)clf.predict(t, ws);
    for (auto _ : state) {
        for (std::size_t i = 0; i < n; ++i) {
            const auto t0 = clock::now();
            benchmark::DoNotOptimize(clf.predict(c.texts[i], ws).heads.data());
            const auto t1 = clock::now();
            us[i].push_back(std::max(0.0, std::chrono::duration<double, std::micro>(t1 - t0).count() - overhead));
        }
    }
    std::vector<double> per_text(n), twenty;
    for (std::size_t i = 0; i < n; ++i) {
        auto& v = us[i];
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
        per_text[i] = v[v.size() / 2];
        const std::size_t w = count_words(c.texts[i]);
        if (w >= 18 && w <= 22) twenty.push_back(per_text[i]);
    }
    std::sort(per_text.begin(), per_text.end());
    std::sort(twenty.begin(), twenty.end());
    state.counters["median_us"] = per_text[n / 2];
    state.counters["p99_us"] = per_text[std::min(n - 1, n * 99 / 100)];
    state.counters["max_us"] = per_text[n - 1];
    state.counters["median_20w_us"] = twenty.empty() ? 0.0 : twenty[twenty.size() / 2];
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
}
BENCHMARK_TEMPLATE(BM_shipped_predict_distribution, float)->Unit(benchmark::kMillisecond)->Iterations(21);
BENCHMARK_TEMPLATE(BM_shipped_predict_distribution, double)->Unit(benchmark::kMillisecond)->Iterations(21);

// Where the per-ticket time goes when a text is new to the branch
// predictor: the 18-22-word tickets alone, each timed on its own, 21 passes;
// with `shuffled:1` each pass gets the words of every ticket in a new order
// (same words, so the same vocabulary records, table rows and cache
// footprint; only the sequence of data-dependent branches is new). Counter
// `median_us`: median over tickets of each ticket's median time.
template <class T>
void BM_shipped_predict_distribution_20_words(benchmark::State& state) {
    if (!usable<T>(state)) return;
    const auto& clf = *shipped<T>();
    const auto& c = eval_corpus();
    const bool shuffled = state.range(0) != 0;
    constexpr int passes = 21;
    const std::size_t n = c.twenty_words.size();
    std::vector<std::vector<std::string>> texts(passes, c.twenty_words);
    std::mt19937_64 rng(7);
    if (shuffled)
        for (auto& pass : texts)
            for (auto& t : pass) {
                std::vector<std::string> words;
                std::istringstream in(t);
                for (std::string w; in >> w;) words.push_back(w);
                std::shuffle(words.begin(), words.end(), rng);
                t.clear();
                for (const auto& w : words) t += (t.empty() ? "" : " ") + w;
            }
    auto ws = clf.make_workspace();
    using clock = std::chrono::steady_clock;
    const double overhead = tiny_ticket_bench::clock_overhead_us();
    for (const auto& t : c.texts) (void)clf.predict(t, ws);
    std::vector<std::vector<double>> us(n);
    for (auto _ : state) {
        for (const auto& pass : texts)
            for (std::size_t i = 0; i < n; ++i) {
                const auto t0 = clock::now();
                benchmark::DoNotOptimize(clf.predict(pass[i], ws).heads.data());
                const auto t1 = clock::now();
                us[i].push_back(std::max(0.0, std::chrono::duration<double, std::micro>(t1 - t0).count() - overhead));
            }
    }
    std::vector<double> per_text(n);
    for (std::size_t i = 0; i < n; ++i) {
        auto& v = us[i];
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
        per_text[i] = v[v.size() / 2];
    }
    std::sort(per_text.begin(), per_text.end());
    state.counters["median_us"] = per_text[n / 2];
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * passes * static_cast<std::int64_t>(n));
}
BENCHMARK_TEMPLATE(BM_shipped_predict_distribution_20_words, float)
    ->ArgName("shuffled")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

// Loading the shipped artifact: read the file, parse, decode the weights,
// validate, build lookup tables and prepared weights, run the self-tests.
template <class T>
void BM_shipped_load(benchmark::State& state) {
    if (!std::filesystem::exists(shipped_model_path)) {
        state.SkipWithError("shipped model not found");
        return;
    }
    const auto size = std::filesystem::file_size(shipped_model_path);
    for (auto _ : state) {
        auto clf = tiny_ticket::load_classifier<T>(shipped_model_path);
        benchmark::DoNotOptimize(&clf);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(size));
}
BENCHMARK_TEMPLATE(BM_shipped_load, float)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_shipped_load, double)->Unit(benchmark::kMillisecond);

// The same load split by stage; counters are milliseconds per load: reading
// the file, JSON text to model (parse, convert, decode, free the DOM), and
// building the classifier from the model (validation, tables, self-tests).
void BM_shipped_load_stages(benchmark::State& state) {
    if (!std::filesystem::exists(shipped_model_path)) {
        state.SkipWithError("shipped model not found");
        return;
    }
    using clock = std::chrono::steady_clock;
    double read_ms = 0, model_ms = 0, build_ms = 0;
    auto ms = [](clock::time_point a, clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
    for (auto _ : state) {
        const auto t0 = clock::now();
        const std::string text = tiny_ticket::detail::read_file(shipped_model_path, std::size_t(1) << 30);
        const auto t1 = clock::now();
        auto m = tiny_ticket::load_model_from_string<float>(text);
        const auto t2 = clock::now();
        tiny_ticket::classifier clf(std::move(m));
        const auto t3 = clock::now();
        benchmark::DoNotOptimize(&clf);
        read_ms += ms(t0, t1);
        model_ms += ms(t1, t2);
        build_ms += ms(t2, t3);
    }
    const auto n = static_cast<double>(state.iterations());
    state.counters["read_ms"] = read_ms / n;
    state.counters["parse_convert_ms"] = model_ms / n;
    state.counters["classifier_ms"] = build_ms / n;
}
BENCHMARK(BM_shipped_load_stages)->Unit(benchmark::kMillisecond);

unsigned hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

void thread_counts(benchmark::internal::Benchmark* b) {
    for (unsigned t = 1; t <= hardware_threads(); ++t) b->Arg(static_cast<std::int64_t>(t));
}

// predict_batch over all evaluation tickets with 1..N threads (N = hardware
// threads) against one const classifier; wall-clock time, so items/s is the
// throughput. Includes starting the threads and copying each result out.
void BM_shipped_predict_batch(benchmark::State& state) {
    if (!usable(state)) return;
    const auto& clf = *shipped<float>();
    const auto& c = eval_corpus();
    const auto threads = static_cast<unsigned>(state.range(0));
    for (auto _ : state) {
        auto out = clf.predict_batch(c.texts, threads);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(c.texts.size()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(c.bytes));
}
BENCHMARK(BM_shipped_predict_batch)->Apply(thread_counts)->UseRealTime()->Unit(benchmark::kMicrosecond);

// The serving pattern: N threads, each with its own workspace, calling
// predict(text, workspace) on one shared const classifier. items/s sums the
// threads (wall-clock time).
void BM_shipped_predict_threads(benchmark::State& state) {
    if (!usable(state)) return;
    const auto& clf = *shipped<float>();
    const auto& texts = eval_corpus().texts;
    auto ws = clf.make_workspace();
    for (const auto& t : texts) (void)clf.predict(t, ws);
    std::size_t i = static_cast<std::size_t>(state.thread_index()) * 97 % texts.size(), bytes = 0;
    const std::uint64_t a0 = allocations;
    for (auto _ : state) {
        benchmark::DoNotOptimize(clf.predict(texts[i], ws).heads.data());
        bytes += texts[i].size();
        if (++i == texts.size()) i = 0;
    }
    report(state, 1, bytes, allocations - a0);
}
BENCHMARK(BM_shipped_predict_threads)->DenseThreadRange(1, static_cast<int>(hardware_threads()))->UseRealTime();

}  // namespace
