// SPDX-License-Identifier: MIT
// `tiny-ticket convert`: any supported artifact (native, or a tickets-inf
// export) in, a native artifact out.

#include <iostream>
#include <string>

#include "cli.hpp"

namespace {

int run_convert(const std::vector<std::string>& argv) {
    const cli::args a(argv, {"indent"}, {"arrays"});
    const auto& pos = a.positional();
    if (pos.size() != 2)
        throw cli::usage_error("expected IN.json and OUT.json, got " + std::to_string(pos.size()) + " argument(s)");
    tiny_ticket::save_options opt;
    opt.weights = a.flag("arrays") ? tiny_ticket::weight_encoding::arrays : tiny_ticket::weight_encoding::base64;
    opt.indent = static_cast<int>(a.integer("indent", -1, -1, 16));
    // Loading through the classifier validates the model and runs its
    // self-tests, so a model that would not load is never written.
    const auto clf = tiny_ticket::load_classifier(pos[0]);
    tiny_ticket::save_model(clf.model(), pos[1], opt);
    const auto& m = clf.model();
    std::cerr << "tiny-ticket convert: " << pos[0] << " (" << (m.producer.empty() ? "unnamed producer" : m.producer)
              << ") -> " << pos[1] << ": " << clf.num_heads() << " heads, " << m.features.width() << " input features\n";
    return 0;
}

const cli::registrar convert_registrar("convert", "rewrite an artifact (native or tickets-inf export) in the native format",
                                       "tiny-ticket convert IN.json OUT.json [--arrays] [--indent N]\n"
                                       "  Reads any supported artifact and writes it as a native tiny_ticket artifact.\n"
                                       "  --arrays     weights as plain JSON number arrays (default: base64 blobs)\n"
                                       "  --indent N   pretty-print with N spaces (default: compact)",
                                       run_convert);

}  // namespace
