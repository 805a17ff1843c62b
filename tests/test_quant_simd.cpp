// SPDX-License-Identifier: MIT
// The int8 kernels of one instruction set, built into their own executable
// with that set's compiler flags (tests/CMakeLists.txt), so the SIMD paths
// are tested in every build, not only in builds configured for them: each
// kernel against the scalar reference, bit for bit, at the sizes that
// exercise each block width, tail and bound; then (unless built with
// TINY_TICKET_SIMD_KERNELS_ONLY, as the sanitizer build does, to keep its
// compile time down) the shipped model, quantized, through the network that
// calls them.
//
// The executable checks at start-up that the CPU runs what it was compiled
// for; if not, it exits with code 77, which ctest reports as skipped.
// Not part of tiny_ticket_tests: it has its own main.

#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <tiny_ticket/quant/kernels.hpp>
#if !defined(TINY_TICKET_SIMD_KERNELS_ONLY)
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <tiny_ticket/artifact.hpp>
#include <tiny_ticket/classifier.hpp>
#include <tiny_ticket/quant/quantize.hpp>
#endif

namespace {

#if defined(__x86_64__) || defined(__i386__)
// Runs before every other initializer (doctest registers its cases from
// static constructors compiled with the same flags, which may already use
// the wider instructions). Only calls and branches here, nothing the
// compiler could vectorize.
__attribute__((constructor(101))) void require_compiled_instruction_sets() {
    __builtin_cpu_init();
    const char* missing = nullptr;
#if defined(__AVX2__)
    if (!__builtin_cpu_supports("avx2")) missing = "avx2";
#endif
#if defined(__FMA__)
    if (!missing && !__builtin_cpu_supports("fma")) missing = "fma";
#endif
#if defined(__AVX512F__)
    if (!missing && !__builtin_cpu_supports("avx512f")) missing = "avx512f";
#endif
#if defined(__AVX512BW__)
    if (!missing && !__builtin_cpu_supports("avx512bw")) missing = "avx512bw";
#endif
#if defined(__AVX512VL__)
    if (!missing && !__builtin_cpu_supports("avx512vl")) missing = "avx512vl";
#endif
#if defined(__AVX512VNNI__)
    if (!missing && !__builtin_cpu_supports("avx512vnni")) missing = "avx512vnni";
#endif
    if (missing) {
        std::fprintf(stderr, "SKIPPED: this CPU lacks %s, which these kernel tests were compiled for\n", missing);
        std::fflush(stderr);
        std::_Exit(77);
    }
}
#endif

using namespace tiny_ticket;

// The kernels under test: the newest set this executable's flags enable
// (the first test case checks it is the one the build meant). SSE2 is
// tested in tiny_ticket_tests, AVX2 in the AVX2 executable.
namespace simd = quant::active;

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
void check_gather_i32(std::mt19937& rng, int limit) {
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
                simd::gather_i32(table.data(), stride, idx.data(), qx.data(), count, padded, got.data());
                REQUIRE(got == want);
                CHECK(guard_intact(got, padded));
                CHECK(reference_is_exact(table, stride, idx, qx.data(), count, padded, want));
            }
}

TEST_CASE("this executable runs the kernels its flags select") {
    MESSAGE("int8 kernels under test: " << std::string(simd::name));
#if defined(TINY_TICKET_EXPECTED_KERNELS)
    // A build whose flags did not reach the compiler would quietly test the
    // SSE2 kernels again.
    CHECK(std::string(simd::name) == TINY_TICKET_EXPECTED_KERNELS);
#endif
}

TEST_CASE("gather_i32 equals the scalar reference bit for bit") {
    std::mt19937 rng(101);
    // int8 multipliers, and int16 levels held as int16 or int32 (as the
    // network holds them); uint32 and int32 indices.
    check_gather_i32<std::uint32_t, std::int8_t>(rng, 127);
    check_gather_i32<std::uint32_t, std::int16_t>(rng, 32767);
    check_gather_i32<std::uint32_t, std::int32_t>(rng, 32767);
    check_gather_i32<std::int32_t, std::int32_t>(rng, 32767);
}

TEST_CASE("gather_i32 at the int32 bound: every product at its extreme") {
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
                simd::gather_i32(table.data(), padded, idx.data(), q.data(), n, padded, got.data());
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
                simd::gather_i32(table.data(), padded, idx.data(), q.data(), n, padded, got.data());
                CHECK(std::all_of(got.begin(), got.begin() + static_cast<std::ptrdiff_t>(padded),
                                  [&](std::int32_t v) { return v == sign * 127 * 127 * 131072; }));
                CHECK(guard_intact(got, padded));
            }
        }
}

