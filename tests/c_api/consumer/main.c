/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <tiny_ticket/c/tiny_ticket.h>

int main(int argc, char** argv) {
    tt_classifier* clf = NULL;
    tt_head_result heads[16];
    if (argc < 2 || tt_abi_version() != TT_ABI_VERSION) return 2;
    if (tt_classifier_load(argv[1], &clf) != TT_OK) {
        fprintf(stderr, "%s\n", tt_last_error_message());
        return 1;
    }
    if (tt_classifier_num_heads(clf) > 16 ||
        tt_predict_into(clf, NULL, "where is my order", TT_NUL_TERMINATED, heads, 16, NULL, 0) != TT_OK) {
        fprintf(stderr, "%s\n", tt_last_error_message());
        tt_classifier_free(clf);
        return 1;
    }
    printf("%s %s: %s\n", tt_version(), tt_classifier_head_name(clf, 0),
           tt_classifier_label(clf, 0, heads[0].label_index));
    tt_classifier_free(clf);
    return 0;
}
