// SPDX-License-Identifier: MIT
// Arbitrary bytes as a training-data file: the JSONL reader (nlohmann's SAX
// parser under it) and the CSV/TSV reader. Only tiny_ticket::error may escape the
// readers; whatever they accept must be internally consistent.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <tiny_ticket/train/data.hpp>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // The first byte picks the format and options, the rest is the file.
    const unsigned sel = data[0];
    const std::string_view content(reinterpret_cast<const char*>(data + 1), size - 1);

    namespace tr = tiny_ticket::train;
    tr::read_options opt;
    const char* names[] = {"fuzz.jsonl", "fuzz.csv", "fuzz.tsv", "fuzz.txt"};
    const std::string name = names[sel & 3];
    if (sel & 4) opt.columns = {{"intent", "intent"}, {"label", "intent"}, {"dept", "department"}};
    if (sel & 8) opt.labels = {{"*", "refund", "billing"}, {"intent", "other", ""}};
    if (sel & 16) opt.delimiter = ';';
    if (sel & 32) opt.text_field = "body";
    tr::dataset ds;
    try {
        tr::read_data_string(content, name, opt, ds);
        for (const auto& row : ds.rows) {
            FUZZ_CHECK(!row.where.empty());
            for (const auto& kv : row.labels) FUZZ_CHECK(!kv.first.empty());
        }
    } catch (const tiny_ticket::error& e) {
        FUZZ_CHECK(e.what()[0] == '[');
    }
    return 0;
}
