// SPDX-License-Identifier: MIT
// Trains on public intent data (BANKING77, CLINC150 in-scope) with the
// project's own trainer and reports test accuracy, macro-F1, training time,
// artifact size and per-ticket predict time.
//
//   tiny_ticket_train_real [--dataset banking77|clinc150|all] [--tune]
//                          [--config JSON] [--seed N] [--threads N] [--save DIR]
//
// --tune trains on 90% of the official train split and reports on the other
// 10% (a stratified, fixed carve-out): settings are chosen there. Without
// --tune the model is trained on the whole train split (its own held-out
// 10% drives early stopping) and scored once on the official test split.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <ctime>

#include <nlohmann/json.hpp>
#include <tiny_ticket/tiny_ticket.hpp>
#include <tiny_ticket/train/data.hpp>
#include <tiny_ticket/train/evaluate.hpp>
#include <tiny_ticket/train/trainer.hpp>
#include <tiny_ticket/train/word_vectors.hpp>

#include "../examples/tiny-ticket/train_config_json.hpp"

#ifndef TINY_TICKET_SHARED_DIR
#define TINY_TICKET_SHARED_DIR "../shared"
#endif

namespace tt = tiny_ticket;
namespace tr = tiny_ticket::train;

namespace {

struct splits {
    tr::dataset train, test;
};

splits load_banking77(const std::string& dir) {
    tr::read_options opt;
    opt.columns = {{"category", "intent"}};
    splits s;
    tr::read_data_file(dir + "/train.csv", opt, s.train);
    tr::read_data_file(dir + "/test.csv", opt, s.test);
    return s;
}

splits load_clinc150(const std::string& dir) {
    std::ifstream in(dir + "/data_full.json");
    if (!in) throw std::runtime_error("cannot open " + dir + "/data_full.json");
    const auto j = nlohmann::json::parse(in);
    splits s;
    auto fill = [&](const char* key, tr::dataset& d) {
        std::size_t i = 0;
        for (const auto& item : j.at(key))
            d.rows.push_back({item.at(0).get<std::string>(), {{"intent", item.at(1).get<std::string>()}},
                              std::string("data_full.json:") + key + "/" + std::to_string(i++)});
    };
    fill("train", s.train);  // in-scope only: oos_* are left out
    fill("test", s.test);
    return s;
}

// A fixed stratified 10% carve-out of train for tuning (independent of the training seed).
void carve(const tr::dataset& all, tr::dataset& fit, tr::dataset& valid) {
    std::map<std::string, std::vector<std::size_t>> by_label;
    for (std::size_t i = 0; i < all.rows.size(); ++i) by_label[*all.rows[i].label("intent")].push_back(i);
    tr::rng g(20240601);
    std::vector<bool> is_valid(all.rows.size(), false);
    for (auto& [label, idx] : by_label) {
        (void)label;
        g.shuffle(idx);
        const std::size_t n = (idx.size() + 5) / 10;
        for (std::size_t k = 0; k < n; ++k) is_valid[idx[k]] = true;
    }
    for (std::size_t i = 0; i < all.rows.size(); ++i) (is_valid[i] ? valid : fit).rows.push_back(all.rows[i]);
}

// CPU time, so results stay comparable on a machine shared with other jobs.
double cpu_seconds(clockid_t clock) {
    timespec ts{};
    clock_gettime(clock, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double predict_us(const tt::classifier& clf, const tr::dataset& d) {
    auto ws = clf.make_workspace();
    for (const auto& r : d.rows) (void)clf.predict(r.text, ws);
    std::vector<double> per_pass;
    float sink = 0;
    for (int pass = 0; pass < 7; ++pass) {
        const double t0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
        for (const auto& r : d.rows) sink += clf.predict(r.text, ws).heads[0].confidence;
        const double s = cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - t0;
        per_pass.push_back(s * 1e6 / static_cast<double>(d.rows.size()));
    }
    if (sink < 0) std::puts("");
    // The fastest pass: the machine is shared, and slower passes measure other load.
    return *std::min_element(per_pass.begin(), per_pass.end());
}

int run(const std::string& name, const splits& data, const cli::train_settings& settings, bool tune,
        const std::string& save_dir) {
    tr::dataset fit, valid;
    if (tune) carve(data.train, fit, valid);
    const tr::dataset& train = tune ? fit : data.train;
    const tr::dataset& test = tune ? valid : data.test;
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
    auto progress = [&](const tr::epoch_report& e) {
        if (e.refit) {  // no validation rows left to score
            std::fprintf(stderr, "  [%s] m%zu refit epoch %zu loss %.4f %.2fs\n", name.c_str(), e.member, e.epoch,
                         e.train_loss, e.seconds);
            return;
        }
        std::fprintf(stderr, "  [%s] m%zu epoch %zu loss %.4f valid-F1 %.4f acc %.4f %.2fs%s\n", name.c_str(), e.member, e.epoch,
                     e.train_loss, e.valid_mean_macro_f1, e.valid_accuracy.empty() ? 0.0 : e.valid_accuracy[0].second,
                     e.seconds, e.best ? " *" : "");
    };
    auto res = tr::train_model<float>(train, settings.train, progress);
    const double train_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double train_cpu = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    const std::string artifact = tt::save_model_to_string(res.model);
    const auto clf = tt::load_classifier_from_string(artifact);
    const auto ev = tr::evaluate(clf, test.rows, 1);
    const auto& h = ev.metrics.heads.front();
    const double us = predict_us(clf, test);
    double nnz = 0;
    {
        auto ws = clf.make_workspace();
        for (const auto& r : test.rows) {
            clf.featurize(r.text, ws);
            nnz += static_cast<double>(ws.features.index.size());
        }
        nnz /= static_cast<double>(test.rows.size());
    }
    std::printf("%-10s %-5s accuracy %.4f  macro-F1 %.4f  (n=%zu)  train %.1fs wall %.1fs cpu (%zu epochs, best %zu)  artifact %.1f MB"
                "  predict %.2f us/ticket (%.0f active features)  train/valid rows %zu/%zu\n",
                name.c_str(), tune ? "VALID" : "TEST", h.accuracy, h.macro_f1, h.examples, train_s, train_cpu, res.epochs.size(),
                res.best_epoch, static_cast<double>(artifact.size()) / 1e6, us, nnz, res.train_examples, res.validation_examples);
    if (!res.vectors.empty()) {
        std::printf("%-10s embeddings %s (%zu words x %zu)", name.c_str(), res.vectors.c_str(),
                    res.model.features.embedding.vocab.size(), res.model.features.embedding.dim);
        for (const auto& t : res.vectors_trials) std::printf("  valid-F1 %s %.4f", t.variant.c_str(), t.valid_mean_macro_f1);
        std::printf("\n");
    }
    std::fflush(stdout);
    // Saved after the report, so a bad --save path never costs the figures.
    if (!save_dir.empty()) tt::save_model(res.model, save_dir + "/" + name + ".json");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string which = "all", config, save_dir;
    bool tune = false;
    cli::train_settings settings;
    long long seed = -1, threads = -1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "missing value after " << a << "\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--dataset") which = next();
        else if (a == "--tune") tune = true;
        else if (a == "--config") config = next();
        else if (a == "--save") save_dir = next();
        else if (a == "--seed") seed = std::atoll(next().c_str());
        else if (a == "--threads") threads = std::atoll(next().c_str());
        else {
            std::cerr << "usage: tiny_ticket_train_real [--dataset banking77|clinc150|all] [--tune] [--config JSON] "
                         "[--seed N] [--threads N] [--save DIR]\n";
            return a == "--help" ? 0 : 2;
        }
    }
    try {
        if (!config.empty()) cli::apply_train_config(config, settings);
        // features.embedding.pretrained: a word-vector file, always used (the
        // validation split chooses frozen or fine-tuned unless "freeze" says).
        if (settings.vectors && *settings.vectors != "none")
            settings.train.vectors = std::make_shared<const tr::word_vectors>(tr::load_word_vectors(*settings.vectors));
        if (seed >= 0) settings.train.seed = static_cast<std::uint64_t>(seed);
        if (threads >= 0) settings.train.threads = static_cast<unsigned>(threads);
        if (!save_dir.empty()) std::filesystem::create_directories(save_dir);
        if (which != "banking77" && which != "clinc150" && which != "all") {
            std::cerr << "--dataset: expected banking77, clinc150 or all, got \"" << which << "\"\n";
            return 2;
        }
        const std::string shared = TINY_TICKET_SHARED_DIR;
        if (which == "banking77" || which == "all") run("banking77", load_banking77(shared + "/data/banking77"), settings, tune, save_dir);
        if (which == "clinc150" || which == "all") run("clinc150", load_clinc150(shared + "/data/clinc150"), settings, tune, save_dir);
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
