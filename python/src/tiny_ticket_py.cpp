// SPDX-License-Identifier: MIT
// tiny_ticket._core: the Python binding (nanobind). Everything heavy runs in
// C++ with the GIL released; Python objects are only built at the edges.

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <tiny_ticket/tiny_ticket.hpp>
#include <tiny_ticket/train/data.hpp>
#include <tiny_ticket/train/evaluate.hpp>
#include <tiny_ticket/train/metrics.hpp>
#include <tiny_ticket/train/trainer.hpp>

#include "train_config_json.hpp"

namespace nb = nanobind;
namespace tt = tiny_ticket;
namespace tr = tiny_ticket::train;
using namespace nb::literals;

namespace {

// ---------------------------------------------------------------- errors

// The exception classes are defined in Python (tiny_ticket/_errors.py) so
// they carry docstrings and plain attributes; C++ errors are translated into
// them here, by dynamic type first and code second.
void raise_tiny_ticket_error(const tt::error& e) {
    nb::module_ errors = nb::module_::import_("tiny_ticket._errors");
    const char* cls = "Error";
    if (dynamic_cast<const tt::artifact_error*>(&e)) cls = "ArtifactError";
    else if (dynamic_cast<const tt::data_error*>(&e)) cls = "DataError";
    else if (e.code() == tt::errc::data) cls = "DataError";
    // The rest of the base type comes from what the caller passed: a bad
    // argument, or a training configuration that is unreadable or not JSON.
    else if (e.code() == tt::errc::argument || e.code() == tt::errc::io || e.code() == tt::errc::parse)
        cls = "ArgumentError";
    nb::object exc = errors.attr(cls)(e.what(), tt::to_string(e.code()), e.where(), e.message());
    PyErr_SetObject(errors.attr(cls).ptr(), exc.ptr());
}

// ---------------------------------------------------------------- texts

// UTF-8 views of Python str objects. The objects are kept referenced so the
// views stay valid while the GIL is released, even if the caller's list is
// mutated by another thread meanwhile.
struct text_views {
    std::vector<nb::object> keep;
    std::vector<std::string_view> views;
};

std::string_view utf8_of(nb::handle h, std::size_t index, bool batch) {
    if (!PyUnicode_Check(h.ptr())) {
        const std::string type = nb::type_name(h.type()).c_str();
        const std::string msg = batch ? "texts[" + std::to_string(index) + "]: expected str, got " + type
                                      : "text: expected str, got " + type;
        throw nb::type_error(msg.c_str());
    }
    Py_ssize_t n = 0;
    // Cached inside the str object: a second call on the same text is free.
    const char* p = PyUnicode_AsUTF8AndSize(h.ptr(), &n);
    if (!p) throw nb::python_error();
    return {p, static_cast<std::size_t>(n)};
}

text_views collect_texts(nb::handle texts) {
    if (PyUnicode_Check(texts.ptr()) || PyBytes_Check(texts.ptr()))
        throw nb::type_error("texts: expected a sequence of str, got a single str/bytes (use predict() for one text)");
    text_views tv;
    if (PySequence_Check(texts.ptr())) {
        const Py_ssize_t n = PySequence_Size(texts.ptr());
        if (n >= 0) {
            tv.keep.reserve(static_cast<std::size_t>(n));
            tv.views.reserve(static_cast<std::size_t>(n));
        }
    }
    std::size_t i = 0;
    for (nb::handle h : nb::iter(texts)) {
        tv.views.push_back(utf8_of(h, i++, true));
        tv.keep.push_back(nb::borrow(h));
    }
    return tv;
}

// ---------------------------------------------------------------- classifier

// Interned Python strings of the model's names, built once per classifier,
// so building result dicts costs no UTF-8 decoding per ticket.
struct name_cache {
    std::vector<nb::str> heads;
    std::vector<std::vector<nb::str>> labels;
    nb::str k_label{"label"}, k_confidence{"confidence"}, k_margin{"margin"}, k_review{"review"}, k_scores{"scores"},
        k_out_of_scope{"out_of_scope"};
};

// d[key] = value, taking over the new reference `value`.
inline void set(nb::dict& d, const nb::handle key, PyObject* value) {
    nb::object v = nb::steal(value);
    if (!v.is_valid() || PyDict_SetItem(d.ptr(), key.ptr(), v.ptr()) != 0) throw nb::python_error();
}

class py_classifier {
public:
    explicit py_classifier(tt::classifier c) : clf_(std::make_shared<const tt::classifier>(std::move(c))) {
        names_ = std::make_shared<name_cache>();
        for (std::size_t h = 0; h < clf_->num_heads(); ++h) {
            const auto& spec = clf_->head(h);
            names_->heads.emplace_back(std::string_view(spec.name).data(), std::string_view(spec.name).size());
            std::vector<nb::str> ls;
            for (const auto& l : spec.labels) ls.emplace_back(std::string_view(l).data(), std::string_view(l).size());
            names_->labels.push_back(std::move(ls));
        }
    }

