#!/usr/bin/env bash
# `tiny-ticket predict`: the output contract, stdin modes, and error handling.
set -euo pipefail
exe=$1 src=$2 shared=$3
# The shipped model: this contract needs no third-party data.
model=$src/models/tiny_ticket-default-v4.json
[ -f "$model" ] || { echo "missing $model"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$exe" predict --model "$model" --text "I was charged twice and need a refund" > "$tmp/one.json"
printf '%s\n' '{"id": "a1", "text": "where is my parcel"}' 'plain text refund please' '{"id": 7, "text": "pricing for enterprise plan?"}' '{not json' '{"id": "x"}' \
  | "$exe" predict --model "$model" > "$tmp/many.jsonl" && fail "bad lines must give a non-zero exit" || true
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
one = json.load(open(d + "/one.json"))
heads = {"department", "sentiment", "lead_intent", "churn_risk", "intent"}
assert set(one) == heads, one.keys()
for h, v in one.items():
    assert set(v) >= {"label", "confidence", "scores"}, v
    assert v["label"] in v["scores"], v
    assert abs(sum(v["scores"].values()) - 1) < 1e-5, v
    assert abs(v["scores"][v["label"]] - v["confidence"]) < 1e-9
    assert max(v["scores"].values()) == v["confidence"] or h == "churn_risk"
assert one["intent"]["label"] in ("refund", "billing_issue"), one["intent"]
lines = [json.loads(l) for l in open(d + "/many.jsonl")]
assert len(lines) == 5, len(lines)
assert lines[0]["id"] == "a1" and "intent" in lines[0]
assert "id" not in lines[1] and "intent" in lines[1]
assert lines[2]["id"] == 7
assert "error" in lines[3] and "stdin:4" in lines[3]["error"]
assert lines[4]["id"] == "x" and "text" in lines[4]["error"]
print("predict output contract ok")
PY

# Argument errors: exit 2 with a message naming the problem.
set +e
"$exe" predict --text hi 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "missing required option --model" "$tmp/err" || fail "missing --model: rc=$rc $(cat "$tmp/err")"
"$exe" predict --model "$model" --bogus 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "unknown option --bogus" "$tmp/err" || fail "unknown option: rc=$rc"
"$exe" predict --model "$tmp/nope.json" --text hi 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "nope.json" "$tmp/err" || fail "missing model file: rc=$rc"
echo '{"format": "tiny_ticket", "version": 99}' > "$tmp/new.json"
"$exe" predict --model "$tmp/new.json" --text hi 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "newer than this library" "$tmp/err" || fail "newer version: rc=$rc $(cat "$tmp/err")"
"$exe" frobnicate 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "unknown command" "$tmp/err" || fail "unknown command: rc=$rc"
help=$("$exe" predict --help) && grep -q "usage: tiny-ticket predict" <<<"$help" || fail "--help"
echo "predict cli ok"
