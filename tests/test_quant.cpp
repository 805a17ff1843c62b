// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tiny_ticket/tiny_ticket.hpp>

#include "support/toy_model.hpp"

using namespace tiny_ticket;

namespace {

const std::filesystem::path source_dir = TINY_TICKET_SOURCE_DIR;

std::vector<std::string> sample_texts() {
    return {"I was charged twice and need a refund",
            "refund nahi mila yet, paisa wapas kar do!!!",
            "where is my order #5521? tracking says nothing",
            "cancel cancel cancel my subscription www.example.com/account bob@example.com",
            "",
            "money not received, please track my order",
            std::string(3000, 'a'),
            "\xff\xfe invalid utf8 \xc3"};
}

// Random int8 table, indices (with repeats), multipliers covering +-127 and
// +-32767 (int16 levels, kept in int32 as the network keeps them).
struct kernel_case {
    std::size_t rows, padded, count;
    std::vector<std::int8_t> table, qx;
    std::vector<std::int16_t> qx16;
    std::vector<std::int32_t> qx32;
    std::vector<std::uint32_t> idx;
    std::vector<float> v;

    kernel_case(std::size_t rows_, std::size_t padded_, std::size_t count_, unsigned seed)
        : rows(rows_), padded(padded_), count(count_) {
        std::mt19937 rng(seed);
        std::uniform_int_distribution<int> q(-127, 127), q16(-32767, 32767);
        std::uniform_int_distribution<std::uint32_t> r(0, static_cast<std::uint32_t>(rows - 1));
        std::uniform_real_distribution<float> u(-2.0f, 2.0f);
        table.resize(rows * padded);
        for (auto& x : table) x = static_cast<std::int8_t>(q(rng));
        // Some rows at the int8 extremes, so int16 partial sums reach their bounds.
        for (std::size_t o = 0; o < padded; ++o) {
            table[o] = 127;
            table[padded + o] = -127;
        }
        for (std::size_t k = 0; k < count; ++k) {
            idx.push_back(k % 7 == 0 ? static_cast<std::uint32_t>(k % 2) : r(rng));
            qx.push_back(static_cast<std::int8_t>(k % 5 == 0 ? (k % 2 ? 127 : -127) : q(rng)));
            qx16.push_back(static_cast<std::int16_t>(k % 5 == 0 ? (k % 2 ? 32767 : -32767) : q16(rng)));
            qx32.push_back(qx16.back());
            v.push_back(u(rng));
        }
    }
};

// The reference against a plain 64-bit sum; then every other version
// against the reference, for int8 and int16-level multipliers.
template <class Gather>
void check_i32_against_reference(Gather&& gather) {
    for (std::size_t padded : {16u, 32u, 48u, 64u, 80u, 144u})
        for (std::size_t count : {0u, 1u, 2u, 3u, 17u, 200u, 512u}) {
            kernel_case c(23, padded, count, static_cast<unsigned>(padded * 1000 + count));
            auto check = [&](const auto* qx) {
                std::vector<std::int32_t> want(padded, 7), got(padded, -7);
                quant::scalar::gather_i32(c.table.data(), padded, c.idx.data(), qx, count, padded, want.data());
                gather(c.table.data(), padded, c.idx.data(), qx, count, padded, got.data());
                CHECK(got == want);
                bool exact = true;
                for (std::size_t o = 0; o < padded; ++o) {
                    long long s = 0;
                    for (std::size_t k = 0; k < count; ++k) s += static_cast<long long>(qx[k]) * c.table[c.idx[k] * padded + o];
                    exact = exact && s == want[o];
                }
                CHECK(exact);
            };
            check(c.qx.data());
            check(c.qx16.data());
            check(c.qx32.data());
        }
}

// Counts around the int16 chunk (rowsum_chunk rows) and rows at +-127.
template <class Rowsum>
void check_rowsum_against_reference(Rowsum&& rowsum) {
    for (std::size_t padded : {16u, 32u, 48u, 64u, 80u, 96u, 144u})
        for (std::size_t count : {0u, 1u, 2u, 3u, 17u, 255u, 256u, 257u, 600u}) {
            kernel_case c(23, padded, count, static_cast<unsigned>(padded * 31 + count));
            std::vector<std::int32_t> want(padded, 7), got(padded, -7);
            quant::scalar::rowsum_i32(c.table.data(), padded, c.idx.data(), count, padded, want.data());
            rowsum(c.table.data(), padded, c.idx.data(), count, padded, got.data());
            CHECK(got == want);
            bool exact = true;
            for (std::size_t o = 0; o < padded; ++o) {
                long long s = 0;
                for (std::size_t k = 0; k < count; ++k) s += c.table[c.idx[k] * padded + o];
                exact = exact && s == want[o];
            }
            CHECK(exact);
        }
    // All rows +127 (or -127): the largest int16 partial sums.
    for (std::int8_t fill : {std::int8_t(127), std::int8_t(-127)}) {
        const std::size_t padded = 48, count = 1000;
        std::vector<std::int8_t> table(2 * padded, fill);
        std::vector<std::uint32_t> idx(count, 1);
        std::vector<std::int32_t> got(padded, 0);
        rowsum(table.data(), padded, idx.data(), count, padded, got.data());
        CHECK(got == std::vector<std::int32_t>(padded, fill * static_cast<std::int32_t>(count)));
    }
}

// int16 tables (folded word rows) with entries up to max_abs, summed with
// the largest chunk rowsum16_chunk allows and with smaller ones; counts
// around the chunk, rows at +-max_abs.
template <class Rowsum>
void check_rowsum16_against_reference(Rowsum&& rowsum) {
    for (int max_abs : {1, 127, 1524, 16383, 32767})
        for (std::size_t padded : {16u, 32u, 48u, 64u, 80u, 96u, 144u}) {
            const std::size_t rows = 23, chunk = quant::rowsum16_chunk(static_cast<std::size_t>(max_abs));
            std::mt19937 rng(static_cast<unsigned>(max_abs * 7 + padded));
            std::uniform_int_distribution<int> q(-max_abs, max_abs);
            std::vector<std::int16_t> table(rows * padded);
            for (auto& x : table) x = static_cast<std::int16_t>(q(rng));
            for (std::size_t o = 0; o < padded; ++o) {
                table[o] = static_cast<std::int16_t>(max_abs);
                table[padded + o] = static_cast<std::int16_t>(-max_abs);
            }
            std::uniform_int_distribution<std::uint32_t> r(0, rows - 1);
            for (std::size_t count : {std::size_t(0), std::size_t(1), std::size_t(2), std::size_t(3), std::size_t(17),
                                      chunk - 1, chunk, chunk + 1, 2 * chunk + 1, std::size_t(600)}) {
                if (count > 5000) continue;
                std::vector<std::uint32_t> idx;
                for (std::size_t k = 0; k < count; ++k) idx.push_back(k % 5 == 0 ? static_cast<std::uint32_t>(k % 2) : r(rng));
                // All +max_abs (or -max_abs) rows: the chunk's sum at its bound.
                std::vector<std::uint32_t> same(count, static_cast<std::uint32_t>(count % 2));
                for (const auto* ix : {&idx, &same})
                    for (std::size_t ch : {chunk, std::max<std::size_t>(1, chunk / 3), std::size_t(1)}) {
                        std::vector<std::int32_t> want(padded, 7), got(padded, -7);
                        quant::scalar::rowsum16_i32(table.data(), padded, ix->data(), count, padded, ch, want.data());
                        rowsum(table.data(), padded, ix->data(), count, padded, ch, got.data());
                        CHECK(got == want);
                        bool exact = true;
                        for (std::size_t o = 0; o < padded; ++o) {
                            long long sum = 0;
                            for (std::size_t k = 0; k < count; ++k) sum += table[(*ix)[k] * padded + o];
                            exact = exact && sum == want[o];
                        }
                        CHECK(exact);
                    }
            }
        }
}

template <class Gather>
void check_f_against_reference(Gather&& gather) {
    for (std::size_t padded : {16u, 32u, 48u, 64u, 80u, 144u})
        for (std::size_t count : {0u, 1u, 2u, 3u, 17u, 200u}) {
            kernel_case c(23, padded, count, static_cast<unsigned>(padded * 7 + count));
            std::vector<float> want(padded, 7.0f), got(padded, -7.0f);
            quant::scalar::gather_f(c.table.data(), padded, c.idx.data(), c.v.data(), count, padded, want.data());
            gather(c.table.data(), padded, c.idx.data(), c.v.data(), count, padded, got.data());
            // Same products, same order: only fused multiply-add rounding may differ.
            double worst = 0;
            for (std::size_t o = 0; o < padded; ++o) {
                double mag = 0;
                for (std::size_t k = 0; k < count; ++k) mag += std::fabs(c.v[k] * c.table[c.idx[k] * padded + o]);
                worst = std::max(worst, std::fabs(double(got[o]) - double(want[o])) / (mag + 1e-30));
            }
            CHECK(worst <= 1e-6);
        }
}

template <class T>
double max_score_diff(const basic_classifier<T>& a, const basic_classifier<T>& b, const std::vector<std::string>& texts) {
    double worst = 0;
    auto wa = a.make_workspace();
    auto wb = b.make_workspace();
    for (const auto& t : texts) {
        const auto& pa = a.predict(t, wa);
        const auto& pb = b.predict(t, wb);
        for (std::size_t h = 0; h < pa.heads.size(); ++h)
            for (std::size_t i = 0; i < pa.heads[h].scores.size(); ++i)
                worst = std::max(worst, std::fabs(double(pa.heads[h].scores[i]) - double(pb.heads[h].scores[i])));
    }
    return worst;
}

template <class T>
bool same_predictions(const basic_classifier<T>& a, const basic_classifier<T>& b, const std::vector<std::string>& texts) {
    auto wa = a.make_workspace();
    auto wb = b.make_workspace();
    for (const auto& t : texts) {
        const auto& pa = a.predict(t, wa);
        const auto& pb = b.predict(t, wb);
        for (std::size_t h = 0; h < pa.heads.size(); ++h)
            if (pa.heads[h].scores != pb.heads[h].scores) return false;
    }
    return true;
}

// The "text" of every row of tests/data/*.jsonl (evaluation, development
// and tuning sets), then the sample texts (empty, long, invalid UTF-8).
std::vector<std::string> data_texts() {
    std::vector<std::string> texts;
    for (const char* name : {"eval_tickets.jsonl", "dev_tickets.jsonl", "tune_tickets.jsonl"}) {
        std::ifstream in(source_dir / "tests" / "data" / name);
        std::string line;
        while (std::getline(in, line))
            if (!line.empty()) texts.push_back(nlohmann::json::parse(line).at("text").get<std::string>());
    }
    for (auto& t : sample_texts()) texts.push_back(std::move(t));
    return texts;
}

// Each head's label from raw logits, as predict() picks it.
template <class T>
std::vector<std::size_t> labels_of(const basic_classifier<T>& c, const quant::basic_qnetwork<T>& net, const T* z) {
    std::vector<std::size_t> r;
    for (std::size_t h = 0; h < c.num_heads(); ++h) {
        const T* l = z + net.head_offset(h);
        if (c.head(h).kind == head_kind::sigmoid) r.push_back(l[0] >= T(0) ? 1 : 0);
        else r.push_back(static_cast<std::size_t>(std::max_element(l, l + c.head(h).labels.size()) - l));
    }
    return r;
}

struct fold_comparison {
    std::size_t texts = 0, with_words = 0, same_labels = 0;
    double worst = 0;      // largest |folded - unfolded| logit
    double worst_rel = 0;  // the same over (1 + largest |logit| of the text)
};

// Predict (folded features, folded network) against the same classifier's
// unfolded features through a network that did not fold. The folded
// network must also give exactly the unfolded network's logits for
// unfolded features (it computes them the same way).
template <class T>
fold_comparison compare_folded(const basic_classifier<T>& q, const std::vector<std::string>& texts) {
    fold_comparison r;
    const auto& folded = q.quantized_network();
    REQUIRE(folded.folded_words() == q.featurizer().word_count());
    const quant::basic_qnetwork<T> plain(q.model());
    REQUIRE(plain.folded_words() == 0);
    auto wf = q.make_workspace();
    auto wu = q.make_workspace();
    nn::network_scratch<T> same;
    const std::size_t sparse = q.featurizer().sparse_width();
    bool identical = true;
    for (const auto& t : texts) {
        (void)q.predict(t, wf);
        q.featurize(t, wu);
        plain.forward(wu.features, wu.net);
        folded.forward(wu.features, same);
        const T* a = wf.net.logits.data();
        const T* b = wu.net.logits.data();
        double big = 0, diff = 0;
        for (std::size_t i = 0; i < folded.logits(); ++i) {
            identical = identical && same.logits[i] == b[i];
            big = std::max(big, std::fabs(double(b[i])));
            diff = std::max(diff, std::fabs(double(a[i]) - double(b[i])));
        }
        r.worst = std::max(r.worst, diff);
        r.worst_rel = std::max(r.worst_rel, diff / (1 + big));
        r.same_labels += labels_of(q, folded, a) == labels_of(q, plain, b) ? 1 : 0;
        bool words = false;
        for (auto i : wf.features.index) words = words || i >= sparse;
        r.with_words += words ? 1 : 0;
        ++r.texts;
    }
    CHECK(identical);
    return r;
}

void expect_error(const std::string& text, errc code, const std::string& where) {
    try {
        (void)load_classifier_from_string(text);
        FAIL("expected an artifact_error at " << where);
    } catch (const artifact_error& e) {
        CHECK(e.code() == code);
        CHECK(e.where() == where);
    }
}

}  // namespace

