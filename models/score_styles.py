#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Per-head and per-style scores of a model's answers on a hand-written set.

Usage: models/score_styles.py GOLD.jsonl PREDICTIONS.jsonl [PREDICTIONS.jsonl ...]
  GOLD         rows with "id", the five heads and "style" (e.g. tests/data/eval2_tickets.jsonl)
  PREDICTIONS  `tiny-ticket predict --model M --data GOLD --id id --output labels`; with several
               files (e.g. the five fold models of models/cross_validate.sh) each figure is
               their mean

Prints, for all rows and for each style: intent, in-scope intent (an
out_of_scope answer counts wrong), the other four heads, all five heads right,
and out-of-scope answered / precision / recall. One pass over two files, so a
set is scored by a single `predict` run and the figures agree with `eval`.
"""
import json
import sys

HEADS = ("intent", "department", "sentiment", "lead_intent", "churn_risk")
OOS = "out_of_scope"


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def scores(pairs):
    n = len(pairs)
    out = {"n": n}
    for h in HEADS:
        out[h] = sum(g[h] == p[h] for g, p in pairs) / n
    ins = [(g, p) for g, p in pairs if g["intent"] != OOS]
    out["in_scope_intent"] = sum(g["intent"] == p["intent"] for g, p in ins) / len(ins) if ins else float("nan")
    out["five"] = sum(all(g[h] == p[h] for h in HEADS) for g, p in pairs) / n
    answered = [(g, p) for g, p in pairs if p["intent"] == OOS]
    gold_oos = [(g, p) for g, p in pairs if g["intent"] == OOS]
    hit = sum(g["intent"] == OOS for g, _ in answered)
    out["oos"] = (len(answered), hit / len(answered) if answered else float("nan"),
                  hit / len(gold_oos) if gold_oos else float("nan"), len(gold_oos))
    return out


def main(argv):
    if len(argv) < 3 or argv[1].startswith("-"):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    gold = read(argv[1])
    runs = []
    for path in argv[2:]:
        pred = {r["id"]: r for r in read(path)}
        missing = [g["id"] for g in gold if g["id"] not in pred]
        if missing:
            sys.stderr.write(f"score_styles: {path}: {len(missing)} gold ids have no prediction (first: {missing[0]})\n")
            return 1
        runs.append([(g, pred[g["id"]]) for g in gold])
    styles = list(dict.fromkeys(g.get("style", "") for g in gold))
    cols = ("intent", "in_scope_intent", "department", "sentiment", "lead_intent", "churn_risk", "five")
    print("| rows (tickets) | intent | in-scope intent | department | sentiment | lead_intent | churn_risk | five "
          "| oos answered / precision / recall (oos rows) |")
    print("|---|" + "---|" * (len(cols) + 1))
    for name in ["all"] + styles:
        per_run = [scores([(g, p) for g, p in pairs if name == "all" or g.get("style", "") == name]) for pairs in runs]
        mean = {c: sum(s[c] for s in per_run) / len(per_run) for c in cols}
        # precision is undefined for a run that answered out_of_scope nowhere: mean over the others
        oos = []
        for i in range(3):
            vals = [s["oos"][i] for s in per_run if s["oos"][i] == s["oos"][i]]
            oos.append(sum(vals) / len(vals) if vals else float("nan"))
        answered = f"{oos[0]:.0f}" if len(runs) == 1 else f"{oos[0]:.1f}"
        print(f"| {name or '(no style)'} ({per_run[0]['n']}) | " + " | ".join(f"{mean[c]:.3f}" for c in cols)
              + f" | {answered} / {oos[1]:.2f} / {oos[2]:.2f} ({per_run[0]['oos'][3]}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
