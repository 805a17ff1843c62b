// SPDX-License-Identifier: MIT
// `tiny-ticket quantize`: a float artifact in, an int8 artifact out.

#include <iostream>
#include <string>

#include "cli.hpp"

namespace {

int run_quantize(const std::vector<std::string>& argv) {
    const cli::args a(argv, {"mode", "indent"}, {});
    const auto& pos = a.positional();
    if (pos.size() != 2)
        throw cli::usage_error("expected IN.json and OUT.json, got " + std::to_string(pos.size()) + " argument(s)");
    const std::string mode_name = a.value("mode").value_or("full");
    tiny_ticket::quant_mode mode;
    if (mode_name == "full") mode = tiny_ticket::quant_mode::full;
    else if (mode_name == "weight-only") mode = tiny_ticket::quant_mode::weight_only;
    else throw cli::usage_error("option --mode expects \"weight-only\" or \"full\", got \"" + mode_name + "\"");
    tiny_ticket::save_options opt;
    opt.indent = static_cast<int>(a.integer("indent", -1, -1, 16));
    // Loading through the classifier validates the input and runs its
    // self-tests; quantize() re-records them with the int8 kernels, and the
    // result is loaded back before it is written, so a broken artifact is
    // never left behind.
    const auto clf = tiny_ticket::load_classifier(pos[0]);
    const auto q = tiny_ticket::quantize(clf.model(), mode);
    const auto qclf = tiny_ticket::load_classifier_from_string(tiny_ticket::save_model_to_string(q, opt));
    tiny_ticket::save_model(q, pos[1], opt);
    std::cerr << "tiny-ticket quantize: " << pos[0] << " -> " << pos[1] << " (int8 " << mode_name << "): model memory "
              << clf.memory_bytes() << " -> " << qclf.memory_bytes() << " bytes\n";
    return 0;
}

const cli::registrar quantize_registrar("quantize", "convert an artifact to int8 (weight-only or fully integer)",
                                        "tiny-ticket quantize IN.json OUT.json [--mode weight-only|full] [--indent N]\n"
                                        "  Quantizes every dense layer and the embedding table to symmetric int8 with one\n"
                                        "  scale per output row and writes the result atomically.\n"
                                        "  --mode full          int8 activations, int32 accumulation (default)\n"
                                        "  --mode weight-only   int8 weights, float activations\n"
                                        "  --indent N           pretty-print with N spaces (default: compact)",
                                        run_quantize);

}  // namespace