    const tt::classifier& clf() const { return *clf_; }

    // Straight PyDict/PyFloat calls: the result dicts are most of the cost of
    // predict() from Python (one float object per label), so no generic
    // item assignment here.
    nb::dict head_dict(const tt::head_prediction<float>& hp, std::size_t h) const {
        const name_cache& nc = *names_;
        nb::dict scores;
        for (std::size_t i = 0; i < hp.scores.size(); ++i) set(scores, nc.labels[h][i], PyFloat_FromDouble(hp.scores[i]));
        nb::dict d;
        set(d, nc.k_label, nc.labels[h][hp.label_index].inc_ref().ptr());
        set(d, nc.k_confidence, PyFloat_FromDouble(hp.confidence));
        set(d, nc.k_margin, PyFloat_FromDouble(hp.margin));
        set(d, nc.k_review, PyBool_FromLong(hp.review));
        set(d, nc.k_out_of_scope, PyBool_FromLong(hp.out_of_scope));
        set(d, nc.k_scores, scores.release().ptr());
        return d;
    }

    nb::dict prediction_dict(const tt::prediction& p) const {
        nb::dict out;
        for (std::size_t h = 0; h < p.heads.size(); ++h) set(out, names_->heads[h], head_dict(p.heads[h], h).release().ptr());
        return out;
    }

    nb::dict predict(nb::handle text) const {
        const std::string_view t = utf8_of(text, 0, false);
        // One workspace per Python thread: predict() allocates nothing once warm.
        thread_local tt::workspace ws;
        return prediction_dict(clf_->predict(t, ws));
    }

    nb::object predict_batch(nb::handle texts, unsigned threads, bool as_arrays) const {
        text_views tv = collect_texts(texts);
        const std::size_t n = tv.views.size(), nh = clf_->num_heads();
        if (!as_arrays) {
            std::vector<tt::prediction> preds;
            {
                nb::gil_scoped_release unlocked;
                preds = clf_->predict_batch(tv.views, threads);
            }
            nb::list out;
            for (const auto& p : preds) out.append(prediction_dict(p));
            return out;
        }

        // Owned buffers filled without the GIL, handed to numpy afterwards.
        struct head_buffers {
            std::unique_ptr<std::int32_t[]> index;
            std::unique_ptr<float[]> scores, confidence, margin;
            std::unique_ptr<bool[]> review, out_of_scope;
            std::size_t k = 0;
        };
        std::vector<head_buffers> buf(nh);
        for (std::size_t h = 0; h < nh; ++h) {
            buf[h].k = clf_->head(h).labels.size();
            buf[h].index.reset(new std::int32_t[n]);
            buf[h].scores.reset(new float[n * buf[h].k]);
            buf[h].confidence.reset(new float[n]);
            buf[h].margin.reset(new float[n]);
            buf[h].review.reset(new bool[n]);
            buf[h].out_of_scope.reset(new bool[n]);
        }
        {
            nb::gil_scoped_release unlocked;
            // Chunks bound the memory of predict_batch's per-text results;
            // 16k texts keep the per-chunk thread start-up cost negligible.
            constexpr std::size_t chunk = 16384;
            for (std::size_t b = 0; b < n; b += chunk) {
                const std::size_t e = std::min(n, b + chunk);
                const std::vector<std::string_view> part(tv.views.begin() + static_cast<std::ptrdiff_t>(b),
                                                         tv.views.begin() + static_cast<std::ptrdiff_t>(e));
                const auto preds = clf_->predict_batch(part, threads);
                for (std::size_t i = 0; i < preds.size(); ++i)
                    for (std::size_t h = 0; h < nh; ++h) {
                        const auto& hp = preds[i].heads[h];
                        auto& hb = buf[h];
                        hb.index[b + i] = static_cast<std::int32_t>(hp.label_index);
                        std::copy(hp.scores.begin(), hp.scores.end(), hb.scores.get() + (b + i) * hb.k);
                        hb.confidence[b + i] = hp.confidence;
                        hb.margin[b + i] = hp.margin;
                        hb.review[b + i] = hp.review;
                        hb.out_of_scope[b + i] = hp.out_of_scope;
                    }
            }
        }
        nb::dict out;
        for (std::size_t h = 0; h < nh; ++h) {
            auto& hb = buf[h];
            nb::dict d;
            d["label_index"] = to_numpy(std::move(hb.index), {n});
            d["scores"] = to_numpy(std::move(hb.scores), {n, hb.k});
            d["confidence"] = to_numpy(std::move(hb.confidence), {n});
            d["margin"] = to_numpy(std::move(hb.margin), {n});
            d["review"] = to_numpy(std::move(hb.review), {n});
            d["out_of_scope"] = to_numpy(std::move(hb.out_of_scope), {n});
            out[names_->heads[h]] = std::move(d);
        }
        return out;
    }

