// SPDX-License-Identifier: MIT
#pragma once

// The artifact layer: the only public header that includes nlohmann/json.
// Everything else (text, features, nn, classifier) stays JSON-free.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <istream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

#include "classifier.hpp"
#include "compat/tickets_inf.hpp"
#include "detail/json_reader.hpp"
#include "load_options.hpp"
#include "model.hpp"
#include "version.hpp"

namespace tiny_ticket {

/// Name in the `format` field of native artifacts.
inline constexpr const char* artifact_format_name = "tiny_ticket";
/// Newest native format version this library reads and the one it writes.
inline constexpr int artifact_format_version = 1;

/// How weights are written.
enum class weight_encoding {
    base64,  ///< compact little-endian blobs (float32 for float models, float64 for double)
    arrays,  ///< plain JSON number arrays (readable, larger)
};

/// How save_model writes an artifact.
struct save_options {
    weight_encoding weights = weight_encoding::base64;  ///< base64 blobs (default) or number arrays
    /// Indent width for pretty printing; -1 writes compact JSON.
    int indent = -1;
};

namespace detail {

inline const char* to_string(count_mode m) {
    return m == count_mode::count ? "count" : m == count_mode::binary ? "binary" : "log1p";
}

inline count_mode parse_count_mode(const json& j, const std::string& path) {
    const std::string s = get_string(j, path);
    if (s == "count") return count_mode::count;
    if (s == "log1p") return count_mode::log1p;
    if (s == "binary") return count_mode::binary;
    throw artifact_error(errc::value, path, "expected \"count\", \"log1p\" or \"binary\", got \"" + s + "\"");
}

inline void read_mode_l2(const json& g, const std::string& p, count_mode& mode, bool& l2) {
    if (const json* m = optional_field(g, "mode", p)) mode = parse_count_mode(*m, p + "/mode");
    if (const json* l = optional_field(g, "l2", p)) l2 = get_bool(*l, p + "/l2");
}

// `int8`: a quantized artifact, whose weights are read as an int8 tensor.
template <class T>
dense_spec<T> read_dense(const json& j, const std::string& p, const load_options& lim, bool int8) {
    dense_spec<T> d;
    d.in = static_cast<std::size_t>(get_uint(field(j, "in", p), p + "/in", lim.max_tensor_elements));
    d.out = static_cast<std::size_t>(get_uint(field(j, "out", p), p + "/out", lim.max_width));
    d.weights = int8 ? get_int8_tensor<T>(field(j, "weights", p), p + "/weights", d.out, d.in, lim)
                     : basic_tensor<T>::floating(d.out, d.in, get_tensor<T>(field(j, "weights", p), p + "/weights", d.out, d.in, lim));
    d.bias = get_tensor<T>(field(j, "bias", p), p + "/bias", d.out, 1, lim);
    return d;
}

inline normalizer_config read_normalizer(const json& j, const std::string& p, const load_options& lim) {
    normalizer_config c;
    require_object(j, p);
    if (const json* v = optional_field(j, "lowercase", p)) c.lowercase = get_bool(*v, p + "/lowercase");
    if (const json* v = optional_field(j, "url_token", p)) c.url_token = get_placeholder(*v, p + "/url_token", lim);
    if (const json* v = optional_field(j, "email_token", p)) c.email_token = get_placeholder(*v, p + "/email_token", lim);
    if (const json* v = optional_field(j, "number_token", p)) c.number_token = get_placeholder(*v, p + "/number_token", lim);
    if (const json* v = optional_field(j, "max_repeat", p))
        c.max_repeat = static_cast<unsigned>(get_uint(*v, p + "/max_repeat", 64));
    if (const json* v = optional_field(j, "emoji", p)) c.emoji = get_bool(*v, p + "/emoji");
    if (const json* v = optional_field(j, "lexicon", p)) {
        const std::string lp = p + "/lexicon";
        if (!v->is_object()) type_error(*v, lp, "an object of word -> replacement");
        if (v->size() > lim.max_vocab) throw artifact_error(errc::limit, lp, "too many entries");
        for (auto it = v->begin(); it != v->end(); ++it) {
            const std::string kp = lp + "/" + pointer_key(it.key());
            const std::string& k = it.key();
            if (k.empty() || !normalizer::is_word(static_cast<unsigned char>(k.front())) ||
                !normalizer::is_word(static_cast<unsigned char>(k.back())))
                throw artifact_error(errc::value, kp, "expected a key that starts and ends with a letter, digit or '_', got \"" + k + "\"");
            c.lexicon.emplace_back(k, get_replacement(it.value(), kp, lim));
        }
        std::vector<std::string> keys;
        for (const auto& kv : c.lexicon) keys.push_back(kv.first);
        check_phrases(keys, lp, lim, false);
    }
    return c;
}

// `"descriptions": {"<label>": "<text>"}` of one head, as one entry per label
// ("" where the object names none). Keys must be that head's labels, so a
// typo cannot silently leave a label undescribed. No limit of their own: they
// are kept as read, so the file size bounds them.
inline std::vector<std::string> read_descriptions(const json& j, const std::string& p,
                                                  const std::vector<std::string>& labels) {
    if (!j.is_object()) type_error(j, p, "an object of label -> description");
    std::vector<std::string> out(labels.size());
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string kp = p + "/" + pointer_key(it.key());
        std::size_t i = 0;
        while (i < labels.size() && labels[i] != it.key()) ++i;
        if (i == labels.size())
            throw artifact_error(errc::value, kp, "\"" + it.key() + "\" is not a label of this head");
        out[i] = get_string(it.value(), kp);
    }
    return out;
}

// The optional "data" object: which fields of the training data were the
// text and which became which head. Every mapped head must be a head of
// the model, so a stale mapping is caught on load, not by a wrong column
// at prediction time.
template <class T>
data_mapping read_data_mapping(const json& d, const std::vector<head_spec<T>>& heads, const load_options& lim) {
    const std::string p = "/data";
    if (!d.is_object()) type_error(d, p, "an object");
    data_mapping dm;
    if (const json* t = optional_field(d, "text", p)) {
        dm.text = get_strings(*t, p + "/text", lim.max_heads);
        if (dm.text.empty()) throw artifact_error(errc::value, p + "/text", "expected at least one text field, got none");
        for (std::size_t i = 0; i < dm.text.size(); ++i)
            if (dm.text[i].empty()) throw artifact_error(errc::value, p + "/text/" + std::to_string(i), "expected a field name, got \"\"");
    }
    if (const json* s = optional_field(d, "separator", p)) dm.separator = get_string(*s, p + "/separator");
    if (const json* h = optional_field(d, "heads", p)) {
        if (!h->is_object()) type_error(*h, p + "/heads", "an object of field -> head");
        if (h->size() > lim.max_heads)
            throw artifact_error(errc::limit, p + "/heads", "expected at most " + std::to_string(lim.max_heads) + " fields, got " + std::to_string(h->size()));
        for (auto it = h->begin(); it != h->end(); ++it) {
            const std::string hp = p + "/heads/" + pointer_key(it.key());
            const std::string head = get_string(it.value(), hp);
            bool known = false;
            for (const auto& hs : heads) known = known || hs.name == head;
            if (!known) throw artifact_error(errc::value, hp, "expected the name of a head of the model, got \"" + head + "\"");
            dm.heads.emplace_back(it.key(), head);
        }
    }
    return dm;
}

template <class T>
basic_model<T> native_model(const json& root, const load_options& lim) {
    basic_model<T> m;
    const std::string fmt = get_string(field(root, "format", ""), "/format");
    if (fmt != artifact_format_name)
        throw artifact_error(errc::version, "/format",
                             std::string("expected \"") + artifact_format_name + "\", got \"" + fmt + "\"");
    const auto ver = get_uint(field(root, "version", ""), "/version", 1u << 30);
    if (ver > static_cast<std::uint64_t>(artifact_format_version))
        throw artifact_error(errc::version, "/version",
                             "artifact format version " + std::to_string(ver) + " is newer than this library reads (" +
                                 std::to_string(artifact_format_version) + "); upgrade tiny_ticket");
    if (ver < 1) throw artifact_error(errc::version, "/version", "expected version >= 1, got " + std::to_string(ver));
    if (const json* v = optional_field(root, "producer", "")) m.producer = get_string(*v, "/producer");
    if (const json* v = optional_field(root, "normalizer", "")) m.normalizer = read_normalizer(*v, "/normalizer", lim);
    if (const json* q = optional_field(root, "quantization", "")) {
        const std::string s = get_string(field(*q, "mode", "/quantization"), "/quantization/mode");
        if (s == "weight-only") m.quantization = quant_mode::weight_only;
        else if (s == "full") m.quantization = quant_mode::full;
        else throw artifact_error(errc::value, "/quantization/mode", "expected \"weight-only\" or \"full\", got \"" + s + "\"");
    }
    const bool quant = m.quantized();

    const json& f = field(root, "features", "");
    auto& fs = m.features;
    if (const json* g = optional_field(f, "bow", "/features")) {
        fs.bow.vocab = get_strings(field(*g, "vocab", "/features/bow"), "/features/bow/vocab", lim.max_vocab);
        read_mode_l2(*g, "/features/bow", fs.bow.mode, fs.bow.l2);
    }
    if (const json* g = optional_field(f, "keywords", "/features")) {
        fs.keywords.phrases = get_strings(field(*g, "phrases", "/features/keywords"), "/features/keywords/phrases", lim.max_vocab);
        if (const json* v = optional_field(*g, "match", "/features/keywords")) {
            const std::string s = get_string(*v, "/features/keywords/match");
            if (s == "token") fs.keywords.match = keyword_match::token;
            else if (s == "substring") fs.keywords.match = keyword_match::substring;
            else throw artifact_error(errc::value, "/features/keywords/match", "expected \"token\" or \"substring\", got \"" + s + "\"");
        }
        check_phrases(fs.keywords.phrases, "/features/keywords/phrases", lim, true);
    }
    if (const json* g = optional_field(f, "bigrams", "/features")) {
        fs.bigrams.vocab = get_strings(field(*g, "vocab", "/features/bigrams"), "/features/bigrams/vocab", lim.max_vocab);
        read_mode_l2(*g, "/features/bigrams", fs.bigrams.mode, fs.bigrams.l2);
    }
    if (const json* g = optional_field(f, "char_ngrams", "/features")) {
        const std::string p = "/features/char_ngrams";
        fs.char_ngrams.min_n = static_cast<unsigned>(get_uint(field(*g, "min_n", p), p + "/min_n", 32));
        fs.char_ngrams.max_n = static_cast<unsigned>(get_uint(field(*g, "max_n", p), p + "/max_n", 32));
        fs.char_ngrams.buckets = static_cast<std::uint32_t>(get_uint(field(*g, "buckets", p), p + "/buckets", lim.max_char_buckets));
        read_mode_l2(*g, p, fs.char_ngrams.mode, fs.char_ngrams.l2);
    }
    if (const json* g = optional_field(f, "embedding", "/features")) {
        const std::string p = "/features/embedding";
        auto& e = fs.embedding;
        e.dim = static_cast<std::size_t>(get_uint(field(*g, "dim", p), p + "/dim", lim.max_width));
        e.vocab = get_strings(field(*g, "vocab", p), p + "/vocab", lim.max_vocab);
        if (const json* v = optional_field(*g, "max_tokens", p)) e.max_tokens = static_cast<std::size_t>(get_uint(*v, p + "/max_tokens", 1u << 30));
        if (const json* v = optional_field(*g, "unk", p)) {
            if (!v->is_number_integer()) type_error(*v, p + "/unk", "an integer");
            const auto u = v->get<std::int64_t>();
            if (u < -1 || u >= static_cast<std::int64_t>(e.vocab.size()))
                throw artifact_error(errc::value, p + "/unk", "expected -1 or an index below " +
                                                                  std::to_string(e.vocab.size()) + ", got " + std::to_string(u));
            e.unk = static_cast<std::int32_t>(u);
        }
        if (const json* v = optional_field(*g, "source", p)) e.source = get_string(*v, p + "/source");
        const json& w = field(*g, "weights", p);
        // An i8 table in a float artifact is saved as i8 again.
        if (!quant && w.is_object()) {
            const json* dt = w.contains("dtype") ? &w["dtype"] : nullptr;
            e.int8_rows = dt && dt->is_string() && dt->get_ref<const std::string&>() == "i8";
        }
        e.weights = quant ? get_int8_tensor<T>(w, p + "/weights", e.vocab.size(), e.dim, lim)
                          : basic_tensor<T>::floating(e.vocab.size(), e.dim,
                                                      get_tensor<T>(w, p + "/weights", e.vocab.size(), e.dim, lim));
    }

    const json& trunk = field(root, "trunk", "");
    if (!trunk.is_array()) type_error(trunk, "/trunk", "an array of layers");
    if (trunk.size() > 64) throw artifact_error(errc::limit, "/trunk", "expected at most 64 layers, got " + std::to_string(trunk.size()));
    for (std::size_t l = 0; l < trunk.size(); ++l) {
        const std::string p = "/trunk/" + std::to_string(l);
        const std::string type = get_string(field(trunk[l], "type", p), p + "/type");
        if (type == "dense") m.trunk.emplace_back(read_dense<T>(trunk[l], p, lim, quant));
        else if (type == "relu") m.trunk.emplace_back(relu_spec{});
        else throw artifact_error(errc::value, p + "/type", "expected \"dense\" or \"relu\", got \"" + type + "\"");
    }

    const json& heads = field(root, "heads", "");
    if (!heads.is_array()) type_error(heads, "/heads", "an array of heads");
    if (heads.size() > lim.max_heads)
        throw artifact_error(errc::limit, "/heads", "expected at most " + std::to_string(lim.max_heads) + " heads, got " + std::to_string(heads.size()));
    for (std::size_t h = 0; h < heads.size(); ++h) {
        const std::string p = "/heads/" + std::to_string(h);
        head_spec<T> hs;
        hs.name = get_string(field(heads[h], "name", p), p + "/name");
        const std::string kind = get_string(field(heads[h], "kind", p), p + "/kind");
        if (kind == "softmax") hs.kind = head_kind::softmax;
        else if (kind == "sigmoid") hs.kind = head_kind::sigmoid;
        else throw artifact_error(errc::value, p + "/kind", "expected \"softmax\" or \"sigmoid\", got \"" + kind + "\"");
        hs.labels = get_strings(field(heads[h], "labels", p), p + "/labels", lim.max_labels);
        hs.layer = read_dense<T>(heads[h], p, lim, quant);
        if (const json* r = optional_field(heads[h], "review", p)) {
            const std::string rp = p + "/review";
            if (const json* v = optional_field(*r, "min_confidence", rp)) hs.review.min_confidence = get_number(*v, rp + "/min_confidence");
            if (const json* v = optional_field(*r, "min_margin", rp)) hs.review.min_margin = get_number(*v, rp + "/min_margin");
        }
        if (const json* d = optional_field(heads[h], "descriptions", p)) hs.descriptions = read_descriptions(*d, p + "/descriptions", hs.labels);
        if (const json* o = optional_field(heads[h], "out_of_scope", p)) {
            const std::string op = p + "/out_of_scope";
            require_object(*o, op);
            out_of_scope_spec os;
            os.label = get_string(field(*o, "label", op), op + "/label");
            if (const json* v = optional_field(*o, "min_confidence", op)) os.min_confidence = get_number(*v, op + "/min_confidence");
            hs.out_of_scope = std::move(os);
            // Checked here as well as by validate_model, so the message names the file.
            detail::check_out_of_scope(hs, p);
        }
        m.heads.push_back(std::move(hs));
    }

    if (const json* d = optional_field(root, "data", "")) m.data = read_data_mapping(*d, m.heads, lim);
    if (const json* v = optional_field(root, "metrics", "")) {
        if (!v->is_object()) type_error(*v, "/metrics", "an object");
        m.metrics_json = v->dump();
    }
    if (const json* st = optional_field(root, "self_test", "")) {
        const std::string p = "/self_test";
        if (const json* t = optional_field(*st, "tolerance", p)) m.self_test_tolerance = get_number(*t, p + "/tolerance");
        const json& cases = field(*st, "cases", p);
        if (!cases.is_array()) type_error(cases, p + "/cases", "an array");
        for (std::size_t c = 0; c < cases.size(); ++c) {
            const std::string cp = p + "/cases/" + std::to_string(c);
            self_test_case tc;
            tc.text = get_string(field(cases[c], "text", cp), cp + "/text");
            const json& ex = field(cases[c], "expected", cp);
            if (!ex.is_object()) type_error(ex, cp + "/expected", "an object of head -> scores");
            for (auto it = ex.begin(); it != ex.end(); ++it) {
                const std::string ep = cp + "/expected/" + pointer_key(it.key());
                if (!it.value().is_array()) type_error(it.value(), ep, "an array of numbers");
                std::vector<double> scores;
                for (std::size_t i = 0; i < it.value().size(); ++i) scores.push_back(get_number(it.value()[i], ep + "/" + std::to_string(i)));
                tc.expected.emplace_back(it.key(), std::move(scores));
            }
            m.self_tests.push_back(std::move(tc));
        }
    }
    return m;
}

template <class T>
json write_tensor(const std::vector<T>& v, std::size_t rows, std::size_t cols, const save_options& opt) {
    if (opt.weights == weight_encoding::arrays) {
        json a = json::array();
        for (const T& x : v) a.push_back(static_cast<double>(x));
        return a;
    }
    std::string bytes;
    const bool f64 = sizeof(T) > sizeof(float);
    bytes.reserve(v.size() * (f64 ? 8 : 4));
    for (const T& x : v) {
        if (f64) store_le<double>(bytes, static_cast<double>(x));
        else store_le<float>(bytes, static_cast<float>(x));
    }
    return json{{"dtype", f64 ? "f64" : "f32"},
                {"shape", {rows, cols}},
                {"base64", base64_encode(bytes.data(), bytes.size())}};
}

// int8 values are always a base64 blob (there is no int array form); the
// scales follow the weight encoding, as f32 whatever the model's type.
template <class T>
json write_int8(const basic_tensor<T>& q, const save_options& opt) {
    json scale;
    if (opt.weights == weight_encoding::arrays) {
        scale = json::array();
        for (float x : q.scale) scale.push_back(static_cast<double>(x));
    } else {
        std::string bytes;
        bytes.reserve(q.scale.size() * 4);
        for (float x : q.scale) store_le<float>(bytes, x);
        scale = json{{"dtype", "f32"}, {"shape", {q.rows}}, {"base64", base64_encode(bytes.data(), bytes.size())}};
    }
    return json{{"dtype", "i8"},
                {"shape", {q.rows, q.cols}},
                {"base64", base64_encode(q.q.data(), q.q.size())},
                {"scale", scale}};
}

// A tensor in its own dtype; a float one written as `rows x cols` (its
// owner's shape).
template <class T>
json write_weights(const basic_tensor<T>& t, std::size_t rows, std::size_t cols, const save_options& opt) {
    return t.is_int8() ? write_int8(t, opt) : write_tensor(t.values, rows, cols, opt);
}

template <class T>
json write_dense(const dense_spec<T>& d, const save_options& opt) {
    return json{{"in", d.in}, {"out", d.out}, {"weights", write_weights(d.weights, d.out, d.in, opt)},
                {"bias", write_tensor(d.bias, d.out, std::size_t(1), opt)}};
}

template <class T>
json model_to_json(const basic_model<T>& m, const save_options& opt) {
    json root;
    root["format"] = artifact_format_name;
    root["version"] = artifact_format_version;
    root["producer"] = m.producer.empty() ? std::string("tiny_ticket ") + version_string : m.producer;
    json lex = json::object();
    for (const auto& kv : m.normalizer.lexicon) lex[kv.first] = kv.second;
    root["normalizer"] = {{"lowercase", m.normalizer.lowercase}, {"url_token", m.normalizer.url_token},
                          {"email_token", m.normalizer.email_token}, {"number_token", m.normalizer.number_token},
                          {"max_repeat", m.normalizer.max_repeat}, {"lexicon", lex}};
    // Written only when on, so a model without emoji tokens saves exactly as
    // before and older readers still load it.
    if (m.normalizer.emoji) root["normalizer"]["emoji"] = true;
    if (m.quantized()) root["quantization"] = {{"mode", to_string(m.quantization)}};
    const auto& f = m.features;
    json fj = json::object();
    fj["bow"] = {{"mode", to_string(f.bow.mode)}, {"l2", f.bow.l2}, {"vocab", f.bow.vocab}};
    fj["keywords"] = {{"match", f.keywords.match == keyword_match::token ? "token" : "substring"},
                      {"phrases", f.keywords.phrases}};
    if (!f.bigrams.vocab.empty())
        fj["bigrams"] = {{"mode", to_string(f.bigrams.mode)}, {"l2", f.bigrams.l2}, {"vocab", f.bigrams.vocab}};
    if (f.char_ngrams.buckets > 0)
        fj["char_ngrams"] = {{"min_n", f.char_ngrams.min_n}, {"max_n", f.char_ngrams.max_n},
                             {"buckets", f.char_ngrams.buckets}, {"mode", to_string(f.char_ngrams.mode)},
                             {"l2", f.char_ngrams.l2}};
    if (f.embedding.dim > 0) {
        const auto& e = f.embedding;
        fj["embedding"] = {{"dim", e.dim}, {"max_tokens", e.max_tokens}, {"unk", e.unk}, {"vocab", e.vocab},
                           {"weights", e.int8_rows && !e.weights.is_int8()
                                           ? write_int8(quant::quantize_rows(e.weights.values, e.vocab.size(), e.dim), opt)
                                           : write_weights(e.weights, e.vocab.size(), e.dim, opt)}};
        // Written only when set, so tables learned from scratch save as before.
        if (!e.source.empty()) fj["embedding"]["source"] = e.source;
    }
    root["features"] = fj;
    json trunk = json::array();
    for (std::size_t l = 0; l < m.trunk.size(); ++l) {
        if (const auto* d = std::get_if<dense_spec<T>>(&m.trunk[l])) {
            json dj = write_dense(*d, opt);
            dj["type"] = "dense";
            trunk.push_back(dj);
        } else {
            trunk.push_back(json{{"type", "relu"}});
        }
    }
    root["trunk"] = trunk;
    json heads = json::array();
    for (std::size_t i = 0; i < m.heads.size(); ++i) {
        const auto& h = m.heads[i];
        json hj = write_dense(h.layer, opt);
        hj["name"] = h.name;
        hj["kind"] = h.kind == head_kind::softmax ? "softmax" : "sigmoid";
        hj["labels"] = h.labels;
        hj["review"] = {{"min_confidence", h.review.min_confidence}, {"min_margin", h.review.min_margin}};
        json desc = json::object();
        for (std::size_t l = 0; l < h.labels.size(); ++l)
            if (!h.description(l).empty()) desc[h.labels[l]] = std::string(h.description(l));
        if (!desc.empty()) hj["descriptions"] = desc;
        if (h.out_of_scope)
            hj["out_of_scope"] = {{"label", h.out_of_scope->label}, {"min_confidence", h.out_of_scope->min_confidence}};
        heads.push_back(hj);
    }
    root["heads"] = heads;
    if (!m.data.empty()) {
        json dj = json::object();
        if (!m.data.text.empty()) dj["text"] = m.data.text;
        dj["separator"] = m.data.separator;
        json hm = json::object();
        for (const auto& kv : m.data.heads) hm[kv.first] = kv.second;
        dj["heads"] = hm;
        root["data"] = dj;
    }
    if (!m.metrics_json.empty()) root["metrics"] = json::parse(m.metrics_json);
    if (!m.self_tests.empty()) {
        json cases = json::array();
        for (const auto& tc : m.self_tests) {
            json ex = json::object();
            for (const auto& [name, scores] : tc.expected) ex[name] = scores;
            cases.push_back(json{{"text", tc.text}, {"expected", ex}});
        }
        root["self_test"] = {{"tolerance", m.self_test_tolerance}, {"cases", cases}};
    }
    return root;
}

// The network precomputes every embedding row times the first layer
// (vocabulary x hidden values): a table no tensor in the file pays for, so it
// gets the tensor limit here, before a classifier is built.
template <class T>
void check_derived_sizes(const basic_model<T>& m, const load_options& lim) {
    const auto& e = m.features.embedding;
    const auto* first = m.trunk.empty() ? nullptr : std::get_if<dense_spec<T>>(&m.trunk.front());
    if (e.dim == 0 || !first || first->out == 0) return;
    if (e.vocab.size() > lim.max_tensor_elements / first->out)
        throw artifact_error(errc::limit, "/features/embedding/vocab",
                             "expected at most " + std::to_string(lim.max_tensor_elements) +
                                 " values in the projected embedding table, declared " + std::to_string(e.vocab.size()) +
                                 " rows x " + std::to_string(first->out) + " (the first layer's width)");
}

template <class T>
basic_model<T> model_from_json(const json& root, const load_options& lim) {
    require_object(root, "");
    basic_model<T> m;
    if (root.contains("format")) m = native_model<T>(root, lim);
    else if (is_tickets_inf(root)) m = tickets_inf_model<T>(root, lim);
    else
        throw artifact_error(errc::version, "/format",
                             "expected a tiny_ticket artifact (\"format\": \"tiny_ticket\") or a tickets-inf export "
                             "(\"version\": 1 with \"layers\" and \"heads\"), found neither");
    check_derived_sizes(m, lim);
    return m;
}

// With `blobs`, long weight blobs are cut out before parsing (cut_blobs) and
// the DOM names them; resolve them inside a blob_scope over `blobs`.
inline json parse_json(std::string_view text, const load_options& lim, blob_table* blobs = nullptr) {
    std::string cut;
    if (blobs) cut = cut_blobs(text, lim.max_json_depth, *blobs);
    else check_json_depth(text, lim.max_json_depth);
    try {
        if (!cut.empty()) {
            try {
                return json::parse(cut.begin(), cut.end());
            } catch (const json::exception&) {
                // Reparsed below, so the error gives byte offsets of the file itself.
                blobs->blobs.clear();
            }
        }
        return json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        throw artifact_error(errc::parse, "", std::string("invalid JSON at byte ") + std::to_string(e.byte) + ": " + e.what());
    } catch (const json::exception& e) {
        // e.g. out_of_range 406 for a number literal beyond double range (1e400).
        throw artifact_error(errc::parse, "", std::string("invalid JSON: ") + e.what());
    }
}

inline std::string read_file(const std::filesystem::path& path, std::size_t max_bytes) {
    std::error_code ec;
    const auto st = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(st)) throw artifact_error(errc::io, path.string(), "cannot open: no such file");
    if (std::filesystem::is_directory(st)) throw artifact_error(errc::io, path.string(), "cannot read: is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw artifact_error(errc::io, path.string(), "cannot open for reading");
    std::string data;
    if (std::filesystem::is_regular_file(st)) {
        const auto size = std::filesystem::file_size(path, ec);
        if (!ec && size > max_bytes)
            throw artifact_error(errc::limit, path.string(), "file is " + std::to_string(size) + " bytes, limit is " +
                                                                 std::to_string(max_bytes));
        // One read into a buffer of the file's size: growing the string in
        // 64 KB steps copied a multi-megabyte artifact several times over.
        if (!ec && size > 0) {
            data.resize(static_cast<std::size_t>(size));
            in.read(data.data(), static_cast<std::streamsize>(size));
            data.resize(static_cast<std::size_t>(in.gcount()));
            if (in.bad()) throw artifact_error(errc::io, path.string(), "read error");
            if (data.size() < size) return data;  // shrank while being read: what was there
        }
    }
    char buf[1 << 16];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        data.append(buf, static_cast<std::size_t>(in.gcount()));
        if (data.size() > max_bytes)
            throw artifact_error(errc::limit, path.string(), "file exceeds the limit of " + std::to_string(max_bytes) + " bytes");
    }
    if (in.bad()) throw artifact_error(errc::io, path.string(), "read error");
    return data;
}

}  // namespace detail

