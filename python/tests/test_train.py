# SPDX-License-Identifier: MIT
"""Training from a DataFrame or dicts, save/load, evaluate."""
import pytest

import tiny_ticket
from conftest import SMALL_CONFIG, SMALL_ROWS


@pytest.fixture(scope="module")
def small(train_rows):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(train_rows[:SMALL_ROWS])
    epochs = []
    clf = tiny_ticket.train(df, text="text", heads=["intent", "sentiment"], config=SMALL_CONFIG, seed=7,
                            progress=epochs.append)
    return df, clf, epochs


def test_train_dataframe_and_predict(small):
    df, clf, epochs = small
    assert clf.heads == ["intent", "sentiment"]
    assert set(clf.labels["intent"]) <= set(df["intent"])
    p = clf.predict("I was charged twice, please refund my money")
    assert set(p) == {"intent", "sentiment"}
    assert p["intent"]["label"] in clf.labels["intent"]
    rep = clf.training
    assert rep["train_examples"] + rep["validation_examples"] == len(df)
    assert len(rep["epochs"]) == len(epochs) > 0
    assert epochs[0]["epoch"] == 1 and "valid_accuracy" in epochs[0]
    assert rep["validation"]["heads"]["intent"]["examples"] == rep["validation_examples"]


def test_same_model_from_dicts_and_dataframe(small, train_rows):
    df, clf, _ = small
    rows = [{"text": r["text"], "intent": r["intent"], "sentiment": r["sentiment"]} for r in train_rows[:SMALL_ROWS]]
    again = tiny_ticket.train(rows, heads=["intent", "sentiment"], config=SMALL_CONFIG, seed=7)
    assert again.dumps() == clf.dumps()  # deterministic for a seed, whatever the container


def test_save_load_round_trip(small, tmp_path, eval_rows):
    _, clf, _ = small
    path = tmp_path / "model.json"
    clf.save(str(path))
    loaded = tiny_ticket.load(str(path))
    assert loaded.heads == clf.heads and loaded.labels == clf.labels
    assert loaded.training is None
    texts = [r["text"] for r in eval_rows[:100]]
    assert loaded.predict_batch(texts) == clf.predict_batch(texts)
    assert tiny_ticket.loads(clf.dumps()).predict(texts[0]) == clf.predict(texts[0])


def test_evaluate(small, eval_rows):
    _, clf, _ = small
    pd = pytest.importorskip("pandas")
    rep = clf.evaluate(pd.DataFrame(eval_rows), heads=["intent", "sentiment"])
    assert rep["examples"] == len(eval_rows)
    acc = rep["heads"]["intent"]["accuracy"]
    assert 0.3 < acc <= 1.0  # a 600-row, 1 s model learns something (0.55 when written)
    assert rep["heads"]["intent"]["examples"] == len(eval_rows)
    assert len(rep["heads"]["intent"]["confusion"]) == len(clf.labels["intent"])
    assert rep["review"]["rows"] == len(eval_rows)
    # The same rows as dicts give the same report.
    assert clf.evaluate(eval_rows, heads=["intent", "sentiment"]) == rep


def test_missing_labels_are_masked(train_rows):
    # Half the rows carry no sentiment: they still train intent.
    rows = [dict(r) for r in train_rows[:300]]
    for r in rows[::2]:
        r["sentiment"] = None
    clf = tiny_ticket.train(rows, heads=["intent", "sentiment"], config=SMALL_CONFIG)
    assert clf.heads == ["intent", "sentiment"]


def test_head_mapping_and_config_file(train_rows, tmp_path):
    import json

    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps(SMALL_CONFIG))
    rows = [{"body": r["text"], "team": r["department"]} for r in train_rows[:300]]
    clf = tiny_ticket.train(rows, text="body", heads={"team": "department"}, config=str(cfg))
    assert clf.heads == ["department"]


def test_progress_exception_stops_training(train_rows):
    calls = []

    def boom(epoch):
        calls.append(epoch)
        raise RuntimeError("stop at epoch %d" % epoch["epoch"])

    with pytest.raises(RuntimeError, match="stop at epoch 1"):
        tiny_ticket.train(train_rows[:200], heads=["intent"], config=SMALL_CONFIG, progress=boom)
    assert len(calls) == 1  # stopped there, not after the last epoch
