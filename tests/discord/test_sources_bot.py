"""Citation lookups through the real discord.py client and the stand-in for Discord."""

from __future__ import annotations

import json

import pytest

from askbot.curation import add_source
from askbot.models import CslDate, CslMetadata, CslName, Source, SourceKind
from askbot.search import SEARCH_HINT
from askbot.store import Actor


async def test_cite_gives_a_chicago_note_for_each_citation_and_one_bibliography(
    bot_and_fake,
) -> None:
    fake, _ = bot_and_fake
    choices = await fake.autocomplete("cite", {"entry": "why yagoda arrested"}, "entry")
    assert "yagoda-arrest-why" in [c["value"] for c in choices] and len(choices) <= 25
    record = await fake.slash("cite", {"entry": "yagoda-arrest-why"})
    *quotes, last = record.embeds[0]["fields"]
    assert quotes[0]["name"].startswith("[1] stored text, para. 11 (primary)")
    assert "**Note:** Victor Serge, “The End of Henry Yagoda" in quotes[0]["value"]
    assert ", para. 6, transcribed by" in quotes[0]["value"]  # the article's own count
    assert all("**Note:** Serge, “End of Henry Yagoda" in q["value"] for q in quotes[1:])
    assert not any("Bibliography" in q["value"] for q in quotes)
    assert last["name"] == "Bibliography" and last["value"].startswith("Serge, Victor. “The End")


@pytest.mark.parametrize(("style", "suffix"), [("csl-json", ".json"), ("bibtex", ".bib")])
async def test_cite_for_reference_managers_attaches_a_file(
    bot_and_fake, style: str, suffix: str
) -> None:
    fake, _ = bot_and_fake
    record = await fake.slash("cite", {"entry": "limits-of-stalins-control", "style": style})
    [upload] = record.message.files
    assert upload.filename == f"limits-of-stalins-control{suffix}"
    text = upload.content.decode()
    if style == "csl-json":
        ids = {item["id"] for item in json.loads(text)}
        assert {
            "serge-1937-yagoda",
            "askhistorians-great-purge-answer",
            "askhistorians-great-purge-comment",
        } <= ids
    else:
        assert (
            "@article{serge-1937-yagoda," in text
            and "@misc{askhistorians-great-purge-question," in text
        )


async def test_quote_shows_the_paragraph_with_the_quote_and_the_source_criticism(
    bot_and_fake,
) -> None:
    fake, _ = bot_and_fake
    record = await fake.slash("quote", {"entry": "yagoda-arrest-why", "n": 1})
    embed = record.embeds[0]
    assert embed["title"] == "Victor Serge, para. 11"
    assert (
        "**A scapegoat was required to shoulder the responsibility of of this badly managed judicial comedy.**"
        in embed["description"]
    )
    names = [f["name"] for f in embed["fields"]]
    assert "About this source" in names and "⚠️ Discrepancy" in names
    assert any("August 1938" in f["value"] for f in embed["fields"])
    too_far = await fake.slash("quote", {"entry": "yagoda-arrest-why", "n": 99})
    assert too_far.ephemeral and "choose n from 1 to" in too_far.content


