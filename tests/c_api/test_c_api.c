/* SPDX-License-Identifier: MIT */
/* Tests of the C API, written in C99: every function, correct use and misuse
   (NULL handles, bad indices, invalid UTF-8, empty text, corrupt and missing
   models, short buffers), and agreement between its prediction forms.
   usage: test_c_api SHIPPED_MODEL.json [REFERENCE_MODEL.json] [TMPDIR]
   Prints "FAIL file:line: expression" per failed check and ends with
   "N passed, N failed"; exits 1 if any check failed. */
#include <tiny_ticket/c/tiny_ticket.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

#define CHECK(cond)                                                       \
    do {                                                                  \
        if (cond) {                                                       \
            ++passed;                                                     \
        } else {                                                          \
            ++failed;                                                     \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);        \
            if (tt_last_error_code() != TT_OK)                            \
                printf("     last error: %s\n", tt_last_error_message()); \
        }                                                                 \
    } while (0)

#define CHECK_STATUS(expr, expected) \
    do {                             \
        tt_status s_ = (expr);       \
        CHECK(s_ == (expected));     \
        if (s_ != (expected)) printf("     got %d (%s), expected %s\n", (int)s_, tt_status_name(s_), #expected); \
    } while (0)

static int contains(const char* haystack, const char* needle) { return haystack && strstr(haystack, needle) != NULL; }

/* The last error is this code and its message carries `needle`. */
static int last_error_is(tt_status code, const char* needle) {
    return tt_last_error_code() == code && contains(tt_last_error_message(), needle);
}

static char* read_file(const char* path, size_t* len) {
    FILE* f = fopen(path, "rb");
    char* buf;
    long n;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = (char*)malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

static const char* texts[] = {
    "refund nahi mila, paisa wapas karo",
    "Where is my order #4521?",
    "I want to cancel my subscription, this app is terrible",
    "can we book a demo for 50 seats? pricing please",
    "",
    "\xff\xfe refund \xc3",
    "LOGIN NOT WORKING!!! reset password email never arrives https://x.example/reset",
    "thanks, great support team :)",
};
#define NTEXTS (sizeof texts / sizeof texts[0])

static void test_library(void) {
    tt_status s;
    CHECK(tt_abi_version() == TT_ABI_VERSION);
    CHECK(tt_version() != NULL && strlen(tt_version()) >= 5);
    CHECK(tt_noop() == 0);
    CHECK(strcmp(tt_status_name(TT_OK), "ok") == 0);
    CHECK(strcmp(tt_status_name(TT_ERR_IO), "io") == 0);
    CHECK(strcmp(tt_status_name(TT_ERR_PARSE), "parse") == 0);
    CHECK(strcmp(tt_status_name(TT_ERR_ARGUMENT), "argument") == 0);
    CHECK(strcmp(tt_status_name(TT_ERR_SELF_TEST), "self_test") == 0);
    CHECK(strcmp(tt_status_name(TT_ERR_NULL_ARGUMENT), "null_argument") == 0);
    CHECK(strcmp(tt_status_name(TT_ERR_INVALID_UTF8), "invalid_utf8") == 0);
    CHECK(strcmp(tt_status_name(TT_ERR_OUT_OF_MEMORY), "out_of_memory") == 0);
    CHECK(strcmp(tt_status_name(TT_ERR_BUFFER_TOO_SMALL), "buffer_too_small") == 0);
    CHECK(strcmp(tt_status_name((tt_status)12345), "unknown") == 0);
    tt_clear_error();
    CHECK(tt_last_error_code() == TT_OK);
    CHECK(strcmp(tt_last_error_message(), "") == 0);

    /* UTF-8 validation: accepted forms, then each kind of invalid sequence. */
    CHECK_STATUS(tt_validate_utf8("plain ascii", TT_NUL_TERMINATED), TT_OK);
    CHECK_STATUS(tt_validate_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", TT_NUL_TERMINATED), TT_OK);
    CHECK_STATUS(tt_validate_utf8(NULL, 0), TT_OK);
    CHECK_STATUS(tt_validate_utf8("a\0b", 3), TT_OK);
    s = tt_validate_utf8("ok \xff", TT_NUL_TERMINATED);
    CHECK(s == TT_ERR_INVALID_UTF8 && last_error_is(TT_ERR_INVALID_UTF8, "byte 3"));
    CHECK_STATUS(tt_validate_utf8("\xc0\xaf", 2), TT_ERR_INVALID_UTF8);         /* overlong */
    CHECK_STATUS(tt_validate_utf8("\xe0\x80\xaf", 3), TT_ERR_INVALID_UTF8);     /* overlong */
    CHECK_STATUS(tt_validate_utf8("\xed\xa0\x80", 3), TT_ERR_INVALID_UTF8);     /* surrogate */
    CHECK_STATUS(tt_validate_utf8("\xf4\x90\x80\x80", 4), TT_ERR_INVALID_UTF8); /* > U+10FFFF */
    CHECK_STATUS(tt_validate_utf8("\xe2\x82", 2), TT_ERR_INVALID_UTF8);         /* truncated */
    CHECK_STATUS(tt_validate_utf8("\x80", 1), TT_ERR_INVALID_UTF8);             /* stray continuation */
    CHECK_STATUS(tt_validate_utf8(NULL, 3), TT_ERR_NULL_ARGUMENT);
}

static void test_load_errors(const char* model_path, const char* tmpdir) {
    tt_classifier* sentinel = (tt_classifier*)&passed;
    tt_classifier* clf = sentinel;
    char path[4096];
    size_t len = 0;
    char* json;
    FILE* f;

    CHECK_STATUS(tt_classifier_load("/nonexistent/dir/model.json", &clf), TT_ERR_IO);
    CHECK(last_error_is(TT_ERR_IO, "[tiny_ticket.io]"));
    CHECK(contains(tt_last_error_message(), "/nonexistent/dir/model.json"));
    CHECK(clf == sentinel); /* out-parameters are written only on success */
    CHECK_STATUS(tt_classifier_load(NULL, &clf), TT_ERR_NULL_ARGUMENT);
    CHECK(last_error_is(TT_ERR_NULL_ARGUMENT, "path"));
    CHECK_STATUS(tt_classifier_load(model_path, NULL), TT_ERR_NULL_ARGUMENT);
    CHECK(last_error_is(TT_ERR_NULL_ARGUMENT, "out"));
    CHECK_STATUS(tt_classifier_load_bytes(NULL, 10, &clf), TT_ERR_NULL_ARGUMENT);
    CHECK_STATUS(tt_classifier_load_bytes("{}", 2, NULL), TT_ERR_NULL_ARGUMENT);

    CHECK_STATUS(tt_classifier_load_bytes("not json", 8, &clf), TT_ERR_PARSE);
    CHECK(contains(tt_last_error_message(), "[tiny_ticket.parse]"));
    CHECK_STATUS(tt_classifier_load_bytes(NULL, 0, &clf), TT_ERR_PARSE);
    {
        const char* newer = "{\"format\": \"tiny_ticket\", \"version\": 999}";
        CHECK_STATUS(tt_classifier_load_bytes(newer, strlen(newer), &clf), TT_ERR_VERSION);
        CHECK(last_error_is(TT_ERR_VERSION, "/version"));
    }
    CHECK(clf == sentinel);

    /* A corrupt model: the shipped one cut in half, from bytes and from a file. */
    json = read_file(model_path, &len);
    CHECK(json != NULL);
    if (!json) return;
    CHECK_STATUS(tt_classifier_load_bytes(json, len / 2, &clf), TT_ERR_PARSE);
    snprintf(path, sizeof path, "%s/tt_c_api_truncated.json", tmpdir);
    f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fwrite(json, 1, len / 2, f);
        fclose(f);
        CHECK_STATUS(tt_classifier_load(path, &clf), TT_ERR_PARSE);
        remove(path);
    }
    /* A valid JSON document with a corrupted field: a weight turned into a string. */
    {
        char* w = strstr(json, "\"weights\"");
        CHECK(w != NULL);
        if (w) {
            char* colon = strchr(w, ':');
            tt_status s;
            /* Replace the value's first character by a quote-less letter: a type or parse error. */
            char saved = colon[1] == ' ' ? colon[2] : colon[1];
            char* at = colon[1] == ' ' ? colon + 2 : colon + 1;
            *at = 'x';
            s = tt_classifier_load_bytes(json, len, &clf);
            CHECK(s != TT_OK && (int)s >= 1 && (int)s <= 12);
            CHECK(contains(tt_last_error_message(), "[tiny_ticket."));
            *at = saved;
        }
    }
    free(json);
    CHECK(clf == sentinel);
}

static void test_metadata(const tt_classifier* clf) {
    size_t h, total = 0;
    const size_t nh = tt_classifier_num_heads(clf);
    int seen_intent = 0;
    CHECK(nh == 5);
    for (h = 0; h < nh; ++h) {
        const char* name = tt_classifier_head_name(clf, h);
        const size_t nl = tt_classifier_num_labels(clf, h);
        size_t l;
        CHECK(name != NULL && name[0] != 0);
        if (name && strcmp(name, "intent") == 0) seen_intent = 1;
        CHECK(nl >= 2);
        CHECK(tt_classifier_score_offset(clf, h) == total);
        for (l = 0; l < nl; ++l) {
            const char* label = tt_classifier_label(clf, h, l);
            CHECK(label != NULL && label[0] != 0);
        }
        total += nl;
    }
    CHECK(seen_intent);
    CHECK(tt_classifier_num_scores(clf) == total);

    tt_clear_error();
    CHECK(tt_classifier_head_name(clf, nh) == NULL);
    CHECK(last_error_is(TT_ERR_OUT_OF_RANGE, "expected an index below 5, got 5"));
    CHECK(tt_classifier_num_labels(clf, 99) == 0 && tt_last_error_code() == TT_ERR_OUT_OF_RANGE);
    CHECK(tt_classifier_label(clf, 0, 1000) == NULL && tt_last_error_code() == TT_ERR_OUT_OF_RANGE);
    CHECK(tt_classifier_label(clf, 1000, 0) == NULL && tt_last_error_code() == TT_ERR_OUT_OF_RANGE);
    CHECK(tt_classifier_score_offset(clf, nh) == TT_NPOS);
    tt_clear_error();
    CHECK(tt_classifier_num_heads(NULL) == 0 && tt_last_error_code() == TT_ERR_NULL_ARGUMENT);
    CHECK(tt_classifier_head_name(NULL, 0) == NULL && tt_last_error_code() == TT_ERR_NULL_ARGUMENT);
    CHECK(tt_classifier_num_labels(NULL, 0) == 0);
    CHECK(tt_classifier_label(NULL, 0, 0) == NULL);
    CHECK(tt_classifier_num_scores(NULL) == 0);
    CHECK(tt_classifier_score_offset(NULL, 0) == TT_NPOS);
    tt_classifier_free(NULL);
}

/* Checks one result for internal consistency against the classifier. */
static void check_result(const tt_classifier* clf, const tt_result* r) {
    size_t h;
    CHECK(tt_result_num_heads(r) == tt_classifier_num_heads(clf));
    for (h = 0; h < tt_result_num_heads(r); ++h) {
        const size_t li = tt_result_label_index(r, h), n = tt_result_num_scores(r, h);
        const float* sc = tt_result_scores(r, h);
        const float conf = tt_result_confidence(r, h), margin = tt_result_margin(r, h);
        float sum = 0, second = 0;
        size_t i;
        CHECK(strcmp(tt_result_head_name(r, h), tt_classifier_head_name(clf, h)) == 0);
        CHECK(n == tt_classifier_num_labels(clf, h));
        CHECK(li < n);
        CHECK(strcmp(tt_result_label(r, h), tt_classifier_label(clf, h, li)) == 0);
        const int oos = tt_result_out_of_scope(r, h);
        size_t top = 0;
        CHECK(oos == 0 || oos == 1);
        /* Answered out of scope exactly when the label is the head's out-of-scope label. */
        CHECK(oos == (li == tt_classifier_out_of_scope_label(clf, h)));
        /* Confidence is the top probability; the chosen label has it unless
           the out-of-scope threshold replaced the answer. */
        CHECK(sc != NULL && (conf == sc[li] || oos));
        for (i = 0; sc && i < n; ++i) {
            sum += sc[i];
            if (sc[i] > sc[top]) top = i;
            if (sc[i] > conf) CHECK(!"confidence is the top score");
        }
        for (i = 0; sc && i < n; ++i)
            if (i != top && sc[i] > second) second = sc[i];
        CHECK(sc == NULL || conf == sc[top]);
        CHECK(fabsf(sum - 1.0f) < 1e-4f);
        CHECK(fabsf(margin - (conf - second)) < 1e-6f);
        CHECK(tt_result_review(r, h) == 0 || tt_result_review(r, h) == 1);
    }
}

/* The flat form equals the result accessors, exactly. */
static int same_as_flat(const tt_classifier* clf, const tt_result* r, const tt_head_result* heads,
                        const float* scores) {
    size_t h;
    for (h = 0; h < tt_classifier_num_heads(clf); ++h) {
        const size_t off = tt_classifier_score_offset(clf, h);
        if (heads[h].label_index != tt_result_label_index(r, h)) return 0;
        if (heads[h].confidence != tt_result_confidence(r, h)) return 0;
        if (heads[h].margin != tt_result_margin(r, h)) return 0;
        if ((int)heads[h].review != tt_result_review(r, h)) return 0;
        if ((heads[h].label_index == tt_classifier_out_of_scope_label(clf, h)) != tt_result_out_of_scope(r, h)) return 0;
        if (scores && memcmp(scores + off, tt_result_scores(r, h), tt_result_num_scores(r, h) * sizeof(float)))
            return 0;
    }
    return 1;
}

static void test_predict(const tt_classifier* clf) {
    tt_workspace* ws = NULL;
    const tt_result* r = NULL;
    tt_head_result heads[8];
    float* scores = (float*)malloc(tt_classifier_num_scores(clf) * sizeof(float));
    const size_t S = tt_classifier_num_scores(clf);
    size_t i;

    CHECK_STATUS(tt_workspace_new(NULL, &ws), TT_ERR_NULL_ARGUMENT);
    CHECK_STATUS(tt_workspace_new(clf, NULL), TT_ERR_NULL_ARGUMENT);
    CHECK_STATUS(tt_workspace_new(clf, &ws), TT_OK);
    tt_workspace_free(NULL);

    for (i = 0; i < NTEXTS; ++i) {
        CHECK_STATUS(tt_predict(clf, ws, texts[i], strlen(texts[i]), &r), TT_OK);
        check_result(clf, r);
        CHECK_STATUS(tt_predict_into(clf, ws, texts[i], strlen(texts[i]), heads, 8, scores, S), TT_OK);
        CHECK(same_as_flat(clf, r, heads, scores));
        /* The per-thread workspace (ws NULL) gives the same answer. */
        CHECK_STATUS(tt_predict_into(clf, NULL, texts[i], TT_NUL_TERMINATED, heads, 8, scores, S), TT_OK);
        CHECK(same_as_flat(clf, r, heads, scores));
        /* Without scores. */
        CHECK_STATUS(tt_predict_into(clf, NULL, texts[i], strlen(texts[i]), heads, 8, NULL, 0), TT_OK);
        CHECK(same_as_flat(clf, r, heads, NULL));
    }

    /* Text forms: NUL-terminated equals explicit length; empty as NULL. */
    {
        tt_head_result a[8];
        CHECK_STATUS(tt_predict_into(clf, ws, texts[0], TT_NUL_TERMINATED, a, 8, NULL, 0), TT_OK);
        CHECK_STATUS(tt_predict(clf, ws, texts[0], strlen(texts[0]), &r), TT_OK);
        CHECK(same_as_flat(clf, r, a, NULL));
        CHECK_STATUS(tt_predict(clf, ws, NULL, 0, &r), TT_OK);
        check_result(clf, r);
        CHECK_STATUS(tt_predict(clf, ws, "", TT_NUL_TERMINATED, &r), TT_OK);
        check_result(clf, r);
        /* Embedded NUL bytes are text, like any other byte. */
        CHECK_STATUS(tt_predict(clf, ws, "refund\0please", 13, &r), TT_OK);
        check_result(clf, r);
    }
    /* A 1 MB ticket of invalid UTF-8 and words. */
    {
        const size_t n = 1 << 20;
        char* big = (char*)malloc(n);
        for (i = 0; i < n; ++i) big[i] = (char)(i % 7 == 0 ? 0xff : "refund my money "[i % 16]);
        CHECK_STATUS(tt_predict(clf, ws, big, n, &r), TT_OK);
        check_result(clf, r);
        free(big);
    }

    /* Misuse. */
    r = NULL;
    CHECK_STATUS(tt_predict(NULL, ws, "x", 1, &r), TT_ERR_NULL_ARGUMENT);
    CHECK(last_error_is(TT_ERR_NULL_ARGUMENT, "tt_predict(clf)"));
    CHECK_STATUS(tt_predict(clf, NULL, "x", 1, &r), TT_ERR_NULL_ARGUMENT);
    CHECK_STATUS(tt_predict(clf, ws, "x", 1, NULL), TT_ERR_NULL_ARGUMENT);
    CHECK_STATUS(tt_predict(clf, ws, NULL, 5, &r), TT_ERR_NULL_ARGUMENT);
    CHECK_STATUS(tt_predict(clf, ws, NULL, TT_NUL_TERMINATED, &r), TT_ERR_NULL_ARGUMENT);
    CHECK(r == NULL);
    CHECK_STATUS(tt_predict_into(NULL, ws, "x", 1, heads, 8, scores, S), TT_ERR_NULL_ARGUMENT);
    CHECK_STATUS(tt_predict_into(clf, ws, "x", 1, NULL, 8, scores, S), TT_ERR_NULL_ARGUMENT);
    CHECK_STATUS(tt_predict_into(clf, ws, "x", 1, heads, 4, scores, S), TT_ERR_BUFFER_TOO_SMALL);
    CHECK(last_error_is(TT_ERR_BUFFER_TOO_SMALL, "expected room for 5 head results, got 4"));
    CHECK_STATUS(tt_predict_into(clf, ws, "x", 1, heads, 8, scores, S - 1), TT_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(tt_predict_into(clf, ws, "x", 1, heads, 8, NULL, S), TT_ERR_NULL_ARGUMENT);

    /* Result accessors out of range and on NULL. */
    CHECK_STATUS(tt_predict(clf, ws, texts[0], TT_NUL_TERMINATED, &r), TT_OK);
    tt_clear_error();
    CHECK(tt_result_head_name(r, 5) == NULL && last_error_is(TT_ERR_OUT_OF_RANGE, "head"));
    CHECK(tt_result_label(r, 5) == NULL);
    CHECK(tt_result_label_index(r, 5) == TT_NPOS);
    CHECK(isnan(tt_result_confidence(r, 5)));
    CHECK(isnan(tt_result_margin(r, 5)));
    CHECK(tt_result_review(r, 5) == -1);
    CHECK(tt_result_num_scores(r, 5) == 0);
    CHECK(tt_result_scores(r, 5) == NULL);
    tt_clear_error();
    CHECK(tt_result_num_heads(NULL) == 0 && tt_last_error_code() == TT_ERR_NULL_ARGUMENT);
    CHECK(tt_result_label(NULL, 0) == NULL);
    CHECK(isnan(tt_result_confidence(NULL, 0)));
    CHECK(tt_result_review(NULL, 0) == -1);
    CHECK(tt_result_find_head(NULL, "intent") == TT_NPOS);
    CHECK(tt_result_find_head(r, NULL) == TT_NPOS && tt_last_error_code() == TT_ERR_NULL_ARGUMENT);
    tt_clear_error();
    {
        const size_t h = tt_result_find_head(r, "intent");
        CHECK(h < 5 && strcmp(tt_result_head_name(r, h), "intent") == 0);
        CHECK(tt_result_find_head(r, "no_such_head") == TT_NPOS && tt_last_error_code() == TT_OK);
    }

    tt_workspace_free(ws);
    free(scores);
}

static void test_batch(const tt_classifier* clf) {
    const size_t H = tt_classifier_num_heads(clf), S = tt_classifier_num_scores(clf);
    tt_batch* b = NULL;
    tt_workspace* ws = NULL;
    size_t lens[NTEXTS], offsets[NTEXTS + 1], i, total = 0;
    unsigned threads;
    char* packed;
    tt_head_result* heads = (tt_head_result*)malloc(NTEXTS * H * sizeof *heads);
    float* scores = (float*)malloc(NTEXTS * S * sizeof *scores);

    for (i = 0; i < NTEXTS; ++i) {
        lens[i] = strlen(texts[i]);
        offsets[i] = total;
        total += lens[i];
    }
    offsets[NTEXTS] = total;
    packed = (char*)malloc(total + 1);
    for (i = 0; i < NTEXTS; ++i) memcpy(packed + offsets[i], texts[i], lens[i]);

    CHECK_STATUS(tt_workspace_new(clf, &ws), TT_OK);
    for (threads = 0; threads <= 3; ++threads) {
        CHECK_STATUS(tt_predict_batch(clf, texts, threads == 2 ? NULL : lens, NTEXTS, threads, &b), TT_OK);
        CHECK(tt_batch_size(b) == NTEXTS);
        CHECK_STATUS(tt_predict_batch_into(clf, packed, offsets, NTEXTS, threads, heads, NTEXTS * H, scores, NTEXTS * S),
                     TT_OK);
        for (i = 0; i < NTEXTS; ++i) {
            const tt_result* r = NULL;
            const tt_result* br = tt_batch_get(b, i);
            CHECK_STATUS(tt_predict(clf, ws, texts[i], lens[i], &r), TT_OK);
            CHECK(br != NULL);
            if (!br) continue;
            check_result(clf, br);
            CHECK(same_as_flat(clf, br, heads + i * H, scores + i * S));
            CHECK(same_as_flat(clf, r, heads + i * H, scores + i * S));
        }
        tt_batch_free(b);
        b = NULL;
    }

    /* Misuse and edge cases. */
    CHECK_STATUS(tt_predict_batch(clf, NULL, NULL, 0, 1, &b), TT_OK);
    CHECK(tt_batch_size(b) == 0);
    CHECK(tt_batch_get(b, 0) == NULL && tt_last_error_code() == TT_ERR_OUT_OF_RANGE);
    tt_batch_free(b);
    tt_batch_free(NULL);
    CHECK(tt_batch_size(NULL) == 0 && tt_last_error_code() == TT_ERR_NULL_ARGUMENT);
    CHECK(tt_batch_get(NULL, 0) == NULL);
    CHECK_STATUS(tt_predict_batch(NULL, texts, NULL, NTEXTS, 1, &b), TT_ERR_NULL_ARGUMENT);
    CHECK_STATUS(tt_predict_batch(clf, NULL, NULL, 2, 1, &b), TT_ERR_NULL_ARGUMENT);
    CHECK_STATUS(tt_predict_batch(clf, texts, NULL, NTEXTS, 1, NULL), TT_ERR_NULL_ARGUMENT);
    {
        const char* with_null[2] = {"fine", NULL};
        const size_t with_null_lens[2] = {4, 3};
        CHECK_STATUS(tt_predict_batch(clf, with_null, with_null_lens, 2, 1, &b), TT_ERR_NULL_ARGUMENT);
    }
    CHECK_STATUS(tt_predict_batch_into(clf, packed, offsets, 0, 1, NULL, 0, NULL, 0), TT_OK);
    CHECK_STATUS(tt_predict_batch_into(clf, packed, NULL, NTEXTS, 1, heads, NTEXTS * H, NULL, 0),
                 TT_ERR_NULL_ARGUMENT);
    CHECK_STATUS(tt_predict_batch_into(clf, packed, offsets, NTEXTS, 1, heads, NTEXTS * H - 1, NULL, 0),
                 TT_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(tt_predict_batch_into(clf, packed, offsets, NTEXTS, 1, heads, NTEXTS * H, scores, S),
                 TT_ERR_BUFFER_TOO_SMALL);
    {
        size_t bad[3] = {0, 5, 2};
        CHECK_STATUS(tt_predict_batch_into(clf, packed, bad, 2, 1, heads, NTEXTS * H, NULL, 0), TT_ERR_ARGUMENT);
        CHECK(last_error_is(TT_ERR_ARGUMENT, "non-decreasing"));
    }

    tt_workspace_free(ws);
    free(packed);
    free(heads);
    free(scores);
}

/* Same model bytes loaded from memory predict exactly what the file predicts. */
static void test_load_bytes(const tt_classifier* clf, const char* model_path) {
    size_t len = 0, i;
    char* json = read_file(model_path, &len);
    tt_classifier* other = NULL;
    tt_head_result a[8], b[8];
    CHECK(json != NULL);
    if (!json) return;
    CHECK_STATUS(tt_classifier_load_bytes(json, len, &other), TT_OK);
    free(json); /* the classifier keeps no pointer into the bytes */
    CHECK(tt_classifier_num_heads(other) == tt_classifier_num_heads(clf));
    for (i = 0; i < NTEXTS; ++i) {
        CHECK_STATUS(tt_predict_into(clf, NULL, texts[i], TT_NUL_TERMINATED, a, 8, NULL, 0), TT_OK);
        CHECK_STATUS(tt_predict_into(other, NULL, texts[i], TT_NUL_TERMINATED, b, 8, NULL, 0), TT_OK);
        CHECK(memcmp(a, b, tt_classifier_num_heads(clf) * sizeof a[0]) == 0);
    }
    tt_classifier_free(other);
}

/* Errors are per thread; a classifier is shared by threads with their own workspaces. */
struct thread_arg {
    const tt_classifier* clf;
    int ok;
};

static void* thread_main(void* p) {
    struct thread_arg* a = (struct thread_arg*)p;
    tt_workspace* ws = NULL;
    const tt_result* r;
    size_t i, k;
    a->ok = tt_last_error_code() == TT_OK; /* a new thread starts clean */
    a->ok &= tt_classifier_load(NULL, NULL) == TT_ERR_NULL_ARGUMENT;
    a->ok &= tt_workspace_new(a->clf, &ws) == TT_OK;
    for (k = 0; k < 50; ++k)
        for (i = 0; i < NTEXTS; ++i) a->ok &= tt_predict(a->clf, ws, texts[i], TT_NUL_TERMINATED, &r) == TT_OK;
    tt_workspace_free(ws);
    return NULL;
}

static void test_threads(const tt_classifier* clf) {
    pthread_t th[3];
    struct thread_arg args[3];
    int i;
    tt_clear_error();
    CHECK_STATUS(tt_validate_utf8("\xff", 1), TT_ERR_INVALID_UTF8);
    for (i = 0; i < 3; ++i) {
        args[i].clf = clf;
        args[i].ok = 0;
        CHECK(pthread_create(&th[i], NULL, thread_main, &args[i]) == 0);
    }
    for (i = 0; i < 3; ++i) {
        pthread_join(th[i], NULL);
        CHECK(args[i].ok);
    }
    /* Other threads' failures did not touch this thread's last error. */
    CHECK(last_error_is(TT_ERR_INVALID_UTF8, "byte 0"));
}

/* The out-of-scope flag: the shipped model's intent head has an
   out_of_scope label (chosen when it scores highest); a copy of the model
   with a 0.9 threshold on it also answers it below that top probability. */
static void check_out_of_scope(const tt_classifier* clf, const char* text, int expected, float min_confidence) {
    tt_workspace* ws = NULL;
    const tt_result* r = NULL;
    tt_head_result heads[8];
    const size_t intent = 4;
    size_t h;
    CHECK_STATUS(tt_workspace_new(clf, &ws), TT_OK);
    CHECK_STATUS(tt_predict(clf, ws, text, TT_NUL_TERMINATED, &r), TT_OK);
    if (!r) {
        tt_workspace_free(ws);
        return;
    }
    check_result(clf, r);
    CHECK(strcmp(tt_result_head_name(r, intent), "intent") == 0);
    CHECK(tt_result_out_of_scope(r, intent) == expected);
    if (tt_result_out_of_scope(r, intent) != expected) printf("     text: %s\n", text);
    CHECK((strcmp(tt_result_label(r, intent), "out_of_scope") == 0) == expected);
    if (expected && min_confidence > 0) CHECK(tt_result_confidence(r, intent) < min_confidence);
    for (h = 0; h < intent; ++h) CHECK(tt_result_out_of_scope(r, h) == 0);
    CHECK_STATUS(tt_predict_into(clf, NULL, text, TT_NUL_TERMINATED, heads, 8, NULL, 0), TT_OK);
    CHECK(same_as_flat(clf, r, heads, NULL));
    CHECK((heads[intent].label_index == tt_classifier_out_of_scope_label(clf, intent)) == expected);
    tt_workspace_free(ws);
}

static const char* auto_reply = "I am out of the office until Monday with limited access to email";
static const char* in_scope = "refund nahi mila, paisa wapas karo, order #4521";

static void test_out_of_scope(const tt_classifier* clf, const char* model_path) {
    const size_t intent = 4;
    size_t h, len = 0;
    char* json;
    char* at;
    const char* field = "\"out_of_scope\":{\"label\":\"out_of_scope\",\"min_confidence\":0.0}";
    tt_classifier* strict = NULL;

    CHECK(strcmp(tt_classifier_head_name(clf, intent), "intent") == 0);
    CHECK(tt_classifier_out_of_scope_label(clf, intent) < tt_classifier_num_labels(clf, intent));
    CHECK(strcmp(tt_classifier_label(clf, intent, tt_classifier_out_of_scope_label(clf, intent)), "out_of_scope") == 0);
    CHECK(tt_classifier_out_of_scope_min_confidence(clf, intent) == 0.0f);
    tt_clear_error();
    for (h = 0; h < intent; ++h) {
        CHECK(tt_classifier_out_of_scope_label(clf, h) == TT_NPOS);
        CHECK(tt_classifier_out_of_scope_min_confidence(clf, h) == 0.0f);
    }
    CHECK(tt_last_error_code() == TT_OK); /* "no such label" is not an error */
    CHECK(tt_classifier_out_of_scope_label(clf, 5) == TT_NPOS && tt_last_error_code() == TT_ERR_OUT_OF_RANGE);
    CHECK(isnan(tt_classifier_out_of_scope_min_confidence(NULL, 0)) && tt_last_error_code() == TT_ERR_NULL_ARGUMENT);
    CHECK(tt_result_out_of_scope(NULL, 0) == -1 && tt_last_error_code() == TT_ERR_NULL_ARGUMENT);

    check_out_of_scope(clf, auto_reply, 1, 0);
    check_out_of_scope(clf, in_scope, 0, 0);

    json = read_file(model_path, &len);
    CHECK(json != NULL);
    if (!json) return;
    at = strstr(json, field);
    CHECK(at != NULL);
    if (at) {
        memcpy(at + strlen(field) - 4, "0.9}", 4);
        CHECK_STATUS(tt_classifier_load_bytes(json, len, &strict), TT_OK);
    }
    if (strict) {
        tt_workspace* ws = NULL;
        const tt_result* r = NULL;
        CHECK(fabsf(tt_classifier_out_of_scope_min_confidence(strict, intent) - 0.9f) < 1e-6f);
        check_out_of_scope(strict, auto_reply, 1, 0);
        check_out_of_scope(strict, in_scope, 0, 0);
        /* A short, vague text: an in-scope intent on top, below 0.9, so the
           threshold answers out of scope where the plain model does not. */
        CHECK_STATUS(tt_workspace_new(clf, &ws), TT_OK);
        CHECK_STATUS(tt_predict(clf, ws, "need some info", TT_NUL_TERMINATED, &r), TT_OK);
        if (r) {
            CHECK(tt_result_out_of_scope(r, intent) == 0);
            CHECK(tt_result_confidence(r, intent) < 0.9f);
        }
        check_out_of_scope(strict, "need some info", 1, 0.9f);
        tt_workspace_free(ws);
        tt_classifier_free(strict);
    }
    free(json);
}

static void test_reference(const char* path) {
    tt_classifier* clf = NULL;
    const tt_result* r;
    tt_workspace* ws = NULL;
    FILE* f = path ? fopen(path, "rb") : NULL;
    if (!f) {
        printf("note: reference artifact %s absent, its checks skipped\n", path ? path : "(none given)");
        return;
    }
    fclose(f);
    CHECK_STATUS(tt_classifier_load(path, &clf), TT_OK);
    if (!clf) return;
    CHECK(tt_classifier_num_heads(clf) >= 1);
    CHECK_STATUS(tt_workspace_new(clf, &ws), TT_OK);
    CHECK_STATUS(tt_predict(clf, ws, "How do I locate my card?", TT_NUL_TERMINATED, &r), TT_OK);
    check_result(clf, r);
    tt_workspace_free(ws);
    tt_classifier_free(clf);
}

int main(int argc, char** argv) {
    const char* model = argc > 1 ? argv[1] : "models/tiny_ticket-default-v6.json";
    const char* reference = argc > 2 ? argv[2] : NULL;
    const char* tmpdir = argc > 3 ? argv[3] : ".";
    tt_classifier* clf = NULL;

    test_library();
    test_load_errors(model, tmpdir);
    CHECK_STATUS(tt_classifier_load(model, &clf), TT_OK);
    if (clf) {
        test_metadata(clf);
        test_predict(clf);
        test_batch(clf);
        test_load_bytes(clf, model);
        test_threads(clf);
        test_out_of_scope(clf, model);
        tt_classifier_free(clf);
    }
    test_reference(reference);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