    nb::list explain(nb::handle text, std::size_t top_n) const {
        const std::string_view t = utf8_of(text, 0, false);
        tt::explanation e;
        {
            nb::gil_scoped_release unlocked;
            e = tt::explain(*clf_, t, top_n);
        }
        auto attrs = [](const std::vector<tt::attribution>& v) {
            nb::list l;
            for (const auto& a : v) {
                nb::dict d;
                d["name"] = a.name;
                d["kind"] = tt::to_string(a.kind);
                d["value"] = a.value;
                d["bow"] = a.bow;
                d["embedding"] = a.embedding;
                d["char_ngrams"] = a.char_ngrams;
                l.append(std::move(d));
            }
            return l;
        };
        nb::list out;
        for (const auto& h : e.heads) {
            nb::dict d;
            d["head"] = h.head;
            d["label"] = h.label;
            d["label_index"] = h.label_index;
            d["score"] = h.score;
            d["bias"] = h.bias;
            d["positive"] = attrs(h.positive);
            d["negative"] = attrs(h.negative);
            d["answer"] = h.answer;
            d["out_of_scope"] = h.out_of_scope;
            d["confidence"] = h.confidence;
            d["min_confidence"] = h.min_confidence;
            d["out_of_scope_reason"] = h.out_of_scope_reason;
            out.append(std::move(d));
        }
        return out;
    }

    nb::list heads() const {
        nb::list l;
        for (const auto& s : names_->heads) l.append(s);
        return l;
    }

    nb::dict labels() const {
        nb::dict d;
        for (std::size_t h = 0; h < names_->heads.size(); ++h) {
            nb::list l;
            for (const auto& s : names_->labels[h]) l.append(s);
            d[names_->heads[h]] = std::move(l);
        }
        return d;
    }

    nb::object training;  // the trainer's report for a model trained in this process, else None

private:
    template <class T>
    static nb::object to_numpy(std::unique_ptr<T[]> data, std::initializer_list<std::size_t> shape) {
        T* p = data.release();
        nb::capsule owner(p, [](void* q) noexcept { delete[] static_cast<T*>(q); });
        return nb::cast(nb::ndarray<nb::numpy, T>(p, shape.size(), shape.begin(), owner));
    }

