// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>

namespace tiny_ticket {

/// Limits applied while loading an artifact, checked before any allocation
/// they guard, so a small hostile file cannot make the loader allocate
/// gigabytes. Defaults are far above any real ticket model.
struct load_options {
    std::size_t max_file_bytes = std::size_t(1) << 30;   ///< 1 GiB
    std::size_t max_tensor_elements = std::size_t(1) << 28;  ///< per weight tensor
    std::size_t max_vocab = std::size_t(1) << 22;        ///< entries per vocabulary
    std::size_t max_width = std::size_t(1) << 16;        ///< layer width / embedding dim
    std::size_t max_labels = 4096;                       ///< labels per head
    std::size_t max_heads = 256;  ///< heads per model
    std::size_t max_char_buckets = std::size_t(1) << 24;  ///< character n-gram buckets
    /// Deepest nesting of JSON arrays and objects; checked on the raw text
    /// before parsing, because the DOM's recursive copy and dump would
    /// otherwise exhaust the stack on `[[[[...`.
    std::size_t max_json_depth = 64;
    /// Longest normalizer placeholder or lexicon replacement, in bytes: these
    /// are inserted into every matching ticket, so they bound how much longer
    /// than its input a normalized text can get.
    std::size_t max_replacement_bytes = 64;
    /// Keyword phrases, and lexicon entries, per model.
    std::size_t max_phrases = 2048;
    /// Longest keyword phrase or lexicon key, in bytes.
    std::size_t max_phrase_bytes = 64;
    /// Keyword phrases, or lexicon keys, that start with the same word: each
    /// occurrence of that word in a ticket is compared against all of them,
    /// so this bounds the matching work per word.
    std::size_t max_phrases_per_word = 64;
    /// Run the artifact's self-test cases after loading.
    bool run_self_tests = true;
};

}  // namespace tiny_ticket
