// SPDX-License-Identifier: MIT
#pragma once

// The JSON training configuration of `tiny-ticket train` (docs/training.md):
// parsed onto tiny_ticket::train defaults, with every unknown key, wrong type
// and out-of-range value reported as "[tiny_ticket.argument] config:/path: ...".

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tiny_ticket/artifact.hpp>
#include <tiny_ticket/error.hpp>
#include <tiny_ticket/train/data.hpp>
#include <tiny_ticket/train/trainer.hpp>

#include "cli.hpp"

namespace cli {

/// A parsed configuration file: how to read data, plus the trainer settings.
struct train_settings {
    tiny_ticket::train::read_options read;
    std::vector<std::string> corrections;
    tiny_ticket::train::train_config train;
    /// `features.embedding.pretrained`: a word-vector file, "none", or unset
    /// (train looks for the default one); relative to the configuration file.
    std::optional<std::string> vectors;
};

namespace config_detail {

using nlohmann::json;

[[noreturn]] inline void fail(const std::string& path, const std::string& msg) {
    throw tiny_ticket::error(tiny_ticket::errc::argument, "config:" + (path.empty() ? std::string("/") : path), msg);
}

inline std::string type_name(const json& j) { return tiny_ticket::detail::json_type(j); }

inline void check_keys(const json& j, const std::string& path, std::initializer_list<const char*> keys) {
    if (!j.is_object()) fail(path, "expected an object, got " + type_name(j));
    for (auto it = j.begin(); it != j.end(); ++it) {
        bool ok = false;
        std::string list;
        for (const char* k : keys) {
            ok = ok || it.key() == k;
            list += list.empty() ? k : std::string(", ") + k;
        }
        if (!ok) fail(path + "/" + it.key(), "unknown key (expected one of: " + list + ")");
    }
}

// The artifact layer's typed getters, so a config value and an artifact field
// of the same type fail with the same words; their artifact_error becomes the
// configuration's argument error.
template <class F>
auto typed(F&& get) -> decltype(get()) {
    try {
        return get();
    } catch (const tiny_ticket::artifact_error& e) {
        fail(e.where(), e.message());
    }
}

inline bool get_bool(const json& j, const std::string& p) {
    return typed([&] { return tiny_ticket::detail::get_bool(j, p); });
}
inline double get_number(const json& j, const std::string& p, double lo, double hi) {
    const double v = typed([&] { return tiny_ticket::detail::get_number(j, p); });
    if (!(v >= lo && v <= hi)) fail(p, "expected a number in [" + json(lo).dump() + ", " + json(hi).dump() + "], got " + j.dump());
    return v;
}
inline std::uint64_t get_uint(const json& j, const std::string& p, std::uint64_t lo, std::uint64_t hi) {
    const std::uint64_t v = typed([&] { return tiny_ticket::detail::get_uint(j, p, UINT64_MAX); });
    if (v < lo || v > hi) fail(p, "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + j.dump());
    return v;
}
inline std::string get_string(const json& j, const std::string& p) {
    return typed([&] { return tiny_ticket::detail::get_string(j, p); });
}
inline std::vector<std::string> get_strings(const json& j, const std::string& p) {
    return typed([&] { return tiny_ticket::detail::get_strings(j, p, SIZE_MAX); });
}
inline tiny_ticket::count_mode get_mode(const json& j, const std::string& p) {
    return typed([&] { return tiny_ticket::detail::parse_count_mode(j, p); });
}

inline void read_data(const json& j, const std::string& p, train_settings& s) {
    check_keys(j, p, {"format", "text", "columns", "ignore", "labels", "delimiter", "corrections"});
    auto& r = s.read;
    if (j.contains("format")) {
        const std::string f = get_string(j["format"], p + "/format");
        if (f == "auto") r.format = tiny_ticket::train::data_format::automatic;
        else if (f == "jsonl") r.format = tiny_ticket::train::data_format::jsonl;
        else if (f == "csv") r.format = tiny_ticket::train::data_format::csv;
        else fail(p + "/format", "expected \"auto\", \"jsonl\" or \"csv\", got \"" + f + "\"");
    }
    if (j.contains("text")) {
        const json& t = j["text"];
        if (t.is_string()) {
            r.text_field = t.get<std::string>();
            r.text_fields.clear();
        } else {
            r.text_fields = get_strings(t, p + "/text");
            if (r.text_fields.empty()) fail(p + "/text", "expected a column name or a non-empty list of them, got []");
        }
    }
    if (j.contains("columns")) {
        const json& c = j["columns"];
        if (!c.is_object()) fail(p + "/columns", "expected an object of source field -> head, got " + type_name(c));
        for (auto it = c.begin(); it != c.end(); ++it)
            r.columns.emplace_back(it.key(), get_string(it.value(), p + "/columns/" + it.key()));
    }
    if (j.contains("ignore")) r.ignore = get_strings(j["ignore"], p + "/ignore");
    if (j.contains("labels")) {
        const json& l = j["labels"];
        const std::string lp = p + "/labels";
        if (!l.is_object()) fail(lp, "expected an object of head -> {source label: new label or null}, got " + type_name(l));
        for (auto it = l.begin(); it != l.end(); ++it) {
            if (!it.value().is_object()) fail(lp + "/" + it.key(), "expected an object of source label -> new label, got " + type_name(it.value()));
            for (auto m = it.value().begin(); m != it.value().end(); ++m) {
                const std::string mp = lp + "/" + it.key() + "/" + m.key();
                std::string to;
                if (!m.value().is_null()) to = get_string(m.value(), mp);
                r.labels.push_back({it.key(), m.key(), to});
            }
        }
    }
    if (j.contains("delimiter")) {
        const std::string d = get_string(j["delimiter"], p + "/delimiter");
        if (d.size() != 1 || d[0] == '"' || d[0] == '\n' || d[0] == '\r')
            fail(p + "/delimiter", "expected one character other than a quote or newline, got \"" + d + "\"");
        r.delimiter = d[0];
    }
    if (j.contains("corrections")) {
        const json& c = j["corrections"];
        if (c.is_string()) s.corrections.push_back(c.get<std::string>());
        else s.corrections = get_strings(c, p + "/corrections");
    }
}

inline void read_heads(const json& j, const std::string& p, tiny_ticket::train::train_config& t) {
    if (!j.is_array()) fail(p, "expected an array of heads, got " + type_name(j));
    for (std::size_t i = 0; i < j.size(); ++i) {
        const std::string hp = p + "/" + std::to_string(i);
        const json& h = j[i];
        check_keys(h, hp, {"name", "kind", "labels", "loss_weight", "review", "out_of_scope"});
        tiny_ticket::train::head_config hc;
        if (!h.contains("name")) fail(hp, "expected a \"name\", got none");
        hc.name = get_string(h["name"], hp + "/name");
        if (h.contains("kind")) {
            const std::string k = get_string(h["kind"], hp + "/kind");
            if (k == "softmax") hc.kind = tiny_ticket::head_kind::softmax;
            else if (k == "sigmoid") hc.kind = tiny_ticket::head_kind::sigmoid;
            else fail(hp + "/kind", "expected \"softmax\" or \"sigmoid\", got \"" + k + "\"");
        }
        if (h.contains("labels")) hc.labels = get_strings(h["labels"], hp + "/labels");
        if (h.contains("loss_weight")) hc.loss_weight = get_number(h["loss_weight"], hp + "/loss_weight", 0, 1e6);
        if (h.contains("review")) {
            const json& r = h["review"];
            check_keys(r, hp + "/review", {"min_confidence", "min_margin"});
            // Given thresholds are kept; an absent "review" lets the trainer learn them.
            tiny_ticket::review_thresholds rt;
            if (r.contains("min_confidence")) rt.min_confidence = get_number(r["min_confidence"], hp + "/review/min_confidence", 0, 1);
            if (r.contains("min_margin")) rt.min_margin = get_number(r["min_margin"], hp + "/review/min_margin", 0, 1);
            hc.review = rt;
        }
        if (h.contains("out_of_scope")) {
            // false: no out-of-scope label even if one is named "out_of_scope" or "oos".
            const json& o = h["out_of_scope"];
            const std::string op = hp + "/out_of_scope";
            if (o.is_boolean() && !o.get<bool>()) {
                hc.out_of_scope_label = "";
            } else {
                if (!o.is_object()) fail(op, "expected an object {\"label\", \"min_confidence\"} or false, got " + type_name(o));
                check_keys(o, op, {"label", "min_confidence"});
                if (o.contains("label")) hc.out_of_scope_label = get_string(o["label"], op + "/label");
                if (hc.out_of_scope_label && hc.out_of_scope_label->empty()) fail(op + "/label", "expected a label, got \"\"");
                if (o.contains("min_confidence"))
                    hc.out_of_scope_min_confidence = get_number(o["min_confidence"], op + "/min_confidence", 0, 1);
            }
        }
        t.heads.push_back(std::move(hc));
    }
}

inline void read_normalizer(const json& j, const std::string& p, tiny_ticket::normalizer_config& n) {
    check_keys(j, p, {"lowercase", "url_token", "email_token", "number_token", "lexicon", "max_repeat", "emoji"});
    if (j.contains("lowercase")) n.lowercase = get_bool(j["lowercase"], p + "/lowercase");
    if (j.contains("url_token")) n.url_token = get_string(j["url_token"], p + "/url_token");
    if (j.contains("email_token")) n.email_token = get_string(j["email_token"], p + "/email_token");
    if (j.contains("number_token")) n.number_token = get_string(j["number_token"], p + "/number_token");
    if (j.contains("max_repeat")) n.max_repeat = static_cast<unsigned>(get_uint(j["max_repeat"], p + "/max_repeat", 0, 64));
    if (j.contains("emoji")) n.emoji = get_bool(j["emoji"], p + "/emoji");
    if (j.contains("lexicon")) {
        const json& l = j["lexicon"];
        if (!l.is_object()) fail(p + "/lexicon", "expected an object of word -> replacement, got " + type_name(l));
        n.lexicon.clear();
        for (auto it = l.begin(); it != l.end(); ++it)
            n.lexicon.emplace_back(it.key(), get_string(it.value(), p + "/lexicon/" + it.key()));
    }
}

inline void read_features(const json& j, const std::string& p, tiny_ticket::train::train_config& t) {
    check_keys(j, p, {"min_count", "max_vocab", "bow_mode", "bow_l2", "keywords", "bigrams", "char_ngrams", "embedding"});
    if (j.contains("min_count")) t.min_count = get_uint(j["min_count"], p + "/min_count", 1, 1u << 30);
    if (j.contains("max_vocab")) t.max_vocab = get_uint(j["max_vocab"], p + "/max_vocab", 0, 1u << 24);
    if (j.contains("bow_mode")) t.bow_mode = get_mode(j["bow_mode"], p + "/bow_mode");
    if (j.contains("bow_l2")) t.bow_l2 = get_bool(j["bow_l2"], p + "/bow_l2");
    if (j.contains("keywords")) t.keywords = get_strings(j["keywords"], p + "/keywords");
    if (j.contains("bigrams")) {
        const json& b = j["bigrams"];
        const std::string bp = p + "/bigrams";
        if (b.is_boolean()) {
            t.bigrams = b.get<bool>();
        } else {
            check_keys(b, bp, {"enabled", "min_count", "max_size", "mode", "l2"});
            t.bigrams = true;
            if (b.contains("enabled")) t.bigrams = get_bool(b["enabled"], bp + "/enabled");
            if (b.contains("min_count")) t.bigram_min_count = get_uint(b["min_count"], bp + "/min_count", 1, 1u << 30);
            if (b.contains("max_size")) t.max_bigrams = get_uint(b["max_size"], bp + "/max_size", 0, 1u << 24);
            if (b.contains("mode")) t.bigram_mode = get_mode(b["mode"], bp + "/mode");
            if (b.contains("l2")) t.bigram_l2 = get_bool(b["l2"], bp + "/l2");
        }
    }
    if (j.contains("char_ngrams")) {
        const json& c = j["char_ngrams"];
        const std::string cp = p + "/char_ngrams";
        check_keys(c, cp, {"buckets", "min_n", "max_n", "mode", "l2"});
        if (c.contains("buckets")) t.char_buckets = static_cast<std::uint32_t>(get_uint(c["buckets"], cp + "/buckets", 0, 1u << 24));
        if (c.contains("min_n")) t.char_min_n = static_cast<unsigned>(get_uint(c["min_n"], cp + "/min_n", 1, 32));
        if (c.contains("max_n")) t.char_max_n = static_cast<unsigned>(get_uint(c["max_n"], cp + "/max_n", 1, 32));
        if (c.contains("mode")) t.char_mode = get_mode(c["mode"], cp + "/mode");
        if (c.contains("l2")) t.char_l2 = get_bool(c["l2"], cp + "/l2");
        if (t.char_buckets.value_or(1) > 0 && t.char_min_n > t.char_max_n) fail(cp, "expected min_n <= max_n");
    }
    if (j.contains("embedding")) {
        const json& e = j["embedding"];
        const std::string ep = p + "/embedding";
        check_keys(e, ep, {"dim", "min_count", "max_vocab", "max_tokens", "pretrained", "freeze", "int8", "table_words", "scale"});
        // "pretrained" is read by apply_train_config (it is a path, not a trainer setting).
        if (e.contains("freeze")) t.vectors_freeze = get_bool(e["freeze"], ep + "/freeze");
        if (e.contains("int8")) t.vectors_int8 = get_bool(e["int8"], ep + "/int8");
        if (e.contains("scale")) t.vectors_scale = get_number(e["scale"], ep + "/scale", 1e-6, 1e6);
        if (e.contains("table_words")) t.vectors_table_words = get_uint(e["table_words"], ep + "/table_words", 0, 1u << 24);
        if (e.contains("dim")) t.embedding_dim = get_uint(e["dim"], ep + "/dim", 0, 4096);
        if (e.contains("min_count")) t.embedding_min_count = get_uint(e["min_count"], ep + "/min_count", 1, 1u << 30);
        if (e.contains("max_vocab")) t.embedding_max_vocab = get_uint(e["max_vocab"], ep + "/max_vocab", 0, 1u << 24);
        if (e.contains("max_tokens")) t.embedding_max_tokens = get_uint(e["max_tokens"], ep + "/max_tokens", 0, 1u << 20);
    }
}

inline void read_network(const json& j, const std::string& p, tiny_ticket::train::train_config& t) {
    check_keys(j, p, {"hidden", "dropout", "input_dropout", "ensemble"});
    if (j.contains("hidden")) {
        const json& h = j["hidden"];
        if (!h.is_array() || h.empty()) fail(p + "/hidden", "expected a non-empty array of layer widths, got " + h.dump());
        std::vector<std::size_t> widths;
        for (std::size_t i = 0; i < h.size(); ++i) widths.push_back(get_uint(h[i], p + "/hidden/" + std::to_string(i), 1, 65536));
        t.hidden = std::move(widths);
    }
    if (j.contains("dropout")) t.dropout = get_number(j["dropout"], p + "/dropout", 0, 0.99);
    if (j.contains("input_dropout")) t.input_dropout = get_number(j["input_dropout"], p + "/input_dropout", 0, 0.99);
    if (j.contains("ensemble")) t.ensemble = get_uint(j["ensemble"], p + "/ensemble", 1, 64);
}

inline void read_training(const json& j, const std::string& p, tiny_ticket::train::train_config& t) {
    check_keys(j, p, {"learning_rate", "beta1", "beta2", "epsilon", "weight_decay", "schedule", "batch_size", "max_epochs",
                      "patience", "refit", "label_smoothing", "class_weights", "validation_fraction", "stratify_head", "seed",
                      "threads", "self_tests", "review_target", "out_of_scope_tolerance"});
    auto& o = t.optimizer;
    if (j.contains("learning_rate")) o.learning_rate = get_number(j["learning_rate"], p + "/learning_rate", 1e-9, 10);
    if (j.contains("beta1")) o.beta1 = get_number(j["beta1"], p + "/beta1", 0, 0.999999);
    if (j.contains("beta2")) o.beta2 = get_number(j["beta2"], p + "/beta2", 0, 0.999999);
    if (j.contains("epsilon")) o.epsilon = get_number(j["epsilon"], p + "/epsilon", 1e-30, 1);
    if (j.contains("weight_decay")) o.weight_decay = get_number(j["weight_decay"], p + "/weight_decay", 0, 1);
    if (j.contains("schedule")) {
        const std::string s = get_string(j["schedule"], p + "/schedule");
        if (s == "constant") t.schedule = tiny_ticket::train::lr_schedule::constant;
        else if (s == "linear") t.schedule = tiny_ticket::train::lr_schedule::linear;
        else if (s == "cosine") t.schedule = tiny_ticket::train::lr_schedule::cosine;
        else fail(p + "/schedule", "expected \"constant\", \"linear\" or \"cosine\", got \"" + s + "\"");
    }
    if (j.contains("batch_size")) t.batch_size = get_uint(j["batch_size"], p + "/batch_size", 1, 1u << 20);
    if (j.contains("max_epochs")) t.max_epochs = get_uint(j["max_epochs"], p + "/max_epochs", 1, 100000);
    if (j.contains("patience")) t.patience = get_uint(j["patience"], p + "/patience", 1, 100000);
    if (j.contains("refit")) t.refit = get_bool(j["refit"], p + "/refit");
    if (j.contains("label_smoothing")) t.label_smoothing = get_number(j["label_smoothing"], p + "/label_smoothing", 0, 0.99);
    if (j.contains("class_weights")) {
        const std::string s = get_string(j["class_weights"], p + "/class_weights");
        if (s == "balanced") t.class_weights = tiny_ticket::train::class_weighting::balanced;
        else if (s == "sqrt_balanced") t.class_weights = tiny_ticket::train::class_weighting::sqrt_balanced;
        else if (s == "none") t.class_weights = tiny_ticket::train::class_weighting::none;
        else fail(p + "/class_weights", "expected \"balanced\", \"sqrt_balanced\" or \"none\", got \"" + s + "\"");
    }
    if (j.contains("validation_fraction"))
        t.validation_fraction = get_number(j["validation_fraction"], p + "/validation_fraction", 0, 0.9);
    if (j.contains("stratify_head")) t.stratify_head = get_string(j["stratify_head"], p + "/stratify_head");
    if (j.contains("seed")) t.seed = get_uint(j["seed"], p + "/seed", 0, UINT64_MAX);
    if (j.contains("threads")) t.threads = static_cast<unsigned>(get_uint(j["threads"], p + "/threads", 0, 256));
    if (j.contains("self_tests")) t.self_tests = get_uint(j["self_tests"], p + "/self_tests", 0, 1000);
    if (j.contains("review_target")) t.review_target = get_number(j["review_target"], p + "/review_target", 0.01, 1);
    if (j.contains("out_of_scope_tolerance"))
        t.out_of_scope_tolerance = get_number(j["out_of_scope_tolerance"], p + "/out_of_scope_tolerance", 0, 1);
}

}  // namespace config_detail

/// `--text COLUMN` (repeatable) and `--head COLUMN[=NAME]` (repeatable) of
/// `train` and `eval`: they replace the configuration's data.text and
/// data.columns. Returns whether any was given.
inline bool apply_column_flags(const std::vector<std::string>& texts, const std::vector<std::string>& heads,
                               tiny_ticket::train::read_options& r) {
    for (const auto& t : texts)
        if (t.empty()) throw usage_error("option --text needs a column name");
    if (!texts.empty()) r.text_fields = texts;
    if (!heads.empty()) {
        r.columns.clear();
        for (const auto& h : heads) {
            const auto eq = h.find('=');
            std::string col = h.substr(0, eq), name = eq == std::string::npos ? col : h.substr(eq + 1);
            if (col.empty() || name.empty())
                throw usage_error("option --head expects COLUMN or COLUMN=NAME, got \"" + h + "\"");
            for (const auto& kv : r.columns)
                if (kv.first == col)
                    throw usage_error("option --head names column \"" + col + "\" twice");
            r.columns.emplace_back(std::move(col), std::move(name));
        }
    }
    return !texts.empty() || !heads.empty();
}

/// The columns a model was trained from (its artifact's "data" object), as
/// read options: its text columns and its heads, a head column missing from
/// a file being no error (the file may label only some heads).
inline void apply_data_mapping(const tiny_ticket::data_mapping& m, tiny_ticket::train::read_options& r) {
    if (!m.text.empty()) {
        r.text_fields = m.text;
        r.text_separator = m.separator;
    }
    if (!m.heads.empty()) {
        r.columns = m.heads;
        r.columns_optional = true;
    }
}

/// Applies a configuration JSON text onto `s` (keys absent keep their value).
/// Throws tiny_ticket::error (errc::argument, where "config:/json/pointer").
inline void apply_train_config(const std::string& text, train_settings& s) {
    using namespace config_detail;
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw tiny_ticket::error(tiny_ticket::errc::parse, "config", std::string("invalid JSON: ") + e.what());
    }
    check_keys(j, "", {"data", "heads", "normalizer", "features", "network", "training"});
    if (j.contains("data")) read_data(j["data"], "/data", s);
    if (j.contains("heads")) read_heads(j["heads"], "/heads", s.train);
    if (j.contains("normalizer")) read_normalizer(j["normalizer"], "/normalizer", s.train.normalizer);
    if (j.contains("features")) {
        read_features(j["features"], "/features", s.train);
        const json& f = j["features"];
        if (f.contains("embedding") && f["embedding"].contains("pretrained")) {
            const std::string v = get_string(f["embedding"]["pretrained"], "/features/embedding/pretrained");
            if (v.empty()) fail("/features/embedding/pretrained", "expected a word-vector file or \"none\", got \"\"");
            s.vectors = v;
        }
    }
    if (j.contains("network")) read_network(j["network"], "/network", s.train);
    if (j.contains("training")) read_training(j["training"], "/training", s.train);
}

/// Reads a configuration file; relative corrections paths are resolved
/// against its folder. Throws tiny_ticket::error.
inline void load_train_config(const std::string& path, train_settings& s) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw tiny_ticket::error(tiny_ticket::errc::io, path, "cannot open the configuration file");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::size_t before = s.corrections.size();
    try {
        apply_train_config(ss.str(), s);
    } catch (const tiny_ticket::error& e) {
        std::string where = e.where();
        if (where.compare(0, 7, "config:") == 0) where = path + ":" + where.substr(7);
        else where = path;
        throw tiny_ticket::error(e.code(), where, e.message());
    }
    // Paths inside the file are relative to the file, so configs can travel with their data.
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    for (std::size_t i = before; i < s.corrections.size(); ++i)
        if (std::filesystem::path(s.corrections[i]).is_relative()) s.corrections[i] = (dir / s.corrections[i]).string();
    if (s.vectors && *s.vectors != "none" && std::filesystem::path(*s.vectors).is_relative())
        s.vectors = (dir / *s.vectors).string();
}

}  // namespace cli
