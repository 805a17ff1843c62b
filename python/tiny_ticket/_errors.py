# SPDX-License-Identifier: MIT
"""Exceptions raised by tiny_ticket (translated from the C++ tiny_ticket::error family)."""

from __future__ import annotations

__all__ = ["Error", "ArtifactError", "DataError", "ArgumentError"]


class Error(RuntimeError):
    """Base of every tiny_ticket error; catch this one type.

    ``str(e)`` is the full message, e.g.
    ``[tiny_ticket.shape] model.json:/layers/2/weights: expected 64x32 values, got 2040``.

    Attributes:
        code: stable short name of what went wrong: ``io``, ``parse``,
            ``missing_field``, ``type``, ``shape``, ``value``, ``version``,
            ``base64``, ``limit``, ``self_test``, ``data`` or ``argument``.
        where: where it went wrong: ``file:/json/pointer`` for artifacts,
            ``file:line`` (``rows:N`` for the N-th in-memory row) for data,
            ``config:/json/pointer`` for a training configuration.
        message: the bare description, without code and location.
    """

    def __init__(self, text: str, code: str = "", where: str = "", message: str = "") -> None:
        super().__init__(text)
        self.code = code
        self.where = where
        self.message = message or text

    def __reduce__(self):  # keeps the attributes across processes (Dask, multiprocessing)
        return (type(self), (str(self), self.code, self.where, self.message))


class ArtifactError(Error):
    """A model artifact could not be loaded or saved (missing file, bad JSON, wrong shapes, newer version...)."""


class DataError(Error):
    """Training or evaluation rows are unusable (missing text column, no labelled row...)."""


class ArgumentError(Error, ValueError):
    """An invalid argument or training configuration value (``where`` names its JSON path)."""
