// SPDX-License-Identifier: MIT
// `tiny-ticket train`: train a multi-head model from JSONL/CSV files.

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <tiny_ticket/artifact.hpp>
#include <tiny_ticket/train/cross_validate.hpp>
#include <tiny_ticket/train/data.hpp>
#include <tiny_ticket/train/metrics.hpp>
#include <tiny_ticket/train/trainer.hpp>
#include <tiny_ticket/train/word_vectors.hpp>

#include "cli.hpp"
#include "train_config_json.hpp"

namespace {

namespace tr = tiny_ticket::train;

void print_warnings(const char* cmd, const std::vector<tr::data_warning>& w, std::size_t max_shown = 20) {
    for (std::size_t i = 0; i < w.size() && i < max_shown; ++i)
        std::cerr << "tiny-ticket " << cmd << ": warning: " << (w[i].where.empty() ? "" : w[i].where + ": ") << w[i].message
                  << "\n";
    if (w.size() > max_shown)
        std::cerr << "tiny-ticket " << cmd << ": " << (w.size() - max_shown) << " more warnings not shown\n";
}

struct repeated_file {
    std::string file;
    std::size_t times;
};

// `FILE=N`; split at the last '=' so file names may contain one.
std::vector<repeated_file> parse_repeats(const std::vector<std::string>& specs) {
    std::vector<repeated_file> r;
    for (const auto& spec : specs) {
        const auto eq = spec.rfind('=');
        const std::string file = eq == std::string::npos ? std::string() : spec.substr(0, eq);
        const std::string n = eq == std::string::npos ? std::string() : spec.substr(eq + 1);
        char* end = nullptr;
        errno = 0;
        const long long x = n.empty() ? 0 : std::strtoll(n.c_str(), &end, 10);
        if (file.empty() || n.empty() || *end != '\0' || errno != 0 || x < 1 || x > 1000)
            throw cli::usage_error("option --repeat expects FILE=N with N in [1, 1000], got \"" + spec + "\"");
        r.push_back({file, static_cast<std::size_t>(x)});
    }
    return r;
}

// One line: what the model's size was decided by.
std::string describe_capacity(const tr::capacity& c, bool from_init) {
    auto tag = [&](bool a) { return from_init ? " (initial model)" : a ? " (auto)" : ""; };
    std::string hidden;
    for (std::size_t w : c.hidden) hidden += (hidden.empty() ? "" : ",") + std::to_string(w);
    return "capacity: words <= " + std::to_string(c.max_vocab) + tag(c.auto_vocab) + ", bigrams <= " +
           std::to_string(c.max_bigrams) + tag(c.auto_bigrams) + ", char buckets " + std::to_string(c.char_buckets) +
           tag(c.auto_chars) + ", hidden [" + hidden + "]" + tag(c.auto_hidden) + ", ensemble " +
           std::to_string(c.ensemble) + tag(c.auto_ensemble);
}

// Heads a configuration or --head names must have labels before any
// training starts: a misspelled one would otherwise train masked weights.
void check_named_heads(const tr::dataset& data, const cli::train_settings& s, const std::optional<std::string>& config) {
    for (std::size_t i = 0; i < s.train.heads.size(); ++i)
        tr::require_head_labels(data, s.train.heads[i].name,
                                (config ? *config : std::string("config")) + ":/heads/" + std::to_string(i) + "/name");
    if (s.train.heads.empty())
        for (const auto& kv : s.read.columns) tr::require_head_labels(data, kv.second, "--head " + kv.first);
}

// A split of a few rows per label gives scores that move by tens of points
// from one seed to the next; say so, and what gives a better estimate.
void warn_small_validation(const tr::train_result<float>& res, bool folds) {
    const char* fix = folds ? "" : "; run with --folds 5 for a cross-validated estimate, or label more rows";
    if (res.validation_examples == 0) {
        std::cerr << "tiny-ticket train: warning: no validation split (fewer than 20 labelled rows or "
                     "validation_fraction 0): no early stopping and no held-out scores"
                  << fix << "\n";
        return;
    }
    for (const auto& h : res.validation.heads) {
        if (h.labels.empty()) continue;
        const double per = static_cast<double>(h.examples) / static_cast<double>(h.labels.size());
        if (per >= 5) continue;
        char buf[96];
        std::snprintf(buf, sizeof buf, "%.1f", per);
        std::cerr << "tiny-ticket train: warning: the validation split holds " << h.examples << " rows for the "
                  << h.labels.size() << " labels of head \"" << h.name << "\" (" << buf
                  << " per label, fewer than 5): its scores are noise" << fix
                  << " (--stratify HEAD keeps a head's labels balanced in the split)\n";
    }
}

// The fields the trained heads came from, stored so `eval` and `predict`
// read the same export without a configuration.
tiny_ticket::data_mapping mapping_of(const tr::dataset& data, const tr::read_options& r,
                                     const tiny_ticket::model& m) {
    tiny_ticket::data_mapping dm;
    dm.text = data.text_fields;
    dm.separator = r.text_separator;
    for (const auto& kv : data.head_fields)
        for (const auto& h : m.heads)
            if (h.name == kv.second) dm.heads.push_back(kv);
    return dm;
}

// Where the word vectors are looked for when neither --embeddings nor the
// configuration names them: beside an installed executable, in the source
// tree the binary was built from, under the configured install prefix.
std::vector<std::filesystem::path> default_vector_files() {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
#if defined(__linux__)
    if (!std::string_view(TINY_TICKET_VECTORS_BIN_TO_DIR).empty()) {
        std::error_code ec;
        const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
        if (!ec) files.push_back((exe.parent_path() / TINY_TICKET_VECTORS_BIN_TO_DIR / TINY_TICKET_VECTORS_FILE).lexically_normal());
    }
#endif
    files.push_back(fs::path(TINY_TICKET_VECTORS_SOURCE_DIR) / TINY_TICKET_VECTORS_FILE);
    files.push_back(fs::path(TINY_TICKET_VECTORS_INSTALL_DIR) / TINY_TICKET_VECTORS_FILE);
    return files;
}

// --embeddings (or the configuration's embedding.pretrained) wins; else the
// default file, if found, is offered to the trainer to use where the
// validation split says it helps. Not with --init: the features are the
// initial model's.
void choose_vectors(const std::optional<std::string>& given, bool from_init, bool quiet, tr::train_config& t) {
    if (given && *given == "none") return;
    if (given) {
        t.vectors = std::make_shared<const tr::word_vectors>(tr::load_word_vectors(*given));
        t.vectors_optional = false;
        if (!quiet) std::cerr << "embeddings: " << *given << " (" << t.vectors->name << ", " << t.vectors->words.size()
                              << " words x " << t.vectors->dim << ")\n";
        return;
    }
    if (from_init) return;
    std::string tried;
    for (const auto& f : default_vector_files()) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(f, ec)) {
            tried += (tried.empty() ? "" : ", ") + f.string();
            continue;
        }
        t.vectors = std::make_shared<const tr::word_vectors>(tr::load_word_vectors(f));
        t.vectors_optional = true;
        if (!quiet) std::cerr << "embeddings: " << f.string() << " (" << t.vectors->name << "), used if the validation split says it helps\n";
        return;
    }
    if (!quiet) std::cerr << "embeddings: no word vectors found (looked for " << tried << "); training without them\n";
}

