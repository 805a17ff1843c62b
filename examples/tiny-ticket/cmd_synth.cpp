// SPDX-License-Identifier: MIT
// `tiny-ticket synth`: write a labelled synthetic ticket corpus (JSONL).

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <tiny_ticket/synth/generator.hpp>

#include "cli.hpp"

namespace {

int run_synth(const std::vector<std::string>& argv) {
    const cli::args a(argv, {"count", "seed", "out", "hinglish", "noise", "templates"}, {});
    if (!a.positional().empty()) throw cli::usage_error("unexpected argument '" + a.positional()[0] + "'");
    tiny_ticket::synth::options opt;
    opt.count = static_cast<std::size_t>(a.integer("count", 12000, 1, 10000000));
    opt.seed = static_cast<std::uint64_t>(a.integer("seed", 42, 0, (1LL << 62)));
    opt.hinglish_share = a.number("hinglish", opt.hinglish_share, 0.0, 1.0);
    opt.noise = a.number("noise", opt.noise, 0.0, 1.0);
    const auto templates =
        tiny_ticket::synth::templates::load(tiny_ticket::synth::templates::find(a.value("templates").value_or("")));
    const auto tickets = tiny_ticket::synth::generate(templates, opt);
    const auto out = a.value("out");
    if (!out || *out == "-") {
        tiny_ticket::synth::write_jsonl(std::cout, tickets);
        std::cout.flush();
        if (!std::cout) throw std::runtime_error("write to stdout failed");
        return 0;
    }
    // Write beside the target and rename, so a failed run never leaves a half-written corpus.
    const std::filesystem::path path(*out), tmp = path.string() + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) throw std::runtime_error("cannot open " + tmp.string() + " for writing");
        tiny_ticket::synth::write_jsonl(f, tickets);
        f.flush();
        if (!f) {
            f.close();
            std::filesystem::remove(tmp);
            throw std::runtime_error("write to " + tmp.string() + " failed (disk full?)");
        }
    }
    std::filesystem::rename(tmp, path);
    std::cerr << "wrote " << tickets.size() << " tickets to " << path.string() << "\n";
    return 0;
}

const cli::registrar synth_registrar("synth", "generate a labelled synthetic ticket corpus (JSONL)",
                                     "tiny-ticket synth [--count N] [--seed N] [--hinglish SHARE] [--noise P] [--out FILE]\n"
                                     "                  [--templates DIR]\n"
                                     "  Deterministic for a given seed and templates. Defaults: 12000 tickets, seed 42, Hinglish\n"
                                     "  share 0.2, noise 0.3; stdout without --out. Templates: the JSON files of DIR, else of\n"
                                     "  share/tiny_ticket/synth beside an installed tiny-ticket, else of tools/synth/templates\n"
                                     "  in the source tree this binary was built from.",
                                     run_synth);

}  // namespace
