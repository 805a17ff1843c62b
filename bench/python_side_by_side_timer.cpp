// SPDX-License-Identifier: MIT
// The C++ reference for bench/python_side_by_side.py: the same model and
// texts, timed without Python, so the Python binding's overhead is a ratio.
//
//   python_side_by_side_timer MODEL TEXTS_FILE PASSES THREADS
//
// TEXTS_FILE holds the texts, each ended by a NUL byte (texts may hold newlines). Prints one line per pass:
//   single_us batch_us
// the per-ticket cost of predict(text, workspace) over every text, and of
// predict_batch(texts, THREADS) over all of them.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <tiny_ticket/tiny_ticket.hpp>

int main(int argc, char** argv) {
    if (argc != 5) {
        std::cerr << "usage: python_side_by_side_timer MODEL TEXTS_FILE PASSES THREADS\n";
        return 2;
    }
    try {
        const auto clf = tiny_ticket::load_classifier(argv[1]);
        std::ifstream in(argv[2], std::ios::binary);
        if (!in) throw std::runtime_error(std::string("cannot open ") + argv[2]);
        std::vector<std::string> texts;
        for (std::string t; std::getline(in, t, '\0');) texts.push_back(t);
        const int passes = std::atoi(argv[3]);
        const unsigned threads = static_cast<unsigned>(std::atoi(argv[4]));
        if (texts.empty() || passes < 1) throw std::runtime_error("expected texts and passes >= 1");

        using clock = std::chrono::steady_clock;
        auto ws = clf.make_workspace();
        std::size_t sink = 0;
        for (const auto& t : texts) sink += clf.predict(t, ws).heads[0].label_index;  // warm-up
        sink += clf.predict_batch(texts, threads).size();
        const double n = static_cast<double>(texts.size());
        for (int p = 0; p < passes; ++p) {
            const auto t0 = clock::now();
            for (const auto& t : texts) sink += clf.predict(t, ws).heads[0].label_index;
            const auto t1 = clock::now();
            const auto r = clf.predict_batch(texts, threads);
            const auto t2 = clock::now();
            sink += r.back().heads[0].label_index;
            std::printf("%.4f %.4f\n", std::chrono::duration<double, std::micro>(t1 - t0).count() / n,
                        std::chrono::duration<double, std::micro>(t2 - t1).count() / n);
        }
        // Keeps the loops from being optimized away.
        if (sink == static_cast<std::size_t>(-1)) std::puts("");
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "python_side_by_side_timer: " << e.what() << "\n";
        return 1;
    }
}
