#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Pretrained word vectors side by side, in one run, on the official splits of
# BANKING77 and CLINC150 (in-scope):
#   1. the trainer's defaults without and with the vectors (frozen or
#      fine-tuned as the validation split chooses): test accuracy, macro-F1,
#      artifact bytes, predict µs per ticket (one thread, fastest of 7 passes
#      over the test texts), train seconds (bench/train_real.cpp);
#   2. few-shot: 5 and 20 training texts per label (the seeded subsets of
#      bench/train_side_by_side.sh), `tiny-ticket train` without and with the
#      vectors; test accuracy (macro-F1);
#   3. the sentence model itself as a reference (its embeddings + logistic
#      regression, bench/sentence_model_reference.py), when a Python with its
#      requirements is given.
# The tables are printed as Markdown on stdout (docs/training.md holds a run).
#
# Usage: bench/embeddings_side_by_side.sh BUILD_DIR SHARED_DIR VECTORS [PYTHON] [THREADS]
#   BUILD_DIR   a Release build with the tiny-ticket and tiny_ticket_train_real targets
#               (configure with -DTINY_TICKET_BUILD_BENCHMARKS=ON)
#   SHARED_DIR  holds data/banking77/{train,test}.csv and data/clinc150/data_full.json
#   VECTORS     a word-vector file (models/vectors/minilm-l6-v2.json)
#   PYTHON      a venv python with the reference's requirements; "" or absent: row skipped
#   THREADS     training threads (default 2)
# Without the data it prints why and exits 0.
set -euo pipefail

[[ $# -ge 3 ]] || { sed -n '/^# Usage/,/^# Without/p' "$0" >&2; exit 2; }
build=$1 shared=$2 vectors=$3 py=${4:-} threads=${5:-2}
src=$(cd "$(dirname "$0")/.." && pwd)
cli=$build/examples/tiny-ticket
real=$build/bench/tiny_ticket_train_real
if [[ ! -f $shared/data/banking77/train.csv || ! -f $shared/data/banking77/test.csv || ! -f $shared/data/clinc150/data_full.json ]]; then
    echo "skipped: BANKING77 or CLINC150 not found under $shared/data"
    exit 0
fi
[[ -x $cli ]] || { echo "build $build lacks examples/tiny-ticket" >&2; exit 1; }
[[ -x $real ]] || { echo "build $build lacks bench/tiny_ticket_train_real (-DTINY_TICKET_BUILD_BENCHMARKS=ON)" >&2; exit 1; }
[[ -f $vectors ]] || { echo "no word-vector file $vectors" >&2; exit 1; }
vectors=$(cd "$(dirname "$vectors")" && pwd)/$(basename "$vectors")

work=$build/bench-embeddings
rm -rf "$work"
mkdir -p "$work"

# The data sets in one layout shared by the side-by-side scripts (bench/intent_data.py).
python3 "$(dirname "$0")/intent_data.py" "$shared/data" "$work"

tt_score() {  # model, test.jsonl -> accuracy macro-F1 of head "label"
    "$cli" eval --model "$1" --data "$2" --json "$work/report.json" --threads "$threads" >/dev/null 2>&1 || { echo "eval failed: $1" >&2; exit 1; }
    python3 -c "
import json
h = json.load(open('$work/report.json'))['metrics']['heads']['label']
print(f\"{h['accuracy']:.4f} {h['macro_f1']:.4f}\")"
}
config_with="{\"features\": {\"embedding\": {\"pretrained\": \"$vectors\"}}}"

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $threads training threads"
echo "vectors: $(basename "$vectors") ($(stat -c %s "$vectors") bytes)"
echo
echo "| data set | word vectors | accuracy | macro-F1 | artifact bytes | predict µs/ticket | train s | chosen |"
echo "|---|---|---|---|---|---|---|---|"
for set in banking77 clinc150; do
    for mode in none vectors; do
        d=$work/$set/$mode
        mkdir -p "$d"
        cfg=()
        [[ $mode == vectors ]] && cfg=(--config "$config_with")
        "$real" --dataset "$set" --threads "$threads" --save "$d" "${cfg[@]}" >"$d/out.txt" 2>"$d/err.txt" \
            || { echo "train_real failed: $(tail -3 "$d/err.txt")" >&2; exit 1; }
        line=$(grep " TEST " "$d/out.txt")
        acc=$(sed -E 's/.*accuracy ([0-9.]+).*/\1/' <<<"$line")
        f1=$(sed -E 's/.*macro-F1 ([0-9.]+).*/\1/' <<<"$line")
        secs=$(sed -E 's/.* train ([0-9.]+)s wall.*/\1/' <<<"$line")
        us=$(sed -E 's/.*predict ([0-9.]+) us\/ticket.*/\1/' <<<"$line")
        chosen=$(grep " embeddings " "$d/out.txt" | sed -E "s/^$set +embeddings //" || true)
        echo "| $set | $mode | $acc | $f1 | $(stat -c %s "$d/$set.json") | $us | $secs | ${chosen:--} |"
    done
done

echo
echo "Few-shot: test accuracy (macro-F1) with k training texts per label"
echo
echo "| data set | k | rows | without vectors | with vectors | chosen |"
echo "|---|---|---|---|---|---|"
for set in banking77 clinc150; do
    d=$work/$set
    for k in 5 20; do
        data=$d/train_k$k.jsonl
        row="| $set | $k | $(wc -l <"$data") |"
        chosen=-
        for mode in none vectors; do
            emb=none
            [[ $mode == vectors ]] && emb=$vectors
            "$cli" train --data "$data" --out "$d/k${k}_$mode.json" --threads "$threads" --embeddings "$emb" >/dev/null 2>"$d/k${k}_$mode.err" \
                || { echo "train failed: $(tail -3 "$d/k${k}_$mode.err")" >&2; exit 1; }
            read -r acc f1 < <(tt_score "$d/k${k}_$mode.json" "$d/test.jsonl")
            row+=" $acc ($f1) |"
            [[ $mode == vectors ]] && chosen=$(grep '^embeddings: [a-z-]* (' "$d/k${k}_$mode.err" | sed -E 's/^embeddings: ([a-z-]+).*/\1/')
        done
        echo "$row $chosen |"
    done
done

echo
ref=$src/bench/sentence_model_reference.py
if [[ -n $py && -f $ref ]]; then
    echo "Reference: the sentence model itself (embeddings + logistic regression)"
    echo
    "$py" "$ref" "$shared" || { echo "sentence_model_reference.py failed" >&2; exit 1; }
else
    echo "Reference row skipped: give a venv python with the reference's requirements as 4th argument (and $ref must exist)."
fi
echo
echo "full sets: tiny_ticket_train_real --dataset SET --threads $threads [--config '{\"features\": {\"embedding\": {\"pretrained\": \"VECTORS\"}}}']"
echo "few-shot: tiny-ticket train --data train_kK.jsonl --out model.json --threads $threads --embeddings none|VECTORS"
