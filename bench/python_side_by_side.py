#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""BANKING77 from Python: tiny_ticket against fastText and scikit-learn, plus
the Python binding against the same predictions from C++.

    pip install ./python -r python/requirements-bench.txt
    python bench/python_side_by_side.py [--threads 2] [--rounds 3] [--passes 5]

For each system: training seconds (wall), test accuracy, and per-ticket
predict cost in microseconds (medians over passes over the 3,080 test texts):
one text per call ("single") and the whole test set in one call ("batch",
one thread). The C++ figures come from bench/python_side_by_side_timer.cpp,
compiled here against this checkout's headers and run on the model the
Python side trained, the same texts, in rounds alternating with the Python
passes so both see the same machine load.

Settings:
- tiny_ticket: the defaults of `tiny-ticket train` (no config), like
  bench/fasttext_side_by_side.cpp; `--threads` trainer threads.
- fastText (pip `fasttext`): supervised, softmax, dim 100, 100 epochs,
  lr 0.5, word bigrams, character 3-6-grams, 200k buckets, minCount 1 (the
  tuned reference of shared/data/README.md); lowercased with punctuation
  split off, as in the C++ side-by-side. Predict is timed on preprocessed text
  through the module's C++ entry points (`f.predict`, `multilinePredict`):
  the `predict()` wrapper of fasttext 0.9.3 fails on NumPy 2 for one text.
- scikit-learn: TF-IDF of word 1-2-grams and character 2-5-grams (char_wb,
  sublinear tf) into LinearSVC (C=1).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], [r["category"] for r in rows]


def accuracy(pred, gold):
    return sum(p == g for p, g in zip(pred, gold)) / len(gold)


def per_ticket_us(fn, n, passes):
    out = []
    for _ in range(passes):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1e6 / n)
    return out


