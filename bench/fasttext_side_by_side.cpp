// SPDX-License-Identifier: MIT
// Side by side with fastText on BANKING77, in one process: both are trained
// on the same train split, evaluated on the same test texts, and timed in
// interleaved passes over those texts, so both see the same machine load.
//
//   tiny_ticket_vs_fasttext [--threads N] [--passes N] [--ft-dim N] [--ft-epoch N] [--ft-lr X]
//                           [--ft-word-ngrams N] [--ft-minn N] [--ft-maxn N] [--ft-bucket N]
//
// tiny_ticket is trained with the defaults of `tiny-ticket train`
// (train_config{}), which hold out 10% of the train split for early stopping;
// fastText trains on the whole train split. fastText gets the usual
// preprocessing (lowercase, punctuation split off) before training and
// predict; its predict time is reported with and without that step, ours
// always includes our normalizer.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include <fasttext/fasttext.h>

#include <tiny_ticket/artifact.hpp>
#include <tiny_ticket/classifier.hpp>
#include <tiny_ticket/train/data.hpp>
#include <tiny_ticket/train/trainer.hpp>

#include "bench_text.hpp"

#ifndef TINY_TICKET_SHARED_DIR
#define TINY_TICKET_SHARED_DIR "../shared"
#endif

namespace tt = tiny_ticket;
namespace tr = tiny_ticket::train;
namespace fs = std::filesystem;

namespace {

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// The preprocessing of fastText's own text-classification examples: lower
// case, and the punctuation . ! ? , ' / ( ) " : ; as separate tokens.
void ft_preprocess(const std::string& in, std::string& out) {
    out.clear();
    for (const char ch : in) {
        const char c = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
        if (c != '\0' && std::strchr(".!?,'/()\":;", c)) {
            out += ' ';
            out += c;
            out += ' ';
        } else if (c == '\n' || c == '\r' || c == '\t') {
            out += ' ';
        } else {
            out += c;
        }
    }
}

struct scores {
    double accuracy = 0, macro_f1 = 0;
};

scores score(const std::vector<std::string>& gold, const std::vector<std::string>& pred) {
    std::map<std::string, std::size_t> tp, fp, fn;
    std::size_t correct = 0;
    for (std::size_t i = 0; i < gold.size(); ++i) {
        tp[gold[i]] += 0;
        if (gold[i] == pred[i]) {
            ++correct;
            ++tp[gold[i]];
        } else {
            ++fn[gold[i]];
            ++fp[pred[i]];
        }
    }
    double f1 = 0;
    for (const auto& [label, t] : tp) {  // macro over the labels of the test split
        const double p = t + fp[label] ? static_cast<double>(t) / static_cast<double>(t + fp[label]) : 0.0;
        const double r = t + fn[label] ? static_cast<double>(t) / static_cast<double>(t + fn[label]) : 0.0;
        f1 += p + r > 0 ? 2 * p * r / (p + r) : 0.0;
    }
    return {static_cast<double>(correct) / static_cast<double>(gold.size()), f1 / static_cast<double>(tp.size())};
}

struct latency {
    double median_us = 0, p99_us = 0, mean_us = 0;
};

// per_pass[p][i]: ticket i's time in pass p. A ticket's time is its median
// over the passes; the result summarizes those over the tickets.
latency summarize(const std::vector<std::vector<double>>& per_pass) {
    const std::size_t n = per_pass.front().size();
    std::vector<double> t(n), v;
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        v.clear();
        for (const auto& p : per_pass) v.push_back(p[i]);
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
        t[i] = v[v.size() / 2];
        sum += t[i];
    }
    std::sort(t.begin(), t.end());
    return {t[n / 2], t[std::min(n - 1, n * 99 / 100)], sum / static_cast<double>(n)};
}

using tiny_ticket_bench::clock_overhead_us;

struct ft_settings {
    int dim = 100, epoch = 50, word_ngrams = 2, minn = 2, maxn = 5, bucket = 200000;
    double lr = 0.5;
};

