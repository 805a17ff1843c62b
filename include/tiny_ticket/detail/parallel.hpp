// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace tiny_ticket::detail {

/// Calls `work(begin, end)` on contiguous chunks of [0, n), one thread per
/// chunk and at most `threads` of them (0: one per core); one chunk runs on
/// the calling thread. Contiguous chunks let each thread write its own range
/// of an output buffer without sharing cache lines. Rethrows the first
/// exception a chunk threw, after every thread has joined.
template <class Work>
void for_chunks(std::size_t n, unsigned threads, Work&& work) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    const std::size_t nt = std::min<std::size_t>(threads, std::max<std::size_t>(1, n));
    if (nt <= 1) {
        work(std::size_t(0), n);
        return;
    }
    std::vector<std::thread> pool;
    std::vector<std::exception_ptr> errors(nt);
    const std::size_t chunk = (n + nt - 1) / nt;
    pool.reserve(nt);
    for (std::size_t t = 0; t < nt; ++t) {
        const std::size_t b = std::min(n, t * chunk), e = std::min(n, b + chunk);
        pool.emplace_back([&work, &errors, b, e, t] {
            try {
                work(b, e);
            } catch (...) {
                errors[t] = std::current_exception();
            }
        });
    }
    for (auto& th : pool) th.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

}  // namespace tiny_ticket::detail
