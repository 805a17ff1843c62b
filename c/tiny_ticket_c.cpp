// SPDX-License-Identifier: MIT
// The C API (include/tiny_ticket/c/tiny_ticket.h) over the header-only
// library. Uses only the public C++ API: load_classifier*, classifier's
// metadata, make_workspace, predict and predict_batch, tiny_ticket::error.
// Every entry point catches everything: no exception may unwind into C.

#include <tiny_ticket/c/tiny_ticket.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <tiny_ticket/tiny_ticket.hpp>
#include <tiny_ticket/version.hpp>

struct tt_classifier {
    explicit tt_classifier(tiny_ticket::classifier c) : cpp(std::move(c)) {
        // NUL-terminated copies: the C++ API only promises string_view-like
        // names, and C callers need stable char pointers.
        const std::size_t n = cpp.num_heads();
        head_names.reserve(n);
        labels.resize(n);
        score_offset.reserve(n);
        for (std::size_t h = 0; h < n; ++h) {
            const auto& hs = cpp.head(h);
            head_names.emplace_back(std::string_view(hs.name));
            score_offset.push_back(num_scores);
            for (const auto& l : hs.labels) labels[h].emplace_back(std::string_view(l));
            num_scores += labels[h].size();
            std::size_t oos = TT_NPOS;
            if (hs.out_of_scope)
                for (std::size_t l = 0; l < hs.labels.size(); ++l)
                    if (hs.labels[l] == hs.out_of_scope->label) oos = l;
            out_of_scope.push_back(oos);
        }
    }
    tiny_ticket::classifier cpp;
    std::vector<std::string> head_names;
    std::vector<std::vector<std::string>> labels;
    std::vector<std::size_t> score_offset;
    std::vector<std::size_t> out_of_scope;  // per head: its out-of-scope label, or TT_NPOS
    std::size_t num_scores = 0;
};

struct tt_result {
    const tt_classifier* clf = nullptr;
    const tiny_ticket::prediction* p = nullptr;
};

struct tt_workspace {
    tiny_ticket::workspace ws;
    tt_result result;
};

struct tt_batch {
    std::vector<tiny_ticket::prediction> predictions;
    std::vector<tt_result> results;
};

