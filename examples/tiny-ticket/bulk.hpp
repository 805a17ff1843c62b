// SPDX-License-Identifier: MIT
#pragma once

// The bulk loop shared by `tiny-ticket predict` (stdin mode) and the stream
// filter: read lines, classify, write, with output in input order.
//
// With one thread everything runs in the caller's thread. With N > 1, a
// reader thread cuts stdin into chunks of whole lines, N workers each read,
// classify and format whole chunks (parsing and writing JSON cost as much as
// classifying, so they are spread too), and the calling thread writes the
// finished chunks in order. Reading uses read(2), which returns whatever a
// pipe holds, so interactive input is answered line by line without waiting
// for a full chunk.

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <tiny_ticket/tiny_ticket.hpp>

#include "cli.hpp"
#include "output.hpp"

namespace cli {

/// The options `predict` and `stream` share, read and checked in one place.
struct bulk_args {
    output_mode mode = output_mode::full;
    output_format format = output_format::jsonl;
    unsigned threads = 1;  ///< resolved: 0 on the command line means one per core
    std::size_t chunk = 1024;
    bool explain = false;
};

/// `default_threads` applies without --threads (0: one per core).
inline bulk_args read_bulk_args(const args& a, unsigned default_threads = 1) {
    bulk_args b;
    b.mode = parse_output_mode(a.value("output").value_or("full"));
    b.format = parse_output_format(a.value("format").value_or("jsonl"));
    b.explain = a.flag("explain");
    if (b.explain && (b.mode != output_mode::full || b.format != output_format::jsonl))
        throw usage_error("--explain needs --output full --format jsonl");
    b.threads = static_cast<unsigned>(a.integer("threads", default_threads, 0, 1024));
    if (b.threads == 0) b.threads = std::max(1u, std::thread::hardware_concurrency());
    b.chunk = static_cast<std::size_t>(a.integer("chunk", 1024, 1, 1 << 24));
    return b;
}

struct bulk_options {
    unsigned threads = 1;      ///< workers; 1: all in the calling thread
    std::size_t chunk = 1024;  ///< most lines per chunk
    const tiny_ticket::explainer* explainer = nullptr;
    std::string program;       ///< prefix of messages on stderr
    bool flush_each_chunk = false;
    /// Called from the writing thread after each chunk: lines and bytes done.
    std::function<void(std::size_t, std::size_t)> progress;
    /// Called before per-line errors are printed (to clear a progress line).
    std::function<void()> before_errors;
};

namespace bulk_detail {

/// Splits `buf` into chunks of at most `max_lines` whole lines. Keeps the
/// incomplete tail in `buf` unless `eof`. Returns false as soon as `emit` does.
/// `emit` gets a view into `buf`, valid during the call (copied into a
/// chunk's reused input buffer, so no chunk allocates once warm).
inline bool cut(std::string& buf, std::size_t max_lines, bool eof,
                const std::function<bool(std::string_view, std::size_t)>& emit) {
    std::size_t start = 0;
    while (start < buf.size()) {
        std::size_t pos = start, lines = 0;
        while (lines < max_lines) {
            const void* nl = std::memchr(buf.data() + pos, '\n', buf.size() - pos);
            if (!nl) break;
            pos = static_cast<std::size_t>(static_cast<const char*>(nl) - buf.data()) + 1;
            ++lines;
        }
        if (lines < max_lines && eof && pos < buf.size()) {
            pos = buf.size();  // last line without a newline
            ++lines;
        }
        if (lines == 0) break;
        if (!emit(std::string_view(buf).substr(start, pos - start), lines)) return false;
        start = pos;
    }
    buf.erase(0, start);
    return true;
}

/// Work of one chunk: input lines in, output lines and error messages out.
struct chunk {
    std::string in, out, errors;
    std::size_t first_line = 0, lines = 0, failures = 0;
    bool done = false;
};

template <class Clf, class Ws>
void process(const Clf& clf, Ws& ws, const prediction_writer& w, const bulk_options& o, ticket& t, chunk& c) {
    std::size_t lineno = c.first_line;
    std::string_view rest(c.in);
    c.out.reserve(c.in.size() + 64 * c.lines);
    while (!rest.empty()) {
        const std::size_t nl = rest.find('\n');
        const std::string_view line = rest.substr(0, nl);
        rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
        read_ticket(line, lineno++, t);
        if (!t.error.empty()) {
            ++c.failures;
            c.errors += o.program + ": " + t.error + "\n";
            w.write_error(c.out, t.id, t.error);
            continue;
        }
        const auto& p = clf.predict(t.text, ws, w.detail());
        if (o.explainer) {
            const tiny_ticket::explanation e = o.explainer->explain(t.text);
            w.write(c.out, t.id, p, &e);
        } else {
            w.write(c.out, t.id, p);
        }
    }
}

}  // namespace bulk_detail

/// Classifies every line of file descriptor `in_fd`, writing to `out`.
/// Returns the number of lines that could not be read (each reported on
/// stderr and written as an error line in place). Throws std::runtime_error
/// when reading or writing fails.
template <class T>
std::size_t run_bulk(const tiny_ticket::basic_classifier<T>& clf, const prediction_writer& w, const bulk_options& o,
                     int in_fd, std::FILE* out) {
    using bulk_detail::chunk;
    std::size_t failures = 0;
    auto emit_output = [&](chunk& c) {
        if (!c.errors.empty()) {
            if (o.before_errors) o.before_errors();
            std::fputs(c.errors.c_str(), stderr);
        }
        if (!c.out.empty() && std::fwrite(c.out.data(), 1, c.out.size(), out) != c.out.size())
            throw std::runtime_error("write to stdout failed");
        if (o.flush_each_chunk) std::fflush(out);
        failures += c.failures;
        if (o.progress) o.progress(c.lines, c.in.size());
    };
    auto read_more = [&](std::string& buf) {
        char tmp[1 << 16];
        for (;;) {
            const ssize_t n = ::read(in_fd, tmp, sizeof tmp);
            if (n > 0) {
                buf.append(tmp, static_cast<std::size_t>(n));
                return true;
            }
            if (n == 0) return false;
            if (errno != EINTR) throw std::runtime_error(std::string("read from stdin failed: ") + std::strerror(errno));
        }
    };
    {
        std::string header;
        w.header(header);
        if (!header.empty()) std::fwrite(header.data(), 1, header.size(), out);
    }

    std::string buf;
    std::size_t next_line = 1;
    if (o.threads <= 1) {
        auto ws = clf.make_workspace();
        ticket t;
        chunk c;
        bool more = true;
        while (more) {
            more = read_more(buf);
            bulk_detail::cut(buf, o.chunk, !more, [&](std::string_view in, std::size_t lines) {
                c.in.assign(in);
                c.out.clear();
                c.errors.clear();
                c.failures = 0;
                c.first_line = next_line;
                c.lines = lines;
                next_line += lines;
                bulk_detail::process(clf, ws, w, o, t, c);
                emit_output(c);
                return true;
            });
        }
        std::fflush(out);
        return failures;
    }

    // Bounded so a fast reader cannot buffer the whole input ahead of the workers.
    const std::size_t max_in_flight = 4 * static_cast<std::size_t>(o.threads);
    std::mutex m;
    std::condition_variable changed;
    std::deque<std::shared_ptr<chunk>> in_order;  // every chunk not yet written, in input order
    std::deque<std::shared_ptr<chunk>> todo;      // chunks no worker has taken yet
    // Written chunks, handed back to the reader with their buffers: a fresh
    // chunk grew its output string from nothing (megabytes for --output full)
    // and the kernel zeroed every new page of it, costing the workers more
    // than the one-thread loop, which reuses a single chunk.
    std::vector<std::shared_ptr<chunk>> spare;
    bool eof = false, stop = false;
    std::exception_ptr error;

    auto fail = [&](std::exception_ptr e) {
        std::lock_guard<std::mutex> lock(m);
        if (!error) error = e;
        stop = true;
        changed.notify_all();
    };
    std::thread reader([&] {
        try {
            bool more = true, going = true;
            while (more && going) {
                more = read_more(buf);
                going = bulk_detail::cut(buf, o.chunk, !more, [&](std::string_view in, std::size_t lines) {
                    std::shared_ptr<chunk> c;
                    {
                        // Only this thread adds chunks, so the room waited for stays.
                        std::unique_lock<std::mutex> lock(m);
                        changed.wait(lock, [&] { return stop || in_order.size() < max_in_flight; });
                        if (stop) return false;  // the writer or a worker failed
                        if (!spare.empty()) {
                            c = std::move(spare.back());
                            spare.pop_back();
                        }
                    }
                    if (!c) c = std::make_shared<chunk>();
                    c->in.assign(in);
                    c->out.clear();
                    c->errors.clear();
                    c->failures = 0;
                    c->done = false;
                    c->first_line = next_line;
                    c->lines = lines;
                    next_line += lines;
                    std::lock_guard<std::mutex> lock(m);
                    in_order.push_back(c);
                    todo.push_back(std::move(c));
                    changed.notify_all();
                    return true;
                });
            }
            std::lock_guard<std::mutex> lock(m);
            eof = true;
            changed.notify_all();
        } catch (...) {
            fail(std::current_exception());
        }
    });
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < o.threads; ++i)
        workers.emplace_back([&] {
            try {
                auto ws = clf.make_workspace();
                ticket t;
                for (;;) {
                    std::shared_ptr<chunk> c;
                    {
                        std::unique_lock<std::mutex> lock(m);
                        changed.wait(lock, [&] { return stop || eof || !todo.empty(); });
                        if (stop || todo.empty()) return;
                        c = std::move(todo.front());
                        todo.pop_front();
                    }
                    bulk_detail::process(clf, ws, w, o, t, *c);
                    std::lock_guard<std::mutex> lock(m);
                    c->done = true;
                    changed.notify_all();
                }
            } catch (...) {
                fail(std::current_exception());
            }
        });

    for (;;) {
        std::shared_ptr<chunk> c;
        {
            std::unique_lock<std::mutex> lock(m);
            changed.wait(lock, [&] { return stop || (eof && in_order.empty()) || (!in_order.empty() && in_order.front()->done); });
            if (stop || in_order.empty()) break;
            c = std::move(in_order.front());
            in_order.pop_front();
            changed.notify_all();
        }
        try {
            emit_output(*c);
        } catch (...) {
            fail(std::current_exception());
            break;
        }
        std::lock_guard<std::mutex> lock(m);
        spare.push_back(std::move(c));
    }
    reader.join();
    for (auto& th : workers) th.join();
    if (error) std::rethrow_exception(error);
    std::fflush(out);
    return failures;
}

}  // namespace cli
