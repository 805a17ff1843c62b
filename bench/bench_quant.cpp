// SPDX-License-Identifier: MIT
// Per-ticket predict on the shipped model: float, int8 weight-only and full
// int8, in one run over the same texts (the hand-written evaluation set,
// cycled), so the three are compared under the same machine load. Counters:
// bytes the loaded model holds (model_bytes) and the share of tickets whose
// labels on every head equal the float model's (agree).
// BM_quant_predict_20_words: the same on the tickets of 18-22 words only.
// BM_quant_network: the network alone on the features predict computes
// (folded word rows for every mode when the model folds);
// BM_quant_network_plain: on extract()'s features, one entry per n-gram.
//
// Another float model and text set (JSONL with a "text" field) can be
// measured the same way: TINY_TICKET_QUANT_MODEL=model.json
// TINY_TICKET_QUANT_TEXTS=texts.jsonl tiny_ticket_bench --benchmark_filter=BM_quant

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <tiny_ticket/tiny_ticket.hpp>

#include "bench_text.hpp"

namespace {

const std::filesystem::path source_dir = TINY_TICKET_SOURCE_DIR;

using tiny_ticket_bench::count_words;

struct quant_data {
    bool ok = false;
    std::string why;
    std::optional<tiny_ticket::classifier> models[3];  // float, weight-only, full
    std::vector<std::string> texts;
    std::vector<std::string> twenty_words;  // the texts of 18-22 words
    double agree[3] = {1, 0, 0};
};

const quant_data& data() {
    static const quant_data d = [] {
        quant_data r;
        const char* model_env = std::getenv("TINY_TICKET_QUANT_MODEL");
        const char* texts_env = std::getenv("TINY_TICKET_QUANT_TEXTS");
        const std::filesystem::path model =
            model_env && *model_env ? model_env : source_dir / "models" / "tiny_ticket-default-v6.json";
        const std::filesystem::path eval =
            texts_env && *texts_env ? texts_env : source_dir / "tests" / "data" / "eval_tickets.jsonl";
        if (!std::filesystem::exists(model) || !std::filesystem::exists(eval)) {
            r.why = "model " + model.string() + " or texts " + eval.string() + " not found";
            return r;
        }
        try {
            const auto m = tiny_ticket::load_model(model);
            r.models[0].emplace(m);
            r.models[1].emplace(tiny_ticket::quantize(m, tiny_ticket::quant_mode::weight_only));
            r.models[2].emplace(tiny_ticket::quantize(m, tiny_ticket::quant_mode::full));
            std::ifstream in(eval);
            std::string line;
            std::size_t n = 0;
            while (std::getline(in, line)) {
                ++n;
                if (line.empty()) continue;
                try {
                    r.texts.push_back(nlohmann::json::parse(line).at("text").get<std::string>());
                } catch (const std::exception& e) {
                    throw std::runtime_error(eval.string() + ":" + std::to_string(n) + ": " + e.what());
                }
            }
        } catch (const std::exception& e) {
            r.why = e.what();
            return r;
        }
        for (const auto& t : r.texts) {
            const std::size_t w = count_words(t);
            if (w >= 18 && w <= 22) r.twenty_words.push_back(t);
        }
        r.ok = !r.texts.empty();
        if (!r.ok) r.why = "no texts in " + eval.string();
        auto wf = r.models[0]->make_workspace();
        for (int k = 1; k < 3; ++k) {
            auto wq = r.models[k]->make_workspace();
            std::size_t same = 0;
            for (const auto& t : r.texts) {
                const auto& a = r.models[0]->predict(t, wf);
                const auto& b = r.models[k]->predict(t, wq);
                bool s = true;
                for (std::size_t h = 0; h < a.heads.size(); ++h) s = s && a.heads[h].label_index == b.heads[h].label_index;
                same += s ? 1 : 0;
            }
            r.agree[k] = r.texts.empty() ? 0 : double(same) / double(r.texts.size());
        }
        return r;
    }();
    return d;
}

const char* label(std::size_t k) { return k == 0 ? "float" : k == 1 ? "int8 weight-only" : "int8 full"; }

// state.range(0): 0 float, 1 int8 weight-only, 2 full int8.
void predict_loop(benchmark::State& state, const std::vector<std::string>& texts) {
    const auto& d = data();
    if (!d.ok || texts.empty()) {
        state.SkipWithError(d.ok ? "no texts of 18-22 words" : d.why.c_str());
        return;
    }
    const auto k = static_cast<std::size_t>(state.range(0));
    const auto& clf = *d.models[k];
    auto ws = clf.make_workspace();
    for (const auto& t : texts) (void)clf.predict(t, ws);
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(clf.predict(texts[i], ws).heads.data());
        if (++i == texts.size()) i = 0;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["model_bytes"] = static_cast<double>(clf.memory_bytes());
    state.counters["agree"] = d.agree[k];
    state.SetLabel(label(k));
}

void BM_quant_predict(benchmark::State& state) { predict_loop(state, data().texts); }
BENCHMARK(BM_quant_predict)->Arg(0)->Arg(1)->Arg(2);

void BM_quant_predict_20_words(benchmark::State& state) { predict_loop(state, data().twenty_words); }
BENCHMARK(BM_quant_predict_20_words)->Arg(0)->Arg(1)->Arg(2);

// The network alone on precomputed features of every text: the part int8
// changes. `folded`: the features predict computes (extract_folded() when
// the network folded word rows), else extract()'s.
void network_loop(benchmark::State& state, bool folded) {
    const auto& d = data();
    if (!d.ok) {
        state.SkipWithError(d.why.c_str());
        return;
    }
    const auto k = static_cast<std::size_t>(state.range(0));
    const auto& clf = *d.models[k];
    const bool fold =
        folded && (k == 0 ? clf.network().folded_words() : clf.quantized_network().folded_words()) > 0;
    std::vector<tiny_ticket::basic_feature_vector<float>> feats;
    auto ws = clf.make_workspace();
    std::size_t entries = 0;
    for (const auto& t : d.texts) {
        if (fold) {
            clf.text_normalizer().normalize(t, ws.normalized, ws.norm);
            tiny_ticket::normalizer::tokenize(ws.normalized, ws.tokens);
            clf.featurizer().extract_folded(ws.normalized, ws.tokens, ws.features, ws.feat);
        } else {
            clf.featurize(t, ws);
        }
        entries += ws.features.index.size();
        feats.push_back(ws.features);
    }
    std::size_t i = 0;
    for (auto _ : state) {
        if (k == 0) clf.network().forward(feats[i], ws.net);
        else clf.quantized_network().forward(feats[i], ws.net);
        benchmark::DoNotOptimize(ws.net.logits.data());
        if (++i == feats.size()) i = 0;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["entries"] = static_cast<double>(entries) / static_cast<double>(feats.size());
    state.SetLabel(std::string(label(k)) + (fold ? ", folded" : ""));
}

void BM_quant_network(benchmark::State& state) { network_loop(state, true); }
BENCHMARK(BM_quant_network)->Arg(0)->Arg(1)->Arg(2);

void BM_quant_network_plain(benchmark::State& state) { network_loop(state, false); }
BENCHMARK(BM_quant_network_plain)->Arg(0)->Arg(1)->Arg(2);

}  // namespace