int run(int argc, char** argv) {
    unsigned threads = 1;
    int passes = 15;
    ft_settings fts;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) {
            std::cerr << "usage: see the comment at the top of fasttext_side_by_side.cpp\n";
            return 2;
        }
        const char* v = argv[++i];
        if (a == "--threads") threads = static_cast<unsigned>(std::atoi(v));
        else if (a == "--passes") passes = std::max(1, std::atoi(v));
        else if (a == "--ft-dim") fts.dim = std::atoi(v);
        else if (a == "--ft-epoch") fts.epoch = std::atoi(v);
        else if (a == "--ft-lr") fts.lr = std::atof(v);
        else if (a == "--ft-word-ngrams") fts.word_ngrams = std::atoi(v);
        else if (a == "--ft-minn") fts.minn = std::atoi(v);
        else if (a == "--ft-maxn") fts.maxn = std::atoi(v);
        else if (a == "--ft-bucket") fts.bucket = std::atoi(v);
        else {
            std::cerr << "unknown option " << a << "\n";
            return 2;
        }
    }

    const std::string dir = std::string(TINY_TICKET_SHARED_DIR) + "/data/banking77";
    if (!fs::exists(dir + "/train.csv") || !fs::exists(dir + "/test.csv")) {
        std::cerr << "BANKING77 not found under " << dir << "\n";
        return 1;
    }
    tr::read_options ropt;
    ropt.columns = {{"category", "intent"}};
    tr::dataset train, test;
    tr::read_data_file(dir + "/train.csv", ropt, train);
    tr::read_data_file(dir + "/test.csv", ropt, test);
    std::vector<std::string> gold;
    for (const auto& r : test.rows) gold.push_back(*r.label("intent"));

    const fs::path tmp = fs::temp_directory_path() / ("tiny_ticket_vs_fasttext_" + std::to_string(::getpid()));
    fs::create_directories(tmp);

    // --- tiny_ticket
    tr::train_config cfg;  // the defaults of `tiny-ticket train`
    cfg.threads = threads;
    std::fprintf(stderr, "training tiny_ticket (defaults, %u thread(s))...\n", cfg.threads);
    auto w0 = std::chrono::steady_clock::now();
    double c0 = cpu_seconds();
    auto res = tr::train_model<float>(train, cfg);
    const double tt_train_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    const double tt_train_cpu = cpu_seconds() - c0;
    const fs::path tt_path = tmp / "tiny_ticket.json";
    tt::save_model(res.model, tt_path);
    const auto tt_bytes = fs::file_size(tt_path);
    const auto clf = tt::load_classifier(tt_path);
    const auto head = static_cast<std::size_t>(clf.head_index("intent"));

    // --- fastText
    const fs::path ft_train = tmp / "train.txt";
    {
        std::ofstream out(ft_train);
        std::string p;
        for (const auto& r : train.rows) {
            ft_preprocess(r.text, p);
            out << "__label__" << *r.label("intent") << ' ' << p << '\n';
        }
    }
    fasttext::Args args;
    args.input = ft_train.string();
    args.output = (tmp / "ft").string();
    args.model = fasttext::model_name::sup;
    args.loss = fasttext::loss_name::softmax;
    args.minCount = 1;
    args.dim = fts.dim;
    args.epoch = fts.epoch;
    args.lr = fts.lr;
    args.wordNgrams = fts.word_ngrams;
    args.minn = fts.minn;
    args.maxn = fts.maxn;
    args.bucket = fts.bucket;
    args.thread = static_cast<int>(std::max(1u, threads));
    args.verbose = 0;
    std::fprintf(stderr, "training fastText...\n");
    fasttext::FastText ft;
    w0 = std::chrono::steady_clock::now();
    c0 = cpu_seconds();
    ft.train(args);
    const double ft_train_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    const double ft_train_cpu = cpu_seconds() - c0;
    const fs::path ft_path = tmp / "ft.bin";
    ft.saveModel(ft_path.string());
    const auto ft_bytes = fs::file_size(ft_path);

    // --- accuracy
    std::vector<std::string> tt_pred, ft_pred, ft_texts;
    auto ws = clf.make_workspace();
    std::istringstream line;
    std::vector<std::pair<fasttext::real, std::string>> preds;
    for (const auto& r : test.rows) {
        tt_pred.emplace_back(clf.predict(r.text, ws).heads[head].label);
        std::string p;
        ft_preprocess(r.text, p);
        ft_texts.push_back(p);
        line.clear();
        line.str(p + "\n");
        ft.predictLine(line, preds, 1, 0.0);
        ft_pred.push_back(preds.empty() ? std::string() : preds[0].second.substr(args.label.size()));
    }
    const scores tt_s = score(gold, tt_pred), ft_s = score(gold, ft_pred);

    // --- latency: interleaved passes over the test texts, each ticket timed alone
    using clock = std::chrono::steady_clock;
    const double overhead = clock_overhead_us();
    const std::size_t n = test.rows.size();
    std::vector<std::vector<double>> tt_us, ft_us, ft_raw_us;
    std::string scratch;
    scratch.reserve(4096);
    float sink = 0;
    auto us = [&](clock::time_point a, clock::time_point b) {
        return std::max(0.0, std::chrono::duration<double, std::micro>(b - a).count() - overhead);
    };
    for (int p = 0; p <= passes; ++p) {  // pass 0 warms up and is dropped
        std::vector<double> a(n), b(n), c(n);
        for (std::size_t i = 0; i < n; ++i) {
            const auto t0 = clock::now();
            sink += clf.predict(test.rows[i].text, ws).heads[head].confidence;
            const auto t1 = clock::now();
            a[i] = us(t0, t1);
        }
        for (std::size_t i = 0; i < n; ++i) {
            const auto t0 = clock::now();
            ft_preprocess(test.rows[i].text, scratch);
            scratch += '\n';
            line.clear();
            line.str(scratch);
            ft.predictLine(line, preds, 1, 0.0);
            const auto t1 = clock::now();
            sink += preds.empty() ? 0.f : preds[0].first;
            b[i] = us(t0, t1);
        }
        for (std::size_t i = 0; i < n; ++i) {
            const auto t0 = clock::now();
            line.clear();
            line.str(ft_texts[i]);
            ft.predictLine(line, preds, 1, 0.0);
            const auto t1 = clock::now();
            sink += preds.empty() ? 0.f : preds[0].first;
            c[i] = us(t0, t1);
        }
        if (p == 0) continue;
        tt_us.push_back(std::move(a));
        ft_us.push_back(std::move(b));
        ft_raw_us.push_back(std::move(c));
    }
    if (sink < 0) std::puts("");
    const latency tl = summarize(tt_us), fl = summarize(ft_us), fr = summarize(ft_raw_us);

    std::printf("BANKING77: %zu train rows, %zu test rows (77 intents)\n", train.rows.size(), n);
    std::printf("tiny_ticket: train_config defaults (hidden %zu x ensemble %zu, char n-grams %u-%u in %u buckets, bigrams %s,"
                " up to %zu epochs, early stopping on 10%% of train; best epoch %zu), %u thread(s)\n",
                res.chosen.hidden.empty() ? std::size_t(0) : res.chosen.hidden[0], res.chosen.ensemble, cfg.char_min_n,
                cfg.char_max_n, res.chosen.char_buckets, cfg.bigrams ? "on" : "off", cfg.max_epochs, res.best_epoch, cfg.threads);
    std::printf("fastText 0.9.2: supervised, loss softmax, dim %d, epoch %d, lr %.2f, wordNgrams %d, minn %d, maxn %d,"
                " bucket %d, minCount 1, %d thread(s); lowercased, punctuation split\n",
                fts.dim, fts.epoch, fts.lr, fts.word_ngrams, fts.minn, fts.maxn, fts.bucket, args.thread);
    std::printf("latency: each test ticket timed alone, median over %d interleaved passes; then median / p99 over tickets\n\n",
                passes);
    std::printf("| | tiny_ticket | fastText | ratio (fastText / tiny_ticket) |\n|---|---|---|---|\n");
    std::printf("| test accuracy | %.4f | %.4f | |\n", tt_s.accuracy, ft_s.accuracy);
    std::printf("| test macro-F1 | %.4f | %.4f | |\n", tt_s.macro_f1, ft_s.macro_f1);
    std::printf("| predict median, µs/ticket | %.2f | %.2f (%.2f without preprocessing) | %.2fx |\n", tl.median_us,
                fl.median_us, fr.median_us, fl.median_us / tl.median_us);
    std::printf("| predict p99, µs/ticket | %.2f | %.2f (%.2f) | %.2fx |\n", tl.p99_us, fl.p99_us, fr.p99_us,
                fl.p99_us / tl.p99_us);
    std::printf("| predict mean, µs/ticket | %.2f | %.2f (%.2f) | %.2fx |\n", tl.mean_us, fl.mean_us, fr.mean_us,
                fl.mean_us / tl.mean_us);
    std::printf("| model size on disk | %.2f MB | %.2f MB | %.2fx |\n", static_cast<double>(tt_bytes) / 1e6,
                static_cast<double>(ft_bytes) / 1e6, static_cast<double>(ft_bytes) / static_cast<double>(tt_bytes));
    std::printf("| training time, wall (CPU) | %.1f s (%.1f s) | %.1f s (%.1f s) | %.2fx |\n", tt_train_wall, tt_train_cpu,
                ft_train_wall, ft_train_cpu, ft_train_wall / tt_train_wall);
    std::fflush(stdout);
    std::error_code ec;
    fs::remove_all(tmp, ec);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
