#!/usr/bin/env bash
# `tiny-ticket train --embeddings FILE|none` and the configuration's
# features.embedding.{pretrained,freeze}: pretrained word vectors in the
# embedding block, stored as int8 rows; errors name the file and JSON path.
set -euo pipefail
exe=$1 src=$2 shared=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

python3 - "$tmp" <<'PY'
import base64, json, struct, sys
d = sys.argv[1]
groups = {
    "refund": ["i want a refund", "please refund my money", "refund the double charge", "give my money back",
               "refund for my order", "need a refund now"],
    "tracking": ["where is my package", "track my parcel", "has my parcel shipped", "tracking number for my package",
                 "when will the package arrive", "parcel delivery status"],
    "login": ["cannot log in to my account", "password reset is not working", "locked out of my account",
              "login says wrong password", "reset my password please", "account login fails"],
}
tails = ["", " today", " asap", " thanks", " please help", " again"]
with open(d + "/train.jsonl", "w") as f:
    for intent, texts in groups.items():
        for t in texts:
            for tail in tails:
                f.write(json.dumps({"text": t + tail, "intent": intent}) + "\n")
words = ["refund", "money", "package", "parcel", "password", "login", "account", "reimbursement"]
dim = 6
q = bytes(((i * 7 + c * 13) % 255 - 127) & 0xFF for i in range(len(words)) for c in range(dim))
scale = b"".join(struct.pack("<f", (i + 1) / 100) for i in range(len(words)))
vec = {"format": "tiny_ticket.word_vectors", "version": 1, "name": "toy-vectors", "dim": dim, "count": len(words),
       "base_model": "none", "license": "MIT", "method": "made up", "tool": "tests/cli/embeddings.sh", "words": words,
       "vectors": {"dtype": "i8", "shape": [len(words), dim], "base64": base64.b64encode(q).decode(),
                   "scale": {"dtype": "f32", "shape": [len(words)], "base64": base64.b64encode(scale).decode()}}}
json.dump(vec, open(d + "/vectors.json", "w"))
bad = dict(vec, count=len(words) + 1)
json.dump(bad, open(d + "/bad_count.json", "w"))
bad = json.loads(json.dumps(vec)); bad["vectors"]["base64"] = "%" + vec["vectors"]["base64"][1:]
json.dump(bad, open(d + "/bad_b64.json", "w"))
json.dump(dict(vec, format="tiny_ticket"), open(d + "/bad_format.json", "w"))
json.dump({"features": {"embedding": {"pretrained": "vectors.json", "freeze": False}}}, open(d + "/tuned.json", "w"))
PY

run() { "$exe" train --data "$tmp/train.jsonl" --seed 5 --threads 1 "$@"; }

# An explicit file: used, frozen or fine-tuned as the validation split says.
run --embeddings "$tmp/vectors.json" --out "$tmp/with.json" >"$tmp/with.out" 2>"$tmp/with.err" || { cat "$tmp/with.err"; fail "train --embeddings"; }
grep -q '^embeddings: .*vectors.json (toy-vectors, 8 words x 6)' "$tmp/with.err" || { cat "$tmp/with.err"; fail "no embeddings line on load"; }
grep -Eq '^embeddings: (frozen|fine-tuned) \(toy-vectors, [0-9]+ words x 6\); validation mean macro-F1 frozen [0-9.]+ fine-tuned [0-9.]+$' "$tmp/with.err" \
    || { cat "$tmp/with.err"; fail "no choice line"; }
python3 - "$tmp/with.json" <<'PY' || fail "artifact without int8 pretrained rows"
import json, sys
e = json.load(open(sys.argv[1]))["features"]["embedding"]
assert e["source"] == "toy-vectors", e.get("source")
assert e["weights"]["dtype"] == "i8", e["weights"]["dtype"]
assert e["unk"] == -1 and e["dim"] == 6
assert set(e["vocab"]) <= {"refund", "money", "package", "parcel", "password", "login", "account"}, e["vocab"]
PY
# The artifact predicts (and its self-tests pass on load).
echo "could you refund my money" | "$exe" predict --model "$tmp/with.json" --output labels | grep -q '"intent":"refund"' \
    || fail "the model with vectors does not predict"
# Same seed, same artifact.
run --embeddings "$tmp/vectors.json" --out "$tmp/with2.json" --quiet >/dev/null 2>&1
cmp -s "$tmp/with.json" "$tmp/with2.json" || fail "training with vectors is not deterministic"

# Through the configuration (a path relative to it), fine-tuned as it says.
run --config "$tmp/tuned.json" --out "$tmp/tuned.model.json" >/dev/null 2>"$tmp/tuned.err" || { cat "$tmp/tuned.err"; fail "config pretrained"; }
grep -q '^embeddings: fine-tuned (toy-vectors' "$tmp/tuned.err" || { cat "$tmp/tuned.err"; fail "config freeze false not honoured"; }

# none: no embedding block at all, as before the vectors existed.
run --embeddings none --out "$tmp/none.json" >/dev/null 2>"$tmp/none.err" || fail "train --embeddings none"
grep -q '^embeddings' "$tmp/none.err" && { cat "$tmp/none.err"; fail "--embeddings none mentions embeddings"; }
python3 -c "import json,sys; assert 'embedding' not in json.load(open(sys.argv[1]))['features']" "$tmp/none.json" \
    || fail "--embeddings none wrote an embedding block"
# ...and --embeddings none overrides the configuration's file.
run --config "$tmp/tuned.json" --embeddings none --out "$tmp/none2.json" --quiet >/dev/null 2>&1
cmp -s "$tmp/none.json" "$tmp/none2.json" || fail "--embeddings none does not override the config"

# Bad files: an error naming the file and the JSON path, exit 1, no artifact.
check_bad() {  # file, expected message part
    local rc=0
    run --embeddings "$tmp/$1" --out "$tmp/bad.model.json" >/dev/null 2>"$tmp/bad.err" || rc=$?
    [[ $rc == 1 ]] || { cat "$tmp/bad.err"; fail "$1: exit $rc, expected 1"; }
    grep -qF -- "$2" "$tmp/bad.err" || { cat "$tmp/bad.err"; fail "$1: expected '$2' in the error"; }
    [[ ! -e $tmp/bad.model.json ]] || fail "$1: an artifact was written"
}
check_bad bad_count.json "[tiny_ticket.shape] $tmp/bad_count.json:/words: expected 9 words"
check_bad bad_b64.json "[tiny_ticket.base64] $tmp/bad_b64.json:/vectors/base64"
check_bad bad_format.json "[tiny_ticket.version] $tmp/bad_format.json:/format"
check_bad missing.json "[tiny_ticket.io] $tmp/missing.json"
rc=0; run --embeddings "" --out "$tmp/x.json" >/dev/null 2>"$tmp/empty.err" || rc=$?
[[ $rc == 2 ]] || { cat "$tmp/empty.err"; fail "--embeddings '' exit $rc, expected 2 (usage)"; }

# --init: the initial model's features are used, the vectors are not.
run --init "$tmp/with.json" --embeddings "$tmp/vectors.json" --out "$tmp/init.json" >/dev/null 2>"$tmp/init.err" \
    || { cat "$tmp/init.err"; fail "--init with vectors"; }
grep -q 'the word vectors "toy-vectors" are not' "$tmp/init.err" || { cat "$tmp/init.err"; fail "--init: no warning about the vectors"; }
echo ok
