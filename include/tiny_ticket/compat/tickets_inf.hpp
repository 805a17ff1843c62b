// SPDX-License-Identifier: MIT
#pragma once

// Reader for the reference system's export format ("tickets-inf", version 1):
// part of the artifact layer, included by artifact.hpp.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "../detail/json_reader.hpp"
#include "../model.hpp"
#include "../quant/format.hpp"

namespace tiny_ticket::detail {

/// True when `root` looks like a tickets-inf export: decided by its declared
/// fields, never by guessing from weight shapes.
inline bool is_tickets_inf(const json& root) {
    return root.is_object() && !root.contains("format") && root.contains("version") && root.contains("vocab") &&
           root.contains("layers") && root.contains("heads");
}

/// Token -> index object as a position-indexed vector (gaps left empty).
inline std::vector<std::string> index_vocab(const json& j, const std::string& p, const load_options& lim) {
    if (!j.is_object()) type_error(j, p, "an object of token -> index");
    if (j.size() > lim.max_vocab)
        throw artifact_error(errc::limit, p, "expected at most " + std::to_string(lim.max_vocab) + " entries, got " +
                                                 std::to_string(j.size()));
    std::size_t width = 0;
    for (auto it = j.begin(); it != j.end(); ++it) {
        const auto idx = get_uint(it.value(), p + "/" + pointer_key(it.key()), lim.max_vocab - 1);
        width = std::max(width, static_cast<std::size_t>(idx) + 1);
    }
    // Gaps are allowed, but a few entries with huge indices must not buy a
    // table far larger than the file: the slack keeps real exports working.
    if (width > 2 * j.size() + 1024)
        throw artifact_error(errc::limit, p, "expected indices below " + std::to_string(2 * j.size() + 1024) +
                                                 " (twice the entry count plus 1024), got " + std::to_string(width - 1));
    std::vector<std::string> v(width);
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string ip = p + "/" + pointer_key(it.key());
        if (it.key().empty()) throw artifact_error(errc::value, ip, "expected a non-empty token");
        auto& slot = v[it.value().get<std::size_t>()];
        if (!slot.empty())
            throw artifact_error(errc::value, ip, "expected a unique index, got " + it.value().dump() + " also used by \"" +
                                                      slot + "\"");
        slot = it.key();
    }
    return v;
}

/// Reference quantization of one row (quant::quantize_row: scale =
/// max|x|/127, round half away from zero, clip to ±127, in float32 as the
/// reference runtime does), returned dequantized. Allocates one row of int8.
template <class T>
void quantize_row_reference(T* row, std::size_t n) {
    std::vector<std::int8_t> q(n);
    const float scale = quant::quantize_row(row, n, q.data());
    for (std::size_t i = 0; i < n; ++i) row[i] = static_cast<T>(static_cast<float>(q[i]) * scale);
}

template <class T>
dense_spec<T> tickets_inf_linear(const json& j, const std::string& p, const load_options& lim) {
    const std::string type = get_string(field(j, "type", p), p + "/type");
    if (type != "linear_int8_per_row")
        throw artifact_error(errc::value, p + "/type", "expected \"linear_int8_per_row\", got \"" + type + "\"");
    dense_spec<T> d;
    d.in = static_cast<std::size_t>(get_uint(field(j, "in_features", p), p + "/in_features", lim.max_tensor_elements));
    d.out = static_cast<std::size_t>(get_uint(field(j, "out_features", p), p + "/out_features", lim.max_width));
    const json& w = field(j, "weight", p);
    const std::vector<T> q = get_tensor<T>(w, p + "/weight", d.out, d.in, lim);
    const std::vector<T> scale = get_tensor<T>(field(j, "scale", p), p + "/scale", d.out, 1, lim);
    d.bias = get_tensor<T>(field(j, "bias", p), p + "/bias", d.out, 1, lim);
    d.weights.resize(q.size());
    for (std::size_t r = 0; r < d.out; ++r)
        for (std::size_t c = 0; c < d.in; ++c) {
            const T v = q[r * d.in + c];
            if (!(v >= T(-127) && v <= T(127) && v == std::round(v)))
                throw artifact_error(errc::value, p + "/weight/" + std::to_string(r) + "/" + std::to_string(c),
                                     "expected an integer in [-127, 127], got " + std::to_string(v));
            // Same float32 product the reference forms: int8 * row scale.
            d.weights[r * d.in + c] = static_cast<T>(static_cast<float>(v) * static_cast<float>(scale[r]));
        }
    return d;
}

