"""Adding source documents, and searching inside them."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from askbot.curation import add_source, draft_source
from askbot.errors import Refused
from askbot.factfiles import MAX_TEXT_BYTES
from askbot.models import CslMetadata, CslName, Source, SourceKind
from askbot.search import SEARCH_HINT, fts_query, search_sources, spellings
from askbot.store import SCHEMA_VERSION, Actor, Store
from support import fill

ACTOR = Actor(name="tester", id="7")
NEW = Source(
    id="letter-1938",
    kind=SourceKind.PRIMARY,
    note="A test letter standing in for a newly found document.",
    text_file="ignored.txt",
    csl=CslMetadata(type="book", title="A Letter", author=[CslName(family="Doe", given="Jane")]),
)


async def test_added_source_is_stored_unedited_and_searchable(store: Store) -> None:
    await fill(store)
    raw = "First paragraph about the Kremlin   archive.\r\n\r\nSecond — with “curly” quotes.\n".encode()
    stored = await add_source(store, NEW, raw, ACTOR)
    assert stored.text_file == "letter-1938.txt"
    fact_base = await store.load_fact_base()
    assert fact_base.texts["letter-1938.txt"] == raw.decode()
    page = await search_sources(store, "Kremlin")
    assert [(hit.source_id, hit.locator) for hit in page.hits] == [("letter-1938", "para. 1")]
    assert (await store.audit_log())[0].action == "source.add"


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"caf\xe9 au lait", "not UTF-8 text (byte 3)"),
        (b"PK\x03\x04\x00\x00binary", "binary file (contains NUL bytes), expected UTF-8 text"),
        (b"x" * (MAX_TEXT_BYTES + 1), f"larger than {MAX_TEXT_BYTES:,} bytes"),
        (b"  \n\n \n", "the file has no text"),
    ],
)
async def test_bad_files_are_refused_and_nothing_is_saved(
    store: Store, raw: bytes, why: str
) -> None:
    await fill(store)
    before = await store.counts()
    with pytest.raises(Refused) as refused:
        await add_source(store, NEW, raw, ACTOR)
    assert refused.value.problems == [("file", why)]
    assert await store.counts() == before


async def test_a_source_id_cannot_be_added_twice(store: Store) -> None:
    await fill(store)
    await add_source(store, NEW, b"Text.", ACTOR)
    with pytest.raises(Refused, match="a source 'letter-1938' already exists"):
        await add_source(store, NEW, b"Other text.", ACTOR)


async def test_search_ranks_pages_and_maps_paragraphs_to_their_source(store: Store) -> None:
    await fill(store)
    page = await search_sources(store, "Yago*", page=1, page_size=4)
    assert (page.total, page.pages, len(page.hits)) == (6, 2, 4)
    assert all("**Yagoda" in hit.snippet for hit in page.hits)
    second = await search_sources(store, "Yago*", page=2, page_size=4)
    assert len(second.hits) == 2 and not {h.locator for h in second.hits} & {
        h.locator for h in page.hits
    }
    comment = await search_sources(store, '"paranoia and paralysis"')
    assert [(h.source_id, h.kind, h.locator) for h in comment.hits] == [
        ("askhistorians-great-purge-comment", "unsourced", "para. 9")
    ]
    assert (await search_sources(store, "AND OR (")).hint == SEARCH_HINT
    assert (await search_sources(store, "borscht")).total == 0


async def test_migration_builds_the_search_index_from_stored_texts(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    async with await Store.open(path) as store:
        await fill(store)
    with sqlite3.connect(
        path
    ) as db:  # take the database back to schema 2, before the index existed
        db.execute("DROP TABLE paragraph_index")
        db.execute("DROP TABLE entry_vectors")
        for table in ("meta", "member_marks", "misfires", "labels", "answer_weeks", "calibrations"):
            db.execute(f"DROP TABLE {table}")
        db.execute("DROP INDEX suggestions_suggester")
        db.execute("DROP TABLE forum_channels")
        db.execute("DROP TABLE forum_posts")
        db.execute("ALTER TABLE entries DROP COLUMN moderator_note")
        db.execute("PRAGMA user_version = 2")
    async with await Store.open(path) as store:
        assert await store.schema_version() == SCHEMA_VERSION
        assert (await search_sources(store, '"Order of Lenin"')).total == 1


@pytest.mark.parametrize(
    ("date", "why"),
    [
        ([[1937, 13]], "month 13 is not a month (1-12)"),
        ([[1937, 0, 1]], "month 0 is not a month (1-12)"),
        ([[1937, 8, 99]], "day 99 is not a day of 1937-08 (1-31)"),
    ],
)
def test_a_source_form_with_an_impossible_date_names_the_field(
    date: list[list[int]], why: str
) -> None:
    """``/source add`` builds its Source through ``draft_source``: one line per bad field."""
    fields = NEW.model_dump(by_alias=True)
    fields["csl"]["issued"] = {"date-parts": date}
    fields["csl"]["title"] = "T" * 300
    with pytest.raises(Refused) as caught:
        draft_source(fields)
    assert caught.value.problems == [
        ("csl.title", "String should have at most 256 characters"),
        ("csl.issued.date-parts", f"Value error, {why}"),
    ]


@pytest.mark.parametrize(
    ("typed", "spelled"),
    [
        ("Yezhov", "Ezhov"),
        ("Khrushchev", "Kruschev"),
        ("Rakovsky", "Rakowsky"),
        ("Christian Rakovsky", "Christian Rakowsky"),
        ("nikolai yezhov", "Ezhov"),
    ],
)
async def test_search_finds_a_name_in_the_sources_own_spelling(
    store: Store, typed: str, spelled: str
) -> None:
    await fill(store)
    page = await search_sources(store, typed)
    assert page.total >= 1, f"{typed!r} found nothing"
    assert all(re.search(rf"\*\*[^*]*\b{spelled}\*\*", hit.snippet) for hit in page.hits)


async def test_search_expands_names_only_and_leaves_phrases_and_prefixes_as_typed(
    store: Store,
) -> None:
    await fill(store)
    names = spellings(await store.aliases())
    expanded = fts_query("Yezhov arrested", names)
    assert expanded is not None and expanded.startswith('("Yezhov" OR "Ezhov" OR ')
    assert expanded.endswith(' AND "arrested"')  # "arrested" is a term group: searched as typed
    assert fts_query('"Yezhov"', names) == '"Yezhov"'
    assert fts_query("Yezh*", names) == '"Yezh"*'
    assert (await search_sources(store, '"Yezhov"')).total == 0  # a phrase means these words


async def test_any_page_number_is_safe(store: Store) -> None:
    """A forged /search button can carry any number: it never reaches SQLite out of range."""
    await fill(store)
    for page in (-(10**30), 0, 10**30):
        result = await search_sources(store, "Yagoda", page=page)
        assert result.total == 6 and 1 <= result.page <= 1_000_000