namespace {

struct last_error {
    tt_status code = TT_OK;
    std::string message;
    // Used when the message itself cannot be allocated.
    const char* fallback = nullptr;
};

last_error& tls_error() noexcept {
    thread_local last_error e;
    return e;
}

tt_status fail(tt_status code, std::string_view message) noexcept {
    last_error& e = tls_error();
    e.code = code;
    try {
        e.message.assign(message);
        e.fallback = nullptr;
    } catch (...) {
        e.message.clear();
        e.fallback = "[tiny_ticket.out_of_memory] could not allocate the error message";
    }
    return code;
}

// Same shape as tiny_ticket::error's messages:
// "[tiny_ticket.<code>] function(argument): what" (no "(argument)" when null).
tt_status fail_c(tt_status code, const char* function, const char* argument, const char* what) noexcept {
    last_error& e = tls_error();
    e.code = code;
    try {
        std::string& m = e.message;
        m.assign("[tiny_ticket.").append(tt_status_name(code)).append("] ").append(function);
        if (argument) m.append("(").append(argument).append(")");
        m.append(": ").append(what);
        e.fallback = nullptr;
    } catch (...) {
        e.message.clear();
        e.fallback = "[tiny_ticket.out_of_memory] could not allocate the error message";
    }
    return code;
}

tt_status null_arg(const char* function, const char* argument) noexcept {
    return fail_c(TT_ERR_NULL_ARGUMENT, function, argument, "expected a non-NULL pointer, got NULL");
}

tt_status out_of_range(const char* function, const char* what, std::size_t i, std::size_t n) noexcept {
    char msg[128];
    std::snprintf(msg, sizeof msg, "expected an index below %zu, got %zu", n, i);
    return fail_c(TT_ERR_OUT_OF_RANGE, function, what, msg);
}

// Maps the exception in flight to a status; call only inside a catch block.
tt_status from_exception() noexcept {
    try {
        throw;
    } catch (const tiny_ticket::error& e) {
        return fail(static_cast<tt_status>(static_cast<int>(e.code()) + 1), e.what());
    } catch (const std::bad_alloc&) {
        return fail_c(TT_ERR_OUT_OF_MEMORY, "tiny_ticket", nullptr, "out of memory");
    } catch (const std::length_error& e) {
        return fail_c(TT_ERR_OUT_OF_MEMORY, "tiny_ticket", nullptr, e.what());
    } catch (const std::exception& e) {
        return fail_c(TT_ERR_INTERNAL, "tiny_ticket", nullptr, e.what());
    } catch (...) {
        return fail_c(TT_ERR_INTERNAL, "tiny_ticket", nullptr, "unknown exception");
    }
}

template <class F>
tt_status guarded(F&& f) noexcept {
    try {
        return f();
    } catch (...) {
        return from_exception();
    }
}

// A text argument as a view; false (error set) when it is unusable.
bool text_view(const char* function, const char* text, std::size_t len, std::string_view& out) noexcept {
    if (len == TT_NUL_TERMINATED) {
        if (!text) return null_arg(function, "text"), false;
        out = std::string_view(text);
    } else if (!text) {
        if (len != 0) return null_arg(function, "text"), false;
        out = std::string_view();
    } else {
        out = std::string_view(text, len);
    }
    return true;
}

bool check_head(const char* function, const tt_classifier* clf, std::size_t head) noexcept {
    if (!clf) return null_arg(function, "clf"), false;
    if (head >= clf->head_names.size()) return out_of_range(function, "head", head, clf->head_names.size()), false;
    return true;
}

const tiny_ticket::head_prediction<float>* result_head(const char* function, const tt_result* r,
                                                       std::size_t head) noexcept {
    if (!r || !r->p) return null_arg(function, "r"), nullptr;
    if (head >= r->p->heads.size()) return out_of_range(function, "head", head, r->p->heads.size()), nullptr;
    return &r->p->heads[head];
}

bool buffers_fit(const char* function, const tt_classifier* clf, std::size_t n, const void* heads,
                 std::size_t heads_cap, const float* scores, std::size_t scores_cap) noexcept {
    const std::size_t H = clf->head_names.size(), S = clf->num_scores;
    if (!heads) return null_arg(function, "heads"), false;
    char msg[128];
    if (n != 0 && H > std::numeric_limits<std::size_t>::max() / n)
        return fail_c(TT_ERR_OUT_OF_MEMORY, function, nullptr, "heads buffer size overflows size_t"), false;
    if (heads_cap < n * H) {
        std::snprintf(msg, sizeof msg, "expected room for %zu head results, got %zu", n * H, heads_cap);
        return fail_c(TT_ERR_BUFFER_TOO_SMALL, function, nullptr, msg), false;
    }
    if (scores || scores_cap) {
        if (!scores) return null_arg(function, "scores"), false;
        if (n != 0 && S > std::numeric_limits<std::size_t>::max() / n)
            return fail_c(TT_ERR_OUT_OF_MEMORY, function, nullptr, "scores buffer size overflows size_t"), false;
        if (scores_cap < n * S) {
            std::snprintf(msg, sizeof msg, "expected room for %zu scores, got %zu", n * S, scores_cap);
            return fail_c(TT_ERR_BUFFER_TOO_SMALL, function, nullptr, msg), false;
        }
    }
    return true;
}

void copy_out(const tiny_ticket::prediction& p, tt_head_result* heads, float* scores) noexcept {
    for (std::size_t h = 0; h < p.heads.size(); ++h) {
        const auto& hp = p.heads[h];
        heads[h].label_index = static_cast<std::uint32_t>(hp.label_index);
        heads[h].review = hp.review ? 1u : 0u;
        heads[h].confidence = hp.confidence;
        heads[h].margin = hp.margin;
        if (scores) {
            if (!hp.scores.empty()) std::memcpy(scores, hp.scores.data(), hp.scores.size() * sizeof(float));
            scores += hp.scores.size();
        }
    }
}

tt_status load(const char* function, tt_classifier** out, tiny_ticket::classifier (*make)(const void*, std::size_t),
               const void* a, std::size_t b) noexcept {
    if (!out) return null_arg(function, "out");
    return guarded([&] {
        auto c = std::make_unique<tt_classifier>(make(a, b));
        *out = c.release();
        return TT_OK;
    });
}

}  // namespace

