// SPDX-License-Identifier: MIT
// `tiny-ticket describe`: what an artifact holds (heads, labels and what they
// mean, review thresholds, size, producer), and a way to put label
// descriptions into one without retraining.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "cli.hpp"

namespace {

const char* kind_name(tiny_ticket::head_kind k) { return k == tiny_ticket::head_kind::softmax ? "softmax" : "sigmoid"; }

const char* quant_name(tiny_ticket::quant_mode q) {
    switch (q) {
        case tiny_ticket::quant_mode::weight_only: return "int8 weight-only";
        case tiny_ticket::quant_mode::full: return "int8 full";
        default: return "float";
    }
}

nlohmann::json describe_json(const tiny_ticket::classifier& clf, const std::string& path, std::uintmax_t file_bytes) {
    const auto& m = clf.model();
    nlohmann::json heads = nlohmann::json::array();
    for (const auto& h : m.heads) {
        nlohmann::json labels = nlohmann::json::array();
        for (std::size_t l = 0; l < h.labels.size(); ++l)
            labels.push_back({{"label", h.labels[l]}, {"description", std::string(h.description(l))}});
        heads.push_back({{"name", h.name},
                         {"kind", kind_name(h.kind)},
                         {"labels", labels},
                         {"review", {{"min_confidence", h.review.min_confidence}, {"min_margin", h.review.min_margin}}}});
    }
    return {{"model", path},
            {"producer", m.producer},
            {"file_bytes", file_bytes},
            {"memory_bytes", clf.memory_bytes()},
            {"weights", quant_name(m.quantization)},
            {"heads", heads}};
}

void describe_text(std::ostream& os, const tiny_ticket::classifier& clf, const std::string& path, std::uintmax_t file_bytes) {
    const auto& m = clf.model();
    os << "model     " << path << " (" << file_bytes << " bytes)\n"
       << "producer  " << (m.producer.empty() ? "(none)" : m.producer) << "\n"
       << "weights   " << quant_name(m.quantization) << ", " << clf.memory_bytes() << " bytes after load\n"
       << "heads     " << m.heads.size() << "\n";
    for (const auto& h : m.heads) {
        os << "\n" << h.name << " (" << kind_name(h.kind) << ", " << h.labels.size()
           << " labels; review below confidence " << h.review.min_confidence << " or margin " << h.review.min_margin << ")\n";
        std::size_t width = 0;
        for (const auto& l : h.labels) width = std::max(width, l.size());
        for (std::size_t l = 0; l < h.labels.size(); ++l) {
            os << "  " << h.labels[l];
            if (!h.description(l).empty()) os << std::string(width + 2 - h.labels[l].size(), ' ') << h.description(l);
            os << "\n";
        }
    }
}

// FILE.json is {"<head>": {"<label>": "<text>", ...}, ...}: each head it names
// gets exactly those descriptions, the others keep theirs. Checked by the
// library's own reader, so a bad file fails as a bad artifact would, with the
// file and JSON path of the problem.
void set_descriptions(tiny_ticket::model& m, const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw tiny_ticket::artifact_error(tiny_ticket::errc::io, file, "cannot open for reading");
    std::stringstream ss;
    ss << in.rdbuf();
    const nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
    if (j.is_discarded()) throw tiny_ticket::artifact_error(tiny_ticket::errc::parse, file + ":/", "invalid JSON");
    if (!j.is_object())
        throw tiny_ticket::artifact_error(tiny_ticket::errc::type, file + ":/", "expected an object of head -> {label: description}");
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string p = "/" + tiny_ticket::detail::pointer_key(it.key());
        tiny_ticket::head_spec<float>* head = nullptr;
        for (auto& h : m.heads)
            if (h.name == it.key()) head = &h;
        if (!head) throw tiny_ticket::artifact_error(tiny_ticket::errc::value, file + ":" + p, "\"" + it.key() + "\" is not a head of this model");
        try {
            head->descriptions = tiny_ticket::detail::read_descriptions(it.value(), p, head->labels);
        } catch (const tiny_ticket::artifact_error& e) {
            throw tiny_ticket::artifact_error(e.code(), file + ":" + e.where(), e.message());
        }
    }
}

int run_describe(const std::vector<std::string>& argv) {
    const cli::args a(argv, {"model", "set", "out", "indent"}, {"json"});
    if (!a.positional().empty()) throw cli::usage_error("unexpected argument '" + a.positional()[0] + "'");
    const std::string path = a.required("model");
    const auto set = a.value("set");
    const auto out = a.value("out");
    if (set.has_value() != out.has_value()) throw cli::usage_error("--set and --out go together");
    const auto clf = tiny_ticket::load_classifier(path);
    if (!set) {
        const auto bytes = std::filesystem::file_size(path);
        if (a.flag("json")) std::cout << describe_json(clf, path, bytes).dump(2) << "\n";
        else describe_text(std::cout, clf, path, bytes);
        return 0;
    }
    tiny_ticket::model m = clf.model();
    set_descriptions(m, *set);
    tiny_ticket::save_options opt;
    opt.indent = static_cast<int>(a.integer("indent", -1, -1, 16));
    // Loaded back (validation and self-tests) before it replaces anything.
    const std::string text = tiny_ticket::save_model_to_string(m, opt);
    (void)tiny_ticket::load_classifier_from_string(text);
    tiny_ticket::save_model(m, *out, opt);
    std::cerr << "tiny-ticket describe: " << path << " -> " << *out << " (label descriptions from " << *set << ")\n";
    return 0;
}

const cli::registrar describe_registrar("describe", "show an artifact's heads, labels and their descriptions; set descriptions",
                                        "tiny-ticket describe --model PATH [--json]\n"
                                        "tiny-ticket describe --model PATH --set FILE.json --out PATH [--indent N]\n"
                                        "  Prints the producer, file size, memory after load, and every head with its\n"
                                        "  review thresholds and labels, each with its description when the artifact has one.\n"
                                        "  --json          the same as one JSON object\n"
                                        "  --set FILE      {\"<head>\": {\"<label>\": \"<description>\", ...}, ...}: each head named\n"
                                        "                  gets exactly these descriptions; weights and everything else are kept\n"
                                        "  --out PATH      where the artifact with the new descriptions is written (atomically)\n"
                                        "  --indent N      pretty-print with N spaces (default: compact)",
                                        run_describe);

}  // namespace
