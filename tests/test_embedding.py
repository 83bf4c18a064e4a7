"""The packaged embedding model, and entry vectors kept per revision in the database."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from askbot.answering import load_engine
from askbot.curation import edit_entry
from askbot.embedding import MODEL_DIR, Embedder, EmbeddingModelInvalid, default_embedder
from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.store import Actor, Store
from support import fill

LIVE_ENTRIES = sum(1 for e in load_fact_base(bundled_facts_dir()).entries if not e.retired)


def test_paraphrases_are_closer_than_unrelated_questions() -> None:
    embedder = default_embedder()
    jailed, imprisoned, canal = embedder.encode(
        ["why was yagoda jailed", "why was yagoda imprisoned", "who dug the white sea canal"]
    )
    assert np.isclose(np.linalg.norm(jailed), 1.0, atol=1e-5)
    assert float(jailed @ imprisoned) > float(jailed @ canal) + 0.2


def test_the_model_encodes_exactly_as_model2vecs_own_loader_would() -> None:
    from model2vec import StaticModel

    texts = ["Who was Yagoda?", "why was Iagoda jailed", "", "qqqq zzzz", "the canal " * 600]
    reference = StaticModel.from_pretrained(str(MODEL_DIR), normalize=True)
    ours = default_embedder()._model
    assert (ours.max_length, ours.config) == (reference.max_length, reference.config)
    expected = reference.encode(texts, use_multiprocessing=False)
    assert np.array_equal(ours.encode(texts, use_multiprocessing=False), expected)


def test_loading_the_model_does_not_import_the_hugging_face_hub_client() -> None:
    # model2vec's from_pretrained imports it (most of `askbot ask`'s start-up); askbot never
    # downloads a model.
    code = (
        "import sys; from askbot.embedding import Embedder; Embedder(); "
        "assert 'huggingface_hub' not in sys.modules, 'huggingface_hub imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_checksum_list_that_leaves_out_a_model_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(MODEL_DIR, copy)
    sums = copy / "SHA256SUMS"
    kept = [
        line for line in sums.read_text(encoding="utf-8").splitlines() if "tokenizer" not in line
    ]
    sums.write_text("\n".join(kept) + "\n", encoding="utf-8")
    with pytest.raises(EmbeddingModelInvalid, match=r"SHA256SUMS: does not name tokenizer\.json"):
        Embedder(copy)


def test_a_model_file_that_does_not_match_its_checksum_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(MODEL_DIR, copy)
    config = copy / "config.json"
    config.write_text(config.read_text(encoding="utf-8") + " ", encoding="utf-8")
    with pytest.raises(EmbeddingModelInvalid, match=r"config\.json: checksum"):
        Embedder(copy)


async def test_vectors_are_computed_once_per_revision(store: Store) -> None:
    await fill(store)
    first = await load_engine(store)
    assert len(first.fresh) == LIVE_ENTRIES, "a new database embeds every live entry once"
    assert len(await store.entry_vectors()) == LIVE_ENTRIES
    again = await load_engine(store)
    assert again.fresh == [], "an unchanged entry is never embedded again on start"

    entry = await store.entry("who-was-yezhov")
    assert entry is not None
    edited = entry.model_copy(update={"also_asked": [*entry.also_asked, "who was the dwarf?"]})
    await edit_entry(store, edited, entry.revision, Actor(name="Alice"), reason="a phrasing")
    after_edit = await load_engine(store)
    assert [(v.entry_id, v.revision) for v in after_edit.fresh] == [("who-was-yezhov", 2)]
    stored = (await store.entry_vectors())["who-was-yezhov"]
    assert stored.revision == 2 and stored.rows.shape[0] == len(edited.also_asked) + 1


async def test_a_changed_model_id_embeds_every_entry_again(store: Store) -> None:
    await fill(store)
    await load_engine(store)
    async with store.transaction() as db:
        await db.execute("UPDATE entry_vectors SET model_id = 'an-older-model@000000000000'")
    engine = await load_engine(store)
    assert len(engine.fresh) == LIVE_ENTRIES
    model_ids = {v.model_id for v in (await store.entry_vectors()).values()}
    assert model_ids == {default_embedder().model_id}
