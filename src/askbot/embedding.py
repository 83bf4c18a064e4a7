"""Sentence embeddings from the packaged static model, so paraphrases meet their entry.

The model (``askbot/embedding_model``) is a model2vec static model distilled from all-MiniLM-L6-v2
by ``scripts/make_embedding_model.py``. It ships with askbot as package data, is checked against
its ``SHA256SUMS`` on every load, and needs no network, no torch: an embedding is a mean of token
vectors, about 0.2 ms a question.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import numpy.typing as npt

MODEL_DIR = Path(str(files("askbot") / "embedding_model"))
MODEL_NAME = "minilm-l6-v2-static256"
SHIPPED = ("config.json", "model.safetensors", "tokenizer.json")
DEFAULT_MAX_LENGTH = 512  # model2vec's, for a config that names none

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


def _verified_files(directory: Path) -> tuple[str, dict[str, bytes]]:
    """Every shipped file, checked against SHA256SUMS; the id names the model by its checksum.
    The model is loaded from these very bytes, so what is checked is what is used."""
    try:
        listing = (directory / "SHA256SUMS").read_text(encoding="utf-8")
        shipped: dict[str, bytes] = {}
        for line in listing.splitlines():
            digest, name = line.split(maxsplit=1)
            shipped[name] = (directory / name).read_bytes()
            actual = hashlib.sha256(shipped[name]).hexdigest()
            if actual != digest:
                raise EmbeddingModelInvalid(
                    f"{directory / name}: checksum {actual[:12]}... is not {digest[:12]}..."
                    " named in SHA256SUMS; reinstall askbot"
                )
    except (OSError, ValueError) as exc:
        raise EmbeddingModelInvalid(
            f"{directory}: the embedding model is unreadable: {exc}"
        ) from exc
    unlisted = [name for name in SHIPPED if name not in shipped]
    if unlisted:
        raise EmbeddingModelInvalid(
            f"{directory / 'SHA256SUMS'}: does not name {', '.join(unlisted)}; reinstall askbot"
        )
    return f"{MODEL_NAME}@{hashlib.sha256(listing.encode()).hexdigest()[:12]}", shipped


class Embedder:
    """Text -> unit vectors (float32), one row per text."""

    def __init__(self, directory: Path = MODEL_DIR) -> None:
        # Imported here: only a process that embeds pays for them. The model is built from its
        # parts, as model2vec's from_pretrained does, without the Hugging Face Hub client that
        # from_pretrained imports (most of a CLI question's start-up) and askbot never needs.
        from model2vec import StaticModel
        from safetensors.numpy import load
        from tokenizers import Tokenizer

        self.model_id, shipped = _verified_files(directory)
        config = json.loads(shipped["config.json"])
        self._model = StaticModel(
            vectors=load(shipped["model.safetensors"])["embeddings"],
            tokenizer=Tokenizer.from_str(shipped["tokenizer.json"].decode("utf-8")),
            config=config,
            normalize=True,
            max_length=config.get("max_length", DEFAULT_MAX_LENGTH),
        )
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
