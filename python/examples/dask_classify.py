# SPDX-License-Identifier: MIT
"""Classify a partitioned JSONL archive with Dask, each worker loading the model once.

    python python/examples/dask_classify.py --model models/tiny_ticket-default-v6.json \
        --input 'archive/part-*.jsonl' --output labels.parquet --workers 2

Each input file is one partition of ``{"id", "text", ...}`` lines. Every
partition goes through ``Classifier.predict_batch(..., as_arrays=True)``
(C++ with the GIL released); ``tiny_ticket.cached_load`` loads the model once
per worker process, so tasks carry a path, not the model.

``--make-archive N`` first writes an archive of N tickets (the project's
evaluation tickets, repeated) to measure throughput:

    python python/examples/dask_classify.py --make-archive 400000 --input /tmp/archive \
        --model models/tiny_ticket-default-v6.json --workers 1 2
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import time
from pathlib import Path
from typing import List, Optional, Sequence

import pandas as pd

import tiny_ticket

def classify_frame(df: pd.DataFrame, model_path: str, threads: int = 1) -> pd.DataFrame:
    """One partition: ids plus, per head, the label and its confidence."""
    # Loaded on the worker process's first task, then reused: the task ships
    # a path, never the model.
    clf = tiny_ticket.cached_load(model_path)
    out = pd.DataFrame({"id": df["id"].to_numpy()})
    if len(df) == 0:
        for head in clf.heads:
            out[head] = pd.Series([], dtype=object)
            out[head + "_confidence"] = pd.Series([], dtype="float32")
        return out
    arrays = clf.predict_batch(df["text"].tolist(), threads=threads, as_arrays=True)
    for head in clf.heads:
        labels = pd.Categorical.from_codes(arrays[head]["label_index"], clf.labels[head])
        out[head] = labels.astype(object)
        out[head + "_confidence"] = arrays[head]["confidence"]
    return out


def _meta(model_path: str) -> pd.DataFrame:
    clf = tiny_ticket.load(model_path)
    cols = {"id": pd.Series([], dtype=object)}
    for head in clf.heads:
        cols[head] = pd.Series([], dtype=object)
        cols[head + "_confidence"] = pd.Series([], dtype="float32")
    return pd.DataFrame(cols)


def read_partition(path: str) -> pd.DataFrame:
    """One JSONL file, only the columns the classifier needs (ids as str)."""
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return pd.DataFrame({"id": [str(r["id"]) for r in rows], "text": [r["text"] for r in rows]})


def classify_archive(paths: Sequence[str], model_path: str, client=None, threads_per_task: int = 1) -> pd.DataFrame:
    """Classifies every file of `paths` (one partition each) on `client`'s cluster."""
    import dask
    import dask.dataframe as dd

    parts = [dask.delayed(read_partition)(p) for p in paths]
    meta_in = pd.DataFrame({"id": pd.Series([], dtype=object), "text": pd.Series([], dtype=object)})
    ddf = dd.from_delayed(parts, meta=meta_in, verify_meta=False)
    result = ddf.map_partitions(classify_frame, model_path, threads_per_task, meta=_meta(model_path))
    frame = client.compute(result).result() if client is not None else result.compute()
    return frame.reset_index(drop=True)


def classify_one_process(paths: Sequence[str], model_path: str) -> pd.DataFrame:
    """The reference: the same files classified in this process, no Dask."""
    df = pd.concat([read_partition(p) for p in paths], ignore_index=True)
    return classify_frame(df, model_path)


def make_archive(folder: str, tickets: int, partitions: int, source: Path) -> List[str]:
    """Writes `tickets` lines (the evaluation tickets, repeated) as `partitions` files."""
    texts = [json.loads(l)["text"] for l in source.read_text(encoding="utf-8").splitlines() if l.strip()]
    os.makedirs(folder, exist_ok=True)
    for old in glob.glob(os.path.join(folder, "part-*.jsonl")):
        os.remove(old)
    per = (tickets + partitions - 1) // partitions
    paths, n = [], 0
    for p in range(partitions):
        path = os.path.join(folder, f"part-{p:04d}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for _ in range(min(per, tickets - n)):
                f.write(json.dumps({"id": f"t{n}", "text": texts[n % len(texts)]}, ensure_ascii=False) + "\n")
                n += 1
        paths.append(path)
    return paths


def main(argv: Optional[Sequence[str]] = None) -> int:
    repo = Path(__file__).resolve().parents[2]
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=str(repo / "models" / "tiny_ticket-default-v6.json"))
    ap.add_argument("--input", required=True, help="a glob of JSONL files, or a folder of part-*.jsonl")
    ap.add_argument("--output", help="write the labels here (.parquet or .csv)")
    ap.add_argument("--workers", type=int, nargs="+", default=[2], help="worker processes; several values: one run each")
    ap.add_argument("--threads", type=int, default=1, help="predict_batch threads per task")
    ap.add_argument("--make-archive", type=int, metavar="N", help="first write N tickets into --input (a folder)")
    ap.add_argument("--partitions", type=int, default=16)
    ap.add_argument("--check", action="store_true", help="compare with one process (no Dask)")
    a = ap.parse_args(argv)

    if a.make_archive:
        paths = make_archive(a.input, a.make_archive, a.partitions, repo / "tests" / "data" / "eval_tickets.jsonl")
    else:
        pattern = os.path.join(a.input, "part-*.jsonl") if os.path.isdir(a.input) else a.input
        paths = sorted(glob.glob(pattern))
    if not paths:
        ap.error(f"no input files match {a.input}")

    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    reference = classify_one_process(paths, a.model)
    single = time.perf_counter() - t0
    n = len(reference)
    print(f"one process, no Dask: {n} tickets in {single:.2f} s = {n / single:,.0f} tickets/s")
    result = None
    for workers in a.workers:
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            # Warm-up: starts the workers' Python, imports and loads the model once each.
            classify_archive(paths[:workers], a.model, client)
            t0 = time.perf_counter()
            result = classify_archive(paths, a.model, client, a.threads)
            secs = time.perf_counter() - t0
            loads = client.run(lambda: len(tiny_ticket._cache))
        print(f"dask, {workers} worker(s): {len(result)} tickets in {secs:.2f} s = {len(result) / secs:,.0f} tickets/s"
              f" (models loaded per worker process: {sorted(loads.values())})")
        if a.check:
            pd.testing.assert_frame_equal(result, reference)
            print("  same labels and confidences as one process")
    if a.output and result is not None:
        (result.to_parquet if a.output.endswith(".parquet") else result.to_csv)(a.output, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
