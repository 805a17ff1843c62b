# SPDX-License-Identifier: MIT
"""Bad input becomes the right Python exception, with code and location."""
import json

import pytest

import tiny_ticket
from conftest import MODEL, SMALL_CONFIG


def test_missing_model(tmp_path):
    path = tmp_path / "nope.json"
    with pytest.raises(tiny_ticket.ArtifactError) as e:
        tiny_ticket.load(str(path))
    assert e.value.code == "io"
    assert str(path) in str(e.value)
    assert isinstance(e.value, tiny_ticket.Error) and isinstance(e.value, RuntimeError)


def test_corrupt_model(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "tiny_ticket", "version": 1, "heads": [')
    with pytest.raises(tiny_ticket.ArtifactError) as e:
        tiny_ticket.load(str(path))
    assert e.value.code == "parse"
    assert str(e.value).startswith("[tiny_ticket.parse]")


def test_wrong_shape_names_the_json_path(tmp_path):
    m = json.loads(MODEL.read_text())
    m["heads"][0]["labels"] = m["heads"][0]["labels"][:-1]  # one label short of the head's width
    with pytest.raises(tiny_ticket.ArtifactError) as e:
        tiny_ticket.loads(json.dumps(m))
    assert e.value.code in ("shape", "value")
    assert e.value.where.startswith("/heads/0"), e.value.where


def test_non_string_text(clf):
    with pytest.raises(TypeError, match="expected str, got int"):
        clf.predict(42)
    with pytest.raises(TypeError, match="expected str, got NoneType"):
        clf.predict(None)
    with pytest.raises(TypeError, match=r"texts\[2\]: expected str, got bytes"):
        clf.predict_batch(["a", "b", b"c"])
    with pytest.raises(TypeError, match="single str"):
        clf.predict_batch("one text")
    with pytest.raises(TypeError):
        clf.explain(3.5)


def test_missing_dataframe_column(train_rows):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(train_rows[:50]).rename(columns={"text": "body"})
    with pytest.raises(tiny_ticket.DataError) as e:
        tiny_ticket.train(df, text="text", heads=["intent"], config=SMALL_CONFIG)
    assert e.value.code == "data"
    assert "'text'" in str(e.value) and "'body'" in str(e.value)
    with pytest.raises(tiny_ticket.DataError, match="label column 'urgency'"):
        tiny_ticket.train(df, text="body", heads=["intent", "urgency"], config=SMALL_CONFIG)


def test_missing_field_in_dict_rows():
    rows = [{"text": "hi", "intent": "praise"}, {"body": "x", "intent": "refund"}]
    with pytest.raises(tiny_ticket.DataError) as e:
        tiny_ticket.train(rows, heads=["intent"])
    assert e.value.where == "rows:2"


def test_non_string_training_text():
    with pytest.raises(TypeError, match="rows:2"):
        tiny_ticket.train([{"text": "ok", "intent": "a"}, {"text": 7, "intent": "b"}])


def test_no_labelled_rows():
    with pytest.raises(tiny_ticket.DataError) as e:
        tiny_ticket.train([{"text": "hello", "intent": None}], heads=["intent"])
    assert e.value.code == "data" and e.value.where.startswith("rows:")


def test_bad_config_names_its_json_path(train_rows):
    rows = train_rows[:50]
    with pytest.raises(tiny_ticket.ArgumentError) as e:
        tiny_ticket.train(rows, heads=["intent"], config={"training": {"max_epoch": 3}})
    assert e.value.code == "argument"
    assert e.value.where == "config:/training/max_epoch"
    assert "unknown key" in str(e.value)
    with pytest.raises(tiny_ticket.ArgumentError, match=r"config:/network/dropout"):
        tiny_ticket.train(rows, heads=["intent"], config={"network": {"dropout": 2}})
    with pytest.raises(ValueError):  # ArgumentError is a ValueError too
        tiny_ticket.train(rows, heads=["intent"], config={"network": {"hidden": "wide"}})


def test_unwritable_save(clf, tmp_path):
    with pytest.raises(tiny_ticket.ArtifactError) as e:
        clf.save(str(tmp_path / "no" / "such" / "dir" / "m.json"))
    assert e.value.code == "io"


def test_errors_pickle():
    import pickle

    e = tiny_ticket.DataError("[tiny_ticket.data] rows:3: bad", "data", "rows:3", "bad")
    e2 = pickle.loads(pickle.dumps(e))
    assert type(e2) is tiny_ticket.DataError and e2.where == "rows:3" and e2.code == "data"


def test_config_file_problems_are_argument_errors(tmp_path):
    rows = [{"text": "hi", "intent": "praise"}]
    with pytest.raises(tiny_ticket.ArgumentError) as e:
        tiny_ticket.train(rows, config=str(tmp_path / "missing.json"))
    assert e.value.code == "io"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(tiny_ticket.ArgumentError) as e:
        tiny_ticket.train(rows, config=str(bad))
    assert e.value.code == "parse" and str(bad) in str(e.value)
