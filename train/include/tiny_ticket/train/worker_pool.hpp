// SPDX-License-Identifier: MIT
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tiny_ticket::train {

/// A fixed set of threads that run `fn(task)` for tasks 0..n-1, task t on
/// worker t % size(). Assignment is static, so results never depend on
/// timing; callers keep results reproducible by making each task's output
/// independent of which thread ran it. run() is not reentrant.
class worker_pool {
public:
    /// `threads` workers including the caller (0 or 1: everything inline).
    explicit worker_pool(unsigned threads) : size_(threads ? threads : 1) {
        for (unsigned t = 1; t < size_; ++t) threads_.emplace_back([this, t] { loop(t); });
    }
    worker_pool(const worker_pool&) = delete;
    worker_pool& operator=(const worker_pool&) = delete;
    ~worker_pool() {
        {
            std::lock_guard<std::mutex> lock(mu_);
            stop_ = true;
            ++generation_;
        }
        cv_.notify_all();
        for (auto& th : threads_) th.join();
    }

    unsigned size() const noexcept { return size_; }

    /// Runs fn(0..tasks-1) across the workers and waits; rethrows the first
    /// exception (by task order) after all tasks finished.
    void run(std::size_t tasks, const std::function<void(std::size_t)>& fn) {
        if (size_ == 1 || tasks <= 1) {
            for (std::size_t i = 0; i < tasks; ++i) fn(i);
            return;
        }
        errors_.assign(size_, nullptr);
        {
            std::lock_guard<std::mutex> lock(mu_);
            fn_ = &fn;
            tasks_ = tasks;
            pending_ = size_ - 1;
            ++generation_;
        }
        cv_.notify_all();
        work(0);
        {
            std::unique_lock<std::mutex> lock(mu_);
            done_cv_.wait(lock, [this] { return pending_ == 0; });
            fn_ = nullptr;
        }
        for (auto& e : errors_)
            if (e) std::rethrow_exception(e);
    }

private:
    void work(unsigned t) {
        try {
            for (std::size_t i = t; i < tasks_; i += size_) (*fn_)(i);
        } catch (...) {
            errors_[t] = std::current_exception();
        }
    }

    void loop(unsigned t) {
        std::size_t seen = 0;
        for (;;) {
            {
                std::unique_lock<std::mutex> lock(mu_);
                cv_.wait(lock, [&] { return generation_ != seen; });
                seen = generation_;
                if (stop_) return;
            }
            work(t);
            {
                std::lock_guard<std::mutex> lock(mu_);
                --pending_;
            }
            done_cv_.notify_one();
        }
    }

    unsigned size_;
    std::vector<std::thread> threads_;
    std::mutex mu_;
    std::condition_variable cv_, done_cv_;
    const std::function<void(std::size_t)>* fn_ = nullptr;
    std::size_t tasks_ = 0;
    unsigned pending_ = 0;
    std::size_t generation_ = 0;
    bool stop_ = false;
    std::vector<std::exception_ptr> errors_;
};

}  // namespace tiny_ticket::train