// One line: how the word vectors were used, and the validation scores that chose it.
std::string describe_vectors(const tr::train_result<float>& r) {
    std::string line = "embeddings: " + (r.vectors.empty() ? std::string("none") : r.vectors == "none" ? "not used" : r.vectors);
    if (!r.model.features.embedding.source.empty())
        line += " (" + r.model.features.embedding.source + ", " + std::to_string(r.model.features.embedding.vocab.size()) +
                " words x " + std::to_string(r.model.features.embedding.dim) + ")";
    if (!r.vectors_trials.empty()) {
        line += "; validation mean macro-F1";
        char buf[96];
        for (const auto& t : r.vectors_trials) {
            std::snprintf(buf, sizeof buf, " %s %.4f", t.variant.c_str(), t.valid_mean_macro_f1);
            line += buf;
        }
    }
    return line;
}

int run_train(const std::vector<std::string>& argv) {
    const cli::args a(argv,
                      {"data", "repeat", "exclude-near", "out", "config", "seed", "threads", "corrections", "text", "head",
                       "folds", "stratify", "init", "review-target", "valid", "embeddings"},
                      {"quiet", "freeze-trunk"});
    if (!a.positional().empty()) throw cli::usage_error("unexpected argument '" + a.positional()[0] + "'");
    const auto files = a.all("data");
    const auto repeated = parse_repeats(a.all("repeat"));
    if (files.empty() && repeated.empty()) throw cli::usage_error("missing required option --data");
    for (const auto& f : files)
        if (f.empty()) throw cli::usage_error("option --data needs a file name");
    const std::string out = a.required("out");
    if (std::filesystem::is_directory(out)) throw cli::usage_error("--out " + out + " is a directory; give a file path");

    cli::train_settings s;
    if (auto c = a.value("config")) cli::load_train_config(*c, s);
    if (auto e = a.value("embeddings")) {
        if (e->empty()) throw cli::usage_error("option --embeddings needs a word-vector file or \"none\"");
        s.vectors = *e;
    }
    if (a.value("seed")) s.train.seed = static_cast<std::uint64_t>(a.integer("seed", 0, 0, INT64_MAX));
    if (a.value("threads")) s.train.threads = static_cast<unsigned>(a.integer("threads", 1, 0, 256));
    for (const auto& c : a.all("corrections")) s.corrections.push_back(c);
    if (a.value("review-target")) s.train.review_target = a.number("review-target", 0.95, 0.01, 1.0);
    const auto init_path = a.value("init");
    s.train.freeze_trunk = a.flag("freeze-trunk");
    if (s.train.freeze_trunk && !init_path) throw cli::usage_error("option --freeze-trunk needs --init MODEL");
    if (init_path && init_path->empty()) throw cli::usage_error("option --init needs a model file");
    const auto valid_files = a.all("valid");
    for (const auto& f : valid_files)
        if (f.empty()) throw cli::usage_error("option --valid needs a file name");
    if (!valid_files.empty() && (init_path || a.value("folds")))
        throw cli::usage_error("option --valid does not combine with --init or --folds");
    cli::apply_column_flags(a.all("text"), a.all("head"), s.read);
    if (auto h = a.value("stratify")) {
        if (h->empty()) throw cli::usage_error("option --stratify needs a head name");
        s.train.stratify_head = *h;
    }
    const std::size_t folds = static_cast<std::size_t>(a.integer("folds", 0, 2, 100));
    const bool quiet = a.flag("quiet");
    // Before reading the data: a wrong model path should not wait for it.
    std::optional<tiny_ticket::model> init;
    if (init_path) init = tiny_ticket::load_model<float>(*init_path);
    choose_vectors(s.vectors, init.has_value(), a.flag("quiet"), s.train);

    tr::dataset data;
    for (const auto& f : files) tr::read_data_file(f, s.read, data);
    for (const auto& r : repeated) {
        // Read once, copy N times: oversampling keeps the trainer's loss and
        // shuffling untouched, so the same seed still gives the same artifact.
        tr::dataset once;
        tr::read_data_file(r.file, s.read, once);
        data.warnings.insert(data.warnings.end(), once.warnings.begin(), once.warnings.end());
        for (std::size_t k = 0; k < r.times; ++k) data.rows.insert(data.rows.end(), once.rows.begin(), once.rows.end());
    }
    if (!s.corrections.empty()) {
        tr::dataset corr;
        for (const auto& f : s.corrections) tr::read_data_file(f, s.read, corr);
        print_warnings("train", corr.warnings);
        const auto st = tr::apply_corrections(data, corr);
        if (!quiet)
            std::cerr << "corrections: " << st.rows_changed << " rows relabelled, " << st.rows_added << " rows added\n";
    }
    for (const auto& f : a.all("exclude-near")) {
        if (f.empty()) throw cli::usage_error("option --exclude-near needs a file name");
        tr::dataset held;
        tr::read_data_file(f, s.read, held);
        const auto st = tr::drop_near_duplicates(data, held);
        if (!quiet)
            std::cerr << "exclude-near " << f << ": " << st.rows_dropped << " training rows dropped, near " << st.held_out_hit
                      << " of its " << held.rows.size() << " texts\n";
    }
    print_warnings("train", data.warnings);
    if (!quiet) std::cerr << "read " << data.rows.size() << " rows from " << files.size() + repeated.size() << " file(s)\n";
    check_named_heads(data, s, a.value("config"));
    if (!s.train.stratify_head.empty() && tr::rows_labelled(data, s.train.stratify_head) == 0)
        throw tiny_ticket::error(tiny_ticket::errc::argument, "--stratify",
                                 "expected a head of the data, got \"" + s.train.stratify_head + "\"");
    if (folds) {
        const auto cv = tr::cross_validate<float>(data, s.train, folds, [&](std::size_t f) {
            if (!quiet) std::cerr << "cross-validation: fold " << f + 1 << "/" << folds << "\n";
        });
        print_warnings("train", cv.warnings);
        std::cout << tr::render_cross_validation(cv) << "\n";
    }

    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t max_epochs = s.train.max_epochs;
    auto progress = [&](const tr::epoch_report& e) {
        if (quiet) return;
        char buf[160];
        std::string line;
        if (e.members > 1) line += "member " + std::to_string(e.member + 1) + "/" + std::to_string(e.members) + "  ";
        if (e.refit) {
            std::snprintf(buf, sizeof buf, "refit epoch %3zu  loss %.4f  %.2fs", e.epoch, e.train_loss, e.seconds);
            std::cerr << line << buf << "\n";
            return;
        }
        std::snprintf(buf, sizeof buf, "epoch %3zu/%zu  loss %.4f  valid macro-F1 %.4f  acc", e.epoch, max_epochs,
                      e.train_loss, e.valid_mean_macro_f1);
        line += buf;
        for (const auto& [head, acc] : e.valid_accuracy) {
            std::snprintf(buf, sizeof buf, " %s=%.4f", head.c_str(), acc);
            line += buf;
        }
        std::snprintf(buf, sizeof buf, "  %.2fs%s", e.seconds, e.best ? "  *" : "");
        std::cerr << line << buf << "\n";
    };
    tr::dataset valid;
    for (const auto& f : valid_files) tr::read_data_file(f, s.read, valid);
    print_warnings("train", valid.warnings);
    auto res = init                  ? tr::train_model<float>(data, *init, s.train, progress)
               : valid_files.empty() ? tr::train_model<float>(data, s.train, progress)
                                     : tr::train_model<float>(data, valid, s.train, progress);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    print_warnings("train", res.warnings);
    warn_small_validation(res, folds > 0);
    res.model.data = mapping_of(data, s.read, res.model);
    if (!quiet) {
        std::cerr << describe_capacity(res.chosen, init.has_value()) << "\n";
        if (s.train.vectors) std::cerr << describe_vectors(res) << "\n";
        for (const auto& c : res.review) {
            char buf[240];
            std::snprintf(buf, sizeof buf,
                          "review %s: min_confidence %.4f, coverage %.1f%% at accuracy %.4f on %zu validation rows (target %.3f%s)\n",
                          c.head.c_str(), c.thresholds.min_confidence, 100.0 * c.coverage, c.accuracy, c.rows, c.target,
                          c.reached ? "" : ", not reached");
            std::cerr << buf;
        }
        for (const auto& c : res.out_of_scope) {
            char buf[320];
            std::snprintf(buf, sizeof buf,
                          "out of scope %s (\"%s\"): min_confidence %.4f; on %zu in-scope + %zu out-of-scope validation "
                          "rows: in-scope accuracy %.4f (%.4f without), recall %.4f (%.4f without), precision %.4f\n",
                          c.head.c_str(), c.label.c_str(), c.min_confidence, c.in_scope_rows, c.out_of_scope_rows,
                          c.in_scope_accuracy, c.in_scope_accuracy_before, c.recall, c.recall_before, c.precision);
            std::cerr << buf;
        }
    }
    tiny_ticket::save_model(res.model, out);
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(out, ec);
    if (!quiet) {
        std::cerr << "trained on " << res.train_examples << " rows, validated on " << res.validation_examples
                  << "; best epoch " << res.best_epoch << " of " << res.epochs.size() << "; " << secs << " s\n";
        std::cerr << "wrote " << out << " (" << (ec ? 0 : bytes) << " bytes)\n";
    }
    if (res.validation_examples) std::cout << "validation split\n" << tr::render_table(res.validation);
    std::cout.flush();
    return std::cout ? 0 : 1;
}

