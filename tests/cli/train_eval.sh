#!/usr/bin/env bash
# `tiny-ticket train` then `tiny-ticket eval`, end to end on generated data.
set -euo pipefail
exe=$1 src=$2 shared=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Two heads; sentiment is labelled on a third of the rows only, and one line is broken.
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
groups = {
    "refund": ["i want a refund", "please refund my money", "refund the double charge", "give my money back",
               "refund for my order", "need a refund now"],
    "tracking": ["where is my package", "track my parcel", "has my parcel shipped", "tracking number for my package",
                 "when will the package arrive", "parcel delivery status"],
    "login": ["cannot log in to my account", "password reset is not working", "locked out of my account",
              "login says wrong password", "reset my password please", "account login fails"],
}
tails = ["", " today", " asap", " thanks", " please help", " for order 42", " again", " urgently"]
rows = []
for intent, texts in groups.items():
    for t in texts:
        for tail in tails:
            r = {"text": t + tail, "intent": intent}
            if len(rows) % 3 == 0:
                r["sentiment"] = "positive" if tail == " thanks" else "negative"
            rows.append(r)
with open(d + "/train.jsonl", "w") as f:
    for i, r in enumerate(rows):
        f.write(json.dumps(r) + "\n")
        if i == 10:
            f.write("{broken json\n")
with open(d + "/test.jsonl", "w") as f:
    for text, intent in [("could you refund my money", "refund"), ("where is the parcel now", "tracking"),
                         ("my password does not work", "login"), ("refund please", "refund"),
                         ("track the package", "tracking"), ("cannot login", "login")]:
        f.write(json.dumps({"text": text, "intent": intent}) + "\n")
with open(d + "/config.json", "w") as f:
    json.dump({"network": {"hidden": [24]}, "features": {"char_ngrams": {"buckets": 512}},
               "training": {"max_epochs": 15, "batch_size": 8, "learning_rate": 0.01, "validation_fraction": 0.2}}, f)
PY

"$exe" train --data "$tmp/train.jsonl" --out "$tmp/model.json" --config "$tmp/config.json" --seed 5 \
  > "$tmp/train.out" 2> "$tmp/train.err" || fail "train: $(cat "$tmp/train.err")"
[ -s "$tmp/model.json" ] || fail "no model written"
grep -q "train.jsonl:12" "$tmp/train.err" || fail "bad line not reported with file:line: $(cat "$tmp/train.err")"
grep -Eq "^(member 1/[0-9]+  )?epoch +1/15 .*loss [0-9.]+ .*valid macro-F1 [0-9.]+ .*intent=[0-9.]+.*sentiment=" "$tmp/train.err" \
  || fail "no per-epoch progress line: $(cat "$tmp/train.err")"
grep -q "== intent" "$tmp/train.out" || fail "no validation report on stdout"

# Same seed: byte-identical artifact, whatever the thread count.
"$exe" train --data "$tmp/train.jsonl" --out "$tmp/model2.json" --config "$tmp/config.json" --seed 5 --threads 2 --quiet \
  > /dev/null 2>&1 || fail "second train"
cmp -s "$tmp/model.json" "$tmp/model2.json" || fail "same seed gave different artifacts"

# --repeat FILE=N is N copies of --data FILE read after the --data files: the same artifact byte for byte.
"$exe" train --data "$tmp/train.jsonl" --data "$tmp/test.jsonl" --data "$tmp/test.jsonl" --data "$tmp/test.jsonl" \
  --out "$tmp/model3.json" --config "$tmp/config.json" --seed 5 --quiet > /dev/null 2>&1 || fail "train, --data x3"
"$exe" train --repeat "$tmp/test.jsonl=3" --data "$tmp/train.jsonl" --out "$tmp/model4.json" --config "$tmp/config.json" \
  --seed 5 --quiet > /dev/null 2> "$tmp/rep.err" || fail "train --repeat: $(cat "$tmp/rep.err")"
cmp -s "$tmp/model3.json" "$tmp/model4.json" || fail "--repeat FILE=3 differs from three --data FILE"
cmp -s "$tmp/model.json" "$tmp/model3.json" && fail "repeated rows did not change the model"
# --exclude-near drops training rows that paraphrase a held-out text ("refund please" ~ "refund please today").
"$exe" train --data "$tmp/train.jsonl" --exclude-near "$tmp/test.jsonl" --out "$tmp/model5.json" --config "$tmp/config.json" \
  --seed 5 > /dev/null 2> "$tmp/ex.err" || fail "train --exclude-near: $(cat "$tmp/ex.err")"
