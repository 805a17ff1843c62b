// SPDX-License-Identifier: MIT
// Writes the seed corpora of the fuzz targets from the project's own
// fixtures: the toy model saved in both weight encodings, a small export in
// the reference layout, sample tickets and hostile text snippets.
// Usage: make_seeds OUT_DIR [TICKETS_FILE]

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz_common.hpp"

namespace fs = std::filesystem;

namespace {

void write(const fs::path& dir, const std::string& name, const std::string& bytes) {
    fs::create_directories(dir);
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::string> hostile_texts() {
    std::vector<std::string> t = {
        std::string(200, 'a'),
        std::string(100, '&'),
        std::string(64, '1') + " " + std::string(64, '9'),
        "a@b.-.-.-.-.-.-.-.-.-.-.-.-.-.-.- x@y.z",
        "www.www.www.http://http://https://",
        "\xe2\x80\x8f\xe2\x80\xae\xd8\xa7\xd9\x84\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\xa9 refund \xe2\x80\x8b\xe2\x80\x8c\xe2\x80\x8d",
        "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 \xf0\x9f\x87\xae\xf0\x9f\x87\xb3 order",
        "\xc0\xaf\xe0\x80\xaf\xf0\x80\x80\xaf\xf8\x88\x80\x80\x80 \xed\xa0\x80 \xef\xbf\xbf",
        std::string("\0\0\0refund\0\x1b[31m\r\n\t\v\f", 20),
        "kar do kar do kar do nahi nahi paisa",
        "\xc4\xb0\xc4\xb0\xc4\xb0 \xe2\x84\xaa\xe2\x84\xaa",
    };
    return t;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: make_seeds OUT_DIR [TICKETS_FILE]\n");
        return 2;
    }
    const fs::path out = argv[1];
    using tiny_ticket::weight_encoding;

    // Texts for the predict target.
    std::vector<std::string> texts = fuzz::probe_texts();
    for (const auto& t : hostile_texts()) texts.push_back(t);
    if (argc > 2) {
        std::ifstream in(argv[2]);
        for (std::string line; std::getline(in, line);) texts.push_back(line);
    }
    for (std::size_t i = 0; i < texts.size(); ++i) write(out / "predict", "text_" + std::to_string(i), texts[i]);

    // Whole artifacts for the loader target, valid and slightly broken.
    const std::string arrays = fuzz::toy_artifact(weight_encoding::arrays, false);
    const std::string base64 = fuzz::toy_artifact(weight_encoding::base64, true);
    const std::string ref = fuzz::tickets_inf_export().dump();
    write(out / "load", "toy_arrays.json", arrays);
    write(out / "load", "toy_base64.json", base64);
    write(out / "load", "tickets_inf.json", ref);
    write(out / "load", "toy_base64_truncated.json", base64.substr(0, base64.size() / 2));
    write(out / "load", "tickets_inf_pretty.json", fuzz::tickets_inf_export().dump(1));
    write(out / "load", "nested.json", std::string(40, '[') + std::string(40, ']'));
    write(out / "load", "minimal.json", R"({"format":"tiny_ticket","version":1,"features":{},"trunk":[],"heads":[]})");

    // Byte strings that steer the structure-aware target.
    toy::lcg g{99};
    for (int s = 0; s < 24; ++s) {
        std::string bytes;
        for (int i = 0; i < 48 + s * 8; ++i) bytes.push_back(static_cast<char>(static_cast<int>((g.next() + 1) * 127)));
        write(out / "artifact_mutate", "steer_" + std::to_string(s), bytes);
    }
    // Training-data files; the first byte picks format and options (see fuzz_data.cpp).
    std::string jsonl, csv = "text,intent,department\n";
    for (std::size_t i = 0; i < texts.size() && i < 12; ++i) {
        nlohmann::json row = {{"id", i}, {"text", texts[i]}, {"intent", i % 2 ? "refund" : "other"}, {"urgent", i % 3 == 0}};
        jsonl += row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        std::string quoted;
        for (char c : texts[i]) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
        csv += "\"" + quoted + "\"," + (i % 2 ? "refund" : "other") + ",billing\n";
    }
    write(out / "data", "jsonl", std::string(1, '\0') + jsonl);
    write(out / "data", "jsonl_columns", std::string(1, '\x0c') + jsonl);
    write(out / "data", "csv", std::string(1, '\x01') + csv);
    write(out / "data", "tsv", std::string(1, '\x02') + "text\tintent\nrefund pls\trefund\n\"multi\nline\"\tother\n");
    write(out / "data", "json_nested", std::string(1, '\0') + R"({"text": "a", "x": {"y": [1, 2, {"z": null}]}, "l": 1.5e3})" "\n");
    return 0;
}