TEST_CASE("quantize_row follows the reference rounding") {
    // scale 1: exact halves round away from zero, the maximum maps to 127.
    const std::vector<float> row = {127.0f, 0.5f, -0.5f, 1.5f, -2.5f, 0.0f};
    std::vector<std::int8_t> q(row.size());
    CHECK(quant::quantize_row(row.data(), row.size(), q.data()) == 1.0f);
    CHECK(q == std::vector<std::int8_t>{127, 1, -1, 2, -3, 0});
    const std::vector<float> neg = {-2.0f, 1.0f};
    CHECK(quant::quantize_row(neg.data(), neg.size(), q.data()) == doctest::Approx(2.0 / 127));
    CHECK(q[0] == -127);
    CHECK(q[1] == 64);  // 63.5 rounds away from zero
    const std::vector<float> zero(4, 0.0f);
    CHECK(quant::quantize_row(zero.data(), zero.size(), q.data()) == 1.0f);
    CHECK(q[0] == 0);
    // Dequantized, it is exactly the reference's quantize_row_reference.
    std::mt19937 rng(3);
    std::normal_distribution<float> n(0.0f, 0.3f);
    std::vector<float> x(37);
    for (auto& v : x) v = n(rng);
    std::vector<float> ref = x;
    tiny_ticket::detail::quantize_row_reference(ref.data(), ref.size());
    std::vector<std::int8_t> qx(x.size());
    const float s = quant::quantize_row(x.data(), x.size(), qx.data());
    for (std::size_t i = 0; i < x.size(); ++i) CHECK(static_cast<float>(qx[i]) * s == ref[i]);
}

