#!/usr/bin/env bash
# `tiny-ticket quantize`: both modes give a loadable artifact at most a third of
# the float one's size that predicts nearly the same labels; bad usage exits 2.
set -euo pipefail
exe=$1 src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
model=$src/models/tiny_ticket-default-v1.json
texts=$src/tests/data/eval_tickets.jsonl

"$exe" predict --model "$model" < "$texts" > "$tmp/float.jsonl"
for mode in weight-only full; do
  "$exe" quantize "$model" "$tmp/$mode.json" --mode "$mode" || fail "quantize --mode $mode"
  fsize=$(stat -c %s "$model"); qsize=$(stat -c %s "$tmp/$mode.json")
  [ $((qsize * 3)) -le "$fsize" ] || fail "$mode artifact is $qsize bytes, float $fsize: more than a third"
  grep -q "\"quantization\"" "$tmp/$mode.json" || fail "$mode artifact does not declare its quantization"
  "$exe" predict --model "$tmp/$mode.json" < "$texts" > "$tmp/$mode.jsonl"
  python3 - "$tmp/float.jsonl" "$tmp/$mode.jsonl" "$mode" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
assert len(a) == len(b) > 300, (len(a), len(b))
heads = [h for h in a[0] if isinstance(a[0][h], dict) and "label" in a[0][h]]
assert len(heads) == 5, heads
all_same = sum(all(x[h]["label"] == y[h]["label"] for h in heads) for x, y in zip(a, b)) / len(a)
for h in heads:
    same = sum(x[h]["label"] == y[h]["label"] for x, y in zip(a, b)) / len(a)
    assert same >= 0.98, (sys.argv[3], h, same)
assert all_same >= 0.95, (sys.argv[3], all_same)
print(f"{sys.argv[3]}: {all_same:.4f} of tickets identical on every head")
PY
done

set +e
"$exe" quantize "$model" "$tmp/x.json" --mode int4 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "int4" "$tmp/err" || fail "bad --mode: rc=$rc"
"$exe" quantize "$model" 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "missing OUT: rc=$rc"
"$exe" quantize "$tmp/nope.json" "$tmp/x.json" 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "nope.json" "$tmp/err" || fail "missing input: rc=$rc"
set -e
[ ! -e "$tmp/x.json" ] || fail "a failed quantize wrote its output"
echo "quantize cli ok"