grep -Eq "exclude-near .*test.jsonl: [1-9][0-9]* training rows dropped, near [1-9][0-9]* of its 6 texts" "$tmp/ex.err" \
  || fail "--exclude-near did not report dropped rows: $(cat "$tmp/ex.err")"
for bad in "$tmp/test.jsonl" "$tmp/test.jsonl=0" "$tmp/test.jsonl=x" "=2" "$tmp/test.jsonl=1001"; do
  if "$exe" train --repeat "$bad" --out "$tmp/bad.json" --config "$tmp/config.json" > /dev/null 2> "$tmp/rep.err"; then
    fail "--repeat '$bad' accepted"
  fi
  grep -q "option --repeat expects FILE=N" "$tmp/rep.err" || fail "--repeat '$bad': $(cat "$tmp/rep.err")"
  [ -e "$tmp/bad.json" ] && fail "--repeat '$bad' wrote a model"
done

"$exe" eval --model "$tmp/model.json" --data "$tmp/test.jsonl" --json "$tmp/report.json" > "$tmp/eval.out" \
  || fail "eval failed"
grep -q "accuracy" "$tmp/eval.out" || fail "no metrics table"
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
r = json.load(open(d + "/report.json"))
m = r["metrics"]
h = m["heads"]["intent"]
assert h["examples"] == 6, h
assert h["accuracy"] >= 0.833, h  # 5 of 6 at least (the report rounds to 6 digits)
assert set(h["per_class"]) == {"login", "refund", "tracking"}, h["per_class"]
assert sum(map(sum, h["confusion"])) == 6
assert m["heads"]["sentiment"]["examples"] == 0
model = json.load(open(d + "/model.json"))
assert [x["name"] for x in model["heads"]] == ["intent", "sentiment"]
assert model["self_test"]["cases"], "no self-test cases"
assert model["metrics"]["validation"]["heads"]["intent"]["accuracy"] >= 0.9
print("train/eval round trip ok")
PY
"$exe" predict --model "$tmp/model.json" --text "please refund my money" \
  | python3 -c 'import json, sys; assert json.load(sys.stdin)["intent"]["label"] == "refund"' \
  || fail "trained model does not predict"

# Errors: usage errors exit 2, data/config errors exit 1 with the location.
set +e
"$exe" train --out "$tmp/m.json" 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "missing required option --data" "$tmp/err" || fail "missing --data: rc=$rc"
"$exe" train --data "$tmp/train.jsonl" 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "missing required option --out" "$tmp/err" || fail "missing --out: rc=$rc"
"$exe" train --data "$tmp/train.jsonl" --out "$tmp/m.json" --seed x 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "seed" "$tmp/err" || fail "bad --seed: rc=$rc"
"$exe" train --data "$tmp/nope.jsonl" --out "$tmp/m.json" 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "nope.jsonl" "$tmp/err" || fail "missing data file: rc=$rc"
: > "$tmp/empty.jsonl"
"$exe" train --data "$tmp/empty.jsonl" --out "$tmp/m.json" 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "empty.jsonl:1" "$tmp/err" || fail "empty file: rc=$rc $(cat "$tmp/err")"
echo '{"training": {"learning_rat": 0.1}}' > "$tmp/bad.json"
"$exe" train --data "$tmp/train.jsonl" --out "$tmp/m.json" --config "$tmp/bad.json" 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "bad.json:/training/learning_rat" "$tmp/err" || fail "unknown config key: rc=$rc $(cat "$tmp/err")"
"$exe" eval --model "$tmp/model.json" 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "missing required option --data" "$tmp/err" || fail "eval without --data: rc=$rc"
"$exe" eval --model "$tmp/nope.json" --data "$tmp/test.jsonl" 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "nope.json" "$tmp/err" || fail "eval missing model: rc=$rc"
set -e
# Captured, not piped: under pipefail, grep -q closing the pipe early can kill
# the writer with SIGPIPE and fail a check that matched.
help=$("$exe" train --help) && grep -q "usage: tiny-ticket train" <<<"$help" || fail "train --help"
help=$("$exe" eval --help) && grep -q "usage: tiny-ticket eval" <<<"$help" || fail "eval --help"
echo "train/eval cli ok"