TEST_CASE("quantize_vector (hot path) rounds exactly like quantize_row") {
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> u(-3.0f, 3.0f);
    for (int trial = 0; trial < 200; ++trial) {
        std::vector<float> x(1 + static_cast<std::size_t>(trial % 61));
        for (auto& v : x) v = u(rng);
        // Values that land on exact halves of the scale.
        if (trial % 3 == 0) {
            x[0] = 127.0f;
            for (std::size_t i = 1; i < x.size(); ++i) x[i] = static_cast<float>(int(i) % 40 - 20) + 0.5f;
        }
        std::vector<std::int8_t> a(x.size()), b(x.size());
        const float sa = quant::quantize_vector(x.data(), x.size(), a.data());
        const float sb = quant::quantize_row(x.data(), x.size(), b.data());
        CHECK(sa == sb);
        CHECK(a == b);
    }
}

TEST_CASE("quantize_vector16: int16 levels, rounded half away from zero, the same in int16 and int32") {
    std::mt19937 rng(12);
    std::uniform_real_distribution<float> u(-3.0f, 3.0f);
    for (int trial = 0; trial < 200; ++trial) {
        std::vector<float> x(1 + static_cast<std::size_t>(trial % 61));
        for (auto& v : x) v = u(rng);
        if (trial % 3 == 0) {
            x[0] = 32767.0f;  // scale 1: exact halves below
            for (std::size_t i = 1; i < x.size(); ++i) x[i] = static_cast<float>(int(i) % 40 - 20) * 1000.0f + 0.5f;
        }
        if (trial % 7 == 0) std::fill(x.begin(), x.end(), 0.0f);
        float max_abs = 0;
        for (float v : x) max_abs = std::max(max_abs, std::fabs(v));
        const float scale = max_abs == 0 ? 1.0f : max_abs / 32767.0f;
        std::vector<std::int16_t> a(x.size());
        std::vector<std::int32_t> b(x.size());
        CHECK(quant::quantize_vector16(x.data(), x.size(), a.data()) == scale);
        CHECK(quant::quantize_vector16(x.data(), x.size(), b.data()) == scale);
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double want = std::min(32767.0, std::max(-32767.0, std::round(double(x[i] / scale))));
            CHECK(a[i] == want);
            CHECK(b[i] == want);
        }
    }
}

