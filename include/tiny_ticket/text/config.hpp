// SPDX-License-Identifier: MIT
#pragma once

// The normalizer's settings as plain data, apart from the normalizer itself,
// so the model (model.hpp) can hold them without including the normalizer.

#include <string>
#include <utility>
#include <vector>

namespace tiny_ticket {

/// How raw text is normalized. Stored in every artifact so that training and
/// serving run exactly the same normalization.
struct normalizer_config {
    /// Lowercase ASCII letters (plus the two non-ASCII letters whose lowercase
    /// form is ASCII: U+0130 and the Kelvin sign), as Unicode lowercasing would
    /// before non-ASCII characters are folded away.
    bool lowercase = true;
    /// Placeholder for `http(s)://...` and `www....` runs; empty disables.
    std::string url_token = "<url>";
    /// Placeholder for e-mail addresses; empty disables.
    std::string email_token = "<email>";
    /// Placeholder for stand-alone digit runs; empty disables.
    std::string number_token = "<num>";
    /// Whole-word replacements (`nahi` -> `not`, `kar do` -> `please do`).
    /// Keys must start and end with `[a-z0-9_]`; they may contain spaces.
    /// Where several keys start at the same word the longest wins; replaced
    /// text is not scanned again.
    std::vector<std::pair<std::string, std::string>> lexicon;
    /// When > 0, runs of one repeated ASCII letter longer than this are cut to
    /// this length (`pleeeease` -> `pleease` for 2), after placeholders and the
    /// lexicon have been applied. 0 keeps text as is.
    unsigned max_repeat = 0;
    /// When true, each emoji and ASCII emoticon becomes a class token
    /// (`<angry>`, `<sad>`, `<happy>`, `<love>`, `<thanks>`, `<laugh>`,
    /// `<annoyed>`, `<worried>`, `<emoji>` for the rest; see text/emoji.hpp)
    /// before anything else runs. False, the default and what an artifact
    /// without the key means, folds them away like any other symbol.
    bool emoji = false;
};

}  // namespace tiny_ticket
