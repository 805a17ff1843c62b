// SPDX-License-Identifier: MIT
// Per-ticket predict on the shipped model: float, int8 weight-only and full
// int8, in one run over the same texts (the hand-written evaluation set,
// cycled), so the three are compared under the same machine load. Counters:
// bytes the loaded model holds (model_bytes) and the share of tickets whose
// labels on every head equal the float model's (agree).
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

namespace {

const std::filesystem::path source_dir = TINY_TICKET_SOURCE_DIR;

struct quant_data {
    bool ok = false;
    std::string why;
    std::optional<tiny_ticket::classifier> models[3];  // float, weight-only, full
    std::vector<std::string> texts;
    double agree[3] = {1, 0, 0};
};

const quant_data& data() {
    static const quant_data d = [] {
        quant_data r;
        const char* model_env = std::getenv("TINY_TICKET_QUANT_MODEL");
        const char* texts_env = std::getenv("TINY_TICKET_QUANT_TEXTS");
        const std::filesystem::path model =
            model_env && *model_env ? model_env : source_dir / "models" / "tiny_ticket-default-v3.json";
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

// state.range(0): 0 float, 1 int8 weight-only, 2 full int8.
void BM_quant_predict(benchmark::State& state) {
    const auto& d = data();
    if (!d.ok) {
        state.SkipWithError(d.why.c_str());
        return;
    }
    const auto k = static_cast<std::size_t>(state.range(0));
    const auto& clf = *d.models[k];
    auto ws = clf.make_workspace();
    for (const auto& t : d.texts) (void)clf.predict(t, ws);
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(clf.predict(d.texts[i], ws).heads.data());
        if (++i == d.texts.size()) i = 0;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["model_bytes"] = static_cast<double>(clf.memory_bytes());
    state.counters["agree"] = d.agree[k];
    state.SetLabel(k == 0 ? "float" : k == 1 ? "int8 weight-only" : "int8 full");
}
BENCHMARK(BM_quant_predict)->Arg(0)->Arg(1)->Arg(2);

// The network alone on precomputed features of every text: the part int8 changes.
void BM_quant_network(benchmark::State& state) {
    const auto& d = data();
    if (!d.ok) {
        state.SkipWithError(d.why.c_str());
        return;
    }
    const auto k = static_cast<std::size_t>(state.range(0));
    const auto& clf = *d.models[k];
    std::vector<tiny_ticket::basic_feature_vector<float>> feats;
    auto ws = clf.make_workspace();
    for (const auto& t : d.texts) {
        clf.featurize(t, ws);
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
    state.SetLabel(k == 0 ? "float" : k == 1 ? "int8 weight-only" : "int8 full");
}
BENCHMARK(BM_quant_network)->Arg(0)->Arg(1)->Arg(2);

}  // namespace
