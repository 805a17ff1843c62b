// SPDX-License-Identifier: MIT
// The whole embedding: load a model once, then classify tickets.
// Usage: quickstart [MODEL.json]   (default: the shipped model, relative to the working directory)

#include <iostream>
#include <tiny_ticket/tiny_ticket.hpp>

int main(int argc, char** argv) {
    try {
        const auto clf = tiny_ticket::load_classifier(argc > 1 ? argv[1] : "models/tiny_ticket-default-v6.json");
        for (const char* ticket : {"refund nahi mila, paisa wapas karo", "Where is my order #4521?",
                                   "The app crashes every time I log in"}) {
            std::cout << ticket << '\n';
            for (const auto& head : clf.predict(ticket).heads)
                std::cout << "  " << head.name << ": " << head.label << " (" << head.confidence << ")\n";
        }
    } catch (const tiny_ticket::error& e) {  // missing or invalid model file: the message says where and why
        std::cerr << e.what() << "\nusage: quickstart [MODEL.json] (default: the shipped "
                     "models/tiny_ticket-default-v6.json, relative to the working directory)\n";
        return 1;
    }
}