async def test_search_pages_with_buttons(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    first = await fake.slash("search", {"text": "Yago*"})
    assert "6 paragraph(s)" in first.embeds[0]["title"]
    assert first.embeds[0]["footer"]["text"].startswith("page 1 of 2")
    assert "**Yagoda**" in str(first.embeds[0]["fields"])
    assert first.custom_ids == ["askbot:search:0", "askbot:search:2"]
    second = await fake.click(first, "askbot:search:2")
    page_two = first.message.data["embeds"][0]
    assert page_two["footer"]["text"].startswith("page 2 of 2") and second.callback_type == 7
    assert len(page_two["fields"]) == 1
    back = await fake.click(first, "askbot:search:1")
    assert back.callback_type == 7 and first.message.data["embeds"][0]["footer"]["text"].startswith(
        "page 1 of 2"
    )


@pytest.mark.parametrize("hostile", ['"', "AND OR (", "NEAR()"])
async def test_search_syntax_alone_gets_a_hint_not_an_error(bot_and_fake, hostile: str) -> None:
    fake, _ = bot_and_fake
    record = await fake.slash("search", {"text": hostile})
    assert record.ephemeral and record.content == SEARCH_HINT


async def test_phrase_search_finds_the_order_of_lenin(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    record = await fake.slash("search", {"text": '"Order of Lenin"'})
    field = record.embeds[0]["fields"][0]
    assert field["name"].startswith("u/jasonfrederick1555, para. 4 [community]")
    assert "**Order of Lenin**" in field["value"]


async def test_source_info(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    choices = await fake.autocomplete("source info", {"source": "robin"}, "source")
    assert [c["value"] for c in choices] == ["askhistorians-great-purge-comment"]
    record = await fake.slash("source info", {"source": "askhistorians-great-purge-comment"})
    values = {f["name"]: f["value"] for f in record.embeds[0]["fields"]}
    assert values["Kind"] == "unsourced" and values["Date"] == "n.d."
    assert "does not show whether it replies" in values["About this source"]
    assert "Moscow party organisation" in values["Moderator note (from outside the sources)"]
    assert "khrushchev-stalin-paranoia-paralysis" in next(
        v for k, v in values.items() if k.startswith("Cited by")
    )


async def test_source_info_shows_metadata_at_the_limits(bot_and_fake) -> None:
    """The longest metadata a source may have (README: title 256, names 256, note and each of at
    most 10 discrepancies 1024) still fits /source info, even when escaping markdown lengthens it."""
    fake, bot = bot_and_fake
    name = "u/" + "a_" * 127  # 256 characters, 127 of them escaped in an embed
    source = Source(
        id="letter-1938",
        kind=SourceKind.PRIMARY,
        note="N" * 1024,
        text_file="letter-1938.txt",
        discrepancies=["D" * 1024] * 10,
        csl=CslMetadata(
            type="book",
            title="T" * 256,
            author=[CslName(literal=name)] * 3,
            **{"container-title": "*" * 256},
            issued=CslDate(**{"date-parts": [[1938, 2, 28]]}),
        ),
    )
    await add_source(bot.desk.store, source, b"One paragraph.\n", Actor(name="tester"))

    record = await fake.slash("source info", {"source": "letter-1938"})

    values = {f["name"]: f["value"] for f in record.embeds[0]["fields"]}
    assert values["Date"] == "1938-02-28"
    assert values["Author"].startswith("u/a\\_a\\_") and len(values["Author"]) <= 1024


async def test_source_info_shows_every_moderator_note_labelled_and_sources_points_to_them(
    bot_and_fake,
) -> None:
    """Outside facts are shown apart from what the source says, each under its label."""
    fake, bot = bot_and_fake
    serge = next(s for s in await bot.desk.store.sources() if s.id == "serge-1937-yagoda")
    record = await fake.slash("source info", {"source": "serge-1937-yagoda"})
    fields = record.embeds[0]["fields"]
    labelled = [
        f["value"] for f in fields if f["name"] == "Moderator note (from outside the sources)"
    ]
    assert len(labelled) == len(serge.moderator_notes) >= 3
    assert "Left Oppositionist" in labelled[0] and "translator" in labelled[2]
    assert not any(
        "Left Oppositionist" in f["value"] for f in fields if f["name"] == "About this source"
    )

    listing = await fake.slash("sources")
    serge_field = next(f for f in listing.embeds[0]["fields"] if "(serge-1937-yagoda)" in f["name"])
    assert len(serge_field["value"]) <= 1024
    assert serge_field["value"].endswith(
        f"{len(serge.moderator_notes)} moderator note(s) from outside the source"
        f" · ⚠️ {len(serge.discrepancies)} discrepancy(ies): `/source info source:serge-1937-yagoda`"
    )
