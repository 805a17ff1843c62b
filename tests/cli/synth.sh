#!/usr/bin/env bash
# `tiny-ticket synth`: deterministic output from the template files, found by
# default or with --templates, and clear errors for missing or broken ones.
set -euo pipefail
exe=$1 src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$exe" synth --count 300 --seed 9 > "$tmp/a.jsonl"
"$exe" synth --count 300 --seed 9 --templates "$src/tools/synth/templates" > "$tmp/b.jsonl"
cmp -s "$tmp/a.jsonl" "$tmp/b.jsonl" || fail "default templates and --templates of the same folder differ"
[ "$(wc -l < "$tmp/a.jsonl")" -eq 300 ] || fail "expected 300 lines"
"$exe" synth --count 300 --seed 10 > "$tmp/c.jsonl"
cmp -s "$tmp/a.jsonl" "$tmp/c.jsonl" && fail "another seed gave the same corpus"
python3 - "$tmp/a.jsonl" <<'PY'
import json, sys
keys = ["text", "department", "sentiment", "lead_intent", "churn_risk", "intent", "hinglish"]
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    row = json.loads(line)
    assert list(row) == keys, (n, list(row))
    assert row["text"].strip(), n
PY

# A copy of the templates with one file broken: the error names that file.
cp -r "$src/tools/synth/templates" "$tmp/tpl"
printf '{"broken": ' > "$tmp/tpl/phrases.json"
set +e
"$exe" synth --count 5 --templates "$tmp/tpl" > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "phrases.json" "$tmp/err" || fail "broken template: rc=$rc $(cat "$tmp/err")"
[ ! -s "$tmp/out" ] || fail "a failed synth wrote tickets"
"$exe" synth --count 5 --templates "$tmp/nowhere" 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "nowhere" "$tmp/err" || fail "missing templates folder: rc=$rc $(cat "$tmp/err")"
"$exe" synth --count 5 --out "$tmp/x.jsonl" --templates "$tmp/tpl" 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && [ ! -e "$tmp/x.jsonl" ] && [ ! -e "$tmp/x.jsonl.tmp" ] || fail "a failed synth left an output file"
set -e
echo "synth cli ok"
