#!/usr/bin/env bash
# `tiny-ticket train --init MODEL [--freeze-trunk] --review-target P`: start
# from a trained model, keep its heads, learn review thresholds.
set -euo pipefail
exe=$1 src=$2 shared=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

python3 - "$tmp" <<'PY'
import csv, sys
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
with open(d + "/base.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["text", "intent"])
    for intent, texts in groups.items():
        for t in texts:
            for tail in tails:
                w.writerow([t + tail, intent])
# The user's own head, on other rows.
urgent = ["refund now or i call my bank", "my package is lost", "account hacked help", "urgent password reset",
          "need the parcel today", "refund immediately"]
calm = ["a refund question when you have time", "just curious where my package is", "no rush on the login issue",
        "a small question about my account", "whenever possible track it", "no hurry for the refund"]
with open(d + "/mine.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["text", "urgency"])
    for r in range(4):
        for u, c in zip(urgent, calm):
            sfx = "" if r == 0 else f" {r}"
            w.writerow([u + sfx, "high"])
            w.writerow([c + sfx, "low"])
PY

"$exe" train --data "$tmp/base.csv" --out "$tmp/base.json" --seed 3 >/dev/null 2>"$tmp/base.err" \
  || fail "base train: $(cat "$tmp/base.err")"
grep -Eq "^capacity: words <= [0-9]+ \(auto\), bigrams <= [0-9]+ \(auto\), char buckets [0-9]+ \(auto\), hidden \[[0-9]+\] \(auto\), ensemble 1 \(auto\)" "$tmp/base.err" \
  || fail "no capacity line: $(cat "$tmp/base.err")"
grep -Eq "^review intent: min_confidence 0\.[0-9]+, coverage [0-9.]+% at accuracy [0-9.]+ on [0-9]+ validation rows \(target 0\.950" "$tmp/base.err" \
  || fail "no review line: $(cat "$tmp/base.err")"

"$exe" train --data "$tmp/mine.csv" --init "$tmp/base.json" --freeze-trunk --review-target 0.9 --out "$tmp/mine.json" \
  --seed 3 >"$tmp/mine.out" 2>"$tmp/mine.err" || fail "train --init: $(cat "$tmp/mine.err")"
grep -q "(initial model)" "$tmp/mine.err" || fail "capacity line does not name the initial model: $(cat "$tmp/mine.err")"
grep -Eq "^review urgency: .*\(target 0\.900" "$tmp/mine.err" || fail "--review-target not used: $(cat "$tmp/mine.err")"

python3 - "$tmp/base.json" "$tmp/mine.json" <<'PY' || fail "artifact check"
import json, sys
base, mine = (json.load(open(p)) for p in sys.argv[1:3])
assert mine["normalizer"] == base["normalizer"], "normalizer differs"
assert mine["features"] == base["features"], "features differ"
assert mine["trunk"] == base["trunk"], "frozen trunk changed"
names = [h["name"] for h in mine["heads"]]
assert names == ["urgency", "intent"], names
kept, orig = mine["heads"][1], base["heads"][0]
for k in ("weights", "bias", "labels", "review"):
    assert kept[k] == orig[k], "kept head changed: " + k
assert mine["heads"][0]["review"]["min_confidence"] > 0, "no learned threshold"
assert base["heads"][0]["review"]["min_confidence"] > 0, "no learned threshold in the base model"
print("ok")
PY

# Without --freeze-trunk the trunk trains.
"$exe" train --data "$tmp/mine.csv" --init "$tmp/base.json" --out "$tmp/thawed.json" --seed 3 >/dev/null 2>"$tmp/thawed.err" \
  || fail "train --init (not frozen): $(cat "$tmp/thawed.err")"
python3 -c "
import json, sys
a, b = json.load(open('$tmp/base.json')), json.load(open('$tmp/thawed.json'))
# The vocabularies stay the initial model's; a pretrained embedding table is
# a trained weight like the trunk's, so only its rows' words must match.
def words(m):
    f = dict(m['features'])
    e = f.pop('embedding', None) or {}
    return f, e.get('vocab'), e.get('dim')
sys.exit(0 if a['trunk'] != b['trunk'] and words(a) == words(b) else 1)" || fail "unfrozen trunk did not train"

# eval reports coverage of the learned thresholds.
"$exe" eval --model "$tmp/mine.json" --data "$tmp/mine.csv" >"$tmp/eval.out" 2>"$tmp/eval.err" || fail "eval: $(cat "$tmp/eval.err")"
grep -q "coverage" "$tmp/eval.out" || fail "eval shows no coverage: $(cat "$tmp/eval.out")"

# Bad usage.
set +e
"$exe" train --data "$tmp/mine.csv" --freeze-trunk --out "$tmp/x.json" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q -- "--freeze-trunk needs --init" "$tmp/err" || fail "--freeze-trunk alone: rc $rc $(cat "$tmp/err")"
"$exe" train --data "$tmp/mine.csv" --review-target 1.5 --out "$tmp/x.json" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q -- "review-target" "$tmp/err" || fail "--review-target 1.5: rc $rc $(cat "$tmp/err")"
"$exe" train --data "$tmp/mine.csv" --init "$tmp/none.json" --out "$tmp/x.json" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "none.json" "$tmp/err" || fail "missing --init model: rc $rc $(cat "$tmp/err")"
set -e
[ ! -e "$tmp/x.json" ] || fail "a model was written despite the errors"
echo "ok"
