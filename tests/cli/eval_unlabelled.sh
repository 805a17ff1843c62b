#!/usr/bin/env bash
# `eval` on data that labels only some of the model's heads: a head with no
# labelled row is reported as such (text and --json), not as accuracy 0.
set -euo pipefail
exe=$1 src=$2
model=$src/models/tiny_ticket-default-v6.json
[ -f "$model" ] || { echo "missing $model"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# department and sentiment labelled; lead_intent, churn_risk and intent not.
cat > "$tmp/gold.jsonl" <<'J'
{"id": "a", "text": "I was charged twice for my order, please refund", "department": "billing", "sentiment": "negative"}
{"id": "b", "text": "the app crashes when I open settings", "department": "technical", "sentiment": "negative"}
{"id": "c", "text": "thanks, the delivery was quick", "department": "general", "sentiment": "positive"}
J
"$exe" eval --model "$model" --data "$tmp/gold.jsonl" --json "$tmp/report.json" > "$tmp/eval.txt" 2> "$tmp/err.txt"
cat "$tmp/eval.txt"
for h in lead_intent churn_risk intent; do
    grep -qx "== $h  no labelled rows: not scored" "$tmp/eval.txt" || fail "$h: no 'no labelled rows' line"
    grep -q "^== $h .*accuracy" "$tmp/eval.txt" && fail "$h: an accuracy printed for a head without labelled rows"
done
grep -q "^  intent .*out_of_scope .*no labelled rows$" "$tmp/eval.txt" || fail "out-of-scope section: no 'no labelled rows'"
for h in department sentiment; do
    grep -q "^== $h  (3 labelled)   accuracy [01]\.[0-9]\{4\}" "$tmp/eval.txt" || fail "$h: its accuracy line is missing"
done
python3 - "$tmp/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
heads = r["metrics"]["heads"]
for h in ("lead_intent", "churn_risk", "intent"):
    x = heads[h]
    assert x["examples"] == 0 and x["accuracy"] is None and x["macro_f1"] is None, x
    assert x["note"] == "no labelled rows", x
for h in ("department", "sentiment"):
    x = heads[h]
    assert x["examples"] == 3 and isinstance(x["accuracy"], (int, float)) and "note" not in x, x
oos = r["out_of_scope"][0]
assert oos["head"] == "intent" and oos["note"] == "no labelled rows" and oos["recall"] is None, oos
# The mean is over labelled heads only.
mean = (heads["department"]["accuracy"] + heads["sentiment"]["accuracy"]) / 2
assert abs(r["metrics"]["mean_accuracy"] - mean) < 1e-5, (r["metrics"]["mean_accuracy"], mean)
print("ok: unlabelled heads reported as such")
PY
