// SPDX-License-Identifier: MIT
// Arbitrary bytes as a ticket: normalizer, featurizer and network on the toy
// model, a variant with the other feature options, and the reference export
// named by TINY_TICKET_FUZZ_MODEL when set. Aborts on any invalid score.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "fuzz_common.hpp"

namespace {

struct models {
    tiny_ticket::classifier toy{toy::model<float>()};
    tiny_ticket::classifier variant{fuzz::toy_variant()};
    std::unique_ptr<tiny_ticket::classifier> reference;
    tiny_ticket::workspace ws_toy = toy.make_workspace();
    tiny_ticket::workspace ws_variant = variant.make_workspace();
    tiny_ticket::workspace ws_reference;
    tiny_ticket::basic_classifier<double> toy64{toy::model<double>()};
    tiny_ticket::basic_workspace<double> ws_toy64 = toy64.make_workspace();
};

models* g = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    g = new models;
    if (const char* path = std::getenv("TINY_TICKET_FUZZ_MODEL")) {
        g->reference = std::make_unique<tiny_ticket::classifier>(tiny_ticket::load_classifier(path));
        g->ws_reference = g->reference->make_workspace();
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    fuzz::predict_and_check(g->toy, g->ws_toy, text);
    fuzz::predict_and_check(g->variant, g->ws_variant, text);
    fuzz::predict_and_check(g->toy64, g->ws_toy64, text);
    if (g->reference) fuzz::predict_and_check(*g->reference, g->ws_reference, text);
    // The allocating overload and a fresh workspace must agree with the warm one.
    const auto fresh = g->toy.predict(text);
    const auto& warm = g->toy.predict(text, g->ws_toy);
    for (std::size_t h = 0; h < fresh.heads.size(); ++h) FUZZ_CHECK(fresh.heads[h].scores == warm.heads[h].scores);
    return 0;
}
