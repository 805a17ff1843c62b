// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>
#include <tiny_ticket/classifier.hpp>
#include <vector>

#include "support/toy_model.hpp"

// Counting global allocator: proves the workspace overload allocates nothing.
#if defined(__GNUC__) && !defined(__clang__)
// GCC cannot see that these replacements pair malloc with free.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
namespace {
std::atomic<long> g_allocations{0};
thread_local bool t_counting = false;
}  // namespace

void* operator new(std::size_t n) {
    if (t_counting) g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
// The nothrow forms must be replaced too: std::stable_sort takes its buffer
// from them and hands it back through the plain delete above.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    if (t_counting) g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n ? n : 1);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }

using namespace tiny_ticket;

namespace {

std::vector<std::string> sample_texts() {
    return {"I was charged twice and need a refund",
            "refund nahi mila yet, paisa wapas kar do!!!",
            "where is my order #5521? tracking says nothing",
            "pricing for enterprise plan?",
            "app is not working after reset",
            "",
            "   ",
            "cancel cancel cancel my subscription www.example.com/account bob@example.com",
            std::string(3000, 'a'),
            "\xff\xfe invalid utf8 \xc3",
            "thank you so much, love the product"};
}

}  // namespace

TEST_CASE("predict with a warmed workspace performs no heap allocation") {
    const classifier clf(toy::model<float>());
    auto ws = clf.make_workspace();
    const auto texts = sample_texts();
    for (const auto& t : texts) (void)clf.predict(t, ws);  // warm-up: buffers reach their sizes
    g_allocations = 0;
    t_counting = true;
    float sink = 0;
    for (int r = 0; r < 50; ++r)
        for (const auto& t : texts) sink += clf.predict(t, ws).heads[0].confidence;
    t_counting = false;
    CHECK(g_allocations.load() == 0);
    CHECK(sink > 0);
    // The counter is live: the allocating overload is seen.
    t_counting = true;
    (void)clf.predict(texts[0]);
    t_counting = false;
    CHECK(g_allocations.load() > 0);
}

TEST_CASE("a fresh workspace from make_workspace does not allocate for a typical ticket") {
    const classifier clf(toy::model<float>());
    auto ws = clf.make_workspace();
    g_allocations = 0;
    t_counting = true;
    (void)clf.predict("refund nahi mila yet, paisa wapas kar do!!! order 5521", ws);
    t_counting = false;
    CHECK(g_allocations.load() == 0);
}

TEST_CASE("threads predicting on one model give exactly the serial results") {
    const classifier clf(toy::model<float>());
    std::vector<std::string> texts;
    for (int i = 0; i < 400; ++i) texts.push_back(sample_texts()[static_cast<std::size_t>(i) % 11] + " " + std::to_string(i * 7919));
    std::vector<prediction> serial;
    auto ws = clf.make_workspace();
    for (const auto& t : texts) serial.push_back(clf.predict(t, ws));
    auto same = [&](const std::vector<prediction>& got) {
        REQUIRE(got.size() == serial.size());
        for (std::size_t i = 0; i < got.size(); ++i)
            for (std::size_t h = 0; h < got[i].heads.size(); ++h) {
                if (got[i].heads[h].label != serial[i].heads[h].label) return false;
                if (got[i].heads[h].scores != serial[i].heads[h].scores) return false;
            }
        return true;
    };
    for (unsigned threads : {1u, 2u, 4u, 8u}) {
        CAPTURE(threads);
        CHECK(same(clf.predict_batch(texts, threads)));
    }
    // Raw threads with their own workspaces, plus the thread-local convenience overload.
    std::vector<prediction> a(texts.size()), b(texts.size());
    std::thread t1([&] {
        auto w = clf.make_workspace();
        for (std::size_t i = 0; i < texts.size(); ++i) a[i] = clf.predict(texts[i], w);
    });
    std::thread t2([&] {
        for (std::size_t i = 0; i < texts.size(); ++i) b[i] = clf.predict(texts[i]);
    });
    t1.join();
    t2.join();
    CHECK(same(a));
    CHECK(same(b));
}

TEST_CASE("prediction accessors") {
    const classifier clf(toy::model<float>());
    const auto p = clf.predict("refund nahi mila");
    const auto& intent = p["intent"];
    CHECK(intent.name == "intent");
    CHECK(intent.label == (*intent.labels)[intent.label_index]);
    CHECK(intent.confidence == intent.scores[intent.label_index]);
    const auto top = intent.top_k(2);
    REQUIRE(top.size() == 2);
    CHECK(top[0].first == intent.label);
    CHECK(top[0].second >= top[1].second);
    CHECK(intent.top_k(99).size() == 3);
    CHECK(intent.score(intent.label) == intent.confidence);
    CHECK(intent.score("nope") == -1.0f);
    CHECK(p.find("nope") == nullptr);
    CHECK_THROWS_AS((void)p["nope"], error);
    const auto& churn = p["churn"];
    CHECK(churn.label == (churn.scores[1] >= 0.5f ? "high" : "low"));
    CHECK(churn.scores[0] + churn.scores[1] == doctest::Approx(1.0f));
    // Review flag follows the head's thresholds.
    CHECK(intent.review == (intent.confidence < 0.5f || intent.margin < 0.1f));
    CHECK(p.review() == (intent.review || churn.review));
}

TEST_CASE("every hostile input yields valid scores") {
    const classifier clf(toy::model<float>());
    auto ws = clf.make_workspace();
    std::vector<std::string> texts = sample_texts();
    texts.push_back(std::string(1 << 20, '1'));
    texts.push_back(std::string("a\0b\0c", 5));
    std::string words;
    for (int i = 0; i < 200000; ++i) words += "refund ";
    texts.push_back(words);
    for (const auto& t : texts) {
        const auto& p = clf.predict(t, ws);
        for (const auto& h : p.heads) {
            float sum = 0;
            for (float s : h.scores) {
                CHECK(std::isfinite(s));
                CHECK(s >= 0.0f);
                sum += s;
            }
            CHECK(sum == doctest::Approx(1.0f).epsilon(1e-4));
        }
    }
}

TEST_CASE("models are validated when a classifier is built") {
    auto m = toy::model<float>();
    m.heads[0].labels.pop_back();
    CHECK_THROWS_AS(classifier{m}, artifact_error);
    m = toy::model<float>();
    std::get<dense_spec<float>>(m.trunk[0]).bias[0] = std::nanf("");
    CHECK_THROWS_WITH_AS(classifier{m}, doctest::Contains("/trunk/0/bias"), artifact_error);
    m = toy::model<float>();
    m.trunk.erase(m.trunk.begin());
    CHECK_THROWS_AS(classifier{m}, artifact_error);
}