extern "C" {

uint32_t tt_abi_version(void) { return TT_ABI_VERSION; }

const char* tt_version(void) { return TINY_TICKET_VERSION_STRING; }

const char* tt_status_name(tt_status status) {
    switch (status) {
        case TT_OK: return "ok";
        case TT_ERR_NULL_ARGUMENT: return "null_argument";
        case TT_ERR_INVALID_UTF8: return "invalid_utf8";
        case TT_ERR_OUT_OF_MEMORY: return "out_of_memory";
        case TT_ERR_OUT_OF_RANGE: return "out_of_range";
        case TT_ERR_BUFFER_TOO_SMALL: return "buffer_too_small";
        case TT_ERR_INTERNAL: return "internal";
        default: break;
    }
    const int s = static_cast<int>(status);
    // 1..99: tiny_ticket::errc + 1, named by the library (so new codes get their name).
    if (s >= 1 && s < 100) {
        const char* n = tiny_ticket::to_string(static_cast<tiny_ticket::errc>(s - 1));
        return n;
    }
    return "unknown";
}

tt_status tt_last_error_code(void) { return tls_error().code; }

const char* tt_last_error_message(void) {
    const last_error& e = tls_error();
    return e.fallback ? e.fallback : e.message.c_str();
}

void tt_clear_error(void) {
    last_error& e = tls_error();
    e.code = TT_OK;
    e.message.clear();
    e.fallback = nullptr;
}

int tt_noop(void) { return 0; }

tt_status tt_validate_utf8(const char* text, size_t len) {
    std::string_view s;
    if (!text_view("tt_validate_utf8", text, len, s)) return tls_error().code;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t need;
        unsigned lo = 0x80, hi = 0xBF;  // the second byte's range excludes overlongs and surrogates
        if (c >= 0xC2 && c <= 0xDF) need = 1;
        else if (c == 0xE0) need = 2, lo = 0xA0;
        else if (c == 0xED) need = 2, hi = 0x9F;
        else if (c >= 0xE1 && c <= 0xEF) need = 2;
        else if (c == 0xF0) need = 3, lo = 0x90;
        else if (c == 0xF4) need = 3, hi = 0x8F;
        else if (c >= 0xF1 && c <= 0xF3) need = 3;
        else need = 0;
        bool ok = need != 0 && n - i > need;  // the lead byte plus `need` continuation bytes fit
        if (ok) {
            ok = p[i + 1] >= lo && p[i + 1] <= hi;
            for (std::size_t k = 2; ok && k <= need; ++k) ok = p[i + k] >= 0x80 && p[i + k] <= 0xBF;
        }
        if (!ok) {
            char msg[128];
            std::snprintf(msg, sizeof msg, "invalid UTF-8 sequence at byte %zu (lead byte 0x%02X)", i, c);
            return fail_c(TT_ERR_INVALID_UTF8, "tt_validate_utf8", nullptr, msg);
        }
        i += need + 1;
    }
    return TT_OK;
}

tt_status tt_classifier_load(const char* path, tt_classifier** out) {
    if (!path) return null_arg("tt_classifier_load", "path");
    return load(
        "tt_classifier_load", out,
        [](const void* p, std::size_t) { return tiny_ticket::load_classifier(static_cast<const char*>(p)); }, path, 0);
}

tt_status tt_classifier_load_bytes(const void* data, size_t len, tt_classifier** out) {
    if (!data && len != 0) return null_arg("tt_classifier_load_bytes", "data");
    return load(
        "tt_classifier_load_bytes", out,
        [](const void* d, std::size_t n) {
            return tiny_ticket::load_classifier_from_string(std::string_view(d ? static_cast<const char*>(d) : "", n));
        },
        data, len);
}

void tt_classifier_free(tt_classifier* clf) { delete clf; }

size_t tt_classifier_num_heads(const tt_classifier* clf) {
    if (!clf) return null_arg("tt_classifier_num_heads", "clf"), 0;
    return clf->head_names.size();
}

const char* tt_classifier_head_name(const tt_classifier* clf, size_t head) {
    if (!check_head("tt_classifier_head_name", clf, head)) return nullptr;
    return clf->head_names[head].c_str();
}

size_t tt_classifier_num_labels(const tt_classifier* clf, size_t head) {
    if (!check_head("tt_classifier_num_labels", clf, head)) return 0;
    return clf->labels[head].size();
}

const char* tt_classifier_label(const tt_classifier* clf, size_t head, size_t label) {
    if (!check_head("tt_classifier_label", clf, head)) return nullptr;
    const auto& l = clf->labels[head];
    if (label >= l.size()) return out_of_range("tt_classifier_label", "label", label, l.size()), nullptr;
    return l[label].c_str();
}

