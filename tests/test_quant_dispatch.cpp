// SPDX-License-Identifier: MIT
// The int8 kernels chosen at run time (quant/kernels.hpp): every kernel set
// this build compiles and this CPU runs, against the scalar reference, bit
// for bit, at the sizes that exercise each block width, tail and bound; then
// the shipped model, quantized, through networks built on each set. Sets the
// CPU lacks are reported as skipped, never passed silently.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tiny_ticket/artifact.hpp>
#include <tiny_ticket/classifier.hpp>
#include <tiny_ticket/quant/kernels.hpp>
#include <tiny_ticket/quantize.hpp>

namespace {

using namespace tiny_ticket;

// Calls f(k) for every kernel set but the scalar reference that this build
// compiled and this CPU runs; reports the others as skipped.
template <class F>
void for_each_kernel_set(F&& f) {
    for (quant::kernel_set k : quant::all_kernel_sets) {
        if (k == quant::kernel_set::scalar) continue;
        if (!quant::compiled(k)) {
            MESSAGE("int8 kernels " << std::string(quant::to_string(k)) << ": skipped (not compiled for this target)");
            continue;
        }
        if (!quant::cpu_supports(k)) {
            MESSAGE("int8 kernels " << std::string(quant::to_string(k)) << ": skipped (this CPU lacks the instructions)");
            continue;
        }
        CAPTURE(std::string(quant::to_string(k)));
        f(k);
    }
}

// Widths covering every split for_blocks makes (64, 32 and 16 outputs in
// each combination up to 272), and strides wider than the width (a table
// whose rows are longer than the outputs summed: nothing past `padded` may
// be read into or written to acc).
const std::size_t widths[] = {16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 272};
// Every count up to 9 (the VNNI kernel takes rows four, two and one at a
// time), odd and even counts beyond, and the longest list allowed for
// 16-bit multipliers.
const std::size_t counts[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 31, 33, 63, 127, 255, 256, 257, 511, 512};

// acc with a guard band past the outputs: values a kernel must leave alone.
constexpr std::size_t guard = 16;
constexpr std::int32_t guard_value = 0x5a5a5a5a;

bool guard_intact(const std::vector<std::int32_t>& acc, std::size_t padded) {
    for (std::size_t o = padded; o < acc.size(); ++o)
        if (acc[o] != guard_value) return false;
    return true;
}

template <class Q>
std::vector<Q> random_levels(std::mt19937& rng, std::size_t n, int limit) {
    std::uniform_int_distribution<int> d(-limit, limit);
    std::vector<Q> v(n);
    for (auto& x : v) x = static_cast<Q>(d(rng));
    return v;
}

// A table of `rows` rows of `stride` entries, each exactly as large as it
// needs to be (so a sanitizer build catches a read past the last row).
// Rows 0 and 1 hold +limit and -limit, the extremes.
template <class Q>
std::vector<Q> random_table(std::mt19937& rng, std::size_t rows, std::size_t stride, int limit) {
    std::vector<Q> t = random_levels<Q>(rng, rows * stride, limit);
    for (std::size_t o = 0; o < stride; ++o) {
        t[o] = static_cast<Q>(limit);
        t[stride + o] = static_cast<Q>(-limit);
    }
    return t;
}

template <class Index>
std::vector<Index> random_indices(std::mt19937& rng, std::size_t n, std::size_t rows) {
    std::uniform_int_distribution<std::size_t> d(0, rows - 1);
    std::vector<Index> v(n);
    for (std::size_t k = 0; k < n; ++k) v[k] = static_cast<Index>(k % 7 == 0 ? k % 2 : d(rng));
    return v;
}

// The reference itself against a 64-bit sum, so the comparisons below
// compare against the right thing.
template <class Table, class Index, class M>
bool reference_is_exact(const Table& table, std::size_t stride, const Index& idx, const M* qx, std::size_t count,
                        std::size_t padded, const std::vector<std::int32_t>& got) {
    for (std::size_t o = 0; o < padded; ++o) {
        long long s = 0;
        for (std::size_t k = 0; k < count; ++k)
            s += static_cast<long long>(qx ? qx[k] : 1) * table[static_cast<std::size_t>(idx[k]) * stride + o];
        if (s != got[o]) return false;
    }
    return true;
}

template <class Index, class M>
void check_gather_i32(quant::kernel_set k, std::mt19937& rng, int limit) {
    for (std::size_t padded : widths)
        for (std::size_t extra : {std::size_t(0), std::size_t(16)})
            for (std::size_t count : counts) {
                const std::size_t stride = padded + extra, rows = 29;
                CAPTURE(padded);
                CAPTURE(stride);
                CAPTURE(count);
                const auto table = random_table<std::int8_t>(rng, rows, stride, 127);
                const auto idx = random_indices<Index>(rng, count, rows);
                auto qx = random_levels<M>(rng, count, limit);
                for (std::size_t k = 0; k < count; k += 5) qx[k] = static_cast<M>(k % 2 ? limit : -limit);
                std::vector<std::int32_t> want(padded + guard, guard_value), got(padded + guard, guard_value);
                quant::scalar::gather_i32(table.data(), stride, idx.data(), qx.data(), count, padded, want.data());
                quant::gather_i32(k, table.data(), stride, idx.data(), qx.data(), count, padded, got.data());
                REQUIRE(got == want);
                CHECK(guard_intact(got, padded));
                CHECK(reference_is_exact(table, stride, idx, qx.data(), count, padded, want));
            }
}

TEST_CASE("int8 kernels: the widest set this CPU runs is chosen at run time") {
    MESSAGE("int8 kernels chosen: " << std::string(quant::kernel_name()));
    const quant::kernel_set best = quant::best_kernel_set();
    CHECK(quant::available(best));
    for (quant::kernel_set k : quant::all_kernel_sets)
        if (quant::available(k)) CHECK(static_cast<int>(k) <= static_cast<int>(best));
    CHECK(quant::available(quant::kernel_set::scalar));
#if defined(__x86_64__) || defined(_M_X64)
    // Every x86-64 CPU has SSE2: a default build never falls back to scalar.
    CHECK(static_cast<int>(best) >= static_cast<int>(quant::kernel_set::sse2));
#endif
}

TEST_CASE("gather_i32 equals the scalar reference bit for bit") {
    for_each_kernel_set([&](quant::kernel_set k) {
        std::mt19937 rng(101);
        // int8 multipliers, and int16 levels held as int16 or int32 (as the
        // network holds them); uint32 and int32 indices.
        check_gather_i32<std::uint32_t, std::int8_t>(k, rng, 127);
        check_gather_i32<std::uint32_t, std::int16_t>(k, rng, 32767);
        check_gather_i32<std::uint32_t, std::int32_t>(k, rng, 32767);
        check_gather_i32<std::int32_t, std::int32_t>(k, rng, 32767);
    });
}

TEST_CASE("gather_i32 at the int32 bound: every product at its extreme") {
    for_each_kernel_set([&](quant::kernel_set k) {
        // 127 * 32767 * 512 and 127 * 127 * 131072 are just below 2^31: any
        // intermediate the kernel kept narrower, or summed past int32, shows.
        for (std::size_t padded : {std::size_t(48), std::size_t(64), std::size_t(112)})
            for (int sign : {1, -1}) {
                CAPTURE(padded);
                CAPTURE(sign);
                std::vector<std::int8_t> table(2 * padded);
                for (std::size_t o = 0; o < padded; ++o) {
                    table[o] = static_cast<std::int8_t>(127 * sign);
                    table[padded + o] = static_cast<std::int8_t>(-127 * sign);
                }
                {
                    const std::size_t n = quant::max_i32_inputs16;
                    std::vector<std::uint32_t> idx(n);
                    std::vector<std::int32_t> q(n);
                    for (std::size_t k = 0; k < n; ++k) {
                        idx[k] = static_cast<std::uint32_t>(k % 2);
                        q[k] = k % 2 ? -32767 : 32767;
                    }
                    std::vector<std::int32_t> got(padded + guard, guard_value);
                    quant::gather_i32(k, table.data(), padded, idx.data(), q.data(), n, padded, got.data());
                    CHECK(std::all_of(got.begin(), got.begin() + static_cast<std::ptrdiff_t>(padded),
                                      [&](std::int32_t v) { return v == sign * 127 * 32767 * 512; }));
                    CHECK(guard_intact(got, padded));
                }
                {
                    const std::size_t n = quant::max_i32_inputs;
                    std::vector<std::uint32_t> idx(n);
                    std::vector<std::int8_t> q(n);
                    for (std::size_t k = 0; k < n; ++k) {
                        idx[k] = static_cast<std::uint32_t>(k % 2);
                        q[k] = static_cast<std::int8_t>(k % 2 ? -127 : 127);
                    }
                    std::vector<std::int32_t> got(padded + guard, guard_value);
                    quant::gather_i32(k, table.data(), padded, idx.data(), q.data(), n, padded, got.data());
                    CHECK(std::all_of(got.begin(), got.begin() + static_cast<std::ptrdiff_t>(padded),
                                      [&](std::int32_t v) { return v == sign * 127 * 127 * 131072; }));
                    CHECK(guard_intact(got, padded));
                }
            }
    });
}

TEST_CASE("rowsum_i32 equals the scalar reference bit for bit") {
    for_each_kernel_set([&](quant::kernel_set k) {
        std::mt19937 rng(202);
        // Counts around the 256-row int16 chunk too.
        for (std::size_t padded : widths)
            for (std::size_t count : counts) {
                const std::size_t stride = padded + (count % 2 ? 16 : 0), rows = 29;
                CAPTURE(padded);
                CAPTURE(count);
                const auto table = random_table<std::int8_t>(rng, rows, stride, 127);
                const auto idx = random_indices<std::int32_t>(rng, count, rows);
                std::vector<std::int32_t> want(padded + guard, guard_value), got(padded + guard, guard_value);
                quant::scalar::rowsum_i32(table.data(), stride, idx.data(), count, padded, want.data());
                quant::rowsum_i32(k, table.data(), stride, idx.data(), count, padded, got.data());
                REQUIRE(got == want);
                CHECK(guard_intact(got, padded));
                CHECK(reference_is_exact(table, stride, idx, static_cast<const int*>(nullptr), count, padded, want));
            }
        // One row repeated 1,000 times at +-127: the int16 partial sums at
        // their largest, across several chunks.
        for (std::int8_t fill : {std::int8_t(127), std::int8_t(-127)}) {
            const std::size_t padded = 112, count = 1000;
            std::vector<std::int8_t> table(padded, fill);
            std::vector<std::uint32_t> idx(count, 0);
            std::vector<std::int32_t> got(padded + guard, guard_value);
            quant::rowsum_i32(k, table.data(), padded, idx.data(), count, padded, got.data());
            CHECK(std::all_of(got.begin(), got.begin() + static_cast<std::ptrdiff_t>(padded),
                              [&](std::int32_t v) { return v == fill * 1000; }));
            CHECK(guard_intact(got, padded));
        }
    });
}

TEST_CASE("rowsum16_i32 equals the scalar reference bit for bit") {
    for_each_kernel_set([&](quant::kernel_set k) {
        std::mt19937 rng(303);
        for (int max_abs : {1, 127, 1524, 32767})
            for (std::size_t padded : widths) {
                const std::size_t rows = 29, stride = padded + 16;
                const std::size_t chunk = quant::rowsum16_chunk(static_cast<std::size_t>(max_abs));
                const auto table = random_table<std::int16_t>(rng, rows, stride, max_abs);
                for (std::size_t count : {std::size_t(0), std::size_t(1), std::size_t(2), std::size_t(3), std::size_t(17),
                                          chunk - 1, chunk, chunk + 1, 2 * chunk + 1, std::size_t(300)}) {
                    if (count > 600) continue;
                    CAPTURE(max_abs);
                    CAPTURE(padded);
                    CAPTURE(count);
                    const auto mixed = random_indices<std::uint32_t>(rng, count, rows);
                    // The same extreme row throughout: each chunk's sum at its bound.
                    const std::vector<std::uint32_t> same(count, static_cast<std::uint32_t>(count % 2));
                    for (const auto* idx : {&mixed, &same})
                        for (std::size_t ch : {chunk, std::max<std::size_t>(1, chunk / 3), std::size_t(1)}) {
                            std::vector<std::int32_t> want(padded + guard, guard_value), got(padded + guard, guard_value);
                            quant::scalar::rowsum16_i32(table.data(), stride, idx->data(), count, padded, ch, want.data());
                            quant::rowsum16_i32(k, table.data(), stride, idx->data(), count, padded, ch, got.data());
                            REQUIRE(got == want);
                            CHECK(guard_intact(got, padded));
                            CHECK(reference_is_exact(table, stride, *idx, static_cast<const int*>(nullptr), count, padded,
                                                     want));
                        }
                }
            }
    });
}

TEST_CASE("gather_f equals the scalar reference up to fused multiply-add rounding") {
    for_each_kernel_set([&](quant::kernel_set k) {
        std::mt19937 rng(404);
        std::uniform_real_distribution<float> u(-2.0f, 2.0f);
        for (std::size_t padded : widths)
            for (std::size_t count : counts) {
                const std::size_t stride = padded + 16, rows = 29;
                CAPTURE(padded);
                CAPTURE(count);
                const auto table = random_table<std::int8_t>(rng, rows, stride, 127);
                const auto idx = random_indices<std::uint32_t>(rng, count, rows);
                std::vector<float> v(count);
                for (auto& x : v) x = u(rng);
                std::vector<float> want(padded + guard, 7.0f), got(padded + guard, 7.0f);
                quant::scalar::gather_f(table.data(), stride, idx.data(), v.data(), count, padded, want.data());
                quant::gather_f(k, table.data(), stride, idx.data(), v.data(), count, padded, got.data());
                // Same products in the same order: a fused multiply-add rounds
                // once instead of twice, at most one rounding of each term.
                double worst = 0;
                for (std::size_t o = 0; o < padded; ++o) {
                    double mag = 0;
                    for (std::size_t k = 0; k < count; ++k)
                        mag += std::fabs(double(v[k]) * table[static_cast<std::size_t>(idx[k]) * stride + o]);
                    worst = std::max(worst, std::fabs(double(got[o]) - double(want[o])) / (mag + 1e-30));
                }
                CHECK(worst <= 1e-6);
                CHECK(std::all_of(got.begin() + static_cast<std::ptrdiff_t>(padded), got.end(),
                                  [](float x) { return x == 7.0f; }));
            }
    });
}

std::vector<std::string> eval_texts() {
    std::vector<std::string> texts;
    std::ifstream in(std::filesystem::path(TINY_TICKET_SOURCE_DIR) / "tests" / "data" / "eval_tickets.jsonl");
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) texts.push_back(nlohmann::json::parse(line).at("text").get<std::string>());
    return texts;
}

