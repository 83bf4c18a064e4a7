"""Sentence embeddings from the packaged static model, so paraphrases meet their entry.

The model (``askbot/embedding_model``) is a model2vec static model distilled from all-MiniLM-L6-v2
by ``scripts/make_embedding_model.py``. It ships with askbot as package data, is checked against
its ``SHA256SUMS`` on every load, and needs no network, no torch: an embedding is a mean of token
vectors, about 0.2 ms a question.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import numpy.typing as npt

MODEL_DIR = Path(str(files("askbot") / "embedding_model"))
MODEL_NAME = "minilm-l6-v2-static256"

Vectors = npt.NDArray[np.float32]


class EmbeddingModelInvalid(RuntimeError):
    """The packaged model is missing or not the one its checksums name: reinstall askbot."""


@dataclass(frozen=True)
class StoredVectors:
    """One entry's phrasing vectors as kept in the database, tied to a revision and a model."""

    entry_id: str
    revision: int
    model_id: str
    rows: npt.NDArray[np.int8]  # one row per phrasing (question, then also_asked), quantised
    scales: Vectors  # row i is rows[i] * scales[i]


def quantise(vectors: Vectors) -> tuple[npt.NDArray[np.int8], Vectors]:
    """int8 rows with one scale each: a quarter of float32, cosines within about 0.01."""
    peak = np.maximum(np.abs(vectors).max(axis=1, initial=0.0), 1e-9)
    rows = np.round(vectors * (127 / peak)[:, None]).astype(np.int8)
    return rows, (peak / 127).astype(np.float32)


def _verified_model_id(directory: Path) -> str:
    """Check every shipped file against SHA256SUMS; the id names the model by its checksum."""
    try:
        listing = (directory / "SHA256SUMS").read_text(encoding="utf-8")
        for line in listing.splitlines():
            digest, name = line.split(maxsplit=1)
            actual = hashlib.sha256((directory / name).read_bytes()).hexdigest()
            if actual != digest:
                raise EmbeddingModelInvalid(
                    f"{directory / name}: checksum {actual[:12]}... is not {digest[:12]}..."
                    " named in SHA256SUMS; reinstall askbot"
                )
    except (OSError, ValueError) as exc:
        raise EmbeddingModelInvalid(
            f"{directory}: the embedding model is unreadable: {exc}"
        ) from exc
    return f"{MODEL_NAME}@{hashlib.sha256(listing.encode()).hexdigest()[:12]}"


class Embedder:
    """Text -> unit vectors (float32), one row per text."""

    def __init__(self, directory: Path = MODEL_DIR) -> None:
        from model2vec import StaticModel  # imported here: only a process that embeds pays for it

        self.model_id = _verified_model_id(directory)
        self._model = StaticModel.from_pretrained(str(directory), normalize=True)
        self.dimensions = int(self._model.dim)

    def encode(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = np.asarray(self._model.encode(texts, use_multiprocessing=False), np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)  # a text with no known token stays all zero


@cache
def default_embedder() -> Embedder:
    """The packaged model, loaded once per process."""
    return Embedder()
