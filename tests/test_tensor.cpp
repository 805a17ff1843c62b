// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include <tiny_ticket/quant/format.hpp>
#include <tiny_ticket/tensor.hpp>

using namespace tiny_ticket;

TEST_CASE("tensor: a float tensor reads and writes like the vector it replaced") {
    basic_tensor<float> t = std::vector<float>{1, 2, 3};
    CHECK(t.type == dtype::floating);
    CHECK(t.size() == 3);
    CHECK(t[1] == 2);
    t[1] = 5;
    CHECK(*(t.data() + 1) == 5);
    float sum = 0;
    for (float x : t) sum += x;
    CHECK(sum == 9);
    t.push_back(4);
    CHECK(t.size() == 4);
    const std::vector<float>& v = t;
    CHECK(v == std::vector<float>{1, 5, 3, 4});
    t.assign(6, 0.5f);
    CHECK(t.size() == 6);
    t.resize(2);
    CHECK(t == basic_tensor<float>{0.5f, 0.5f});
    CHECK(t != basic_tensor<float>{0.5f});
}

TEST_CASE("tensor: int8 values with one scale per row; a vector-style change makes it float again") {
    const std::vector<float> w = {1.0f, -0.5f, 0.0f, 0.0f, 0.0f, 0.0f};
    auto t = quant::quantize_rows(w, 2, 3);
    CHECK(t.is_int8());
    CHECK(t.rows == 2);
    CHECK(t.cols == 3);
    CHECK(t.size() == 6);
    CHECK(t.values.empty());
    CHECK(t.q[0] == 127);
    CHECK(t.scale[1] == 1.0f);  // an all-zero row
    CHECK(t.at(0, 0) == doctest::Approx(1.0));
    CHECK(quant::dequantize(t)[1] == doctest::Approx(-0.5).epsilon(0.01));
    CHECK(t.memory_bytes() >= 6 + 2 * sizeof(float));
    CHECK(t != basic_tensor<float>(w));

    t = std::vector<float>{1, 2};
    CHECK(t.type == dtype::floating);
    CHECK(t.q.empty());
    CHECK(t.scale.empty());
    CHECK(t.rows == 0);  // the owner's shape from now on
    t.clear();
    CHECK(t.empty());
}
