// SPDX-License-Identifier: MIT
// Prints each input line as the library's normalizer emits it (one line out
// per line in), so the word list is built from exactly the tokens a model
// sees instead of a Python imitation of the normalizer.
//
//   normalize_lines [--no-lexicon] < text.txt
//
// --no-lexicon: the default settings without the Hinglish lexicon, for the
// lexicon's own keys (a model trained with an empty lexicon sees them as is).

#include <cstring>
#include <iostream>
#include <string>

#include <tiny_ticket/text/lexicon.hpp>
#include <tiny_ticket/text/normalizer.hpp>

int main(int argc, char** argv) {
    bool lexicon = true;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--no-lexicon") == 0) {
            lexicon = false;
        } else {
            std::cerr << "usage: normalize_lines [--no-lexicon] < text\n";
            return 2;
        }
    }
    tiny_ticket::normalizer_config config;
    if (lexicon) config.lexicon = tiny_ticket::default_lexicon();
    const tiny_ticket::normalizer norm(config);
    std::ios::sync_with_stdio(false);
    std::string line, out;
    tiny_ticket::normalizer_scratch scratch;
    while (std::getline(std::cin, line)) {
        norm.normalize(line, out, scratch);
        std::cout << out << '\n';
    }
    return 0;
}