TEST_CASE("rowsum_i32 equals the scalar reference bit for bit") {
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
            simd::rowsum_i32(table.data(), stride, idx.data(), count, padded, got.data());
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
        simd::rowsum_i32(table.data(), padded, idx.data(), count, padded, got.data());
        CHECK(std::all_of(got.begin(), got.begin() + static_cast<std::ptrdiff_t>(padded),
                          [&](std::int32_t v) { return v == fill * 1000; }));
        CHECK(guard_intact(got, padded));
    }
}

TEST_CASE("rowsum16_i32 equals the scalar reference bit for bit") {
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
                        simd::rowsum16_i32(table.data(), stride, idx->data(), count, padded, ch, got.data());
                        REQUIRE(got == want);
                        CHECK(guard_intact(got, padded));
                        CHECK(reference_is_exact(table, stride, *idx, static_cast<const int*>(nullptr), count, padded,
                                                 want));
                    }
            }
        }
}

TEST_CASE("gather_f equals the scalar reference up to fused multiply-add rounding") {
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
            simd::gather_f(table.data(), stride, idx.data(), v.data(), count, padded, got.data());
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
}

#if !defined(TINY_TICKET_SIMD_KERNELS_ONLY)
std::vector<std::string> eval_texts() {
    std::vector<std::string> texts;
    std::ifstream in(std::filesystem::path(TINY_TICKET_SOURCE_DIR) / "tests" / "data" / "eval_tickets.jsonl");
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) texts.push_back(nlohmann::json::parse(line).at("text").get<std::string>());
    return texts;
}

TEST_CASE("shipped model, int8 through these kernels: the default build's agreement") {
    // tests/test_quant.cpp holds the default build to these figures; the
    // same model through this build's kernels must meet them too. Full mode
    // runs every correction and the heads through gather_i32, weight-only
    // through rowsum_i32, rowsum16_i32 and gather_f alone, both on the
    // same int8 weights: a wrong integer kernel would separate them.
    const auto model_path = std::filesystem::path(TINY_TICKET_SOURCE_DIR) / "models" / "tiny_ticket-default-v4.json";
    REQUIRE(std::filesystem::exists(model_path));
    const auto fm = load_model(model_path);
    const auto texts = eval_texts();
    REQUIRE(texts.size() > 100);
    const classifier f(fm);
    const classifier w(quantize(fm, quant_mode::weight_only));
    const classifier q(quantize(fm, quant_mode::full));
    REQUIRE(q.quantized_network().folded_words() > 0);
    auto wf = f.make_workspace();
    auto ww = w.make_workspace();
    auto wq = q.make_workspace();
    std::size_t same_wq = 0, same_fq = 0;
    std::vector<std::size_t> per_head(f.num_heads(), 0);
    double worst_rel = 0;
    for (const auto& t : texts) {
        const auto& pf = f.predict(t, wf);
        const auto& pw = w.predict(t, ww);
        const auto& pq = q.predict(t, wq);
        bool s_wq = true, s_fq = true;
        for (std::size_t h = 0; h < f.num_heads(); ++h) {
            s_wq = s_wq && pw.heads[h].label_index == pq.heads[h].label_index;
            const bool eq = pf.heads[h].label_index == pq.heads[h].label_index;
            s_fq = s_fq && eq;
            per_head[h] += eq ? 1 : 0;
        }
        same_wq += s_wq ? 1 : 0;
        same_fq += s_fq ? 1 : 0;
        double big = 0, diff = 0;
        for (std::size_t i = 0; i < q.quantized_network().logits(); ++i) {
            big = std::max(big, std::fabs(double(ww.net.logits[i])));
            diff = std::max(diff, std::fabs(double(wq.net.logits[i]) - double(ww.net.logits[i])));
        }
        worst_rel = std::max(worst_rel, diff / (1 + big));
    }
    const double n = double(texts.size());
    MESSAGE("full vs weight-only: " << same_wq << "/" << texts.size() << " identical on every head, worst logit "
                                    << "difference " << worst_rel << " relative; full vs float: " << same_fq);
    CHECK(double(same_wq) / n >= 0.995);
    CHECK(double(same_fq) / n >= 0.97);
    for (std::size_t h = 0; h < f.num_heads(); ++h) CHECK(double(per_head[h]) / n >= 0.99);
    // Full mode differs from weight-only only by its inputs rounded to
    // int16 levels (about 40 corrections and the heads' 32 inputs, each
    // within half a level, 1/65534 of the largest): well under 1e-3 of the
    // logits' size even if every rounding erred the same way.
    CHECK(worst_rel <= 1e-3);
}
#endif

}  // namespace
