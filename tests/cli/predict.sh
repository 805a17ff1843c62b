#!/usr/bin/env bash
# `tiny-ticket predict`: the output contract, stdin modes, and error handling.
set -euo pipefail
exe=$1 src=$2 shared=$3
# The shipped model: this contract needs no third-party data.
model=$src/models/tiny_ticket-default-v6.json
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
assert lines[1]["id"] == 2 and "intent" in lines[1], "plain text lines get their line number as id"
assert lines[2]["id"] == 7
assert "error" in lines[3] and "stdin:4" in lines[3]["error"]
assert lines[4]["id"] == "x" and "text" in lines[4]["error"]
print("predict output contract ok")
PY

# The output modes and formats, over one input with every kind of line: ids of
# each JSON type, extra keys (the DOM fallback), escapes, non-ASCII, plain text.
{
  printf '%s\n' '{"id": "a1", "text": "where is my parcel"}' '{"text": "refund \"now\"\tplease", "id": 12}' \
    'plain text, with "quotes" and a comma' '{"id": 1.5, "text": "pricing for enterprise plan?", "lang": "en"}' \
    '{"id": null, "text": "app crashes"}' '{"id": {"k": [1, 2]}, "text": "cancel my plan"}' \
    '{"id": "t\u00e9st\n2", "text": "caf\u00e9 r\u00e9servation annul\u00e9e"}' '{"id": -3, "text": ""}' \
    '   {"id": "sp", "text": "leading spaces"}' '{"id": "u", "text": "paisa wapas karo \ud83d\ude00"}'
  for i in $(seq 1 300); do printf '{"id": "r%d", "text": "ticket %d: my order %d is late, refund?"}\n' "$i" "$i" "$i"; done
} > "$tmp/in.jsonl"
for mode in full compact labels; do
  "$exe" predict --model "$model" --output "$mode" --threads 1 < "$tmp/in.jsonl" > "$tmp/$mode.jsonl" || fail "--output $mode"
  # "default": no --threads, one thread per core.
  for threads in default 2 3; do
    opt=(--threads "$threads" --chunk 7); [ "$threads" = default ] && opt=()
    "$exe" predict --model "$model" --output "$mode" "${opt[@]}" < "$tmp/in.jsonl" > "$tmp/t.jsonl" || fail "--threads $threads"
    cmp -s "$tmp/t.jsonl" "$tmp/$mode.jsonl" || fail "--output $mode --threads $threads differs from one thread"
  done
  for format in tsv csv; do
    [ $mode = full ] && continue
    "$exe" predict --model "$model" --output "$mode" --format $format --threads 1 < "$tmp/in.jsonl" > "$tmp/$mode.$format" || fail "--format $format"
    "$exe" predict --model "$model" --output "$mode" --format $format --threads 2 --chunk 5 < "$tmp/in.jsonl" > "$tmp/t.$format"
    cmp -s "$tmp/t.$format" "$tmp/$mode.$format" || fail "--format $format --threads 2 differs from one thread"
  done
done
python3 - "$tmp" <<'PY'
import csv, io, json, sys
d = sys.argv[1]
heads = ["department", "sentiment", "lead_intent", "churn_risk", "intent"]
full = [l.rstrip("\n") for l in open(d + "/full.jsonl", encoding="utf-8")]
compact = [json.loads(l) for l in open(d + "/compact.jsonl", encoding="utf-8")]
labels = [json.loads(l) for l in open(d + "/labels.jsonl", encoding="utf-8")]
n = 310
assert len(full) == len(compact) == len(labels) == n, (len(full), len(compact), len(labels))
ids = ["a1", 12, 3, 1.5, None, {"k": [1, 2]}, "t\u00e9st\n2", -3, "sp", "u"] + ["r%d" % i for i in range(1, 301)]

def dump(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False, sort_keys=True)

