#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Training side by side, in one run, on the official splits of BANKING77 and
# CLINC150 (in-scope):
#   1. `tiny-ticket train` with its defaults against fastText (100 epochs,
#      word bigrams, char 3-6-grams): test accuracy, macro-F1, model bytes,
#      load time, train seconds;
#   2. few-shot: 5 and 20 training examples per label, tiny-ticket from
#      scratch against `--init` the shipped model (with and without
#      `--freeze-trunk`), fastText beside them; test accuracy.
# The tables are printed as Markdown on stdout (docs/training.md holds a run).
#
# Usage: bench/train_side_by_side.sh [BUILD_DIR] [SHARED_DIR] [THREADS]
#   BUILD_DIR   a Release build with the tiny-ticket target (default: build)
#   SHARED_DIR  holds data/banking77/{train,test}.csv and data/clinc150/data_full.json (default: ../shared)
#   THREADS     training threads of both tools (default 2)
# Needs: python3, fasttext (Debian: apt-get install fasttext). Without the
# data it prints why and exits 0.
set -euo pipefail

build=${1:-build} shared=${2:-../shared} threads=${3:-2}
src=$(cd "$(dirname "$0")/.." && pwd)
cli=$build/examples/tiny-ticket
shipped=$src/models/tiny_ticket-default-v6.json
if [[ ! -f $shared/data/banking77/train.csv || ! -f $shared/data/banking77/test.csv || ! -f $shared/data/clinc150/data_full.json ]]; then
    echo "skipped: BANKING77 or CLINC150 not found under $shared/data"
    exit 0
fi
command -v fasttext >/dev/null || { echo "fasttext not found (Debian: apt-get install fasttext)" >&2; exit 1; }
[[ -x $cli ]] || { echo "build $build lacks examples/tiny-ticket" >&2; exit 1; }

work=$build/bench-train
rm -rf "$work"
mkdir -p "$work"

# The data sets in one layout shared by the side-by-side scripts (bench/intent_data.py).
python3 "$(dirname "$0")/intent_data.py" "$shared/data" "$work"

ms() { echo $((($(date +%s%N) - $1) / 1000000)); }
median5() {  # median wall ms of 5 runs of a command
    local t=() s
    for _ in 1 2 3 4 5; do
        s=$(date +%s%N)
        bash -c "$1" >/dev/null 2>&1 || { echo "failed: $1" >&2; exit 1; }
        t+=($(ms "$s"))
    done
    printf '%s\n' "${t[@]}" | sort -n | sed -n 3p
}
# accuracy and macro-F1 of predicted labels (one per line) against gold labels
score() {
    python3 - "$1" "$2" <<'PY'
import sys
gold = [l.strip() for l in open(sys.argv[1], encoding="utf-8")]
pred = [l.strip().removeprefix("__label__") for l in open(sys.argv[2], encoding="utf-8")]
assert len(gold) == len(pred), (len(gold), len(pred))
acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
f1s = []
for c in sorted(set(gold)):
    tp = sum(g == c and p == c for g, p in zip(gold, pred))
    fp = sum(g != c and p == c for g, p in zip(gold, pred))
    fn = sum(g == c and p != c for g, p in zip(gold, pred))
    f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
print(f"{acc:.4f} {sum(f1s) / len(f1s):.4f}")
PY
}
tt_score() {  # model, test.jsonl -> accuracy macro-F1 of head "label"
    "$cli" eval --model "$1" --data "$2" --json "$work/report.json" --threads "$threads" >/dev/null 2>&1 || { echo "eval failed: $1" >&2; exit 1; }
    python3 -c "
import json, sys
h = json.load(open('$work/report.json'))['metrics']['heads']['label']
print(f\"{h['accuracy']:.4f} {h['macro_f1']:.4f}\")"
}
ft_args=(-epoch 100 -wordNgrams 2 -minn 3 -maxn 6 -bucket 200000 -thread "$threads")
ft_train() {  # train.ft, output prefix
    fasttext supervised -input "$1" -output "$2" "${ft_args[@]}" >/dev/null 2>&1 || { echo "fasttext failed on $1" >&2; exit 1; }
}
ft_score() {  # model.bin, set dir
    fasttext predict "$1" "$2/test.txt" >"$work/ft_pred.txt"
    score "$2/test.gold" "$work/ft_pred.txt"
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $threads training threads each"
echo
echo "| data set | system | accuracy | macro-F1 | model bytes | load + 1 prediction (ms) | train s |"
echo "|---|---|---|---|---|---|---|"
for set in banking77 clinc150; do
    d=$work/$set
    s=$(date +%s%N)
    "$cli" train --data "$d/train.jsonl" --out "$d/tt.json" --threads "$threads" >"$d/tt_train.out" 2>"$d/tt_train.err" \
        || { echo "train failed: $(tail -3 "$d/tt_train.err")" >&2; exit 1; }
    tt_secs=$(awk -v m="$(ms "$s")" 'BEGIN { printf "%.1f", m / 1000 }')
    read -r acc f1 < <(tt_score "$d/tt.json" "$d/test.jsonl")
    load=$(median5 "'$cli' predict --model '$d/tt.json' --text 'how do i top up my card'")
    echo "| $set | tiny-ticket train (defaults) | $acc | $f1 | $(stat -c %s "$d/tt.json") | $load | $tt_secs |"
    grep "^capacity:" "$d/tt_train.err" >"$d/capacity.txt"

    s=$(date +%s%N)
    ft_train "$d/train.ft" "$d/ft"
    ft_secs=$(awk -v m="$(ms "$s")" 'BEGIN { printf "%.1f", m / 1000 }')
    read -r acc f1 < <(ft_score "$d/ft.bin" "$d")
    load=$(median5 "echo 'how do i top up my card' | fasttext predict '$d/ft.bin' -")
    echo "| $set | fastText | $acc | $f1 | $(stat -c %s "$d/ft.bin") | $load | $ft_secs |"
done
echo
for set in banking77 clinc150; do echo "$set: $(cat "$work/$set/capacity.txt")"; done

echo
echo "Few-shot: test accuracy (macro-F1) with k training examples per label"
echo
echo "| data set | k | rows | from scratch | --init shipped | --init shipped --freeze-trunk | fastText |"
echo "|---|---|---|---|---|---|---|"
for set in banking77 clinc150; do
    d=$work/$set
    for k in 5 20; do
        data=$d/train_k$k.jsonl
        row="| $set | $k | $(wc -l <"$data") |"
        for mode in scratch init freeze; do
            extra=()
            [[ $mode == init ]] && extra=(--init "$shipped")
            [[ $mode == freeze ]] && extra=(--init "$shipped" --freeze-trunk)
            "$cli" train --data "$data" --out "$d/k${k}_$mode.json" --threads "$threads" --quiet "${extra[@]}" >/dev/null 2>"$d/k${k}_$mode.err" \
                || { echo "train failed: $(tail -3 "$d/k${k}_$mode.err")" >&2; exit 1; }
            read -r acc f1 < <(tt_score "$d/k${k}_$mode.json" "$d/test.jsonl")
            row+=" $acc ($f1) |"
        done
        ft_train "$d/train_k$k.ft" "$d/ft_k$k"
        read -r acc f1 < <(ft_score "$d/ft_k$k.bin" "$d")
        echo "$row $acc ($f1) |"
    done
done
echo
echo "fastText 0.9.2: fasttext supervised ${ft_args[*]}"
echo "tiny-ticket: train --data train.jsonl --out model.json --threads $threads [--init $(basename "$shipped") [--freeze-trunk]]"
