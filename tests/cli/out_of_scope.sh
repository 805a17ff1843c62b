#!/usr/bin/env bash
# Out-of-scope answers end to end: an artifact whose intent head has an
# out-of-scope label, what predict writes for it, what eval reports, and
# train choosing the threshold on --valid rows.
set -euo pipefail
exe=$1 src=$2 shared=$3
model=$src/models/tiny_ticket-default-v6.json
[ -f "$model" ] || { echo "missing $model"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The shipped model without an out-of-scope answer (plain.json), and with
# "general_query" as the intent head's out-of-scope label, answered below a
# top probability of 0.6 (oos.json).
python3 - "$model" "$tmp" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for h in m["heads"]:
    if h["name"] == "intent":
        h.pop("out_of_scope", None)
json.dump(m, open(sys.argv[2] + "/plain.json", "w"))
for h in m["heads"]:
    if h["name"] == "intent":
        h["out_of_scope"] = {"label": "general_query", "min_confidence": 0.6}
json.dump(m, open(sys.argv[2] + "/oos.json", "w"))
rows = [("I want my money back for the broken blender", "refund"),
        ("where is my parcel, it was due yesterday", "order_tracking"),
        ("out of office until Monday, reply later", "general_query"),
        ("hello", "general_query"),
        ("ok", "general_query"),
        ("the app crashes every time I log in", "technical_issue"),
        ("please cancel my subscription", "cancellation"),
        ("thanks", "general_query"),
        ("asdf qwerty", "general_query"),
        ("your team was wonderful, thank you so much", "praise")]
with open(sys.argv[2] + "/gold.jsonl", "w") as f:
    for i, (t, l) in enumerate(rows):
        f.write(json.dumps({"id": f"g{i}", "text": t, "intent": l}) + "\n")
PY
"$exe" predict --model "$tmp/plain.json" --data "$tmp/gold.jsonl" --id id > "$tmp/plain.jsonl"
"$exe" predict --model "$tmp/oos.json" --data "$tmp/gold.jsonl" --id id > "$tmp/full.jsonl"
"$exe" predict --model "$tmp/oos.json" --data "$tmp/gold.jsonl" --id id --output compact > "$tmp/compact.jsonl"
"$exe" predict --model "$tmp/oos.json" --data "$tmp/gold.jsonl" --id id --output compact --format tsv > "$tmp/compact.tsv"
"$exe" eval --model "$tmp/oos.json" --data "$tmp/gold.jsonl" --json "$tmp/report.json" > "$tmp/eval.txt"
cat "$tmp/eval.txt"
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
plain = [json.loads(l) for l in open(d + "/plain.jsonl")]
full = [json.loads(l) for l in open(d + "/full.jsonl")]
compact = [json.loads(l) for l in open(d + "/compact.jsonl")]
gold = [json.loads(l) for l in open(d + "/gold.jsonl")]
flagged = 0
for p, f, c in zip(plain, full, compact):
    a, b = p["intent"], f["intent"]
    assert "out_of_scope" not in a, a  # heads without the label write what they always did
    expect = a["confidence"] < 0.6 or a["label"] == "general_query"
    assert b["out_of_scope"] is expect and c["intent"]["out_of_scope"] is expect, (a, b, c)
    assert b["label"] == ("general_query" if expect else a["label"]), (a, b)
    assert c["intent"]["label"] == b["label"]
    assert b["confidence"] == a["confidence"] and b["scores"] == a["scores"], (a, b)
    assert list(b) == ["confidence", "label", "out_of_scope", "review", "scores"], list(b)
    assert list(c["intent"]) == ["label", "confidence", "review", "out_of_scope"], c
    for h in ("department", "sentiment"):
        assert "out_of_scope" not in f[h] and "out_of_scope" not in c[h]
    flagged += expect
assert 0 < flagged < len(plain), flagged
header = open(d + "/compact.tsv").readline().rstrip("\n").split("\t")
assert header[-1] == "intent.out_of_scope" and "department.out_of_scope" not in header, header
# eval's out-of-scope section, recomputed from what predict wrote.
said = [f["intent"]["out_of_scope"] for f in full]
oos = [g["intent"] == "general_query" for g in gold]
caught = sum(s and o for s, o in zip(said, oos))
in_scope = [i for i, o in enumerate(oos) if not o]
right = sum(full[i]["intent"]["label"] == gold[i]["intent"] for i in in_scope)
r = json.load(open(d + "/report.json"))["out_of_scope"]
assert len(r) == 1 and r[0]["head"] == "intent" and r[0]["label"] == "general_query", r
x = r[0]
assert x["out_of_scope"] == sum(oos) and x["caught"] == caught and x["answered"] == sum(said), (x, said, oos)
assert abs(x["recall"] - caught / sum(oos)) < 1e-12 and abs(x["precision"] - caught / sum(said)) < 1e-12, x
assert x["in_scope"] == len(in_scope) and abs(x["in_scope_accuracy"] - right / len(in_scope)) < 1e-12, x
text = open(d + "/eval.txt").read()
line = [l for l in text.splitlines() if l.startswith("  intent ") and "general_query" in l]
assert line, text
v = line[-1].split()
assert v[2:5] == [str(len(in_scope)), str(sum(oos)), str(sum(said))], v
assert v[5:8] == ["%.4f" % x["precision"], "%.4f" % x["recall"], "%.4f" % x["in_scope_accuracy"]], v
PY

# A bad value in the artifact: the JSON path, no crash.
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
m = json.load(open(d + "/oos.json"))
for h in m["heads"]:
    if h["name"] == "intent":
        h["out_of_scope"]["label"] = "spam"
json.dump(m, open(d + "/bad.json", "w"))
PY
"$exe" predict --model "$tmp/bad.json" --text hello > /dev/null 2> "$tmp/err.txt" && fail "unknown out-of-scope label accepted"
grep -qF "[tiny_ticket.value] $tmp/bad.json:/heads/4/out_of_scope/label: expected one of the head's labels, got \"spam\"" "$tmp/err.txt" \
    || fail "message: $(cat "$tmp/err.txt")"

# train: out-of-scope rows only in --valid; the label is added to the head and
# its threshold chosen on them.
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
groups = {"refund": ["i want a refund", "please refund my money", "refund the double charge", "give my money back"],
          "tracking": ["where is my package", "track my parcel", "has my parcel shipped", "when will the package arrive"],
          "login": ["cannot log in to my account", "password reset is not working", "locked out of my account", "login fails"]}
tails = ["", " today", " asap", " thanks", " please help", " for order 42", " again", " urgently"]
with open(d + "/train.jsonl", "w") as f:
    for intent, texts in groups.items():
        for t in texts:
            for tail in tails:
                f.write(json.dumps({"text": t + tail, "intent": intent}) + "\n")
with open(d + "/valid.jsonl", "w") as f:
    for t, l in [("refund my money please", "refund"), ("where is the parcel now", "tracking"), ("my password fails", "login"),
                 ("refund please", "refund"), ("track the package", "tracking"), ("cannot login today", "login"),
                 ("out of office until monday", "none"), ("cheap watches for sale", "none"), ("lunch at noon?", "none")]:
        f.write(json.dumps({"text": t, "intent": l}) + "\n")
json.dump({"heads": [{"name": "intent", "out_of_scope": {"label": "none"}}],
           "network": {"hidden": [16]}, "features": {"char_ngrams": {"buckets": 256}},
           "training": {"max_epochs": 5, "out_of_scope_tolerance": 0.2}}, open(d + "/config.json", "w"))
json.dump({"heads": [{"name": "intent", "out_of_scope": {"label": "none", "min_confidence": 2}}]}, open(d + "/bad_config.json", "w"))
PY
"$exe" train --data "$tmp/train.jsonl" --valid "$tmp/valid.jsonl" --config "$tmp/config.json" --out "$tmp/trained.json" \
    > /dev/null 2> "$tmp/train.err" || fail "train: $(tail -5 "$tmp/train.err")"
grep -qE '^out of scope intent \("none"\): min_confidence [0-9.]+; on 6 in-scope \+ 3 out-of-scope validation rows' "$tmp/train.err" \
    || fail "train report: $(cat "$tmp/train.err")"
grep -q 'got "none"' "$tmp/train.err" && fail "the out-of-scope label of --valid is no warning"
python3 - "$tmp/trained.json" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))["heads"][0]
assert h["labels"] == ["login", "refund", "tracking", "none"], h["labels"]
assert h["out_of_scope"]["label"] == "none" and 0 <= h["out_of_scope"]["min_confidence"] <= 1, h["out_of_scope"]
PY
"$exe" train --data "$tmp/train.jsonl" --config "$tmp/bad_config.json" --out "$tmp/x.json" > /dev/null 2> "$tmp/err.txt" \
    && fail "threshold 2 accepted"
grep -qF "/heads/0/out_of_scope/min_confidence" "$tmp/err.txt" || fail "config message: $(cat "$tmp/err.txt")"
echo OK