const cli::registrar train_registrar(
    "train", "train a model from JSONL/CSV data (see docs/training.md)",
    "tiny-ticket train --data FILE [--data FILE ...] [--repeat FILE=N ...] [--exclude-near FILE ...] --out PATH\n"
    "                  [--text COLUMN ...] [--head COLUMN[=NAME] ...] [--folds K] [--stratify HEAD]\n"
    "                  [--config FILE] [--seed N] [--threads N] [--corrections FILE] [--init MODEL [--freeze-trunk]]\n"
    "                  [--review-target P] [--valid FILE ...]\n"
    "                  [--embeddings FILE|none] [--quiet]\n"
    "  --data FILE         JSONL ({\"text\": ..., \"<head>\": \"<label>\"}) or CSV with a header; repeatable.\n"
    "                      Heads and labels are discovered from the data unless --head or the config\n"
    "                      fixes them; a row may carry any subset of the heads (missing labels are masked).\n"
    "                      Without --head, a column that looks like ids, dates, e-mails or free text is\n"
    "                      left out with a warning. Bytes that are not UTF-8 in a text become U+FFFD\n"
    "                      (counted in a warning); in a label they are an error.\n"
    "  --text COLUMN       the ticket text (default \"text\"); repeatable: the non-blank columns are\n"
    "                      joined with a newline (e.g. --text subject --text body)\n"
    "  --head COLUMN[=NAME] train column COLUMN as head NAME (default: the column's name); repeatable;\n"
    "                      with it only these columns are heads\n"
    "  --folds K           first print a K-fold cross-validation report (per head mean and std of\n"
    "                      accuracy and macro-F1; K in [2, 100]), then train the model as usual\n"
    "  --stratify HEAD     keep HEAD's labels balanced in the validation split and the folds\n"
    "                      (default: the head with the fewest rows per label)\n"
    "  --repeat FILE=N     like --data, but every row of FILE is used N times (1-1000), read after the\n"
    "                      --data files: weights a small hand-labelled set against a large generated one;\n"
    "                      repeatable\n"
    "  --exclude-near FILE drop every training row whose words overlap a text of FILE by Jaccard >= 0.5\n"
    "                      (keeps paraphrases of an evaluation set out of training); repeatable\n"
    "  --out PATH          where to write the model artifact (written atomically); it records the text\n"
    "                      columns and the column -> head mapping, so eval and predict need no config\n"
    "  --config FILE       JSON training configuration (docs/training.md); defaults are tuned\n"
    "  --seed N            random seed (default 42); the same seed gives a byte-identical artifact\n"
    "  --threads N         worker threads (default 1, 0 = all cores); results do not depend on it\n"
    "  --corrections FILE  JSONL of {\"text\", \"<head>\": \"<label>\"} overriding rows with the same text\n"
    "  --init MODEL        start from a trained float model: its normalizer, features and trunk are reused;\n"
    "                      data heads named like its heads start from them, its other heads are kept\n"
    "  --freeze-trunk      with --init: train only the heads (the trunk and the kept heads stay unchanged)\n"
    "  --review-target P   accuracy (0-1, default 0.95) the rows not flagged for review should reach; heads\n"
    "                      without configured review thresholds get them chosen on the validation split\n"
    "  --valid FILE        validation rows instead of a held-out tenth of --data (early stopping, metrics,\n"
    "                      review and out-of-scope thresholds); repeatable; not with --init or --folds\n"
    "  --embeddings FILE   start the mean-embedding block from these word vectors (docs/training.md,\n"
    "                      \"Pretrained word vectors\"); frozen or fine-tuned as the validation split\n"
    "                      chooses unless the config's embedding.freeze says. Default: the shipped\n"
    "                      vectors if found (share/tiny_ticket/vectors beside the installed binary, or\n"
    "                      models/vectors in the source tree), used only where they score better on the\n"
    "                      validation split; none: train without them\n"
    "  --quiet             no progress on stderr\n"
    "  Progress and warnings go to stderr (one line per epoch); the reports to stdout.",
    run_train);

}  // namespace