for i, line in enumerate(full):
    obj = json.loads(line)
    assert obj["id"] == ids[i], (i, obj.get("id"), ids[i])
    # The historical bytes: nlohmann's dump of a sorted object (Python's
    # shortest float repr agrees with nlohmann's), with "id" moved first.
    rest = {k: v for k, v in obj.items() if k != "id"}
    want = '{"id":' + dump(obj["id"]) + "," + dump(rest)[1:]
    assert line == want, (i, line[:200], want[:200])
    assert list(rest) == sorted(heads), list(rest)
    for h in heads:
        v = rest[h]
        assert v["scores"][v["label"]] == v["confidence"]
        c, l = compact[i], labels[i]
        assert list(c) == ["id"] + heads and list(l) == ["id"] + heads, (list(c), list(l))
        # A head with an out-of-scope label (the shipped intent head) also says whether it answered it.
        want = {"label": v["label"], "confidence": v["confidence"], "review": v["review"]}
        if "out_of_scope" in v:
            want["out_of_scope"] = v["out_of_scope"]
        assert c[h] == want, (c[h], v)
        assert list(c[h]) == list(want)
        assert l[h] == v["label"]

def text_id(v):
    if isinstance(v, str): return v
    return dump(v)

for fmt, delim in (("tsv", "\t"), ("csv", ",")):
    for mode in ("labels", "compact"):
        raw = open(d + "/%s.%s" % (mode, fmt), encoding="utf-8", newline="").read()
        assert raw.endswith("\n"), (fmt, mode)
        if fmt == "tsv":
            # One record per line: tabs and newlines inside fields are escaped.
            lines = raw[:-1].split("\n")
            rows = [[f.replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r").replace("\\\\", "\\")
                     for f in l.split("\t")] for l in lines]
        else:
            rows = list(csv.reader(io.StringIO(raw, newline="")))
        assert len(rows) == n + 1, (fmt, mode, len(rows))
        # compact: label, confidence, review per head, and out_of_scope for a
        # head that has an out-of-scope label (the shipped intent head).
        oos = [h for h in heads if "out_of_scope" in compact[0][h]]
        cols = lambda h: (h, h + ".confidence", h + ".review") + ((h + ".out_of_scope",) if h in oos else ())
        want = ["id"] + (heads if mode == "labels" else [c for h in heads for c in cols(h)])
        assert rows[0] == want, (fmt, mode, rows[0])
        for i, row in enumerate(rows[1:]):
            assert len(row) == len(want), (fmt, mode, i, row)
            assert row[0] == text_id(ids[i]), (fmt, mode, i, row[0], ids[i])
            for k, h in enumerate(heads):
                if mode == "labels":
                    assert row[1 + k] == labels[i][h]
                else:
                    at = want.index(h)
                    assert row[at] == compact[i][h]["label"]
                    assert float(row[at + 1]) == compact[i][h]["confidence"]
                    assert row[at + 2] == ("true" if compact[i][h]["review"] else "false")
                    if h in oos:
                        assert row[at + 3] == ("true" if compact[i][h]["out_of_scope"] else "false")
print("output modes and formats ok")
PY
# --text takes the same options.
"$exe" predict --model "$model" --text "refund please" --output labels > "$tmp/one.labels"
grep -q '^{"department":"[a-z_]*","sentiment":' "$tmp/one.labels" || fail "--text --output labels: $(cat "$tmp/one.labels")"
"$exe" predict --model "$model" --text "refund please" --output compact --format csv > "$tmp/one.csv"
[ "$(wc -l < "$tmp/one.csv")" = 2 ] && head -1 "$tmp/one.csv" | grep -q '^id,department,department.confidence,' || fail "--text csv: $(cat "$tmp/one.csv")"

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
for bad in "--output brief" "--format xml" "--output full --format tsv" "--output labels --explain" "--threads -1"; do
  "$exe" predict --model "$model" $bad < /dev/null > /dev/null 2> "$tmp/err"; rc=$?
  [ $rc -eq 2 ] || fail "predict $bad: rc=$rc, expected 2: $(cat "$tmp/err")"
done
"$exe" frobnicate 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "unknown command" "$tmp/err" || fail "unknown command: rc=$rc"
help=$("$exe" predict --help) && grep -q "usage: tiny-ticket predict" <<<"$help" || fail "--help"
echo "predict cli ok"