/// Parses an artifact (native or tickets-inf) from JSON text into a model.
/// Throws artifact_error with the JSON path of the first problem.
template <class T = float>
basic_model<T> load_model_from_string(std::string_view json_text, const load_options& opt = {}) {
    if (json_text.size() > opt.max_file_bytes)
        throw artifact_error(errc::limit, "", "artifact is " + std::to_string(json_text.size()) + " bytes, limit is " +
                                                  std::to_string(opt.max_file_bytes));
    // The DOM costs ~10x the file; it dies at the end of this scope.
    detail::blob_table blobs;
    const auto root = detail::parse_json(json_text, opt, &blobs);
    const detail::blob_scope scope(blobs);
    return detail::model_from_json<T>(root, opt);
}

/// Reads an artifact file into a model. Throws artifact_error.
template <class T = float>
basic_model<T> load_model(const std::filesystem::path& path, const load_options& opt = {}) {
    const std::string text = detail::read_file(path, opt.max_file_bytes);
    try {
        return load_model_from_string<T>(text, opt);
    } catch (const artifact_error& e) {
        // Name the file as well as the JSON path, so a service loading several models says which one.
        throw artifact_error(e.code(), path.string() + ":" + (e.where().empty() ? "/" : e.where()), e.message());
    }
}

/// Reads an artifact from a stream into a model. Throws artifact_error.
template <class T = float>
basic_model<T> load_model(std::istream& in, const load_options& opt = {}) {
    std::string text;
    char buf[1 << 16];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > opt.max_file_bytes)
            throw artifact_error(errc::limit, "", "stream exceeds the limit of " + std::to_string(opt.max_file_bytes) + " bytes");
    }
    return load_model_from_string<T>(text, opt);
}

