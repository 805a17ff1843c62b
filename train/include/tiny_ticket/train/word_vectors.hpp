// SPDX-License-Identifier: MIT
#pragma once

// Pretrained static word vectors (`tiny_ticket.word_vectors`, version 1): a
// table of int8 rows, one per normalized token, that the trainer can start
// its mean-embedding block from (docs/training.md, "Pretrained word vectors").

#include <cmath>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>
#include <tiny_ticket/artifact.hpp>
#include <tiny_ticket/error.hpp>

namespace tiny_ticket::train {

/// Name in the `format` field of a word-vector file.
inline constexpr const char* word_vectors_format_name = "tiny_ticket.word_vectors";

/// A word-vector table in memory: row i (`dim` floats) belongs to `words[i]`.
struct word_vectors {
    std::string name;        ///< short name of the table, e.g. "minilm-l6-v2"
    std::string base_model;  ///< the model it was distilled from (informational)
    std::string license;     ///< of the vectors (informational)
    std::size_t dim = 0;     ///< columns, by decreasing explained variance (a prefix is a valid table)
    std::vector<std::string> words;
    std::vector<float> values;  ///< words.size() x dim, row-major, int8 x row scale as stored

    /// Row of `word`, or nullptr when the table does not have it.
    const float* row(std::string_view word) const {
        const auto it = index_.find(std::string(word));
        return it == index_.end() ? nullptr : values.data() + it->second * dim;
    }
    /// Mean L2 norm of the rows (0 for an empty table). The trainer divides
    /// the rows by it, so a mean embedding has about the unit norm of the
    /// other (L2-normalized) feature groups whatever the table's scale.
    double mean_norm() const noexcept {
        if (words.empty() || dim == 0) return 0;
        double sum = 0;
        for (std::size_t r = 0; r < words.size(); ++r) {
            double n2 = 0;
            for (std::size_t c = 0; c < dim; ++c) n2 += static_cast<double>(values[r * dim + c]) * values[r * dim + c];
            sum += std::sqrt(n2);
        }
        return sum / static_cast<double>(words.size());
    }

    /// Rebuilds the word index after `words` changed (the readers call it).
    /// Returns the position of the first repeated word, or words.size().
    std::size_t index_words() {
        index_.clear();
        index_.reserve(words.size());
        for (std::size_t i = 0; i < words.size(); ++i)
            if (!index_.emplace(words[i], i).second) return i;
        return words.size();
    }

private:
    std::unordered_map<std::string, std::size_t> index_;
};

namespace detail {

// `where` prefixes every JSON pointer (a file name and ':' or nothing).
inline word_vectors word_vectors_from_json(const nlohmann::json& root, const std::string& where, const load_options& lim) {
    namespace td = tiny_ticket::detail;
    try {
        td::require_object(root, "");
        const std::string format = td::get_string(td::field(root, "format", ""), "/format");
        if (format != word_vectors_format_name)
            throw artifact_error(errc::version, "/format",
                                 std::string("expected \"") + word_vectors_format_name + "\", got \"" + format + "\"");
        const nlohmann::json& ver = td::field(root, "version", "");
        if (!ver.is_number_integer() || ver.get<std::int64_t>() != 1)
            throw artifact_error(errc::version, "/version", "expected 1, got " + ver.dump());
        word_vectors v;
        v.name = td::get_string(td::field(root, "name", ""), "/name");
        if (const nlohmann::json* b = td::optional_field(root, "base_model", "")) v.base_model = td::get_string(*b, "/base_model");
        if (const nlohmann::json* l = td::optional_field(root, "license", "")) v.license = td::get_string(*l, "/license");
        v.dim = static_cast<std::size_t>(td::get_uint(td::field(root, "dim", ""), "/dim", lim.max_width));
        if (v.dim == 0) throw artifact_error(errc::value, "/dim", "expected at least 1 column, got 0");
        const auto count = static_cast<std::size_t>(td::get_uint(td::field(root, "count", ""), "/count", lim.max_vocab));
        v.words = td::get_strings(td::field(root, "words", ""), "/words", lim.max_vocab);
        if (v.words.size() != count)
            throw artifact_error(errc::shape, "/words", "expected " + std::to_string(count) + " words (\"count\"), got " +
                                                            std::to_string(v.words.size()));
        if (const std::size_t dup = v.index_words(); dup != v.words.size())
            throw artifact_error(errc::value, "/words/" + std::to_string(dup),
                                 "expected unique words, got \"" + v.words[dup] + "\" twice");
        for (std::size_t i = 0; i < v.words.size(); ++i)
            if (v.words[i].empty()) throw artifact_error(errc::value, "/words/" + std::to_string(i), "expected a word, got \"\"");
        const auto t = td::get_int8_tensor<float>(td::field(root, "vectors", ""), "/vectors", count, v.dim, lim);
        v.values = quant::dequantize<float>(t);
        return v;
    } catch (const error& e) {
        throw artifact_error(e.code(), where + (e.where().empty() ? "/" : e.where()), e.message());
    }
}

}  // namespace detail

/// Parses a word-vector file's JSON text. `where` names it in errors (the
/// message then reads `[tiny_ticket.<code>] <where>:<JSON pointer>: ...`).
/// Throws artifact_error.
inline word_vectors read_word_vectors(std::string_view json_text, const std::string& where = "",
                                      const load_options& lim = {}) {
    const std::string prefix = where.empty() ? std::string() : where + ":";
    nlohmann::json root;
    try {
        root = tiny_ticket::detail::parse_json(json_text, lim);
    } catch (const error& e) {
        throw artifact_error(e.code(), where, e.message());
    }
    return detail::word_vectors_from_json(root, prefix, lim);
}

/// Reads a word-vector file (docs/training.md, "Pretrained word vectors").
/// Throws artifact_error naming the file and the JSON path of the problem.
inline word_vectors load_word_vectors(const std::filesystem::path& path, const load_options& lim = {}) {
    const std::string text = tiny_ticket::detail::read_file(path, lim.max_file_bytes);
    return read_word_vectors(text, path.string(), lim);
}

}  // namespace tiny_ticket::train
