#!/usr/bin/env bash
# `tiny-ticket convert`: a converted reference export predicts exactly what
# the export itself predicts, in both weight encodings; bad input fails cleanly.
set -euo pipefail
exe=$1 src=$2 shared=$3
ref=$shared/compat/tickets-inf
# The reference export is third-party data beside the checkout: without it
# there is nothing to convert, which ctest reports as skipped (77), not passed.
[ -f "$ref/model.json" ] || { echo "skipped: the reference export $ref/model.json is not there (set TINY_TICKET_SHARED_DIR)"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$exe" convert "$ref/model.json" "$tmp/native.json"
"$exe" convert "$ref/model.json" "$tmp/arrays.json" --arrays
"$exe" convert "$tmp/native.json" "$tmp/again.json"
cmp -s "$tmp/native.json" "$tmp/again.json" || fail "converting a native artifact changed it"
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
n, a = json.load(open(d + "/native.json")), json.load(open(d + "/arrays.json"))
assert n["format"] == a["format"] == "tiny_ticket", n.get("format")
assert n["features"]["keywords"]["match"] == "substring"
assert isinstance(n["trunk"][0]["weights"], dict) and isinstance(a["trunk"][0]["weights"], list)
PY

# A spread of golden lines: questions, edge cases (URLs, numbers, Hinglish,
# control characters) and the longest text.
{ head -n 40 "$ref/golden.jsonl"; grep '"id":"edge-' "$ref/golden.jsonl"; } > "$tmp/lines.jsonl"
[ "$(wc -l < "$tmp/lines.jsonl")" -gt 60 ] || fail "too few golden lines selected"
"$exe" predict --model "$ref/model.json" < "$tmp/lines.jsonl" > "$tmp/ref.out"
for m in native arrays; do
  "$exe" predict --model "$tmp/$m.json" < "$tmp/lines.jsonl" > "$tmp/$m.out"
  diff -q "$tmp/ref.out" "$tmp/$m.out" > /dev/null || { diff "$tmp/ref.out" "$tmp/$m.out" | head -5; fail "$m predictions differ"; }
done
[ "$(wc -l < "$tmp/ref.out")" -eq "$(wc -l < "$tmp/lines.jsonl")" ] || fail "one output line per input line"
"$exe" predict --model "$tmp/native.json" --text "I was charged twice, refund pls" > "$tmp/a"
"$exe" predict --model "$ref/model.json" --text "I was charged twice, refund pls" > "$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || fail "--text predictions differ"

set +e
"$exe" convert "$ref/model.json" 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "expected IN.json and OUT.json" "$tmp/err" || fail "missing OUT: rc=$rc $(cat "$tmp/err")"
"$exe" convert "$ref/model.json" "$tmp/x.json" --bogus 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "unknown option --bogus" "$tmp/err" || fail "unknown option: rc=$rc"
echo '{"version": 2, "vocab": {}, "layers": {}, "heads": {}}' > "$tmp/v2.json"
"$exe" convert "$tmp/v2.json" "$tmp/out.json" 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "v2.json:/version" "$tmp/err" || fail "version 2: rc=$rc $(cat "$tmp/err")"
[ ! -e "$tmp/out.json" ] || fail "a failed convert left an output file"
"$exe" convert "$tmp/nope.json" "$tmp/out.json" 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "nope.json" "$tmp/err" || fail "missing input: rc=$rc"
help=$("$exe" convert --help) && grep -q "usage: tiny-ticket convert" <<<"$help" || fail "--help"
echo "convert cli ok"