namespace detail {
template <class T>
basic_classifier<T> make_classifier(basic_model<T> m, const load_options& opt) {
    if (!opt.run_self_tests) m.self_tests.clear();
    return basic_classifier<T>(std::move(m));
}
}  // namespace detail

/// Loads a classifier from an artifact file (native format, or a tickets-inf
/// export). Throws artifact_error; the message names the file and JSON path.
template <class T = float>
basic_classifier<T> load_classifier(const std::filesystem::path& path, const load_options& opt = {}) {
    return detail::make_classifier(load_model<T>(path, opt), opt);
}

/// Loads a classifier from a stream. Throws artifact_error.
template <class T = float>
basic_classifier<T> load_classifier(std::istream& in, const load_options& opt = {}) {
    return detail::make_classifier(load_model<T>(in, opt), opt);
}

/// Loads a classifier from JSON text. Throws artifact_error.
template <class T = float>
basic_classifier<T> load_classifier_from_string(std::string_view json_text, const load_options& opt = {}) {
    return detail::make_classifier(load_model_from_string<T>(json_text, opt), opt);
}

/// Serializes a model as a native artifact (always the newest format version).
template <class T>
std::string save_model_to_string(const basic_model<T>& m, const save_options& opt = {}) {
    try {
        return detail::model_to_json(m, opt).dump(opt.indent);
    } catch (const nlohmann::json::type_error&) {
        // Only a string that is not UTF-8 makes dump() throw; name the fix
        // instead of passing on the JSON library's message.
        throw artifact_error(errc::value, "",
                             "a string of the model (self-test text, head name, label or vocabulary entry) is not "
                             "valid UTF-8; train::read_data_file repairs texts and refuses such labels");
    }
}

/// Writes a model to `path` atomically: the JSON goes to a temporary file in
/// the same directory which is then renamed over `path`, so an interrupted or
/// failed save never leaves a half-written artifact in place. Throws
/// artifact_error (errc::io).
template <class T>
void save_model(const basic_model<T>& m, const std::filesystem::path& path, const save_options& opt = {}) {
    const std::string text = save_model_to_string(m, opt);
    std::filesystem::path tmp = path;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw artifact_error(errc::io, tmp.string(), "cannot open for writing");
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        out.flush();
        if (!out) {
            out.close();
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            throw artifact_error(errc::io, tmp.string(), "write failed (disk full?)");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw artifact_error(errc::io, path.string(), "cannot replace: " + ec.message());
    }
}

}  // namespace tiny_ticket