size_t tt_classifier_num_scores(const tt_classifier* clf) {
    if (!clf) return null_arg("tt_classifier_num_scores", "clf"), 0;
    return clf->num_scores;
}

size_t tt_classifier_score_offset(const tt_classifier* clf, size_t head) {
    if (!check_head("tt_classifier_score_offset", clf, head)) return TT_NPOS;
    return clf->score_offset[head];
}

size_t tt_classifier_out_of_scope_label(const tt_classifier* clf, size_t head) {
    if (!check_head("tt_classifier_out_of_scope_label", clf, head)) return TT_NPOS;
    return clf->out_of_scope[head];
}

float tt_classifier_out_of_scope_min_confidence(const tt_classifier* clf, size_t head) {
    if (!check_head("tt_classifier_out_of_scope_min_confidence", clf, head))
        return std::numeric_limits<float>::quiet_NaN();
    const auto& oos = clf->cpp.head(head).out_of_scope;
    return oos ? static_cast<float>(oos->min_confidence) : 0.0f;
}

tt_status tt_workspace_new(const tt_classifier* clf, tt_workspace** out) {
    if (!clf) return null_arg("tt_workspace_new", "clf");
    if (!out) return null_arg("tt_workspace_new", "out");
    return guarded([&] {
        auto w = std::make_unique<tt_workspace>();
        w->ws = clf->cpp.make_workspace();
        *out = w.release();
        return TT_OK;
    });
}

void tt_workspace_free(tt_workspace* ws) { delete ws; }

tt_status tt_predict(const tt_classifier* clf, tt_workspace* ws, const char* text, size_t len, const tt_result** out) {
    if (!clf) return null_arg("tt_predict", "clf");
    if (!ws) return null_arg("tt_predict", "ws");
    if (!out) return null_arg("tt_predict", "out");
    std::string_view t;
    if (!text_view("tt_predict", text, len, t)) return tls_error().code;
    return guarded([&] {
        ws->result.p = &clf->cpp.predict(t, ws->ws);
        ws->result.clf = clf;
        *out = &ws->result;
        return TT_OK;
    });
}

tt_status tt_predict_into(const tt_classifier* clf, tt_workspace* ws, const char* text, size_t len,
                          tt_head_result* heads, size_t heads_cap, float* scores, size_t scores_cap) {
    if (!clf) return null_arg("tt_predict_into", "clf");
    std::string_view t;
    if (!text_view("tt_predict_into", text, len, t)) return tls_error().code;
    if (!buffers_fit("tt_predict_into", clf, 1, heads, heads_cap, scores, scores_cap)) return tls_error().code;
    return guarded([&] {
        // One workspace per OS thread for callers (cgo) whose threads are not
        // theirs to manage; a cgo call never migrates between threads, so
        // only one call at a time uses it.
        thread_local tiny_ticket::workspace own;
        copy_out(clf->cpp.predict(t, ws ? ws->ws : own), heads, scores);
        return TT_OK;
    });
}

tt_status tt_predict_batch(const tt_classifier* clf, const char* const* texts, const size_t* lens, size_t n,
                           unsigned threads, tt_batch** out) {
    if (!clf) return null_arg("tt_predict_batch", "clf");
    if (!texts && n != 0) return null_arg("tt_predict_batch", "texts");
    if (!out) return null_arg("tt_predict_batch", "out");
    return guarded([&] {
        std::vector<std::string_view> views(n);
        for (std::size_t i = 0; i < n; ++i)
            if (!text_view("tt_predict_batch", texts[i], lens ? lens[i] : TT_NUL_TERMINATED, views[i]))
                return tls_error().code;
        auto b = std::make_unique<tt_batch>();
        b->predictions = clf->cpp.predict_batch(views, threads);
        b->results.resize(b->predictions.size());
        for (std::size_t i = 0; i < b->results.size(); ++i) b->results[i] = tt_result{clf, &b->predictions[i]};
        *out = b.release();
        return TT_OK;
    });
}

