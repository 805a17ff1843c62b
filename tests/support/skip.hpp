// SPDX-License-Identifier: MIT
#pragma once

// Some tests read third-party data from a folder beside the checkout
// (TINY_TICKET_SHARED_DIR), which a user's clone does not have. Such a test
// must show up as skipped, never as passed: it prints a marker that ctest's
// SKIP_REGULAR_EXPRESSION (tests/CMakeLists.txt) turns into "Skipped", with
// the reason, and returns from the test case.

#include <cstdlib>
#include <filesystem>
#include <iostream>

#define TINY_TICKET_SKIP_MARKER "[tiny_ticket: skipped]"

namespace tiny_ticket_test {
/// The third-party data folder: the environment's TINY_TICKET_SHARED_DIR when
/// set (the suite's run without it points this at an empty folder), else the
/// one configured at build time.
inline std::filesystem::path shared_dir() {
    if (const char* env = std::getenv("TINY_TICKET_SHARED_DIR"); env && *env) return env;
    return TINY_TICKET_SHARED_DIR;
}
}  // namespace tiny_ticket_test

/// Returns from the current test case as skipped when `path` does not exist.
#define TINY_TICKET_SKIP_UNLESS_EXISTS(path)                                                              \
    do {                                                                                                  \
        const std::filesystem::path tt_skip_path_(path);                                                  \
        if (!std::filesystem::exists(tt_skip_path_)) {                                                    \
            std::cout << TINY_TICKET_SKIP_MARKER " third-party data not found: " << tt_skip_path_.string() \
                      << " (configure with -DTINY_TICKET_SHARED_DIR=...)" << std::endl;                   \
            return;                                                                                       \
        }                                                                                                 \
    } while (false)
