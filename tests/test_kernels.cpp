// SPDX-License-Identifier: MIT
// The hot-path kernels against plain reference implementations: the
// one-pass substring matcher against one search per phrase, the blocked
// dense layer against y = Wx + b at awkward sizes, the string map on keys of
// every length class its hash and compare distinguish.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <tiny_ticket/features/featurizer.hpp>
#include <tiny_ticket/nn/dense.hpp>

using namespace tiny_ticket;

TEST_CASE("substring keyword flags equal one search per phrase") {
    std::mt19937 rng(7);
    const std::string alphabet = "aab c<>1";
    auto random_text = [&](std::size_t max_len) {
        std::string s(rng() % (max_len + 1), ' ');
        for (char& c : s) c = alphabet[rng() % alphabet.size()];
        return s;
    };
    for (int round = 0; round < 200; ++round) {
        CAPTURE(round);
        feature_spec<float> spec;
        spec.keywords.match = keyword_match::substring;
        // Overlapping, nested, repeated and empty phrases.
        const std::size_t k = 1 + rng() % 12;
        for (std::size_t i = 0; i < k; ++i) spec.keywords.phrases.push_back(random_text(4));
        if (round % 5 == 0) spec.keywords.phrases.push_back(spec.keywords.phrases[0]);
        const basic_featurizer<float> f(spec);
        basic_feature_vector<float> fv;
        featurizer_scratch s;
        std::vector<std::string_view> tokens;
        for (int t = 0; t < 20; ++t) {
            const std::string text = random_text(30);
            CAPTURE(text);
            normalizer::tokenize(text, tokens);
            f.extract(text, tokens, fv, s);
            std::vector<std::uint32_t> want;
            for (std::size_t p = 0; p < spec.keywords.phrases.size(); ++p) {
                const std::string& ph = spec.keywords.phrases[p];
                if (!ph.empty() && text.find(ph) != std::string::npos) want.push_back(static_cast<std::uint32_t>(p));
            }
            REQUIRE(fv.index == want);  // in phrase order
            for (float v : fv.value) CHECK(v == 1.0f);
        }
    }
}

TEST_CASE_TEMPLATE("blocked dense layer equals y = Wx + b at any size", T, float, double) {
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> u(-1, 1);
    // Widths around the block sizes; more inputs than the compaction buffer.
    for (std::size_t out : {1, 3, 7, 8, 9, 16, 26, 31, 33, 64, 65}) {
        for (std::size_t in : {1, 5, 64, 511, 512, 513, 700}) {
            CAPTURE(out);
            CAPTURE(in);
            dense_spec<T> s;
            s.in = in;
            s.out = out;
            for (std::size_t i = 0; i < in * out; ++i) s.weights.push_back(static_cast<T>(u(rng)));
            for (std::size_t o = 0; o < out; ++o) s.bias.push_back(static_cast<T>(u(rng)));
            const nn::dense<T> d(s);
            std::vector<T> x(in);
            for (auto& v : x) v = rng() % 3 == 0 ? T(0) : static_cast<T>(u(rng));
            std::vector<T> y(out + 1, T(-7));  // one guard value past the end
            d.forward(x.data(), y.data());
            CHECK(y[out] == T(-7));
            for (std::size_t o = 0; o < out; ++o) {
                double want = static_cast<double>(s.bias[o]);
                for (std::size_t i = 0; i < in; ++i)
                    want += static_cast<double>(x[i]) * static_cast<double>(s.weights[o * in + i]);
                CHECK(static_cast<double>(y[o]) == doctest::Approx(want).epsilon(sizeof(T) == 4 ? 1e-4 : 1e-12));
            }
        }
    }
}

TEST_CASE_TEMPLATE("the AVX row gather gives the default kernel's values bit for bit", T, float, double) {
    // Builds without AVX dispatch to a 32-byte copy of the gather on CPUs
    // that have it; both must add the same products in the same order.
#if defined(TINY_TICKET_GATHER_DISPATCH)
    if (!nn::detail::gather_avx) {
        MESSAGE("this CPU has no AVX: the 32-byte gather is not run here");
        return;
    }
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> u(-1, 1);
    const std::size_t narrow = nn::block_width<T>::narrow;
    for (std::size_t padded : {narrow, 2 * narrow, 4 * narrow, 5 * narrow, 9 * narrow}) {
        for (std::size_t count : {0, 1, 3, 76, 300}) {
            CAPTURE(padded);
            CAPTURE(count);
            std::vector<T> rows(count * padded), vals(count), bias(padded);
            for (auto& v : rows) v = static_cast<T>(u(rng));
            for (auto& v : vals) v = static_cast<T>(u(rng));
            for (auto& v : bias) v = static_cast<T>(u(rng));
            auto pick = [&](std::size_t i, T& v) -> const T* {
                v = vals[i];
                return i % 7 == 3 ? nullptr : rows.data() + i * padded;
            };
            for (std::size_t valid : {padded, padded - 1}) {
                std::vector<T> a(padded + 1, T(-7)), b(padded + 1, T(-7));
                nn::detail::gather_with<true>(bias.data(), pick, count, padded, a.data(), valid);
                nn::detail::gather_with<false>(bias.data(), pick, count, padded, b.data(), valid);
                CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
                CHECK(a[valid] == T(-7));
            }
        }
    }
#else
    MESSAGE("this build uses one gather kernel (it targets AVX itself, or is not x86 GCC/Clang)");
#endif
}

TEST_CASE("string map finds keys of every length and nothing else") {
    tiny_ticket::detail::string_map m;
    std::vector<std::string> keys;
    for (std::size_t len = 1; len <= 40; ++len)
        for (char c : {'a', 'b', 'z'}) {
            std::string k(len, c);
            if (len > 1) k[len / 2] = static_cast<char>('0' + len % 10);
            keys.push_back(k);
        }
    keys.push_back(std::string("a\0b", 3));
    keys.push_back(std::string("a\0c", 3));
    for (std::size_t i = 0; i < keys.size(); ++i) REQUIRE(m.insert(keys[i], static_cast<std::int32_t>(i)));
    CHECK_FALSE(m.insert(keys[5], 99));
    for (std::size_t i = 0; i < keys.size(); ++i) {
        CAPTURE(keys[i]);
        CHECK(m.find(keys[i]) == static_cast<std::int32_t>(i));
        std::string other = keys[i];
        other.back() = '#';
        CHECK(m.find(other) == -1);
        CHECK(m.find(std::string_view(keys[i]).substr(0, keys[i].size() - 1)) != static_cast<std::int32_t>(i));
    }
    CHECK(m.find("") == -1);
}
