/* SPDX-License-Identifier: MIT */
#ifndef TINY_TICKET_C_TINY_TICKET_H
#define TINY_TICKET_C_TINY_TICKET_H

/*
 * tiny_ticket C API: a stable C99 ABI over the header-only C++ library, for
 * C programs and foreign-function interfaces (Go's cgo, Rust, Node, ...).
 * Link with the tiny_ticket_c library (CMake: tiny_ticket::c or
 * tiny_ticket::c_static; pkg-config: tiny_ticket_c). See docs/c-api.md.
 *
 * Conventions, true of every function below unless its comment says otherwise:
 *
 * - Errors. Fallible functions return a tt_status; TT_OK is 0. On failure
 *   the calling thread's "last error" (code and message) is set, errno-style:
 *   read it with tt_last_error_code() / tt_last_error_message() on the same
 *   OS thread before the next failing tt_ call on that thread. Successful
 *   calls leave it unchanged. Accessors that cannot return a status return a
 *   documented sentinel (NULL, 0, TT_NPOS, NaN) and set the last error.
 *   No C++ exception ever crosses this interface (std::bad_alloc becomes
 *   TT_ERR_OUT_OF_MEMORY).
 * - Out-parameters are written only on success.
 * - Texts are (pointer, length) byte strings: any bytes, including NUL and
 *   invalid UTF-8, are classified (the normalizer is total). text may be NULL
 *   when len is 0. Pass len == TT_NUL_TERMINATED for a NUL-terminated string.
 *   Callers that must reject invalid UTF-8 call tt_validate_utf8 first.
 * - Threads. A tt_classifier is immutable: every function taking a
 *   `const tt_classifier*` may be called from many threads at once. A
 *   tt_workspace, and the results it holds, belong to one thread at a time.
 *   A tt_batch is read-only after tt_predict_batch returned, and may then be
 *   read from many threads at once.
 * - Ownership. Strings returned as `const char*` are NUL-terminated and owned
 *   by the object named in the function's comment; never free them.
 */

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && !defined(TT_STATIC)
#  if defined(TT_BUILDING_LIBRARY)
#    define TT_API __declspec(dllexport)
#  else
#    define TT_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) || defined(__clang__)
#  define TT_API __attribute__((visibility("default")))
#else
#  define TT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI this header describes. Bumped on any incompatible change to a
   function, type or enum value below; additions keep it. Compare with
   tt_abi_version() at run time to detect a mismatched shared library. */
#define TT_ABI_VERSION 1

/* len value meaning "text is NUL-terminated". */
#define TT_NUL_TERMINATED ((size_t)-1)
/* Sentinel index returned by accessors on error. */
#define TT_NPOS ((size_t)-1)

/* Status codes. 1..12 mirror tiny_ticket::errc (value = errc + 1); 100 and
   above are raised by the C layer itself. Codes are only ever added. */
typedef enum tt_status {
    TT_OK = 0,
    TT_ERR_IO = 1,             /* file missing, unreadable, or not a regular file */
    TT_ERR_PARSE = 2,          /* not valid JSON / truncated */
    TT_ERR_MISSING_FIELD = 3,  /* a required field is absent */
    TT_ERR_TYPE = 4,           /* a field has the wrong JSON type */
    TT_ERR_SHAPE = 5,          /* sizes disagree */
    TT_ERR_VALUE = 6,          /* a value is out of range, non-finite or duplicated */
    TT_ERR_VERSION = 7,        /* unknown format or newer version than this library reads */
    TT_ERR_BASE64 = 8,         /* a base64 blob is malformed */
    TT_ERR_LIMIT = 9,          /* a size limit was exceeded */
    TT_ERR_SELF_TEST = 10,     /* the artifact's self-test cases did not reproduce */
    TT_ERR_DATA = 11,          /* training/evaluation data is unusable */
    TT_ERR_ARGUMENT = 12,      /* an invalid argument (library-level) */
    TT_ERR_NULL_ARGUMENT = 100, /* a required pointer argument was NULL */
    TT_ERR_INVALID_UTF8 = 101, /* tt_validate_utf8 found an invalid sequence */
    TT_ERR_OUT_OF_MEMORY = 102, /* std::bad_alloc or a size overflow */
    TT_ERR_OUT_OF_RANGE = 103, /* a head or label index beyond the model's */
    TT_ERR_BUFFER_TOO_SMALL = 104, /* a caller buffer is shorter than required */
    TT_ERR_INTERNAL = 199,     /* any other exception (a bug: please report) */
    /* Not a status. Makes the enum int-sized everywhere, and every int a
       valid value of it in C++, so codes added later are not undefined there. */
    TT_STATUS_FORCE_INT_ = 0x7FFFFFFF
} tt_status;

/* Opaque handles. */
typedef struct tt_classifier tt_classifier; /* a loaded model */
typedef struct tt_workspace tt_workspace;   /* per-thread scratch + last result */
typedef struct tt_result tt_result;         /* one text's answer, all heads */
typedef struct tt_batch tt_batch;           /* many texts' answers */

