#!/usr/bin/env bash
# `tiny-ticket eval --predictions`: another system's labels scored on the same
# gold as the model, side by side, with missing and extra ids reported.
set -euo pipefail
exe=$1 src=$2 shared=$3
model=$src/models/tiny_ticket-default-v6.json
[ -f "$model" ] || { echo "missing $model"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Gold: 8 rows labelled for intent, 4 of them for sentiment.
cat > "$tmp/gold.jsonl" <<'J'
{"id": "r1", "text": "I want my money back for the broken blender", "intent": "refund", "sentiment": "negative"}
{"id": "r2", "text": "where is my parcel, it was due yesterday", "intent": "order_tracking", "sentiment": "neutral"}
{"id": "r3", "text": "I cannot log in, the password reset mail never comes", "intent": "account_access", "sentiment": "negative"}
{"id": "r4", "text": "refund the double charge on my card please", "intent": "refund", "sentiment": "negative"}
{"id": "r5", "text": "this is the worst service I have ever had", "intent": "complaint"}
{"id": "r6", "text": "your team was wonderful, thank you so much", "intent": "praise"}
{"id": "r7", "text": "track order 4521 for me", "intent": "order_tracking"}
{"id": "r8", "text": "I returned the shoes two weeks ago and still no refund", "intent": "refund"}
J
# Another system's answers, in the shapes predict writes (labels, compact,
# full): intent right on r1 r2 r4 r5 r7, wrong on r3, an unknown label on r6,
# no line for r8, and an id the data does not have.
cat > "$tmp/llm.jsonl" <<'J'
{"id": "r1", "intent": "refund", "sentiment": "negative"}
{"id": "r2", "intent": {"label": "order_tracking", "confidence": 0.9}, "sentiment": {"label": "negative"}}
{"id": "r3", "intent": "refund", "sentiment": "negative"}
{"id": "r4", "intent": {"label": "refund", "confidence": 0.8, "review": false, "scores": {}}, "sentiment": "positive"}
{"id": "r5", "intent": "complaint"}
{"id": "r6", "intent": "compliment"}
{"id": "r7", "intent": "order_tracking"}
{"id": "zz", "intent": "refund"}
J
# One label per line in data order, for the intent head: right but for r5; r8 missing.
printf '%s\n' refund order_tracking account_access refund praise praise order_tracking > "$tmp/plain.txt"

"$exe" eval --model "$model" --data "$tmp/gold.jsonl" --predictions "$tmp/llm.jsonl" \
    --predictions "$tmp/plain.txt" --predictions-head intent --json "$tmp/report.json" > "$tmp/out.txt"
cat "$tmp/out.txt"
row() { grep -E "^  $1 +$2 " "$tmp/out.txt" || fail "no side-by-side row for $1 / $2"; }
# intent: 5 of 8 right. Macro-F1 over refund (2/3), order_tracking (1), account_access (0),
# complaint (1), praise (0): 8/3 / 5. The unusable rows: r6 (unknown label) and r8 (missing).
expect_row() {  # head, system, expected numbers "accuracy macro-F1 rows unusable" (macro-F1 "*": any)
    local got; got=$(row "$1" "$2" | awk '{print $3, $4, $5, $6}')
    [[ $got == $3 ]] || fail "$1 / $2: expected '$3', got '$got'"
}
expect_row intent "$tmp/llm.jsonl" "0.6250 0.5333 8 2"
# sentiment: 2 of 4 right; negative F1 2/3, neutral 0, positive (only predicted) 0.
expect_row sentiment "$tmp/llm.jsonl" "0.5000 0.2222 4 0"
# plain: 6 of 8 right (r5 wrong, r8 missing).
# Macro-F1: refund 4/5 (r8 missing), order_tracking 1, account_access 1, complaint 0, praise 2/3: 52/75.
expect_row intent "$tmp/plain.txt" "0.7500 0.6933 8 1"
grep -qF "$tmp/llm.jsonl: 8 predictions; 1 gold rows without a prediction (first: r8); 1 ids not in the data (first: zz); 1 labels not of head \"intent\" (first: \"compliment\")" "$tmp/out.txt" \
    || fail "missing/extra ids line"
grep -qF "$tmp/plain.txt: 7 lines; 1 gold rows without a prediction (first: row 8); 0 lines past the data" "$tmp/out.txt" \
    || fail "plain count line"
# The heads the file does not answer are not scored for it.
grep -qE "^  department +$tmp/llm.jsonl" "$tmp/out.txt" && fail "department has no predictions in llm.jsonl"

python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
r = json.load(open(d + "/report.json"))
p = {x["file"].rsplit("/", 1)[1]: x for x in r["predictions"]}
llm = p["llm.jsonl"]
assert llm["format"] == "jsonl" and llm["missing"] == 1 and llm["extra"] == 1, llm
assert llm["missing_examples"] == ["r8"] and llm["extra_examples"] == ["zz"], llm
assert abs(llm["heads"]["intent"]["accuracy"] - 0.625) < 1e-12, llm
assert abs(llm["heads"]["intent"]["macro_f1"] - 8 / 15) < 1e-12, llm
assert llm["heads"]["intent"]["unknown_labels"] == 1, llm
assert abs(llm["heads"]["sentiment"]["accuracy"] - 0.5) < 1e-12, llm
assert set(llm["heads"]) == {"intent", "sentiment"}, llm
assert p["plain.txt"]["format"] == "plain" and abs(p["plain.txt"]["heads"]["intent"]["accuracy"] - 0.75) < 1e-12
# The model's own figures beside them are those of the metrics section.
m = r["metrics"]["heads"]
assert llm["heads"]["intent"]["model_accuracy"] == m["intent"]["accuracy"]
PY

# The model's own predictions, written by predict, score exactly as the model.
"$exe" predict --model "$model" --data "$tmp/gold.jsonl" --id id --output compact > "$tmp/self.jsonl"
"$exe" eval --model "$model" --data "$tmp/gold.jsonl" --predictions "$tmp/self.jsonl" > "$tmp/self.txt"
for h in intent sentiment; do
    model_row=$(grep -E "^  $h +model " "$tmp/self.txt" | awk '{print $3, $4, $5}')
    self_row=$(grep -E "^  $h +$tmp/self.jsonl " "$tmp/self.txt" | awk '{print $3, $4, $5}')
    [[ -n $model_row && $model_row == "$self_row" ]] || fail "$h: model '$model_row' vs its own predictions '$self_row'"
done
# Without --id, predict --data numbers rows by line and eval matches by line too, on CSV data.
python3 - "$tmp" <<'PY'
import csv, json, sys
d = sys.argv[1]
rows = [json.loads(l) for l in open(d + "/gold.jsonl")]
with open(d + "/gold.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["text", "intent"])
    for r in rows:
        w.writerow([r["text"], r["intent"]])
PY
"$exe" predict --model "$model" --data "$tmp/gold.csv" --output labels > "$tmp/lines.jsonl"
"$exe" eval --model "$model" --data "$tmp/gold.csv" --predictions "$tmp/lines.jsonl" > "$tmp/lines.txt"
grep -qF "$tmp/lines.jsonl: 8 predictions; 0 gold rows without a prediction; 0 ids not in the data" "$tmp/lines.txt" \
    || fail "line-number ids: $(cat "$tmp/lines.txt")"

# Bad input: a clear error with file:line, no crash.
printf '%s\n' '{"id": "r1", "intent": "refund"}' '{not json' > "$tmp/bad.jsonl"
"$exe" eval --model "$model" --data "$tmp/gold.jsonl" --predictions "$tmp/bad.jsonl" > /dev/null 2> "$tmp/err.txt" && fail "bad JSON accepted"
grep -qF "[tiny_ticket.data] $tmp/bad.jsonl:2: expected a JSON object" "$tmp/err.txt" || fail "bad JSON message: $(cat "$tmp/err.txt")"
printf '%s\n' '{"intent": "refund"}' > "$tmp/noid.jsonl"
"$exe" eval --model "$model" --data "$tmp/gold.jsonl" --predictions "$tmp/noid.jsonl" > /dev/null 2> "$tmp/err.txt" && fail "no id accepted"
grep -qF "$tmp/noid.jsonl:1: expected an \"id\" field" "$tmp/err.txt" || fail "no id message: $(cat "$tmp/err.txt")"
"$exe" eval --model "$model" --data "$tmp/gold.jsonl" --predictions "$tmp/plain.txt" > /dev/null 2> "$tmp/err.txt" && fail "plain labels without a head accepted"
grep -qF -- "--predictions-head" "$tmp/err.txt" || fail "plain head message: $(cat "$tmp/err.txt")"
echo OK
