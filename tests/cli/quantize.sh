#!/usr/bin/env bash
# `tiny-ticket quantize`: both modes give a loadable artifact at most a third of
# the float one's size that predicts nearly the same labels (measured with
# `eval --compare`); bad usage exits 2.
set -euo pipefail
exe=$1 src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
model=$src/models/tiny_ticket-default-v6.json
texts=$src/tests/data/eval_tickets.jsonl

for mode in weight-only full; do
  "$exe" quantize "$model" "$tmp/$mode.json" --mode "$mode" || fail "quantize --mode $mode"
  fsize=$(stat -c %s "$model"); qsize=$(stat -c %s "$tmp/$mode.json")
  [ $((qsize * 3)) -le "$fsize" ] || fail "$mode artifact is $qsize bytes, float $fsize: more than a third"
  grep -q "\"quantization\"" "$tmp/$mode.json" || fail "$mode artifact does not declare its quantization"
  # Agreement as eval --compare reports it (table and JSON report).
  "$exe" eval --model "$model" --data "$texts" --compare "$tmp/$mode.json" --json "$tmp/$mode-eval.json" \
    > "$tmp/$mode-eval.txt" || fail "eval --compare $mode"
  grep -q "== agreement with $tmp/$mode.json" "$tmp/$mode-eval.txt" || fail "eval --compare printed no agreement"
  grep -q "every head" "$tmp/$mode-eval.txt" || fail "eval --compare printed no every-head line"
  python3 - "$tmp/$mode-eval.json" "$mode" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))["agreement"]
assert g["rows"] > 300, g
assert len(g["heads"]) == 5, g
for h, same in g["heads"].items():
    assert same / g["rows"] >= 0.98, (sys.argv[2], h, same)
assert g["every_head"] / g["rows"] >= 0.95, (sys.argv[2], g)
print(f"{sys.argv[2]}: {g['every_head'] / g['rows']:.4f} of tickets identical on every head")
PY
done
# A model is in full agreement with itself.
"$exe" eval --model "$tmp/full.json" --data "$texts" --compare "$tmp/full.json" > "$tmp/self.txt"
grep -E "^  every head +([0-9]+) +\1 +100.00%" "$tmp/self.txt" > /dev/null || fail "a model disagrees with itself"

set +e
"$exe" quantize "$model" "$tmp/x.json" --mode int4 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "int4" "$tmp/err" || fail "bad --mode: rc=$rc"
"$exe" quantize "$model" 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "missing OUT: rc=$rc"
"$exe" quantize "$tmp/nope.json" "$tmp/x.json" 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "nope.json" "$tmp/err" || fail "missing input: rc=$rc"
# --compare with a model of other heads names the file and the head.
python3 - "$tmp/full.json" "$tmp/renamed.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["heads"][0]["name"] = "renamed"
m.pop("self_test", None)
m.pop("data", None)  # its column mapping names the old head
json.dump(m, open(sys.argv[2], "w"))
PY
"$exe" eval --model "$model" --data "$texts" --compare "$tmp/renamed.json" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "renamed.json" "$tmp/err" && grep -q "head named" "$tmp/err" || fail "--compare other heads: rc=$rc $(cat "$tmp/err")"
"$exe" eval --model "$model" --data "$texts" --compare 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "--compare without a file: rc=$rc"
set -e
[ ! -e "$tmp/x.json" ] || fail "a failed quantize wrote its output"
echo "quantize cli ok"
