#!/usr/bin/env bash
# The hand-written ticket files in tests/data: well-formed rows, labels of the
# shipped model's heads, unique ids and texts, and the counts their README states.
set -euo pipefail
exe=$1 src=$2 shared=$3
python3 - "$src" <<'PY'
import glob, json, os, re, sys
src = sys.argv[1]
models = sorted(glob.glob(os.path.join(src, "models", "tiny_ticket-default-v*.json")))
assert models, "no shipped model"
model = json.load(open(models[-1]))
heads = {h["name"]: set(h["labels"]) for h in model["heads"]}
assert set(heads) == {"department", "sentiment", "lead_intent", "churn_risk", "intent"}, heads
keys = ["id", "text", *heads, "hinglish"]
prefix = {"eval_tickets.jsonl": "ev", "dev_tickets.jsonl": "dv", "tune_tickets.jsonl": "tn", "train_tickets.jsonl": "tr",
          "eval2_tickets.jsonl": "e2", "negation_tickets.jsonl": "ng", "oos_train_tickets.jsonl": "oo",
          "negation_train_tickets.jsonl": "nt", "eval3_tickets.jsonl": "e3",
          "style_train_tickets.jsonl": "st"}
# The newer sets carry a writing style (eval2, negation, eval3) and may answer
# "none of the intents" (out_of_scope).
styled = {"eval2_tickets.jsonl", "negation_tickets.jsonl", "eval3_tickets.jsonl", "style_train_tickets.jsonl"}
with_oos = {"eval2_tickets.jsonl", "negation_tickets.jsonl", "oos_train_tickets.jsonl", "negation_train_tickets.jsonl",
            "eval3_tickets.jsonl", "style_train_tickets.jsonl"}
files = sorted(glob.glob(os.path.join(src, "tests", "data", "*.jsonl")))
assert {os.path.basename(f) for f in files} == set(prefix), files
ids, counts = set(), {}
for path in files:
    name = os.path.basename(path)
    texts = set()
    n = 0
    for line_no, line in enumerate(open(path, encoding="utf-8"), 1):
        where = f"{name}:{line_no}"
        row = json.loads(line)
        want = keys + (["style"] if name in styled else [])
        assert sorted(row) == sorted(want), f"{where}: keys {sorted(row)}"
        n += 1
        assert row["id"] == f"{prefix[name]}-{n:04d}", f"{where}: id {row['id']} out of sequence"
        assert row["id"] not in ids, f"{where}: duplicate id"
        ids.add(row["id"])
        text = row["text"]
        assert isinstance(text, str) and text.strip(), f"{where}: empty text"
        assert text.strip().lower() not in texts, f"{where}: repeated text"
        texts.add(text.strip().lower())
        for h, labels in heads.items():
            if h == "intent" and name in with_oos:
                labels = labels | {"out_of_scope"}
            assert row[h] in labels, f"{where}: {h} label {row[h]!r} not in {sorted(labels)}"
        assert isinstance(row["hinglish"], bool), f"{where}: hinglish must be true or false"
    counts[name] = n

# The sizes the data README and models/README.md quote.
readme = open(os.path.join(src, "tests", "data", "README.md"), encoding="utf-8").read()
for name, n in counts.items():
    assert re.search(rf"\b{n:,}\b|\b{n}\b", readme), f"tests/data/README.md does not state {name}'s {n} rows"
# The schema, label and near-duplicate checks of the sets' own script.
import subprocess
subprocess.run([sys.executable, os.path.join(src, "tests", "data", "check_sets.py")], check=True,
               stdout=subprocess.DEVNULL)
print("data files ok:", ", ".join(f"{k} {v}" for k, v in counts.items()))
PY