tt_status tt_predict_batch_into(const tt_classifier* clf, const char* data, const size_t* offsets, size_t n,
                                unsigned threads, tt_head_result* heads, size_t heads_cap, float* scores,
                                size_t scores_cap) {
    constexpr const char* fn = "tt_predict_batch_into";
    if (!clf) return null_arg(fn, "clf");
    if (n == 0) return TT_OK;
    if (!offsets) return null_arg(fn, "offsets");
    for (std::size_t i = 0; i < n; ++i)
        if (offsets[i + 1] < offsets[i]) {
            char msg[128];
            std::snprintf(msg, sizeof msg, "expected non-decreasing offsets, offsets[%zu] > offsets[%zu]", i, i + 1);
            return fail_c(TT_ERR_ARGUMENT, fn, "offsets", msg);
        }
    if (!data && offsets[n] != offsets[0]) return null_arg(fn, "data");
    if (!buffers_fit(fn, clf, n, heads, heads_cap, scores, scores_cap)) return tls_error().code;
    return guarded([&] {
        const std::size_t H = clf->head_names.size(), S = clf->num_scores;
        auto work = [&](std::size_t begin, std::size_t end) {
            auto ws = clf->cpp.make_workspace();
            for (std::size_t i = begin; i < end; ++i) {
                const std::string_view t = data ? std::string_view(data + offsets[i], offsets[i + 1] - offsets[i])
                                                : std::string_view();
                copy_out(clf->cpp.predict(t, ws), heads + i * H, scores ? scores + i * S : nullptr);
            }
        };
        tiny_ticket::detail::for_chunks(n, threads, work);
        return TT_OK;
    });
}

void tt_batch_free(tt_batch* batch) { delete batch; }

size_t tt_batch_size(const tt_batch* batch) {
    if (!batch) return null_arg("tt_batch_size", "batch"), 0;
    return batch->results.size();
}

const tt_result* tt_batch_get(const tt_batch* batch, size_t i) {
    if (!batch) return null_arg("tt_batch_get", "batch"), nullptr;
    if (i >= batch->results.size()) return out_of_range("tt_batch_get", "i", i, batch->results.size()), nullptr;
    return &batch->results[i];
}

size_t tt_result_num_heads(const tt_result* r) {
    if (!r || !r->p) return null_arg("tt_result_num_heads", "r"), 0;
    return r->p->heads.size();
}

size_t tt_result_find_head(const tt_result* r, const char* name) {
    if (!r || !r->p) return null_arg("tt_result_find_head", "r"), TT_NPOS;
    if (!name) return null_arg("tt_result_find_head", "name"), TT_NPOS;
    const auto& names = r->clf->head_names;
    for (std::size_t h = 0; h < names.size() && h < r->p->heads.size(); ++h)
        if (names[h] == name) return h;
    return TT_NPOS;
}

const char* tt_result_head_name(const tt_result* r, size_t head) {
    if (!result_head("tt_result_head_name", r, head)) return nullptr;
    return r->clf->head_names[head].c_str();
}

const char* tt_result_label(const tt_result* r, size_t head) {
    const auto* hp = result_head("tt_result_label", r, head);
    if (!hp) return nullptr;
    return r->clf->labels[head][hp->label_index].c_str();
}

size_t tt_result_label_index(const tt_result* r, size_t head) {
    const auto* hp = result_head("tt_result_label_index", r, head);
    return hp ? hp->label_index : TT_NPOS;
}

float tt_result_confidence(const tt_result* r, size_t head) {
    const auto* hp = result_head("tt_result_confidence", r, head);
    return hp ? static_cast<float>(hp->confidence) : std::numeric_limits<float>::quiet_NaN();
}

float tt_result_margin(const tt_result* r, size_t head) {
    const auto* hp = result_head("tt_result_margin", r, head);
    return hp ? static_cast<float>(hp->margin) : std::numeric_limits<float>::quiet_NaN();
}

int tt_result_review(const tt_result* r, size_t head) {
    const auto* hp = result_head("tt_result_review", r, head);
    return hp ? (hp->review ? 1 : 0) : -1;
}

int tt_result_out_of_scope(const tt_result* r, size_t head) {
    const auto* hp = result_head("tt_result_out_of_scope", r, head);
    return hp ? (hp->out_of_scope ? 1 : 0) : -1;
}

size_t tt_result_num_scores(const tt_result* r, size_t head) {
    const auto* hp = result_head("tt_result_num_scores", r, head);
    return hp ? hp->scores.size() : 0;
}

const float* tt_result_scores(const tt_result* r, size_t head) {
    const auto* hp = result_head("tt_result_scores", r, head);
    return hp ? hp->scores.data() : nullptr;
}

}  // extern "C"