// Every kernel set this build compiles and this CPU runs (the others are
// reported as skipped); tests/test_quant_dispatch.cpp covers more sizes.
template <class F>
void for_each_available_kernel_set(F&& f) {
    for (quant::kernel_set k : quant::all_kernel_sets) {
        if (!quant::available(k)) {
            MESSAGE("int8 kernels " << std::string(quant::to_string(k)) << ": skipped (not compiled, or this CPU lacks them)");
            continue;
        }
        CAPTURE(std::string(quant::to_string(k)));
        f(k);
    }
}

TEST_CASE("int8 row-sum kernel: every available version equals the scalar reference bit for bit") {
    for_each_available_kernel_set([](quant::kernel_set k) {
        check_rowsum_against_reference([k](auto... a) { quant::rowsum_i32(k, a...); });
    });
}

TEST_CASE("int16 row-sum kernel (folded word rows): every available version equals the scalar reference bit for bit") {
    CHECK(quant::rowsum16_chunk(0) == quant::max_rowsum16_inputs);
    CHECK(quant::rowsum16_chunk(127) == 258);
    CHECK(quant::rowsum16_chunk(32767) == 1);
    CHECK(quant::rowsum16_chunk(40000) == 1);
    for_each_available_kernel_set([](quant::kernel_set k) {
        check_rowsum16_against_reference([k](auto... a) { quant::rowsum16_i32(k, a...); });
    });
}

