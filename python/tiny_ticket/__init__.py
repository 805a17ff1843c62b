# SPDX-License-Identifier: MIT
"""tiny_ticket: multi-head support-ticket classification at C++ speed.

    >>> import tiny_ticket
    >>> clf = tiny_ticket.load("models/tiny_ticket-default-v6.json")
    >>> clf.predict("refund not received yet, very upset")["intent"]["label"]
    'refund'

Train from a DataFrame (or a list of dicts) with the same trainer and
options as ``tiny-ticket train``, then save, evaluate and serve::

    clf = tiny_ticket.train(df, text="text", heads=["intent"], config={"training": {"max_epochs": 20}})
    clf.save("model.json")
    clf.evaluate(test_df)["heads"]["intent"]["accuracy"]

Errors are ``tiny_ticket.Error`` subclasses with ``.code`` and ``.where``.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any, Callable, Mapping, Optional, Sequence, Union

try:
    from . import _core
except ImportError as e:  # the source folder python/tiny_ticket has no compiled _core
    raise ImportError(
        f"tiny_ticket: the compiled module tiny_ticket._core is missing beside {__file__}; "
        "install with `pip install ./python` and import from outside the python/ folder"
    ) from e
from ._core import Classifier, load, loads
from ._errors import ArgumentError, ArtifactError, DataError, Error
from ._rows import rows_arg

__version__: str = _core.__version__
#: Version of the C++ library compiled into this module (TINY_TICKET_VERSION_STRING).
library_version: str = _core.library_version

__all__ = [
    "Classifier",
    "load",
    "loads",
    "cached_load",
    "train",
    "Error",
    "ArtifactError",
    "DataError",
    "ArgumentError",
    "__version__",
    "library_version",
]


def train(
    rows: Any,
    text: str = "text",
    heads: Optional[Union[Sequence[str], Mapping[str, str]]] = None,
    config: Optional[Union[Mapping[str, Any], str, "os.PathLike[str]"]] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    progress: Optional[Callable[[dict], None]] = None,
) -> Classifier:
    """Trains a classifier on labelled rows; the C++ trainer of ``tiny-ticket train``.

    Args:
        rows: a pandas DataFrame or an iterable of dicts, one ticket per row.
        text: the column holding the ticket text (str in every row).
        heads: the label columns to train, each a head of the same name, or a
            ``{column: head}`` dict; None: every column except ``text`` and ``id``.
            A row may leave any head empty (None/NaN): that label is masked.
        config: the training configuration of ``tiny-ticket train --config``,
            as a dict with the same keys (``heads``, ``normalizer``, ``features``,
            ``network``, ``training``, ``data``; see docs/training.md) or the path
            of such a JSON file. None: the tuned defaults.
        seed: random seed (overrides ``training.seed``; default 42). The same
            seed and rows give the same model.
        threads: trainer threads (overrides ``training.threads``; 0 = all cores).
            Results do not depend on it.
        progress: called after every epoch with a dict (epoch, train_loss,
            valid_mean_macro_f1, valid_accuracy, seconds, best, member, refit).
            An exception raised there stops the training and propagates;
            Ctrl-C stops it at the next epoch.

    Returns:
        The trained Classifier; ``clf.training`` holds the trainer's report.

    Raises:
        DataError: a missing text or label column, or no usable labelled row.
        ArgumentError: an unknown config key or a bad value (``.where`` is its JSON path).
        TypeError: a non-str text.
    """
    config_json = config_path = None
    if config is not None:
        if isinstance(config, Mapping):
            config_json = json.dumps(config)
        elif isinstance(config, (str, os.PathLike)):
            config_path = os.fspath(config)
        else:
            raise TypeError(f"config: expected a dict or a path, got {type(config).__name__}")
    if seed is not None and (not isinstance(seed, int) or seed < 0):
        raise ArgumentError(
            f"[tiny_ticket.argument] seed: expected a non-negative int, got {seed!r}", "argument", "seed",
            f"expected a non-negative int, got {seed!r}",
        )
    jsonl, columns = rows_arg(rows, text, heads, "rows")
    return _core._train_jsonl(
        jsonl, "rows", config_json, config_path, text, columns, seed, threads, progress
    )


_cache: "dict[tuple, Classifier]" = {}
_cache_lock = threading.Lock()


def cached_load(path: Union[str, "os.PathLike[str]"]) -> Classifier:
    """Loads `path` once per process and returns the same Classifier afterwards.

    For workers of Dask, multiprocessing or a web server: call it inside the
    task and each worker process loads the model on its first task only. A
    file replaced on disk (new size or modification time) is loaded again.
    Thread-safe (the Classifier itself is immutable and thread-safe).
    """
    full = os.path.abspath(os.fspath(path))
    try:
        st = os.stat(full)
        key = (full, st.st_mtime_ns, st.st_size)
    except OSError:
        key = (full, None, None)  # load() raises the ArtifactError naming the file
    with _cache_lock:
        clf = _cache.get(key)
        if clf is None:
            clf = load(full)
            for old in [k for k in _cache if k[0] == full]:
                del _cache[old]
            _cache[key] = clf
        return clf
