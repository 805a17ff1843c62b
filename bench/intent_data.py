#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes BANKING77 and CLINC150 (in-scope) in the layout the side-by-side
benchmarks train and score on, so every script sees the same rows.

Usage: bench/intent_data.py SHARED_DATA_DIR WORK_DIR

For each set, WORK_DIR/<set>/ gets {train,test,train_k5,train_k20}.jsonl
(`{"text", "label"}`: a head named "label", not a name of the shipped model's
heads, so `train --init` adds it as a new head), the same rows as fastText
`__label__` lines (`.ft`: lowercased, punctuation split off, as in fastText's
own examples), test.txt and test.gold, and the few-shot subsets: k rows per
label of the training split, seeded (20260 + k).
"""
import csv, json, os, random, re, sys
if len(sys.argv) != 3:
    sys.exit("usage: bench/intent_data.py SHARED_DATA_DIR WORK_DIR")
data, work = sys.argv[1], sys.argv[2]

def banking(name):
    with open(f"{data}/banking77/{name}.csv", newline="", encoding="utf-8") as f:
        return [(r["text"], r["category"]) for r in csv.DictReader(f)]

with open(f"{data}/clinc150/data_full.json", encoding="utf-8") as f:
    clinc = json.load(f)

def ft_text(t):
    t = re.sub(r"([.!?,'/()\":;])", r" \1 ", t.lower())
    return " ".join(t.split())

def write(set_name, split, rows):
    d = f"{work}/{set_name}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/{split}.jsonl", "w", encoding="utf-8") as j, open(f"{d}/{split}.ft", "w", encoding="utf-8") as t:
        for text, label in rows:
            j.write(json.dumps({"text": text, "label": label}, ensure_ascii=False) + "\n")
            t.write(f"__label__{label} {ft_text(text)}\n")
    if split == "test":
        with open(f"{d}/test.txt", "w", encoding="utf-8") as t, open(f"{d}/test.gold", "w", encoding="utf-8") as g:
            for text, label in rows:
                t.write(ft_text(text) + "\n")
                g.write(label + "\n")

sets = {"banking77": (banking("train"), banking("test")),
        "clinc150": ([tuple(x) for x in clinc["train"]], [tuple(x) for x in clinc["test"]])}
for name, (train, test) in sets.items():
    write(name, "train", train)
    write(name, "test", test)
    for k in (5, 20):
        by = {}
        for row in train:
            by.setdefault(row[1], []).append(row)
        rng = random.Random(20260 + k)
        few = []
        for label in sorted(by):
            few.extend(rng.sample(by[label], k))
        rng.shuffle(few)
        write(name, f"train_k{k}", few)