/** One head's answer in the flat form of tt_predict_into (fixed layout, 16 bytes).
    The head answered out of scope exactly when label_index equals
    tt_classifier_out_of_scope_label(clf, head) (see there). */
typedef struct tt_head_result {
    uint32_t label_index; /**< index of the chosen label in the head's labels */
    uint32_t review;      /**< 1: below the head's review thresholds, 0: not */
    float confidence;     /**< probability of the chosen label */
    float margin;         /**< chosen minus runner-up probability */
} tt_head_result;

/* ---- Library and errors. All thread-safe; none fails. ---- */

/* TT_ABI_VERSION of the library actually loaded. */
TT_API uint32_t tt_abi_version(void);
/* Library version "major.minor.patch". Static storage. */
TT_API const char* tt_version(void);
/* Short stable name of a status ("io", "null_argument", ...; "unknown" for
   values not listed above). Static storage. */
TT_API const char* tt_status_name(tt_status status);
/* Code of the last failure on this thread, TT_OK if none since the last
   tt_clear_error. */
TT_API tt_status tt_last_error_code(void);
/* Message of the last failure on this thread: "[tiny_ticket.<code>] <where>:
   <what>" with the file, JSON path or argument at fault; "" if none. Owned by
   the thread; valid until the next failing tt_ call on this thread (copy it
   if you keep it). Never NULL. */
TT_API const char* tt_last_error_message(void);
/* Resets this thread's last error to TT_OK and "". */
TT_API void tt_clear_error(void);
/* A no-op that returns 0. Exists to measure an FFI's call overhead. */
TT_API int tt_noop(void);

/* TT_OK if text[0..len) is valid UTF-8 (no overlongs, surrogates or code
   points above U+10FFFF), else TT_ERR_INVALID_UTF8 with the byte offset in the
   message. Thread-safe. */
TT_API tt_status tt_validate_utf8(const char* text, size_t len);

/* ---- Classifier: load, free, metadata. ---- */

/* Loads, validates and self-tests an artifact (native format or a tickets-inf
   export) from a file. On success *out owns the model: free it with
   tt_classifier_free. Errors: TT_ERR_NULL_ARGUMENT, TT_ERR_IO and the other
   artifact codes, TT_ERR_OUT_OF_MEMORY. Thread-safe. */
TT_API tt_status tt_classifier_load(const char* path, tt_classifier** out);
/* The same from the artifact's JSON text in memory (len bytes; the bytes are
   not kept after the call). Thread-safe. */
TT_API tt_status tt_classifier_load_bytes(const void* data, size_t len, tt_classifier** out);
/* Frees a classifier; NULL is a no-op. Every string, tt_result and tt_batch
   obtained from it becomes invalid; workspaces stay valid (they do not point
   into a classifier and may be reused with another). Not thread-safe with
   respect to other calls using the same classifier. */
TT_API void tt_classifier_free(tt_classifier* clf);

/* Metadata accessors. Thread-safe; returned strings are owned by clf and live
   until tt_classifier_free(clf). On a NULL clf or an index out of range they
   return 0 / NULL and set the last error (TT_ERR_NULL_ARGUMENT,
   TT_ERR_OUT_OF_RANGE). */
TT_API size_t tt_classifier_num_heads(const tt_classifier* clf);
TT_API const char* tt_classifier_head_name(const tt_classifier* clf, size_t head);
TT_API size_t tt_classifier_num_labels(const tt_classifier* clf, size_t head);
TT_API const char* tt_classifier_label(const tt_classifier* clf, size_t head, size_t label);
/* Sum of every head's label count: the length of the scores array of
   tt_predict_into. Head h's scores start at tt_classifier_score_offset(clf, h)
   (TT_NPOS on error). */
TT_API size_t tt_classifier_num_scores(const tt_classifier* clf);
TT_API size_t tt_classifier_score_offset(const tt_classifier* clf, size_t head);
/* A head's "none of these" answer (the artifact's heads[i].out_of_scope): the
   index of its out-of-scope label, or TT_NPOS when the head has none (no
   error set then). A prediction answered out of scope exactly when its
   label_index equals it: the label scored highest, or the top probability
   was below tt_classifier_out_of_scope_min_confidence. This is how the flat
   forms (tt_predict_into, tt_predict_batch_into) carry the flag without a
   change to tt_head_result. Added in 0.1.0, ABI 1 unchanged. */
TT_API size_t tt_classifier_out_of_scope_label(const tt_classifier* clf, size_t head);
/* That head's threshold on the top probability, in [0, 1]; 0 for a head
   without an out-of-scope label or threshold; NaN on error. */
TT_API float tt_classifier_out_of_scope_min_confidence(const tt_classifier* clf, size_t head);

/* ---- Workspace. ---- */

/* Scratch memory sized for clf, so prediction does not allocate for typical
   tickets. A workspace may be used with any classifier, by one thread at a
   time. On success *out is owned by the caller: free it with
   tt_workspace_free. Thread-safe. */
