"""Adding a source document, stored exactly as uploaded."""

from __future__ import annotations

from askbot.errors import Refused
from askbot.factfiles import TextRefused, decode_text
from askbot.models import Source
from askbot.paragraphs import split_paragraphs
from askbot.store import Actor, Store


async def add_source(store: Store, source: Source, raw: bytes, actor: Actor) -> Source:
    """Store a new source document exactly as uploaded (never edited), with its metadata."""
    try:
        text = decode_text(raw)
    except TextRefused as refused:
        raise Refused([("file", refused.why)]) from refused
    if not split_paragraphs(text):
        raise Refused([("file", "the file has no text")])
    stored = source.model_copy(
        update={"text_file": f"{source.id}.txt", "paragraphs": None, "uncited_paragraphs": []}
    )
    async with store.transaction() as db:
        known = await store.read_fact_base(db)
        if any(s.id == stored.id for s in known.sources) or stored.text_file in known.texts:
            raise Refused([("id", f"a source '{stored.id}' already exists")])
        await store.put_source(db, stored, text)
        await store.audit(db, actor, "source.add", reason=f"{stored.id}: {stored.csl.title}")
    return stored