    std::shared_ptr<const tt::classifier> clf_;
    std::shared_ptr<name_cache> names_;
};

// ---------------------------------------------------------------- data

// Rows arrive as JSONL text (tiny_ticket/_rows.py turns a DataFrame or a
// list of dicts into it), so they go through the CLI's own reader: the same
// column mapping, label mapping, masking and warnings as `tiny-ticket train`.
nb::list warnings_list(const std::vector<tr::data_warning>& w) {
    nb::list l;
    for (const auto& x : w) l.append(nb::make_tuple(x.where, x.message));
    return l;
}

nb::object json_loads(const std::string& s) { return nb::module_::import_("json").attr("loads")(s); }

// train::to_json returned the JSON text and now returns an nlohmann::json;
// the binding takes either, so it builds on both sides of that change.
template <class J>
std::string json_text(const J& j) {
    if constexpr (std::is_same_v<std::decay_t<J>, std::string>) return j;
    else return j.dump();
}

tr::dataset read_rows(const std::string& jsonl, const std::string& name, const tr::read_options& opt) {
    tr::read_options o = opt;
    o.format = tr::data_format::jsonl;  // a file format option has no meaning for in-memory rows
    tr::dataset d;
    tr::read_data_string(jsonl, name, o, d);
    return d;
}

void apply_text_and_columns(tr::read_options& r, const std::optional<std::string>& text,
                            const std::optional<std::vector<std::pair<std::string, std::string>>>& columns) {
    if (text) r.text_field = *text;
    if (columns) r.columns = *columns;
}

nb::dict evaluate(const py_classifier& self, const std::string& jsonl, const std::string& name,
                  const std::optional<std::string>& text,
                  const std::optional<std::vector<std::pair<std::string, std::string>>>& columns, unsigned threads) {
    tr::read_options opt;
    apply_text_and_columns(opt, text, columns);
    tr::dataset data;
    tr::evaluation_result<float> r;
    {
        nb::gil_scoped_release unlocked;
        data = read_rows(jsonl, name, opt);
        r = tr::evaluate(self.clf(), data.rows, threads);
    }
    nb::dict out = nb::cast<nb::dict>(json_loads(json_text(tr::to_json(r.metrics))));
    nb::dict review;
    review["rows"] = r.review.rows;
    review["flagged"] = r.review.flagged;
    review["flagged_share"] = r.review.flagged_share();
    nb::dict rh;
    for (const auto& h : r.review.heads) {
        nb::dict d;
        d["flagged"] = h.flagged;
        d["labelled"] = h.labelled;
        d["correct"] = h.correct;
        d["kept"] = h.kept;
        d["kept_correct"] = h.kept_correct;
        d["kept_accuracy"] = h.kept_accuracy();
        rh[nb::str(h.name.c_str())] = std::move(d);
    }
    review["heads"] = std::move(rh);
    out["review"] = std::move(review);
    nb::list w = warnings_list(data.warnings);
    for (auto x : warnings_list(r.warnings)) w.append(x);
    out["warnings"] = std::move(w);
    return out;
}

nb::dict epoch_dict(const tr::epoch_report& e) {
    nb::dict d;
    d["epoch"] = e.epoch;
    d["member"] = e.member;
    d["refit"] = e.refit;
    d["train_loss"] = e.train_loss;
    d["valid_loss"] = e.valid_loss;
    d["valid_mean_macro_f1"] = e.valid_mean_macro_f1;
    nb::dict acc;
    for (const auto& [head, a] : e.valid_accuracy) acc[nb::str(head.c_str())] = a;
    d["valid_accuracy"] = std::move(acc);
    d["seconds"] = e.seconds;
    d["best"] = e.best;
    return d;
}

py_classifier train(const std::string& jsonl, const std::string& name, const std::optional<std::string>& config_json,
                    const std::optional<std::string>& config_path, const std::optional<std::string>& text,
                    const std::optional<std::vector<std::pair<std::string, std::string>>>& columns,
                    std::optional<std::uint64_t> seed, std::optional<unsigned> threads, nb::object progress) {
    cli::train_settings s;
    if (config_path) cli::load_train_config(*config_path, s);
    if (config_json) cli::apply_train_config(*config_json, s);
    apply_text_and_columns(s.read, text, columns);
    if (seed) s.train.seed = *seed;
    if (threads) s.train.threads = *threads;

    // Runs after every epoch on this thread: calls `progress`, and checks for
    // Ctrl-C even without one. A Python exception stops the training (the
    // trainer lets a progress exception through); it crosses the C++ frames
    // as a plain marker and is re-raised here once the GIL is held again.
    struct stopped {};
    std::exception_ptr callback_error;
    tr::progress_fn fn = [&](const tr::epoch_report& e) {
        nb::gil_scoped_acquire locked;
        try {
            if (PyErr_CheckSignals() != 0) throw nb::python_error();
            if (!progress.is_none()) progress(epoch_dict(e));
        } catch (...) {
            callback_error = std::current_exception();
            throw stopped{};
        }
    };

    tr::dataset data;
    tr::train_result<float> res;
    std::optional<tt::classifier> clf;
    try {
        nb::gil_scoped_release unlocked;
        data = read_rows(jsonl, name, s.read);
        if (!s.corrections.empty()) {
            tr::dataset corr;
            for (const auto& f : s.corrections) tr::read_data_file(f, s.read, corr);
            data.warnings.insert(data.warnings.end(), corr.warnings.begin(), corr.warnings.end());
            tr::apply_corrections(data, corr);
        }
        res = tr::train_model<float>(data, s.train, fn);
        clf.emplace(std::move(res.model));
    } catch (const stopped&) {
        std::rethrow_exception(callback_error);
    }

    py_classifier out(std::move(*clf));
    nb::dict report;
    report["train_examples"] = res.train_examples;
    report["validation_examples"] = res.validation_examples;
    report["best_epoch"] = res.best_epoch;
    report["best_epochs"] = res.best_epochs;
    nb::list epochs;
    for (const auto& e : res.epochs) epochs.append(epoch_dict(e));
    report["epochs"] = std::move(epochs);
    report["validation"] = res.validation_examples ? json_loads(json_text(tr::to_json(res.validation))) : nb::none();
    nb::list w = warnings_list(data.warnings);
    for (auto x : warnings_list(res.warnings)) w.append(x);
    report["warnings"] = std::move(w);
    out.training = std::move(report);
    return out;
}

}  // namespace