TT_API tt_status tt_workspace_new(const tt_classifier* clf, tt_workspace** out);
/* Frees a workspace and the result it holds; NULL is a no-op. */
TT_API void tt_workspace_free(tt_workspace* ws);

/* ---- Prediction. ---- */

/* Classifies one text. *out points into ws and stays valid until the next
   prediction with ws, tt_workspace_free(ws) or tt_classifier_free(clf),
   whichever comes first; never free it. Performs no allocation once ws has
   seen a text this long. Thread-safe for distinct workspaces. */
TT_API tt_status tt_predict(const tt_classifier* clf, tt_workspace* ws, const char* text, size_t len,
                            const tt_result** out);

/* Classifies one text and copies everything into caller buffers, in one call
   (the form for FFIs: one crossing per ticket, no pointer into library
   memory). heads: room for heads_cap >= tt_classifier_num_heads(clf) entries,
   in head order. scores: room for scores_cap >= tt_classifier_num_scores(clf)
   floats (head h at tt_classifier_score_offset(clf, h)), or NULL with
   scores_cap 0 to skip them. ws may be NULL: a workspace private to the
   calling OS thread is used (kept until the thread exits). Errors include
   TT_ERR_BUFFER_TOO_SMALL. Thread-safe for distinct workspaces. */
TT_API tt_status tt_predict_into(const tt_classifier* clf, tt_workspace* ws, const char* text, size_t len,
                                 tt_head_result* heads, size_t heads_cap, float* scores, size_t scores_cap);

/* Classifies texts[0..n) on up to `threads` threads (0: one per core).
   lens may be NULL when every text is NUL-terminated; otherwise lens[i] is
   text i's length (TT_NUL_TERMINATED allowed). Results are in input order and
   equal to tt_predict's. On success *out is owned by the caller: free it with
   tt_batch_free; it stays valid until then or tt_classifier_free(clf). The
   texts are not kept after the call. Thread-safe. */
TT_API tt_status tt_predict_batch(const tt_classifier* clf, const char* const* texts, const size_t* lens, size_t n,
                                  unsigned threads, tt_batch** out);

/* The flat form of tt_predict_batch for FFIs: text i is
   data[offsets[i] .. offsets[i+1]) (offsets has n + 1 non-decreasing entries),
   and text i's answers go to heads[i * H .. i * H + H) and
   scores[i * S .. i * S + S) with H = tt_classifier_num_heads(clf) and
   S = tt_classifier_num_scores(clf) (scores may be NULL with scores_cap 0).
   Allocates only the threads' workspaces. Thread-safe. */
TT_API tt_status tt_predict_batch_into(const tt_classifier* clf, const char* data, const size_t* offsets, size_t n,
                                       unsigned threads, tt_head_result* heads, size_t heads_cap, float* scores,
                                       size_t scores_cap);

/* Frees a batch; NULL is a no-op. */
TT_API void tt_batch_free(tt_batch* batch);
/* Number of results (0 on a NULL batch, with the last error set). */
TT_API size_t tt_batch_size(const tt_batch* batch);
/* Result i, owned by batch (NULL on error). Thread-safe. */
TT_API const tt_result* tt_batch_get(const tt_batch* batch, size_t i);

/* ---- Reading a result. ----
   Thread-safe as long as the result is not being overwritten (a workspace
   result by the next prediction with its workspace). Strings are owned by the
   classifier that made the result. On a NULL result or a head out of range,
   these return NULL / TT_NPOS / NaN / -1 (tt_result_review) / 0 (counts) and
   set the last error. */
TT_API size_t tt_result_num_heads(const tt_result* r);
/* Index of the head named `name` (NUL-terminated), or TT_NPOS (no error set
   when the name is simply absent). */
TT_API size_t tt_result_find_head(const tt_result* r, const char* name);
TT_API const char* tt_result_head_name(const tt_result* r, size_t head);
TT_API const char* tt_result_label(const tt_result* r, size_t head);
TT_API size_t tt_result_label_index(const tt_result* r, size_t head);
TT_API float tt_result_confidence(const tt_result* r, size_t head);
TT_API float tt_result_margin(const tt_result* r, size_t head);
/* 1 if the head asks for human review, 0 if not, -1 on error. */
TT_API int tt_result_review(const tt_result* r, size_t head);
/* 1 if the head answered its out-of-scope label ("none of these": the label
   scored highest, or the top probability was below the head's threshold; the
   `"out_of_scope": true` of `tiny-ticket predict`), 0 if not (always 0 for a
   head without one), -1 on error. tt_result_confidence is then the top
   probability, which the threshold compared. Added in 0.1.0, ABI 1 unchanged. */
TT_API int tt_result_out_of_scope(const tt_result* r, size_t head);
/* Number of scores of a head (its label count). */
TT_API size_t tt_result_num_scores(const tt_result* r, size_t head);
/* Every label's probability in label order; tt_result_num_scores(r, head)
   floats owned by the result. */
TT_API const float* tt_result_scores(const tt_result* r, size_t head);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TINY_TICKET_C_TINY_TICKET_H */