TEST_CASE("int8 integer kernel: every available version equals the scalar reference bit for bit") {
    MESSAGE("int8 kernels chosen at run time: " << std::string(quant::kernel_name()));
    for_each_available_kernel_set([](quant::kernel_set k) {
        check_i32_against_reference([k](auto... a) { quant::gather_i32(k, a...); });
    });
}

TEST_CASE("int8 weight-only kernel: every available version equals the scalar reference up to rounding") {
    for_each_available_kernel_set([](quant::kernel_set k) {
        check_f_against_reference([k](auto... a) { quant::gather_f(k, a...); });
    });
}

TEST_CASE("quantize: int8 tensors within half a step of the float weights, float values dropped") {
    const auto m = toy::model<float>();
    for (auto mode : {quant_mode::weight_only, quant_mode::full}) {
        const auto q = quantize(m, mode);
        CHECK(q.quantization == mode);
        CHECK(q.quantized());
        REQUIRE(q.trunk.size() == m.trunk.size());
        REQUIRE(q.heads.size() == m.heads.size());
        for (std::size_t l = 0; l < m.trunk.size(); ++l) {
            const auto* d = std::get_if<dense_spec<float>>(&m.trunk[l]);
            if (!d) continue;
            const auto& w = std::get<dense_spec<float>>(q.trunk[l]).weights;
            CHECK(w.type == dtype::int8);
            CHECK(w.values.empty());
            CHECK(w.rows == d->out);
            CHECK(w.cols == d->in);
            CHECK(std::get<dense_spec<float>>(q.trunk[l]).bias == d->bias);
            for (std::size_t o = 0; o < d->out; ++o)
                for (std::size_t i = 0; i < d->in; ++i)
                    CHECK(std::fabs(w.at(o, i) - d->weights[o * d->in + i]) <= w.scale[o] * 0.5f * 1.0001f);
        }
        for (const auto& h : q.heads) CHECK(h.layer.weights.is_int8());
        const auto& e = q.features.embedding.weights;
        CHECK(e.is_int8());
        CHECK(e.values.empty());
        CHECK(e.rows == m.features.embedding.vocab.size());
        CHECK_THROWS_AS(quantize(m, quant_mode::none), error);
        // Re-quantizing switches the mode and keeps the int8 values.
        const auto other = quantize(q, mode == quant_mode::full ? quant_mode::weight_only : quant_mode::full);
        CHECK(other.quantization != mode);
        CHECK(std::get<dense_spec<float>>(other.trunk[0]).weights.q == std::get<dense_spec<float>>(q.trunk[0]).weights.q);
    }
}

TEST_CASE("validate_model: a model is all-float or all-int8") {
    const auto q = quantize(toy::model<float>(), quant_mode::full);
    const auto expect_mixed = [](const basic_model<float>& m, const std::string& path) {
        try {
            validate_model(m);
            FAIL("a mixed model validated");
        } catch (const artifact_error& e) {
            CHECK(e.code() == errc::type);
            CHECK(e.where() == path);
            CHECK(std::string(e.what()).find("all-float or all-int8") != std::string::npos);
        }
    };
    // A float head in an int8 model.
    auto m = q;
    m.heads[1].layer.weights = toy::model<float>().heads[1].layer.weights;
    expect_mixed(m, "/heads/1/weights");
    // int8 tensors in a model that says it is float.
    m = q;
    m.quantization = quant_mode::none;
    expect_mixed(m, "/features/embedding/weights");
    // The int8 tensor checks its own shape and scales.
    m = q;
    std::get<dense_spec<float>>(m.trunk[0]).weights.scale.pop_back();
    CHECK_THROWS_AS(validate_model(m), artifact_error);
}

TEST_CASE("int8 classifiers track the float one on the toy model (embedding, two dense layers)") {
    const classifier f(toy::model<float>());
    const auto texts = sample_texts();
    for (auto mode : {quant_mode::weight_only, quant_mode::full}) {
        const classifier q(quantize(toy::model<float>(), mode));
        CHECK(q.quantization() == mode);
        const double diff = max_score_diff(f, q, texts);
        MESSAGE(std::string(to_string(mode)) << ": worst score difference " << diff);
        CHECK(diff < 0.05);
        CHECK(q.memory_bytes() < f.memory_bytes());
        // An int8 model cannot be explained (its float weights are gone).
        CHECK_THROWS_AS(explainer{q}, error);
    }
    // The double model quantizes to the same int8 values.
    const auto qd = quantize(toy::model<double>(), quant_mode::full);
    const auto qf = quantize(toy::model<float>(), quant_mode::full);
    CHECK(std::get<dense_spec<double>>(qd.trunk[0]).weights.q == std::get<dense_spec<float>>(qf.trunk[0]).weights.q);
    CHECK(qd.heads[1].layer.weights.scale == qf.heads[1].layer.weights.scale);
    for (auto mode : {quant_mode::weight_only, quant_mode::full}) {
        const basic_classifier<double> d(quantize(toy::model<double>(), mode));
        const basic_classifier<double> fd(toy::model<double>());
        CHECK(max_score_diff(fd, d, texts) < 0.05);
    }
}

