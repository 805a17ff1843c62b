# SPDX-License-Identifier: MIT
import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "models" / "tiny_ticket-default-v6.json"
DATA = REPO / "tests" / "data"
SHARED = Path(os.environ.get("TINY_TICKET_SHARED_DIR", REPO.parent / "shared"))


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def clf():
    import tiny_ticket

    return tiny_ticket.load(str(MODEL))


@pytest.fixture(scope="session")
def eval_rows():
    return read_jsonl(DATA / "eval_tickets.jsonl")


@pytest.fixture(scope="session")
def train_rows():
    return read_jsonl(DATA / "train_tickets.jsonl")


# Small and fast (about a second): one member, one narrow layer, fewer
# n-gram buckets, no refit; a higher learning rate makes up for few steps.
SMALL_CONFIG = {
    "features": {"char_ngrams": {"buckets": 2048}},
    "network": {"hidden": [32], "ensemble": 1},
    "training": {"max_epochs": 20, "refit": False, "learning_rate": 0.01, "batch_size": 16},
}
SMALL_ROWS = 600
