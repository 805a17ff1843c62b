// SPDX-License-Identifier: MIT
#pragma once

// Server metrics in the Prometheus text exposition format (version 0.0.4).
// Every counter is a relaxed atomic in a table sized at start-up (routes,
// statuses, heads and labels are all known then), so recording costs a few
// uncontended-in-practice increments and no lock; a scrape reads them all.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <tiny_ticket/tiny_ticket.hpp>

namespace server_metrics {

/// Label values of the exposition format escape backslash, quote and newline.
inline std::string label_value(std::string_view s) {
    std::string r;
    for (char c : s) {
        if (c == '\\') r += "\\\\";
        else if (c == '"') r += "\\\"";
        else if (c == '\n') r += "\\n";
        else r += c;
    }
    return r;
}

class registry {
public:
    /// Routes requests are counted under; anything else counts as "other", so
    /// a scan of random paths cannot grow the series without bound.
    static constexpr std::array<const char*, 5> routes{"/v1/classify", "/v1/model", "/healthz", "/metrics", "other"};
    static constexpr std::array<int, 12> statuses{200, 400, 404, 405, 408, 411, 413, 414, 415, 500, 503, 0};
    /// Upper bounds of the latency buckets, in seconds.
    static constexpr std::array<double, 14> bounds{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                   0.01,    0.025,  0.05,    0.1,    0.25,   0.5,   1.0};

    template <class T>
    explicit registry(const tiny_ticket::basic_classifier<T>& clf) {
        std::size_t total = 0;
        for (std::size_t h = 0; h < clf.num_heads(); ++h) {
            head_info info;
            info.name = label_value(std::string_view(clf.head(h).name));
            info.first = total;
            for (const auto& l : clf.head(h).labels) info.labels.push_back(label_value(std::string_view(l)));
            total += info.labels.size();
            heads_.push_back(std::move(info));
        }
        predictions_ = std::make_unique<std::atomic<std::uint64_t>[]>(total);
        reviews_ = std::make_unique<std::atomic<std::uint64_t>[]>(heads_.size());
        for (std::size_t i = 0; i < total; ++i) predictions_[i] = 0;
        for (std::size_t i = 0; i < heads_.size(); ++i) reviews_[i] = 0;
    }

    static std::size_t route_index(std::string_view path) {
        for (std::size_t i = 0; i + 1 < routes.size(); ++i)
            if (path == routes[i]) return i;
        return routes.size() - 1;
    }

    /// One answered request: its route, status and handling time.
    void request(std::string_view path, int status, double seconds) {
        std::size_t s = statuses.size() - 1;  // 0 stands for "any other status"
        for (std::size_t i = 0; i + 1 < statuses.size(); ++i)
            if (statuses[i] == status) s = i;
        requests_[route_index(path)][s].fetch_add(1, std::memory_order_relaxed);
        if (seconds < 0) return;
        std::size_t b = 0;
        while (b < bounds.size() && seconds > bounds[b]) ++b;
        buckets_[b].fetch_add(1, std::memory_order_relaxed);
        latency_ns_.fetch_add(static_cast<std::uint64_t>(seconds * 1e9), std::memory_order_relaxed);
    }

    /// One classified ticket.
    template <class T>
    void prediction(const tiny_ticket::basic_prediction<T>& p) {
        tickets_.fetch_add(1, std::memory_order_relaxed);
        for (std::size_t h = 0; h < p.heads.size() && h < heads_.size(); ++h) {
            predictions_[heads_[h].first + p.heads[h].label_index].fetch_add(1, std::memory_order_relaxed);
            if (p.heads[h].review) reviews_[h].fetch_add(1, std::memory_order_relaxed);
        }
    }

    /// The exposition text. Bucket counts are read once each, so `_count`
    /// equals the `+Inf` bucket even while requests are being recorded.
    std::string expose() const {
        std::string out;
        auto line = [&out](const std::string& s) { out += s + "\n"; };
        line("# HELP tiny_ticket_http_requests_total HTTP requests answered, by route and status code.");
        line("# TYPE tiny_ticket_http_requests_total counter");
        for (std::size_t r = 0; r < routes.size(); ++r)
            for (std::size_t s = 0; s < statuses.size(); ++s) {
                const std::uint64_t n = requests_[r][s].load(std::memory_order_relaxed);
                // Always expose the main route's success series so rate() has a start point.
                if (n == 0 && !(r == 0 && s == 0)) continue;
                line("tiny_ticket_http_requests_total{route=\"" + std::string(routes[r]) + "\",status=\"" +
                     (statuses[s] ? std::to_string(statuses[s]) : std::string("other")) + "\"} " + std::to_string(n));
            }
        line("# HELP tiny_ticket_http_request_duration_seconds Time from a routed request to its response written.");
        line("# TYPE tiny_ticket_http_request_duration_seconds histogram");
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b <= bounds.size(); ++b) {
            cumulative += buckets_[b].load(std::memory_order_relaxed);
            line("tiny_ticket_http_request_duration_seconds_bucket{le=\"" + (b < bounds.size() ? number(bounds[b]) : "+Inf") +
                 "\"} " + std::to_string(cumulative));
        }
        line("tiny_ticket_http_request_duration_seconds_sum " +
             number(static_cast<double>(latency_ns_.load(std::memory_order_relaxed)) / 1e9));
        line("tiny_ticket_http_request_duration_seconds_count " + std::to_string(cumulative));
        line("# HELP tiny_ticket_tickets_classified_total Tickets classified.");
        line("# TYPE tiny_ticket_tickets_classified_total counter");
        line("tiny_ticket_tickets_classified_total " + std::to_string(tickets_.load(std::memory_order_relaxed)));
        line("# HELP tiny_ticket_predictions_total Predicted labels, by head and label.");
        line("# TYPE tiny_ticket_predictions_total counter");
        for (const auto& h : heads_)
            for (std::size_t l = 0; l < h.labels.size(); ++l)
                line("tiny_ticket_predictions_total{head=\"" + h.name + "\",label=\"" + h.labels[l] + "\"} " +
                     std::to_string(predictions_[h.first + l].load(std::memory_order_relaxed)));
        line("# HELP tiny_ticket_review_total Predictions flagged for human review, by head.");
        line("# TYPE tiny_ticket_review_total counter");
        for (std::size_t h = 0; h < heads_.size(); ++h)
            line("tiny_ticket_review_total{head=\"" + heads_[h].name + "\"} " +
                 std::to_string(reviews_[h].load(std::memory_order_relaxed)));
        return out;
    }

private:
    static std::string number(double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.9g", v);
        return buf;
    }
    struct head_info {
        std::string name;
        std::vector<std::string> labels;
        std::size_t first = 0;  // index of its first label in predictions_
    };
    std::vector<head_info> heads_;
    std::array<std::array<std::atomic<std::uint64_t>, statuses.size()>, routes.size()> requests_{};
    std::array<std::atomic<std::uint64_t>, bounds.size() + 1> buckets_{};
    std::atomic<std::uint64_t> latency_ns_{0}, tickets_{0};
    std::unique_ptr<std::atomic<std::uint64_t>[]> predictions_, reviews_;
};

}  // namespace server_metrics
