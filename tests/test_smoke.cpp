// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>
#include <tiny_ticket/tiny_ticket.hpp>

#include "support/toy_model.hpp"

TEST_CASE("toy model predicts a probability distribution per head") {
    const tiny_ticket::classifier clf(toy::model<float>());
    const auto p = clf.predict("refund nahi mila, paisa wapas kar do!!! order #123");
    REQUIRE(p.heads.size() == 2);
    float sum = 0;
    for (float s : p["intent"].scores) sum += s;
    CHECK(sum == doctest::Approx(1.0f).epsilon(1e-5));
    CHECK(p["churn"].scores.size() == 2);
}
