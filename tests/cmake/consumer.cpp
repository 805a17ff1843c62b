// SPDX-License-Identifier: MIT
// A program outside the project that uses tiny_ticket as a dependency (built
// by the consumer projects next to this file). It builds a model in code,
// classifies with it, round-trips it through the artifact format, explains a
// prediction, and classifies with every artifact given on the command line.

#include <cstdlib>
#include <iostream>
#include <string>

#include <tiny_ticket/explain.hpp>
#include <tiny_ticket/tiny_ticket.hpp>

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
    if (!ok) {
        std::cerr << "consumer: FAILED: " << what << "\n";
        ++failures;
    }
}

// Two hidden units, one per intent: "refund"/"money" feed the first,
// "where"/"order"/"track" the second.
tiny_ticket::model tiny_model() {
    tiny_ticket::model m;
    m.producer = "consumer test";
    m.features.bow.vocab = {"refund", "money", "where", "order", "track"};
    m.features.bow.mode = tiny_ticket::count_mode::binary;
    m.trunk.emplace_back(tiny_ticket::dense_spec<float>{5, 2, {1, 1, 0, 0, 0, 0, 0, 1, 1, 1}, {0, 0}});
    m.trunk.emplace_back(tiny_ticket::relu_spec{});
    tiny_ticket::head_spec<float> intent;
    intent.name = "intent";
    intent.labels = {"refund", "tracking"};
    intent.layer = {2, 2, {2, 0, 0, 2}, {0, 0}};
    m.heads.push_back(intent);
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const tiny_ticket::model m = tiny_model();
        const tiny_ticket::classifier clf(m);
        check(clf.predict("Refund my MONEY please!")["intent"].label == "refund", "in-code model: refund");
        check(clf.predict("where is my order?")["intent"].label == "tracking", "in-code model: tracking");

        const auto copy = tiny_ticket::load_classifier_from_string(tiny_ticket::save_model_to_string(m));
        check(copy.predict("refund").heads[0].scores == clf.predict("refund").heads[0].scores, "artifact round trip");

        const auto e = tiny_ticket::explain(clf, "refund please");
        check(!e.heads.empty() && !e.heads[0].positive.empty() && e.heads[0].positive[0].name == "refund",
              "explanation names the refund token");

        for (int i = 1; i < argc; ++i) {
            const auto loaded = tiny_ticket::load_classifier(argv[i]);
            const auto p = loaded.predict("refund nahi mila");
            check(!p.heads.empty(), std::string(argv[i]) + ": has heads");
            std::cout << argv[i] << ":";
            for (const auto& h : p.heads) {
                check(h.confidence > 0 && h.confidence <= 1, std::string(argv[i]) + ": confidence in (0, 1]");
                std::cout << " " << h.name << "=" << h.label;
            }
            std::cout << "\n";
        }
    } catch (const tiny_ticket::error& err) {
        std::cerr << "consumer: " << err.what() << "\n";
        return 1;
    }
    std::cout << "tiny_ticket " << tiny_ticket::version_string << (failures ? ": FAILED" : ": consumer OK") << "\n";
    return failures ? 1 : 0;
}