/// Converts a tickets-inf export into a model with the reference's semantics:
/// log1p bag of words, substring keyword flags, `<unk>` mean embedding over
/// the first `max_tokens` tokens with the table quantized per row, linear ->
/// relu -> linear -> relu trunk, four softmax heads and a sigmoid churn head.
template <class T>
basic_model<T> tickets_inf_model(const json& root, const load_options& lim) {
    basic_model<T> m;
    const auto ver = get_uint(field(root, "version", ""), "/version", 1u << 30);
    if (ver != 1)
        throw artifact_error(errc::version, "/version",
                             "tickets-inf export version " + std::to_string(ver) + " is not supported (this library reads 1)");
    m.producer = "tickets-inf export v1";
    auto& nc = m.normalizer;
    nc.url_token.clear();
    nc.email_token.clear();
    nc.number_token.clear();
    if (const json* pp = optional_field(root, "preprocess", "")) {
        const std::string p = "/preprocess";
        require_object(*pp, p);
        nc.lowercase = false;
        if (const json* v = optional_field(*pp, "lowercase", p)) nc.lowercase = get_bool(*v, p + "/lowercase");
        if (const json* v = optional_field(*pp, "replace_urls", p)) nc.url_token = get_placeholder(*v, p + "/replace_urls", lim);
        if (const json* v = optional_field(*pp, "replace_emails", p)) nc.email_token = get_placeholder(*v, p + "/replace_emails", lim);
        if (const json* v = optional_field(*pp, "replace_numbers", p)) nc.number_token = get_placeholder(*v, p + "/replace_numbers", lim);
        if (const json* v = optional_field(*pp, "hinglish_map", p)) {
            if (!v->is_object()) type_error(*v, p + "/hinglish_map", "an object of word -> replacement");
            if (v->size() > lim.max_vocab) throw artifact_error(errc::limit, p + "/hinglish_map", "expected at most " + std::to_string(lim.max_vocab) +
                                                                                         " entries, got " + std::to_string(v->size()));
            for (auto it = v->begin(); it != v->end(); ++it)
                nc.lexicon.emplace_back(it.key(), get_replacement(it.value(), p + "/hinglish_map/" + pointer_key(it.key()), lim));
            std::vector<std::string> keys;
            for (const auto& kv : nc.lexicon) keys.push_back(kv.first);
            check_phrases(keys, p + "/hinglish_map", lim, false);
        }
    }

    const json& vocab = field(root, "vocab", "");
    auto& fs = m.features;
    fs.bow.vocab = index_vocab(field(vocab, "bow_vocab", "/vocab"), "/vocab/bow_vocab", lim);
    fs.bow.mode = count_mode::log1p;
    if (const json* k = optional_field(vocab, "keywords", "/vocab")) {
        fs.keywords.phrases = get_strings(*k, "/vocab/keywords", lim.max_vocab);
        check_phrases(fs.keywords.phrases, "/vocab/keywords", lim, true);
    }
    fs.keywords.match = keyword_match::substring;
    auto& e = fs.embedding;
    e.vocab = index_vocab(field(vocab, "embedding_vocab", "/vocab"), "/vocab/embedding_vocab", lim);
    if (const json* mt = optional_field(vocab, "max_tokens", "/vocab"))
        e.max_tokens = static_cast<std::size_t>(get_uint(*mt, "/vocab/max_tokens", 1u << 30));
    for (std::size_t i = 0; i < e.vocab.size(); ++i)
        if (e.vocab[i] == "<unk>") e.unk = static_cast<std::int32_t>(i);

    const json& emb = field(root, "embedding", "");
    const json& ew = field(emb, "weights", "/embedding");
    if (!ew.is_array() || ew.empty() || !ew[0].is_array()) type_error(ew, "/embedding/weights", "an array of rows");
    const std::size_t rows = ew.size();
    e.dim = ew[0].size();
    if (rows < e.vocab.size())
        throw artifact_error(errc::shape, "/embedding/weights",
                             "expected at least " + std::to_string(e.vocab.size()) + " rows (the embedding vocabulary), got " +
                                 std::to_string(rows));
    if (e.dim == 0 || e.dim > lim.max_width)
        throw artifact_error(errc::shape, "/embedding/weights/0", "expected 1.." + std::to_string(lim.max_width) +
                                                                      " columns, got " + std::to_string(e.dim));
    e.weights = get_tensor<T>(ew, "/embedding/weights", rows, e.dim, lim);
    e.vocab.resize(rows);  // rows past the vocabulary are unreachable but kept
    for (std::size_t r = 0; r < rows; ++r) quantize_row_reference(e.weights.data() + r * e.dim, e.dim);

    if (const json* md = optional_field(root, "metadata", "")) {
        if (const json* ds = optional_field(*md, "dense_size", "/metadata")) {
            const auto want = fs.bow.vocab.size() + fs.keywords.phrases.size();
            if (get_uint(*ds, "/metadata/dense_size", lim.max_tensor_elements) != want)
                throw artifact_error(errc::shape, "/metadata/dense_size",
                                     "expected " + std::to_string(want) + " (bag of words + keywords), got " + ds->dump());
        }
    }

    // Widths are checked here, against this file's own paths, rather than
    // left to validate_model, which would name paths of the native format.
    auto check_in = [](const dense_spec<T>& d, std::size_t want, const std::string& p, const char* what) {
        if (d.in != want)
            throw artifact_error(errc::shape, p + "/in_features",
                                 "expected " + std::to_string(want) + " (" + what + "), got " + std::to_string(d.in));
    };
    const json& layers = field(root, "layers", "");
    const char* order[] = {"base_0", "base_1", "base_2", "base_3"};
    std::size_t width = fs.width();
    for (int i = 0; i < 4; ++i) {
        const std::string p = std::string("/layers/") + order[i];
        const json& l = field(layers, order[i], "/layers");
        if (i % 2 == 0) {
            dense_spec<T> d = tickets_inf_linear<T>(l, p, lim);
            check_in(d, width, p, i == 0 ? "bag of words + keywords + embedding_dim" : "the previous layer's out_features");
            width = d.out;
            m.trunk.emplace_back(std::move(d));
        } else {
            const std::string type = get_string(field(l, "type", p), p + "/type");
            if (type != "relu") throw artifact_error(errc::value, p + "/type", "expected \"relu\", got \"" + type + "\"");
            m.trunk.emplace_back(relu_spec{});
        }
    }

    const json& labels = field(root, "labels", "");
    const json& heads = field(root, "heads", "");
    const char* names[] = {"department", "sentiment", "lead_intent", "churn_risk", "intent"};
    for (const char* name : names) {
        head_spec<T> h;
        h.name = name;
        h.kind = std::string(name) == "churn_risk" ? head_kind::sigmoid : head_kind::softmax;
        const std::string lp = std::string("/labels/") + name, hp = std::string("/heads/") + name;
        h.labels = get_strings(field(labels, name, "/labels"), lp, lim.max_labels);
        h.layer = tickets_inf_linear<T>(field(heads, name, "/heads"), hp, lim);
        check_in(h.layer, width, hp, "the trunk's out_features");
        const std::size_t want_out = h.kind == head_kind::sigmoid ? 1 : h.labels.size();
        if (h.kind == head_kind::sigmoid && h.labels.size() != 2)
            throw artifact_error(errc::shape, lp, "expected 2 labels (low, high), got " + std::to_string(h.labels.size()));
        if (h.layer.out != want_out)
            throw artifact_error(errc::shape, hp + "/out_features",
                                 "expected " + std::to_string(want_out) +
                                     (h.kind == head_kind::sigmoid ? " (one logit)" : " (one per label in " + lp + ")") +
                                     ", got " + std::to_string(h.layer.out));
        m.heads.push_back(std::move(h));
    }
    if (const json* mt = optional_field(root, "metrics", "")) {
        if (!mt->is_object()) type_error(*mt, "/metrics", "an object");
        m.metrics_json = mt->dump();
    }
    return m;
}

}  // namespace tiny_ticket::detail
