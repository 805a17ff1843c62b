#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Five-fold cross-validation of a shipped-model recipe on the hand-written
# dev and tune tickets (tests/data/dev_tickets.jsonl, tune_tickets.jsonl).
# Fold k holds the tickets whose id hashes to k (CRC-32 of the id, mod 5);
# its model is trained on the generated corpus, the other four folds and the
# extra training files given (each repeated x20, as in the shipped recipe),
# and scored on fold k. Prints each head's accuracy averaged over the folds,
# then the same for any --score FILE (never trained on).
#
# Usage: models/cross_validate.sh BUILD_DIR WORK_DIR CONFIG [--extra FILE ...] [--score FILE ...] [--exclude-near FILE ...]
#                                   [--train-arg ARG ...]
#   BUILD_DIR  a Release build with examples/tiny-ticket
#   WORK_DIR   where the corpus, folds and models go (reused: the corpus is generated once)
#   CONFIG     the training configuration (e.g. models/default-config.json)
#   --train-arg ARG  passed to every `tiny-ticket train` as is (repeatable, one word each), e.g.
#              --train-arg --embeddings --train-arg none, so a recipe is scored exactly as shipped
# Example (the shipped v4 recipe):
#   models/cross_validate.sh build build/cv-v4 models/default-config.json \
#     --extra tests/data/train_tickets.jsonl --exclude-near tests/data/eval_tickets.jsonl
set -euo pipefail
[[ $# -ge 3 ]] || { sed -n '2,/^set -e/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }
build=$1 work=$2 config=$3
shift 3
src=$(cd "$(dirname "$0")/.." && pwd)
cli=$build/examples/tiny-ticket
[[ -x $cli ]] || { echo "cross_validate: $cli not found (build the tiny-ticket target)" >&2; exit 1; }
extra=() score=() near=() targs=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --extra) extra+=("$2"); shift 2 ;;
        --score) score+=("$2"); shift 2 ;;
        --exclude-near) near+=("$2"); shift 2 ;;
        --train-arg) targs+=("$2"); shift 2 ;;
        *) echo "cross_validate: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
mkdir -p "$work"
[[ -f $work/synth.jsonl ]] || "$cli" synth --count 72000 --seed 42 --hinglish 0.3 --out "$work/synth.jsonl"
python3 - "$src/tests/data" "$work" <<'PY'
import json, sys, zlib
data, work = sys.argv[1], sys.argv[2]
folds = [[] for _ in range(5)]
for name in ("dev_tickets.jsonl", "tune_tickets.jsonl"):
    with open(f"{data}/{name}", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                folds[zlib.crc32(json.loads(line)["id"].encode()) % 5].append(line)
for k in range(5):
    with open(f"{work}/fold{k}.jsonl", "w", encoding="utf-8") as f:
        f.writelines(folds[k])
    with open(f"{work}/rest{k}.jsonl", "w", encoding="utf-8") as f:
        for j in range(5):
            if j != k:
                f.writelines(folds[j])
PY
args=()
for f in "${extra[@]}"; do args+=(--repeat "$f=20"); done
for f in "${near[@]}"; do args+=(--exclude-near "$f"); done
args+=("${targs[@]}")
for k in 0 1 2 3 4; do
    "$cli" train --data "$work/synth.jsonl" --repeat "$work/rest$k.jsonl=20" "${args[@]}" \
        --config "$config" --out "$work/model$k.json" --quiet >"$work/train$k.log" 2>&1 ||
        { echo "cross_validate: training fold $k failed, see $work/train$k.log" >&2; exit 1; }
    "$cli" eval --model "$work/model$k.json" --data "$work/fold$k.jsonl" --config "$config" --json "$work/fold$k.report.json" >/dev/null 2>>"$work/eval$k.log"
    for s in "${score[@]}"; do
        "$cli" eval --model "$work/model$k.json" --data "$s" --config "$config" \
            --json "$work/$(basename "$s" .jsonl).$k.report.json" >/dev/null 2>>"$work/eval$k.log"
    done
    echo "fold $k done" >&2
done
python3 - "$work" "${score[@]}" <<'PY'
import json, os, sys
work, scored = sys.argv[1], sys.argv[2:]
def table(title, paths):
    acc = {}
    for p in paths:
        for name, h in json.load(open(p))["metrics"]["heads"].items():
            acc.setdefault(name, []).append(h["accuracy"])
    print(f"{title}: " + "  ".join(f"{n} {sum(v)/len(v):.3f}" for n, v in acc.items()))
table("dev+tune, 5 folds", [f"{work}/fold{k}.report.json" for k in range(5)])
for s in scored:
    b = os.path.basename(s)[:-len(".jsonl")]
    table(f"{b}, mean of the 5 fold models", [f"{work}/{b}.{k}.report.json" for k in range(5)])
PY