TEST_CASE("int8 predict with a warmed workspace keeps its buffers (no reallocation)") {
    const classifier q(quantize(toy::model<float>(), quant_mode::full));
    auto ws = q.make_workspace();
    const auto texts = sample_texts();
    for (const auto& t : texts) (void)q.predict(t, ws);
    const auto* qp = ws.net.q.data();
    const auto* ap = ws.net.acc.data();
    const auto* lp = ws.net.logits.data();
    const auto* ip = ws.features.index.data();
    for (int r = 0; r < 5; ++r)
        for (const auto& t : texts) (void)q.predict(t, ws);
    CHECK(ws.net.q.data() == qp);
    CHECK(ws.net.acc.data() == ap);
    CHECK(ws.net.logits.data() == lp);
    CHECK(ws.features.index.data() == ip);
}

TEST_CASE("a quantized artifact saves compactly and loads back predicting identically") {
    const auto texts = sample_texts();
    for (auto mode : {quant_mode::weight_only, quant_mode::full}) {
        const auto q = quantize(toy::model<float>(), mode);
        const classifier before(q);
        for (auto enc : {weight_encoding::base64, weight_encoding::arrays}) {
            save_options o;
            o.weights = enc;
            const std::string text = save_model_to_string(q, o);
            const auto j = nlohmann::json::parse(text);
            CHECK(j.at("quantization").at("mode") == to_string(mode));
            CHECK(j.at("trunk").at(0).at("weights").at("dtype") == "i8");
            CHECK(j.at("heads").at(1).at("weights").at("dtype") == "i8");
            CHECK(j.at("features").at("embedding").at("weights").at("dtype") == "i8");
            const classifier after = load_classifier_from_string(text);
            CHECK(after.quantization() == mode);
            // No float copy of the weights after loading.
            CHECK(after.model().features.embedding.weights.values.empty());
            CHECK(after.model().features.embedding.weights.is_int8());
            const auto& w0 = std::get<dense_spec<float>>(after.model().trunk[0]).weights;
            CHECK(w0.values.empty());
            CHECK(after.model().heads[0].layer.weights.values.empty());
            CHECK(w0 == std::get<dense_spec<float>>(q.trunk[0]).weights);
            CHECK(w0.scale == std::get<dense_spec<float>>(q.trunk[0]).weights.scale);
            CHECK(same_predictions(before, after, texts));
        }
    }
    // Older readers' view: without the quantization field the same tensors
    // load as float (dequantized) and predict about the same (not exactly:
    // the int8 network requantizes the embedding projection).
    auto j = nlohmann::json::parse(save_model_to_string(quantize(toy::model<float>(), quant_mode::weight_only)));
    j.erase("quantization");
    j.erase("self_test");
    const classifier as_float = load_classifier_from_string(j.dump());
    CHECK(as_float.quantization() == quant_mode::none);
    CHECK(max_score_diff(as_float, classifier(quantize(toy::model<float>(), quant_mode::weight_only)), texts) < 0.01);
}

TEST_CASE("malformed quantized artifacts give errors with JSON paths") {
    const std::string good = save_model_to_string(quantize(toy::model<float>(), quant_mode::full));
    auto edit = [&](auto&& f) {
        auto j = nlohmann::json::parse(good);
        f(j);
        return j.dump();
    };
    expect_error(edit([](auto& j) { j["quantization"]["mode"] = "int4"; }), errc::value, "/quantization/mode");
    expect_error(edit([](auto& j) { j["quantization"].erase("mode"); }), errc::missing_field, "/quantization/mode");
    expect_error(edit([](auto& j) { j["trunk"][0]["weights"]["dtype"] = "f32"; }), errc::value, "/trunk/0/weights/dtype");
    expect_error(edit([](auto& j) { j["trunk"][0]["weights"] = nlohmann::json::array({1.0, 2.0}); }), errc::type,
                 "/trunk/0/weights");
    expect_error(edit([](auto& j) { j["trunk"][2]["weights"]["base64"] = "AAAA"; }), errc::shape,
                 "/trunk/2/weights/base64");
    expect_error(edit([](auto& j) { j["trunk"][2]["weights"]["base64"] = "A!"; }), errc::base64,
                 "/trunk/2/weights/base64");
    expect_error(edit([](auto& j) { j["heads"][0]["weights"].erase("scale"); }), errc::missing_field,
                 "/heads/0/weights/scale");
    expect_error(edit([](auto& j) { j["heads"][0]["weights"]["scale"] = nlohmann::json::array({1.0}); }), errc::shape,
                 "/heads/0/weights/scale");
    expect_error(edit([](auto& j) { j["heads"][1]["weights"]["shape"] = nlohmann::json::array({2, 6}); }), errc::shape,
                 "/heads/1/weights/shape");
    expect_error(edit([](auto& j) { j["features"]["embedding"]["weights"]["dtype"] = "f64"; }), errc::value,
                 "/features/embedding/weights/dtype");
    // -128 is outside the symmetric range.
    expect_error(edit([](auto& j) {
                     j["heads"][1]["weights"]["base64"] = tiny_ticket::detail::base64_encode("\x80\x01\x01\x01\x01\x01", 6);
                 }),
                 errc::value, "/heads/1/weights/base64");
    // Self-test scores recorded by quantize() are checked against the int8 kernels.
    expect_error(edit([](auto& j) { j["self_test"] = {{"tolerance", 1e-6}, {"cases", {{{"text", "refund"}, {"expected", {{"churn", {0.0, 1.0}}}}}}}}; }),
                 errc::self_test, "/self_test/0/expected/churn/0");
}

