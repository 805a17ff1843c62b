# SPDX-License-Identifier: MIT
# Type stubs of the C++ extension tiny_ticket._core (nanobind).
import os
from typing import Any, Callable, Dict, Iterable, List, Literal, Optional, Sequence, Tuple, TypedDict, Union, overload

import numpy as np
import numpy.typing as npt

__version__: str
library_version: str

class HeadResult(TypedDict):
    label: str
    confidence: float
    margin: float
    review: bool
    out_of_scope: bool
    scores: Dict[str, float]

class HeadArrays(TypedDict):
    label_index: npt.NDArray[np.int32]
    scores: npt.NDArray[np.float32]
    confidence: npt.NDArray[np.float32]
    margin: npt.NDArray[np.float32]
    review: npt.NDArray[np.bool_]
    out_of_scope: npt.NDArray[np.bool_]

class Attribution(TypedDict):
    name: str
    kind: Literal["token", "keyword", "bigram", "char_ngram"]
    value: float
    bow: float
    embedding: float
    char_ngrams: float

class HeadExplanation(TypedDict):
    head: str
    label: str
    label_index: int
    score: float
    bias: float
    positive: List[Attribution]
    negative: List[Attribution]
    answer: str
    out_of_scope: bool
    confidence: float
    min_confidence: float
    out_of_scope_reason: str

Prediction = Dict[str, HeadResult]

class Classifier:
    """A loaded multi-head ticket classifier (immutable, thread-safe, picklable)."""

    @property
    def heads(self) -> List[str]:
        """Head names, in model order."""
    @property
    def labels(self) -> Dict[str, List[str]]:
        """Labels of every head, in score order."""
    @property
    def quantized(self) -> bool:
        """True for an int8 model."""
    @property
    def memory_bytes(self) -> int:
        """Approximate bytes held by the loaded model."""
    @property
    def training(self) -> Optional[Dict[str, Any]]:
        """The trainer's report for a model trained in this process, else None."""
    def predict(self, text: str) -> Prediction:
        """Classifies one ticket: {head: {label, confidence, margin, review, out_of_scope, scores}}."""
    @overload
    def predict_batch(self, texts: Iterable[str], threads: int = 0, as_arrays: Literal[False] = False) -> List[Prediction]: ...
    @overload
    def predict_batch(self, texts: Iterable[str], threads: int = 0, *, as_arrays: Literal[True]) -> Dict[str, HeadArrays]: ...
    @overload
    def predict_batch(self, texts: Iterable[str], threads: int, as_arrays: Literal[True]) -> Dict[str, HeadArrays]: ...
    def explain(self, text: str, top_n: int = 5) -> List[HeadExplanation]:
        """Per head, the features that raised and lowered the chosen label's score."""
    def save(self, path: Union[str, os.PathLike[str]]) -> None:
        """Writes the model as a JSON artifact (atomically)."""
    def dumps(self) -> str:
        """The model's JSON artifact as a string."""
    def evaluate(
        self,
        rows: Any,
        text: str = "text",
        heads: Optional[Union[Sequence[str], Dict[str, str]]] = None,
        threads: int = 1,
    ) -> Dict[str, Any]:
        """Accuracy, macro-F1, per-class metrics and confusion matrices on labelled rows."""
    def __getstate__(self) -> str: ...
    def __setstate__(self, state: str) -> None: ...

def load(path: Union[str, os.PathLike[str]]) -> Classifier:
    """Loads a JSON artifact. Raises ArtifactError."""

def loads(json_text: str) -> Classifier:
    """Loads an artifact from a JSON string. Raises ArtifactError."""

def _train_jsonl(
    jsonl: str,
    name: str,
    config_json: Optional[str],
    config_path: Optional[str],
    text: Optional[str],
    columns: Optional[List[Tuple[str, str]]],
    seed: Optional[int],
    threads: Optional[int],
    progress: Optional[Callable[[dict], None]],
) -> Classifier: ...
