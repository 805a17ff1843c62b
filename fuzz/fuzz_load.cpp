// SPDX-License-Identifier: MIT
// Arbitrary bytes as an artifact (native or reference format). Only
// tiny_ticket::error may escape the loader; any other exception, crash,
// sanitizer report or oversized allocation is a finding. Whatever loads must
// then predict valid scores.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    tiny_ticket::load_options opt;
    // Small limits keep the fuzzer fast; the defaults are exercised by the
    // mutation target and the limit tests.
    opt.max_tensor_elements = 1 << 16;
    opt.max_vocab = 1 << 12;
    opt.max_width = 1 << 10;
    opt.max_char_buckets = 1 << 12;
    try {
        const auto clf = tiny_ticket::load_classifier_from_string(bytes, opt);
        auto ws = clf.make_workspace();
        for (const auto& t : fuzz::probe_texts()) {
            const auto& p = clf.predict(t, ws);
            fuzz::check_prediction(clf, p);
            fuzz::check_features(clf, ws);
        }
    } catch (const tiny_ticket::error& e) {
        FUZZ_CHECK(e.what()[0] == '[');
    }
    return 0;
}
