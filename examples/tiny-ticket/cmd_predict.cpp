// SPDX-License-Identifier: MIT
// `tiny-ticket predict`: classify one text or a stream of JSONL / plain lines.

#include <iostream>
#include <optional>
#include <string>

#include "cli.hpp"
#include "explain_json.hpp"

namespace {

int run_predict(const std::vector<std::string>& argv) {
    const cli::args a(argv, {"model", "text"}, {"explain"});
    if (!a.positional().empty()) throw cli::usage_error("unexpected argument '" + a.positional()[0] + "'");
    const auto clf = tiny_ticket::load_classifier(a.required("model"));
    auto ws = clf.make_workspace();
    std::optional<tiny_ticket::explainer> explainer;
    if (a.flag("explain")) explainer.emplace(clf);
    auto classify = [&](const std::string& text) {
        nlohmann::json out = cli::prediction_json(clf.predict(text, ws));
        if (explainer) cli::add_explanations(out, explainer->explain(text));
        return out;
    };

    if (auto text = a.value("text")) {
        std::cout << cli::dump_line(classify(*text)) << "\n";
        return 0;
    }
    std::string line;
    std::size_t lineno = 0, failures = 0;
    while (std::getline(std::cin, line)) {
        ++lineno;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        nlohmann::json out;
        std::size_t first = line.find_first_not_of(" \t");
        if (first != std::string::npos && line[first] == '{') {
            nlohmann::json in = nlohmann::json::parse(line, nullptr, false);
            const std::string where = "stdin:" + std::to_string(lineno) + ": ";
            if (in.is_discarded() || !in.is_object()) {
                out = {{"error", where + "invalid JSON object"}};
            } else if (!in.contains("text") || !in["text"].is_string()) {
                out = {{"error", where + "expected a string field \"text\""}};
                if (in.contains("id")) out["id"] = in["id"];
            } else {
                out = classify(in["text"].get<std::string>());
                if (in.contains("id")) out["id"] = in["id"];
            }
        } else {
            out = classify(line);
        }
        if (out.contains("error")) {
            ++failures;
            std::cerr << "tiny-ticket predict: " << out["error"].get<std::string>() << "\n";
        }
        std::cout << cli::dump_line(out) << "\n";
    }
    std::cout.flush();
    if (!std::cout) {
        std::cerr << "tiny-ticket predict: write to stdout failed\n";
        return 1;
    }
    return failures ? 1 : 0;
}

const cli::registrar reg("predict", "classify --text, or stdin lines (JSONL {\"id\",\"text\"} or plain text)",
                         "tiny-ticket predict --model PATH [--text TEXT] [--explain]\n"
                         "  Without --text, reads stdin: one ticket per line, JSON objects with \"text\" (and\n"
                         "  optional \"id\") or plain text; writes one JSON object per input line.\n"
                         "  --explain adds to each head an \"explain\" object: the features that pushed its\n"
                         "  label up (\"positive\") or down (\"negative\") the most, in logit units.",
                         run_predict);

}  // namespace
