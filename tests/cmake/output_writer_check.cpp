// SPDX-License-Identifier: MIT
// The direct JSON writer of examples/tiny-ticket/output.hpp against the
// nlohmann code it replaced, on values no sample ticket reaches: every
// exponent of float, denormals, exact decimal ties, random bit patterns; and
// strings with every control byte, quotes, backslashes, UTF-8 and invalid
// UTF-8. Prints "output writer OK" and exits 0 when all agree.
//
// One deliberate difference: nlohmann prints doubles with Grisu2, which for
// a few values in a thousand is not the shortest form (0.7146342999999999
// for the double nearest 0.7146343). The writer prints the 7 digits the
// rounding chose, so where the two differ, the writer's text must be shorter
// and denote the same double.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "../../examples/tiny-ticket/output.hpp"

namespace {

// The old output path: a float rounded to 7 significant digits, then dumped by nlohmann.
std::string old_probability(float v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.7g", static_cast<double>(v));
    return cli::dump_line(nlohmann::json(std::strtod(buf, nullptr)));
}

}  // namespace

int main() {
    std::size_t failures = 0, checked = 0, shorter = 0;
    auto check_float = [&](float f) {
        std::string got;
        cli::out_detail::append_probability(got, static_cast<double>(f));
        const std::string want = old_probability(f);
        ++checked;
        if (got == want) return;
        if (got.size() < want.size() && std::strtod(got.c_str(), nullptr) == std::strtod(want.c_str(), nullptr)) {
            if (shorter++ < 3) std::cout << "shorter than nlohmann (same double): " << got << " for " << want << "\n";
            return;
        }
        if (failures++ < 20) std::cerr << "probability " << want << ": wrote " << got << "\n";
    };
    std::vector<float> special{0.0f, 1.0f, 0.5f, 0.25f, 0.1f, 0.0001f, 0.00001f, 1e-5f, 0.00048828125f, 1e-38f, 1e-45f,
                               0.99999995f, 0.9999999f, 0.99999994f, 123456.7f, 1e7f, 1e16f, 3.4e38f, 9.9999995e-5f};
    for (float f : special) check_float(f);
    for (int e = -149; e <= 127; ++e)
        for (float m : {1.0f, 1.5f, 1.9999999f, 1.25f, 1.1f}) check_float(std::ldexp(m, e));
    std::mt19937_64 rng(42);
    for (int i = 0; i < 2000000; ++i) {
        std::uint32_t bits = static_cast<std::uint32_t>(rng()) & 0x7fffffffu;
        if ((bits >> 23) == 0xff) continue;  // inf and NaN: not probabilities
        float f;
        std::memcpy(&f, &bits, sizeof f);
        check_float(f);
        check_float(std::uniform_real_distribution<float>(0.0f, 1.0f)(rng));
    }

    auto check_string = [&](const std::string& s) {
        std::string got;
        cli::out_detail::append_json_string(got, s);
        const std::string want = cli::dump_line(nlohmann::json(s));
        ++checked;
        if (got != want && failures++ < 20) std::cerr << "string " << want << ": wrote " << got << "\n";
    };
    for (int c = 0; c < 256; ++c) check_string(std::string("a") + static_cast<char>(c) + "b");
    for (const char* s : {"", "plain", "quote \" and \\ backslash", "caf\xc3\xa9", "\xe2\x82\xac 5", "bad \xff byte",
                          "cut \xc3", "\xf0\x9f\x98\x80 emoji", "tab\there\nnewline\x7f del"})
        check_string(s);
    for (int i = 0; i < 200000; ++i) {
        std::string s(rng() % 12, ' ');
        for (char& c : s) c = static_cast<char>(rng() % 3 ? 0x20 + rng() % 95 : rng() % 256);
        check_string(s);
    }

    if (failures) {
        std::cerr << failures << " of " << checked << " values differ\n";
        return 1;
    }
    std::cout << "output writer OK (" << checked << " values; " << shorter
              << " numbers written shorter than nlohmann's Grisu2, same double)\n";
    return 0;
}