TEST_CASE("int8 agreement with float on the shipped model over the evaluation set") {
    const auto model_path = source_dir / "models" / "tiny_ticket-default-v6.json";
    const auto eval_path = source_dir / "tests" / "data" / "eval_tickets.jsonl";
    REQUIRE(std::filesystem::exists(model_path));
    REQUIRE(std::filesystem::exists(eval_path));
    const auto fm = load_model(model_path);
    const classifier f(fm);
    std::vector<std::string> texts;
    std::ifstream in(eval_path);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) texts.push_back(nlohmann::json::parse(line).at("text").get<std::string>());
    REQUIRE(texts.size() > 100);
    // Both modes compute the same int8 model: weight-only in float, full
    // with exact integer row sums and only the inputs of the heads (and the
    // few sparse values off their group's common value) rounded to int16
    // levels. Their labels (nearly) coincide.
    {
        const classifier w(quantize(fm, quant_mode::weight_only));
        const classifier q(quantize(fm, quant_mode::full));
        auto ww = w.make_workspace();
        auto wq = q.make_workspace();
        std::size_t same = 0;
        for (const auto& t : texts) {
            const auto& pw = w.predict(t, ww);
            const auto& pq = q.predict(t, wq);
            bool s = true;
            for (std::size_t h = 0; h < pw.heads.size(); ++h) s = s && pw.heads[h].label_index == pq.heads[h].label_index;
            same += s ? 1 : 0;
        }
        MESSAGE("full vs weight-only: " << same << "/" << texts.size() << " tickets identical on every head");
        CHECK(double(same) / double(texts.size()) >= 0.995);
    }
    for (auto mode : {quant_mode::weight_only, quant_mode::full}) {
        const classifier q(quantize(fm, mode));
        auto wf = f.make_workspace();
        auto wq = q.make_workspace();
        std::size_t all_same = 0;
        std::vector<std::size_t> per_head(f.num_heads(), 0);
        for (const auto& t : texts) {
            const auto& pf = f.predict(t, wf);
            const auto& pq = q.predict(t, wq);
            bool same = true;
            for (std::size_t h = 0; h < f.num_heads(); ++h) {
                const bool eq = pf.heads[h].label_index == pq.heads[h].label_index;
                per_head[h] += eq ? 1 : 0;
                same = same && eq;
            }
            all_same += same ? 1 : 0;
        }
        const double agree = double(all_same) / double(texts.size());
        MESSAGE(std::string(to_string(mode)) << ": " << all_same << "/" << texts.size() << " tickets identical on every head");
        // Disagreements are near-ties of the float model (margins of a few
        // thousandths), caused by the rounding of the weights themselves:
        // weight-only, the float model of the int8 values, has as many.
        CHECK(agree >= 0.97);
        for (std::size_t h = 0; h < f.num_heads(); ++h) CHECK(double(per_head[h]) / double(texts.size()) >= 0.99);
        // The artifact shrinks to under a third.
        CHECK(save_model_to_string(quantize(fm, mode)).size() * 3 <= save_model_to_string(fm).size());
    }
}

