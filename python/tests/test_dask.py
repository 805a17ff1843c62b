# SPDX-License-Identifier: MIT
"""The Dask example gives exactly what one process gives."""
import importlib.util
import sys
from pathlib import Path

import pytest

from conftest import DATA, MODEL

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "dask_classify.py"


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("dask_classify", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["dask_classify"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_dask_equals_one_process(example, tmp_path):
    import pandas as pd

    paths = example.make_archive(str(tmp_path), 2000, 6, DATA / "eval_tickets.jsonl")
    reference = example.classify_one_process(paths, str(MODEL))
    assert len(reference) == 2000
    # Threads in this process: no worker start-up cost, and no dependence on
    # how the test runner's modules pickle into fresh processes.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        result = example.classify_archive(paths, str(MODEL), client)
    pd.testing.assert_frame_equal(result, reference)
    assert list(result["id"]) == [f"t{i}" for i in range(2000)]


def test_local_scheduler_without_cluster(example, tmp_path):
    paths = example.make_archive(str(tmp_path), 300, 3, DATA / "eval_tickets.jsonl")
    import pandas as pd

    pd.testing.assert_frame_equal(example.classify_archive(paths, str(MODEL)),
                                  example.classify_one_process(paths, str(MODEL)))


def test_cached_load_loads_once_per_file(tmp_path):
    import shutil

    import tiny_ticket

    path = tmp_path / "m.json"
    shutil.copy(MODEL, path)
    a = tiny_ticket.cached_load(path)
    assert tiny_ticket.cached_load(str(path)) is a
    path.write_text(MODEL.read_text() + "\n")  # replaced on disk: loaded again
    b = tiny_ticket.cached_load(path)
    assert b is not a and tiny_ticket.cached_load(path) is b
    with pytest.raises(tiny_ticket.ArtifactError):
        tiny_ticket.cached_load(tmp_path / "missing.json")