TEST_CASE("shipped model, int8: every kernel set gives the scalar kernels' logits") {
    // Full mode runs the corrections and the dense layers through
    // gather_i32, weight-only through rowsum_i32 and gather_f; the folded
    // networks add rowsum16_i32. Integer kernels are exact, so full-mode
    // logits must match bit for bit; gather_f may differ by fused
    // multiply-add rounding in builds that target FMA.
    const auto model_path = std::filesystem::path(TINY_TICKET_SOURCE_DIR) / "models" / "tiny_ticket-default-v6.json";
    REQUIRE(std::filesystem::exists(model_path));
    const auto fm = load_model(model_path);
    const auto texts = eval_texts();
    REQUIRE(texts.size() > 100);
    for (quant_mode mode : {quant_mode::full, quant_mode::weight_only}) {
        CAPTURE(std::string(to_string(mode)));
        const classifier q(quantize(fm, mode));
        CHECK(q.quantized_network().kernels() == quant::best_kernel_set());
        for (bool folded : {false, true}) {
            CAPTURE(folded);
            quant::basic_qnetwork<float> ref(q.model(), quant::kernel_set::scalar);
            if (folded) REQUIRE(ref.fold_word_rows(q.featurizer().word_ngrams()));
            for_each_kernel_set([&](quant::kernel_set k) {
                quant::basic_qnetwork<float> net(q.model(), k);
                if (folded) REQUIRE(net.fold_word_rows(q.featurizer().word_ngrams()));
                auto ws = q.make_workspace();
                nn::network_scratch<float> sr, sk;
                std::size_t identical = 0;
                double worst = 0;
                for (const auto& t : texts) {
                    if (folded) {
                        q.text_normalizer().normalize(t, ws.normalized, ws.norm);
                        normalizer::tokenize(ws.normalized, ws.tokens);
                        q.featurizer().extract_folded(ws.normalized, ws.tokens, ws.features, ws.feat);
                    } else {
                        q.featurize(t, ws);
                    }
                    ref.forward(ws.features, sr);
                    net.forward(ws.features, sk);
                    bool same = true;
                    for (std::size_t i = 0; i < ref.logits(); ++i) {
                        same = same && sr.logits[i] == sk.logits[i];
                        worst = std::max(worst, std::fabs(double(sr.logits[i]) - double(sk.logits[i])) /
                                                    (1 + std::fabs(double(sr.logits[i]))));
                    }
                    identical += same ? 1 : 0;
                }
                MESSAGE(std::string(quant::to_string(k)) << " " << std::string(to_string(mode)) << std::string(folded ? " folded" : "") << ": "
                                            << identical << "/" << texts.size() << " texts bit-identical, worst "
                                            << worst << " relative");
                if (mode == quant_mode::full) CHECK(identical == texts.size());
                CHECK(worst <= 1e-5);
            });
        }
    }
}

}  // namespace