def ft_preprocess(s: str) -> str:
    out = []
    for ch in s.lower():
        if ch in ".!?,'/()\":;":
            out.append(f" {ch} ")
        elif ch in "\n\r\t":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def build_timer(build_dir: Path) -> Path:
    """Compiles the C++ timer with the extension's optimization (-O3 -DNDEBUG)."""
    src = REPO / "bench" / "python_side_by_side_timer.cpp"
    exe = build_dir / "python_side_by_side_timer"
    if exe.exists() and exe.stat().st_mtime > src.stat().st_mtime:
        return exe
    build_dir.mkdir(parents=True, exist_ok=True)
    cxx = os.environ.get("CXX") or shutil.which("g++") or shutil.which("c++")
    includes = ["-I", str(REPO / "include")]
    cmd = [cxx, "-std=c++17", "-O3", "-DNDEBUG", *includes, str(src), "-o", str(exe), "-pthread"]
    print("compiling:", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)
    return exe


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data" / "banking77"))
    ap.add_argument("--threads", type=int, default=2, help="training threads of every system")
    ap.add_argument("--rounds", type=int, default=3, help="alternations of C++ and Python timing")
    ap.add_argument("--passes", type=int, default=5, help="passes over the test texts per round")
    ap.add_argument("--build-dir", default=str(REPO / "build-python-bench"))
    ap.add_argument("--skip", nargs="*", default=[], choices=["fasttext", "sklearn"])
    a = ap.parse_args()

    import tiny_ticket

    train_x, train_y = read_csv(Path(a.data) / "train.csv")
    test_x, test_y = read_csv(Path(a.data) / "test.csv")
    n = len(test_x)
    results = {}

    # ---- tiny_ticket
    print(f"tiny_ticket {tiny_ticket.__version__}: training (defaults, {a.threads} threads)...", file=sys.stderr)
    rows = [{"text": t, "category": c} for t, c in zip(train_x, train_y)]
    t0 = time.perf_counter()
    clf = tiny_ticket.train(rows, heads=["category"], threads=a.threads)
    tt_train = time.perf_counter() - t0
    labels = clf.labels["category"]
    arr = clf.predict_batch(test_x, threads=1, as_arrays=True)
    tt_acc = accuracy([labels[i] for i in arr["category"]["label_index"]], test_y)

    tmp = Path(tempfile.mkdtemp(prefix="tt-pybench-"))
    model_path = tmp / "banking77.json"
    clf.save(str(model_path))
    clf = tiny_ticket.load(str(model_path))  # time what a service would load
    texts_file = tmp / "test.txt"
    texts_file.write_text("".join(t + "\0" for t in test_x), encoding="utf-8")
    timer = build_timer(Path(a.build_dir))

    cpp_single, cpp_batch, py_single, py_dicts, py_arrays, py_arrays2 = [], [], [], [], [], []
    for r in range(a.rounds):
        print(f"timing round {r + 1}/{a.rounds}...", file=sys.stderr)
        out = subprocess.run([str(timer), str(model_path), str(texts_file), str(a.passes), "1"],
                             check=True, capture_output=True, text=True).stdout.split()
        cpp_single += [float(x) for x in out[0::2]]
        cpp_batch += [float(x) for x in out[1::2]]
        py_single += per_ticket_us(lambda: [clf.predict(t) for t in test_x], n, a.passes)
        py_dicts += per_ticket_us(lambda: clf.predict_batch(test_x, threads=1), n, a.passes)
        py_arrays += per_ticket_us(lambda: clf.predict_batch(test_x, threads=1, as_arrays=True), n, a.passes)
        py_arrays2 += per_ticket_us(lambda: clf.predict_batch(test_x, threads=2, as_arrays=True), n, a.passes)
    med = statistics.median
    results["tiny_ticket"] = (tt_train, tt_acc, med(py_single), med(py_arrays))

    # ---- fastText
    if "fasttext" not in a.skip:
        import fasttext

        ft_train_file = tmp / "ft_train.txt"
        ft_train_file.write_text(
            "".join(f"__label__{c} {ft_preprocess(t)}\n" for t, c in zip(train_x, train_y)), encoding="utf-8")
        print("fastText: training (100 epochs, bigrams, char 3-6)...", file=sys.stderr)
        t0 = time.perf_counter()
        ft = fasttext.train_supervised(input=str(ft_train_file), dim=100, epoch=100, lr=0.5, wordNgrams=2,
                                       minn=3, maxn=6, bucket=200000, minCount=1, loss="softmax",
                                       thread=a.threads, verbose=0)
        ft_train = time.perf_counter() - t0
        ft_x = [ft_preprocess(t) for t in test_x]
        ft_lines = [t + "\n" for t in ft_x]
        pred, _ = ft.predict(ft_x, k=1)
        ft_acc = accuracy([p[0][len("__label__"):] for p in pred], test_y)
        f = ft.f
        ft_single = per_ticket_us(lambda: [f.predict(t, 1, 0.0, "strict") for t in ft_lines], n,
                                  a.rounds * a.passes)
        ft_batch = per_ticket_us(lambda: f.multilinePredict(ft_lines, 1, 0.0, "strict"), n, a.rounds * a.passes)
        results["fastText"] = (ft_train, ft_acc, med(ft_single), med(ft_batch))

    # ---- scikit-learn
    if "sklearn" not in a.skip:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_pipeline, make_union
        from sklearn.svm import LinearSVC

        print("scikit-learn: training (TF-IDF word 1-2 + char 2-5, LinearSVC)...", file=sys.stderr)
        t0 = time.perf_counter()
        pipe = make_pipeline(
            make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                       TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            LinearSVC(C=1.0))
        pipe.fit(train_x, train_y)
        sk_train = time.perf_counter() - t0
        sk_acc = accuracy(pipe.predict(test_x), test_y)
        few = test_x[:300]  # one text per call costs ~0.5 ms: a subset is enough
        sk_single = per_ticket_us(lambda: [pipe.predict([t]) for t in few], len(few), 3)
        sk_batch = per_ticket_us(lambda: pipe.predict(test_x), n, 3)
        results["scikit-learn"] = (sk_train, sk_acc, med(sk_single), med(sk_batch))

    shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nBANKING77 test ({n} texts); predict medians per ticket, one thread; training {a.threads} threads\n")
    print("| system | train s | test accuracy | predict single µs | predict batch µs |")
    print("|---|---:|---:|---:|---:|")
    for name, (tr, acc, single, batch) in results.items():
        print(f"| {name} (Python) | {tr:.1f} | {acc:.4f} | {single:.2f} | {batch:.2f} |")
    print(f"| tiny_ticket (C++, same model) | | | {med(cpp_single):.2f} | {med(cpp_batch):.2f} |")
    print()
    print("| tiny_ticket per ticket, same texts | µs | vs C++ predict_batch |")
    print("|---|---:|---:|")
    cb = med(cpp_batch)
    for label, v in [("C++ predict_batch(threads=1)", cb),
                     ("C++ predict(text, workspace) loop", med(cpp_single)),
                     ("Python predict_batch(threads=1, as_arrays=True)", med(py_arrays)),
                     ("Python predict_batch(threads=1) -> dicts", med(py_dicts)),
                     ("Python predict(text) loop -> dicts", med(py_single)),
                     ("Python predict_batch(threads=2, as_arrays=True)", med(py_arrays2))]:
        print(f"| {label} | {v:.2f} | {v / cb:.2f}x |")
    ratio = med(py_arrays) / cb
    print(f"\ngoal: Python predict_batch within 1.5x of C++ predict_batch: {ratio:.2f}x "
          f"({'met' if ratio <= 1.5 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
