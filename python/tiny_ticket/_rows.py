# SPDX-License-Identifier: MIT
"""Rows (a pandas DataFrame or an iterable of dicts) as JSONL for the C++ reader.

Going through the C++ JSONL reader keeps one meaning for rows everywhere:
the same column and label mapping, masking of missing labels and warnings
as ``tiny-ticket train --data``.
"""

from __future__ import annotations

import json
import math
from typing import Any, Iterable, Mapping, Optional, Sequence, Tuple

from ._errors import DataError


def _is_dataframe(rows: Any) -> bool:
    return type(rows).__name__ == "DataFrame" and hasattr(rows, "columns") and hasattr(rows, "to_json")


def _columns_error(what: str, name: str, have: Sequence[str], where: str) -> DataError:
    listed = ", ".join(repr(str(c)) for c in have) or "no columns"
    text = f"expected {what} {name!r}, got {listed}"
    return DataError(f"[tiny_ticket.data] {where}: {text}", "data", where, text)


def _label(value: Any) -> Any:
    # NaN/None mean "no label for this head" (masked out of the loss).
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (str, bool, int, float)):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return _label(value.item())
    return str(value)


def to_jsonl(
    rows: Any, text: str, heads: Optional[Sequence[str]], name: str
) -> Tuple[str, int]:
    """Returns (jsonl, row count). Raises DataError for a missing column, TypeError for a non-str text."""
    wanted = [text] + list(heads or [])
    if _is_dataframe(rows):
        cols = [str(c) for c in rows.columns]
        for c in wanted:
            if c not in cols:
                what = "a text column" if c == text else "a label column"
                raise _columns_error(what, c, cols, name)
        for i, t in enumerate(rows[text]):
            if not isinstance(t, str):
                raise TypeError(f"{name}:{i + 1}: expected column {text!r} to hold str, got {type(t).__name__}")
        frame = rows[wanted] if heads else rows
        # pandas writes NaN as null, which the reader treats as "no label".
        return frame.to_json(orient="records", lines=True, force_ascii=False), len(frame)

    if isinstance(rows, (str, bytes)) or isinstance(rows, Mapping):
        raise TypeError("rows: expected a pandas DataFrame or an iterable of dicts")
    lines = []
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise TypeError(f"{name}:{i + 1}: expected a dict, got {type(row).__name__}")
        for c in wanted:
            if c not in row:
                what = "a text field" if c == text else "a label field"
                raise _columns_error(what, c, list(row.keys()), f"{name}:{i + 1}")
        t = row[text]
        if not isinstance(t, str):
            raise TypeError(f"{name}:{i + 1}: expected {text!r} to be str, got {type(t).__name__}")
        keys = wanted if heads else list(row.keys())
        obj = {str(k): (row[k] if k == text else _label(row[k])) for k in keys}
        lines.append(json.dumps(obj, ensure_ascii=False))
    return "\n".join(lines) + "\n", len(lines)


def columns_for(heads: Optional[Any]) -> Optional[list]:
    """heads=[...] or {column: head} as the reader's column mapping (None: every other field)."""
    if heads is None:
        return None
    if isinstance(heads, str):
        raise TypeError("heads: expected a list of column names or a {column: head} dict, got a str")
    if isinstance(heads, Mapping):
        return [(str(k), str(v)) for k, v in heads.items()]
    return [(str(h), str(h)) for h in heads]


def rows_arg(rows: Any, text: str, heads: Optional[Any], name: str) -> Tuple[str, Optional[list]]:
    columns = columns_for(heads)
    jsonl, _ = to_jsonl(rows, text, [c for c, _ in columns] if columns else None, name)
    return jsonl, columns
