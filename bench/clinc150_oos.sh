#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Out-of-scope detection on CLINC150 (the full split: 150 intents plus "oos"
# queries that belong to none of them), three ways:
#   1. threshold only: trained on the in-scope training rows; the "oos" label
#      is added to the head and answered below a confidence threshold chosen
#      on val + oos_val;
#   2. oos rows only: trained on train + oos_train, "oos" a label like the
#      others, no threshold;
#   3. oos rows + threshold: as 2, plus the threshold chosen on val + oos_val.
# Every model is validated (early stopping, threshold) on val + oos_val and
# scored on test + oos_test: in-scope accuracy (an "oos" answer to an
# in-scope query is wrong), out-of-scope recall and precision. Prints a
# Markdown table (docs/training.md holds a run).
#
# Usage: bench/clinc150_oos.sh [BUILD_DIR] [SHARED_DIR] [THREADS] [TOLERANCE]
#   BUILD_DIR   a Release build with the tiny-ticket target (default: build)
#   SHARED_DIR  holds data/clinc150/data_full.json (default: ../shared)
#   THREADS     training threads (default 2)
#   TOLERANCE   in-scope validation accuracy the threshold may cost (default:
#               the trainer's, 0.01)
# Needs python3. Without the data it prints why and exits 0.
set -euo pipefail

build=${1:-build} shared=${2:-../shared} threads=${3:-2} tolerance=${4:-}
cli=$build/examples/tiny-ticket
data=$shared/data/clinc150/data_full.json
if [[ ! -f $data ]]; then
    echo "skipped: CLINC150 not found at $data"
    exit 0
fi
[[ -x $cli ]] || { echo "build $build lacks examples/tiny-ticket" >&2; exit 1; }

work=$build/bench-clinc150-oos
rm -rf "$work"
mkdir -p "$work"

python3 - "$data" "$work" "$tolerance" <<'PY'
import json, sys
data, work, tolerance = sys.argv[1], sys.argv[2], sys.argv[3]
with open(data, encoding="utf-8") as f:
    d = json.load(f)
def write(name, *splits):
    with open(f"{work}/{name}.jsonl", "w", encoding="utf-8") as f:
        for s in splits:
            for text, label in d[s]:
                f.write(json.dumps({"text": text, "label": label}, ensure_ascii=False) + "\n")
write("train", "train")
write("train_oos", "train", "oos_train")
write("valid", "val", "oos_val")
write("test", "test", "oos_test")
for name, oos in (("threshold", {"label": "oos"}), ("rows", {"label": "oos", "min_confidence": 0}),
                  ("rows_threshold", {"label": "oos"})):
    c = {"heads": [{"name": "label", "out_of_scope": oos}]}
    if tolerance:
        c["training"] = {"out_of_scope_tolerance": float(tolerance)}
    with open(f"{work}/{name}.config.json", "w") as f:
        json.dump(c, f)
PY

echo "| training rows | out-of-scope answer | threshold | test in-scope accuracy | test oos recall | test oos precision | train s |"
echo "|---|---|---|---|---|---|---|"
for run in threshold rows rows_threshold; do
    case $run in
        threshold) train=$work/train.jsonl what="train (15,000)" how="threshold only" ;;
        rows) train=$work/train_oos.jsonl what="train + oos_train (15,100)" how="\"oos\" label" ;;
        rows_threshold) train=$work/train_oos.jsonl what="train + oos_train (15,100)" how="\"oos\" label + threshold" ;;
    esac
    t0=$(date +%s.%N)
    "$cli" train --data "$train" --valid "$work/valid.jsonl" --config "$work/$run.config.json" --out "$work/$run.json" \
        --threads "$threads" >"$work/$run.train.out" 2>"$work/$run.train.err" \
        || { echo "train failed: $(tail -3 "$work/$run.train.err")" >&2; exit 1; }
    secs=$(python3 -c "import sys; print('%.0f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$t0" "$(date +%s.%N)")
    "$cli" eval --model "$work/$run.json" --data "$work/test.jsonl" --json "$work/$run.report.json" --threads "$threads" \
        >"$work/$run.eval.out" 2>"$work/$run.eval.err" || { echo "eval failed: $run" >&2; exit 1; }
    python3 - "$work/$run.json" "$work/$run.report.json" "$what" "$how" "$secs" <<'PY'
import json, sys
model, report, what, how, secs = sys.argv[1:]
t = json.load(open(model))["heads"][0]["out_of_scope"]["min_confidence"]
o = json.load(open(report))["out_of_scope"][0]
print(f"| {what} | {how} | {t:.4f} | {o['in_scope_accuracy']:.4f} | {o['recall']:.4f} | {o['precision']:.4f} | {secs} |")
PY
done