NB_MODULE(_core, m) {
    m.doc() = "tiny_ticket C++ core (use the `tiny_ticket` package, not this module).";
    m.attr("__version__") = TINY_TICKET_VERSION_STRING;
    m.attr("library_version") = tt::version_string;

    nb::register_exception_translator([](const std::exception_ptr& p, void*) {
        try {
            std::rethrow_exception(p);
        } catch (const tt::error& e) {
            raise_tiny_ticket_error(e);
        }
    });

    nb::class_<py_classifier>(m, "Classifier",
        "A loaded multi-head ticket classifier.\n\n"
        "Immutable and thread-safe: predict from many threads at once. Create one\n"
        "with tiny_ticket.load(path), tiny_ticket.loads(json_text) or\n"
        "tiny_ticket.train(rows). Pickles as its JSON artifact.")
        .def_prop_ro("heads", &py_classifier::heads, "Head names, in model order (list[str]).")
        .def_prop_ro("labels", &py_classifier::labels, "Labels of every head, in score order (dict[str, list[str]]).")
        .def_prop_ro("quantized", [](const py_classifier& c) { return c.clf().quantization() != tt::quant_mode::none; },
                     "True for an int8 model (explain() needs a float model).")
        .def_prop_ro("memory_bytes", [](const py_classifier& c) { return c.clf().memory_bytes(); },
                     "Approximate bytes held by the loaded model.")
        .def_prop_ro("training", [](const py_classifier& c) { return c.training.is_valid() ? c.training : nb::none(); },
                     "The trainer's report (epochs, validation metrics, data warnings) for a\n"
                     "model trained in this process by tiny_ticket.train(); None otherwise.")
        .def("predict", &py_classifier::predict, "text"_a.none(), nb::sig("def predict(self, text: str) -> dict[str, dict[str, typing.Any]]"),
             "Classifies one ticket. Returns {head: {\"label\", \"confidence\", \"margin\",\n"
             "\"review\", \"out_of_scope\", \"scores\": {label: probability}}} for every head.\n"
             "out_of_scope is True when the head answered its \"none of these\" label\n"
             "(it scored highest, or the top probability was below the head's\n"
             "threshold; confidence is then that top probability); always False\n"
             "for a head without one.\n"
             "Raises TypeError when `text` is not a str. About 2 us plus the dict.")
        .def("predict_batch", &py_classifier::predict_batch, "texts"_a, "threads"_a = 0u, "as_arrays"_a = false,
             nb::sig("def predict_batch(self, texts: collections.abc.Iterable[str], threads: int = 0, as_arrays: bool = False) "
                     "-> list[dict[str, dict[str, typing.Any]]] | dict[str, dict[str, numpy.ndarray]]"),
             "Classifies a sequence of str (list, tuple, pandas Series, ...) on up to\n"
             "`threads` threads (0: one per core), with the GIL released, so other\n"
             "Python threads keep running. Results equal predict() on each text, in\n"
             "input order.\n\n"
             "as_arrays=False: a list of predict() dicts.\n"
             "as_arrays=True: {head: {\"label_index\": int32[n], \"scores\": float32[n, k],\n"
             "\"confidence\": float32[n], \"margin\": float32[n], \"review\": bool[n],\n"
             "\"out_of_scope\": bool[n]}}, with\n"
             "labels in `Classifier.labels[head]` order; the fast path for big batches.\n"
             "Raises TypeError naming the index of the first non-str item.")
        .def("explain", &py_classifier::explain, "text"_a.none(), "top_n"_a = 5,
             nb::sig("def explain(self, text: str, top_n: int = 5) -> list[dict[str, typing.Any]]"),
             "Why each head chose its label: per head {\"head\", \"label\", \"label_index\",\n"
             "\"score\", \"bias\", \"positive\": [...], \"negative\": [...]} where each\n"
             "attribution is {\"name\", \"kind\" (token|keyword|bigram|char_ngram), \"value\",\n"
             "\"bow\", \"embedding\", \"char_ngrams\"} in logit units, strongest first.\n"
             "top_n=0 lists every feature (then bias + all values == score).\n"
             "Also \"answer\" (the label the head answered), \"out_of_scope\",\n"
             "\"confidence\" (top probability), \"min_confidence\" (the head's\n"
             "out-of-scope threshold) and \"out_of_scope_reason\": when the threshold\n"
             "decided, \"label\" is the top in-scope label that fell short and the\n"
             "reason reads \"top confidence X (label) below min_confidence Y: answered ...\";\n"
             "otherwise it is \"\".\n"
             "Raises ArgumentError for an int8 model.")
        .def("save", [](const py_classifier& c, const std::filesystem::path& path) {
                 nb::gil_scoped_release unlocked;
                 tt::save_model(c.clf().model(), path);
             }, "path"_a,
             "Writes the model as a JSON artifact (atomically: a temporary file\n"
             "renamed over `path`). Loads with tiny_ticket.load() or the C++ library.\n"
             "Raises ArtifactError (code 'io') when the file cannot be written.")
        .def("dumps", [](const py_classifier& c) { return tt::save_model_to_string(c.clf().model()); },
             "The model's JSON artifact as a string (what save() writes).")
        .def("evaluate", [](const py_classifier& c, nb::handle rows, const std::string& text, nb::object heads,
                            unsigned threads) {
                 using columns_t = std::optional<std::vector<std::pair<std::string, std::string>>>;
                 nb::object r = nb::module_::import_("tiny_ticket._rows").attr("rows_arg")(rows, text, heads, "rows");
                 return evaluate(c, nb::cast<std::string>(r[0]), "rows", text, nb::cast<columns_t>(r[1]), threads);
             }, "rows"_a, "text"_a = "text", "heads"_a.none() = nb::none(), "threads"_a = 1u,
             nb::sig("def evaluate(self, rows: typing.Any, text: str = 'text', heads: collections.abc.Sequence[str] | dict[str, str] | None = None, threads: int = 1) -> dict[str, typing.Any]"),
             "Scores the model on labelled rows (a pandas DataFrame or an iterable of\n"
             "dicts; `heads`: the label columns, or {column: head}; default every\n"
             "column but `text` and `id`), as `tiny-ticket eval` does. Returns\n"
             "{\"examples\", \"mean_accuracy\", \"mean_macro_f1\", \"heads\": {head:\n"
             "{\"examples\", \"accuracy\", \"macro_f1\", \"labels\", \"per_class\",\n"
             "\"confusion\"}}, \"review\": {...}, \"warnings\": [(where, message)]}.\n"
             "Raises DataError for a missing column or no usable row, TypeError for a\n"
             "non-str text.")
        .def("__getstate__", [](const py_classifier& c) { return tt::save_model_to_string(c.clf().model()); })
        .def("__setstate__", [](py_classifier& self, const std::string& s) {
            new (&self) py_classifier(tt::load_classifier_from_string(s));
        })
        .def("__repr__", [](const py_classifier& c) {
            std::string r = "<tiny_ticket.Classifier heads=[";
            for (std::size_t h = 0; h < c.clf().num_heads(); ++h) {
                if (h) r += ", ";
                r += std::string(std::string_view(c.clf().head(h).name)) + ":" +
                     std::to_string(c.clf().head(h).labels.size());
            }
            return r + "]>";
        });

    m.def("load", [](const std::filesystem::path& path) {
              std::optional<tt::classifier> c;
              {
                  nb::gil_scoped_release unlocked;
                  c.emplace(tt::load_classifier(path));
              }
              return py_classifier(std::move(*c));
          }, "path"_a,
          "Loads a JSON artifact (native tiny_ticket or a tickets-inf export).\n"
          "Raises ArtifactError with the file and JSON path of the first problem\n"
          "(`.code`: 'io' for a missing file, 'parse', 'shape', 'version', ...).");
    m.def("loads", [](const std::string& json_text) {
              return py_classifier(tt::load_classifier_from_string(json_text));
          }, "json_text"_a,
          "Loads an artifact from a JSON string. Raises ArtifactError.");
    m.def("_train_jsonl", &train, "jsonl"_a, "name"_a, "config_json"_a.none(), "config_path"_a.none(),
          "text"_a.none(), "columns"_a.none(), "seed"_a.none(), "threads"_a.none(), "progress"_a.none());
}