TEST_CASE("folded int8 network: the unfolded logits on the shipped model over tests/data, both modes") {
    const auto model_path = source_dir / "models" / "tiny_ticket-default-v6.json";
    REQUIRE(std::filesystem::exists(model_path));
    const auto fm = load_model(model_path);
    const auto texts = data_texts();
    REQUIRE(texts.size() > 1400);
    for (auto mode : {quant_mode::weight_only, quant_mode::full}) {
        const classifier q(quantize(fm, mode));
        const fold_comparison r = compare_folded(q, texts);
        MESSAGE(std::string(to_string(mode)) << ": " << r.with_words << "/" << r.texts << " texts with folded words, "
                                             << r.same_labels << " with the same labels, worst logit difference "
                                             << r.worst << " (relative " << r.worst_rel << ")");
        CHECK(r.with_words >= r.texts - 10);
        CHECK(r.same_labels == r.texts);
        if (mode == quant_mode::weight_only) {
            // The same integer row sums scaled by the same values, grouped
            // differently: float rounding only.
            CHECK(r.worst_rel <= 1e-5);
        } else {
            // Full mode rounds other inputs to int16 levels in each form
            // (folded: the ~40 n-gram corrections; unfolded: the ~17
            // features off their group's value; then the hidden layer),
            // each within half a level, 1/65534 of the largest of them. Even
            // if the ~50 roundings of a ticket all erred the same way, a
            // hidden unit would move by under 50/65534 < 1e-3 of its largest
            // term: that bound, relative to the logits' size. Measured: 3e-5.
            CHECK(r.worst_rel <= 1e-3);
        }
        // The int16 word rows are counted.
        const quant::basic_qnetwork<float> plain(q.model());
        const std::size_t stride = quant::pad_out(std::get<dense_spec<float>>(q.model().trunk[0]).out);
        CHECK(q.quantized_network().memory_bytes() >=
              plain.memory_bytes() + q.quantized_network().folded_words() * stride * sizeof(std::int16_t));
    }
}

TEST_CASE("folded int8 network on the toy model: float and double, refusals") {
    const auto texts = data_texts();
    for (auto mode : {quant_mode::weight_only, quant_mode::full}) {
        const classifier q(quantize(toy::model<float>(), mode));
        const fold_comparison r = compare_folded(q, texts);
        CHECK(r.same_labels == r.texts);
        CHECK(r.worst_rel <= (mode == quant_mode::weight_only ? 1e-5 : 1e-3));
        const basic_classifier<double> d(quantize(toy::model<double>(), mode));
        const fold_comparison rd = compare_folded(d, texts);
        CHECK(rd.same_labels == rd.texts);
        CHECK(rd.worst_rel <= (mode == quant_mode::weight_only ? 1e-12 : 1e-3));
        // Folding happens once, and only within its memory budget.
        quant::basic_qnetwork<float> n(q.model());
        CHECK_FALSE(n.fold_word_rows(q.featurizer().word_ngrams(), 16));
        CHECK(n.folded_words() == 0);
        CHECK(n.fold_word_rows(q.featurizer().word_ngrams()));
        CHECK_FALSE(n.fold_word_rows(q.featurizer().word_ngrams()));
    }
    // A word whose n-gram rows sum beyond int16 (600 n-grams of "aaaa...",
    // character weights at the row maximum): the model does not fold and
    // predicts from plain features.
    auto m = toy::model<float>();
    m.features.bow.vocab[0] = std::string(300, 'a');
    auto& first = std::get<dense_spec<float>>(m.trunk[0]);
    for (std::size_t o = 0; o < first.out; ++o)
        for (std::size_t i = m.features.char_offset(); i < m.features.sparse_width(); ++i) first.weights[o * first.in + i] = 1.0f;
    const classifier f(m);
    for (auto mode : {quant_mode::weight_only, quant_mode::full}) {
        const classifier q(quantize(m, mode));
        CHECK(q.quantized_network().folded_words() == 0);
        CHECK(max_score_diff(f, q, {std::string(300, 'a'), "refund " + std::string(300, 'a'), "where is my order"}) < 0.05);
    }
}

TEST_CASE("folded int8 predict on the shipped model keeps its buffers once warm") {
    const auto fm = load_model(source_dir / "models" / "tiny_ticket-default-v6.json");
    const auto texts = data_texts();
    for (auto mode : {quant_mode::weight_only, quant_mode::full}) {
        const classifier q(quantize(fm, mode));
        REQUIRE(q.quantized_network().folded_words() > 0);
        auto ws = q.make_workspace();
        for (const auto& t : texts) (void)q.predict(t, ws);
        const auto before = std::vector<const void*>{ws.net.acc.data(),      ws.net.nz.data(),       ws.net.v.data(),
                                                     ws.net.facc.data(),     ws.net.logits.data(),   ws.features.index.data(),
                                                     ws.features.value.data(), ws.feat.acc.data(), ws.normalized.data()};
        for (int rep = 0; rep < 2; ++rep)
            for (const auto& t : texts) (void)q.predict(t, ws);
        const auto after = std::vector<const void*>{ws.net.acc.data(),      ws.net.nz.data(),       ws.net.v.data(),
                                                    ws.net.facc.data(),     ws.net.logits.data(),   ws.features.index.data(),
                                                    ws.features.value.data(), ws.feat.acc.data(), ws.normalized.data()};
        CHECK(before == after);
    }
}
