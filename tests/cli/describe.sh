#!/usr/bin/env bash
# `tiny-ticket describe`: prints every head of the shipped model with its
# review thresholds and each label with the description docs/label-descriptions.json
# gave it (text and --json); --set writes descriptions into an artifact and
# changes nothing else (same predictions; an empty set rewrites the same
# bytes); bad description files fail with the file and JSON path.
set -euo pipefail
exe=$1 src=$2
model=$src/models/tiny_ticket-default-v6.json
descriptions=$src/docs/label-descriptions.json
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$exe" describe --model "$model" > "$tmp/text"
"$exe" describe --model "$model" --json > "$tmp/json"
python3 - "$tmp/text" "$tmp/json" "$descriptions" "$model" <<'PY'
import json, os, re, sys
text = open(sys.argv[1]).read()
got = json.load(open(sys.argv[2]))
want = json.load(open(sys.argv[3]))
assert got["file_bytes"] == os.path.getsize(sys.argv[4]), got["file_bytes"]
assert got["producer"].startswith("tiny_ticket "), got["producer"]
assert got["weights"] == "float" and got["memory_bytes"] > got["file_bytes"] // 2, got
assert [h["name"] for h in got["heads"]] == ["department", "sentiment", "lead_intent", "churn_risk", "intent"]
for h in got["heads"]:
    d = {l["label"]: l["description"] for l in h["labels"]}
    assert d == want[h["name"]], (h["name"], d)
    assert re.search(r"^%s \(%s, %d labels; review below confidence %g or margin %g\)$" % (
        h["name"], h["kind"], len(d), h["review"]["min_confidence"], h["review"]["min_margin"]), text, re.M), h["name"]
    for label, what in d.items():
        assert re.search(r"^  %s +%s$" % (re.escape(label), re.escape(what)), text, re.M), (label, what)
print("describe lists every head and label with its description")
PY

# --set: a subset of labels of one head; the other heads keep theirs.
cat > "$tmp/set.json" <<'JSON'
{"intent": {"refund": "wants money back (set by the test)"}}
JSON
"$exe" describe --model "$model" --set "$tmp/set.json" --out "$tmp/m2.json" 2>/dev/null
"$exe" describe --model "$tmp/m2.json" --json > "$tmp/json2"
python3 - "$tmp/json2" "$descriptions" <<'PY'
import json, sys
got = {h["name"]: {l["label"]: l["description"] for l in h["labels"]} for h in json.load(open(sys.argv[1]))["heads"]}
want = json.load(open(sys.argv[2]))
assert got["intent"]["refund"] == "wants money back (set by the test)"
assert all(v == "" for k, v in got["intent"].items() if k != "refund"), got["intent"]
assert got["department"] == want["department"]
PY
"$exe" predict --model "$model" < "$src/examples/data/tickets.txt" > "$tmp/p1"
"$exe" predict --model "$tmp/m2.json" < "$src/examples/data/tickets.txt" > "$tmp/p2"
cmp -s "$tmp/p1" "$tmp/p2" || fail "descriptions changed predictions"
echo '{}' > "$tmp/empty.json"
"$exe" describe --model "$model" --set "$tmp/empty.json" --out "$tmp/same.json" 2>/dev/null
cmp -s "$model" "$tmp/same.json" || fail "an empty --set did not rewrite the same bytes"

# Errors: exit 1 with the file and JSON path; usage errors exit 2.
expect() {  # STATUS MESSAGE-PART ARGS...
  local want=$1 part=$2 status=0
  shift 2
  "$exe" describe "$@" > /dev/null 2> "$tmp/err" || status=$?
  [ "$status" = "$want" ] || fail "describe $*: exit $status, expected $want: $(cat "$tmp/err")"
  grep -qF -- "$part" "$tmp/err" || fail "describe $*: message lacks '$part': $(cat "$tmp/err")"
}
echo '{"intent": {"refnd": "typo"}}' > "$tmp/bad_label.json"
expect 1 "[tiny_ticket.value] $tmp/bad_label.json:/intent/refnd: \"refnd\" is not a label of this head" \
  --model "$model" --set "$tmp/bad_label.json" --out "$tmp/x.json"
echo '{"topic": {"a": "b"}}' > "$tmp/bad_head.json"
expect 1 "$tmp/bad_head.json:/topic: \"topic\" is not a head of this model" --model "$model" --set "$tmp/bad_head.json" --out "$tmp/x.json"
echo '{"intent": {"refund": 3}}' > "$tmp/bad_type.json"
expect 1 "[tiny_ticket.type] $tmp/bad_type.json:/intent/refund: expected a string, got an integer" \
  --model "$model" --set "$tmp/bad_type.json" --out "$tmp/x.json"
echo '{"intent": ' > "$tmp/bad_json.json"
expect 1 "[tiny_ticket.parse] $tmp/bad_json.json:/" --model "$model" --set "$tmp/bad_json.json" --out "$tmp/x.json"
[ ! -e "$tmp/x.json" ] || fail "a failed --set wrote its output"
expect 2 "--set and --out go together" --model "$model" --set "$tmp/set.json"
expect 2 "missing required option --model" --json
expect 1 "no such file" --model "$tmp/none.json"
# A model with no descriptions lists bare labels.
python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); [h.pop("descriptions",None) for h in m["heads"]]; json.dump(m,open(sys.argv[2],"w"))' "$model" "$tmp/plain.json"
"$exe" describe --model "$tmp/plain.json" > "$tmp/plain.txt"
grep -qx '  refund' "$tmp/plain.txt" || fail "a label without description is not listed bare"
echo "describe OK"
