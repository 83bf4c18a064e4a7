"""The bundled fact base: complete, sourced, verified, and in our own words."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from askbot.citations import normalise
from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.models import EntryStatus, FactBase, SourceKind
from askbot.paragraphs import split_paragraphs

FACT_BASE: FactBase = load_fact_base(bundled_facts_dir())
LIVE = [e for e in FACT_BASE.entries if not e.retired]

# Everyone the two documents name, as the issue lists them.
PEOPLE = [
    "Yagoda",
    "Yezhov",
    "Bukharin",
    "Tukhachevsky",
    "Rakovsky",
    "Sosnovsky",
    "Putna",
    "Kalinin",
    "Rolland",
    "Molotov",
    "Khrushchev",
    "Zinoviev",
    "Kamenev",
    "Smirnov",
    "Rykov",
    "Yakir",
    "Preobrazhensky",
    "Litvinov",
    "Krestinsky",
    "Bubnov",
    "Antonov-Ovseenko",
]
COPY_WINDOW = 8  # a run of this many words shared with a source counts as copying


def test_at_least_45_live_entries() -> None:
    assert len(LIVE) >= 45


@pytest.mark.parametrize("entry", LIVE, ids=lambda e: e.id)
def test_entry_has_phrasings_and_a_citation(entry) -> None:
    assert len(entry.also_asked) >= 3
    assert entry.citations
    phrasings = [entry.question.casefold(), *(q.casefold() for q in entry.also_asked)]
    assert len(set(phrasings)) == len(phrasings), "a phrasing repeats"


SOURCES = {s.id: s for s in FACT_BASE.sources}


@pytest.mark.parametrize("entry", LIVE, ids=lambda e: e.id)
def test_contested_entries_say_who_holds_each_position(entry) -> None:
    """Each position of a debated or unresolved entry is held by someone named: the author of a
    source it cites (who may report others' views: "unnamed historians, as reported by ...")."""
    if entry.status is EntryStatus.SETTLED:
        assert not entry.positions
        return
    assert len(entry.positions) >= 2
    assert len({p.held_by for p in entry.positions}) == len(entry.positions), "holders repeat"
    for position in entry.positions:
        authors = {SOURCES[c.source].authors for c in position.citations}
        assert any(author in position.held_by for author in authors), (
            f"{position.held_by!r} names none of the authors it cites ({', '.join(sorted(authors))})"
        )


# Facts from outside the two documents that the entries use (issue 14 marks them "(outside)"):
# each must stand in a moderator note, which members see labelled as such.
OUTSIDE_FACTS = [
    "22 May",  # Tukhachevsky's arrest
    "12 June",  # his execution
    "Chuev",  # Molotov's "memoir"
    "April 1937",  # Yagoda's arrest announced
    "25 August 1936",  # the Sixteen shot
    "mass operations",
    "genialny",  # the "genial Leader"
    "Robespierre",  # Thermidor
    "Napoleon",  # Brumaire
    "Kibalchich",  # Serge's own name
]
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATES = re.compile(rf"\b(?:\d{{1,2}} (?:{MONTHS})|1[0-9]{{3}})\b")  # "22 May", "1933"
ALL_TEXT = normalise(" ".join(FACT_BASE.texts.values()))


def sourced_texts(entry) -> list[str]:
    """What members read as the sources' account: everything but the moderator note."""
    return [
        entry.question,
        entry.summary,
        *(text for p in entry.positions for text in (p.stance, p.held_by)),
    ]


@pytest.mark.parametrize("fact", OUTSIDE_FACTS)
def test_outside_facts_stand_only_in_moderator_notes(fact: str) -> None:
    assert any(fact in (e.moderator_note or "") for e in LIVE), f"no moderator note gives {fact!r}"
    leaks = [e.id for e in LIVE if any(fact in text for text in sourced_texts(e))]
    assert not leaks, f"{fact!r} appears outside a moderator note in {leaks}"


@pytest.mark.parametrize("entry", LIVE, ids=lambda e: e.id)
def test_every_date_an_answer_gives_is_in_the_sources(entry) -> None:
    """A year or day the summary or a position names stands in the documents; anything else
    (an outside date) belongs in the moderator note. No "(outside)" markers in sourced text."""
    for text in sourced_texts(entry):
        assert "(outside" not in text.casefold()
        for date in DATES.findall(normalise(text)):
            assert date in ALL_TEXT, f"{date!r} is not in the sources; put it in a moderator note"


@pytest.mark.parametrize("source", FACT_BASE.sources, ids=lambda s: s.id)
def test_source_has_kind_and_metadata(source) -> None:
    assert isinstance(source.kind, SourceKind)
    assert source.csl.title and source.csl.author and source.csl.container_title
    assert len(source.note) > 80, (
        "the source-criticism note should say what the source is and its limits"
    )


def test_the_serge_date_discrepancy_is_recorded() -> None:
    serge = next(s for s in FACT_BASE.sources if s.id == "serge-1937-yagoda")
    assert serge.date == "1937-08-28"
    assert any("August 1938" in d and "1937" in d for d in serge.discrepancies)


def test_thread_answer_and_comment_are_separate_sources() -> None:
    by_author = {s.authors: s for s in FACT_BASE.sources}
    assert by_author["u/jasonfrederick1555"].kind is SourceKind.COMMUNITY
    assert by_author["u/robinacape"].kind is SourceKind.UNSOURCED
    assert by_author["u/jasonfrederick1555"].text_file == by_author["u/robinacape"].text_file


def uncited_paragraphs() -> dict[str, list[int]]:
    """Paragraphs of each document that no entry cites and no source lists as deliberately uncited."""
    cited: dict[str, set[int]] = defaultdict(set)
    sources = {s.id: s for s in FACT_BASE.sources}
    for entry in LIVE:
        for citation in entry.all_citations():
            cited[sources[citation.source].text_file].add(citation.paragraph)
    excused = {(s.text_file, u.paragraph) for s in FACT_BASE.sources for u in s.uncited_paragraphs}
    missing = {}
    for name, text in FACT_BASE.texts.items():
        count = len(split_paragraphs(text))
        gaps = [n for n in range(1, count + 1) if n not in cited[name] and (name, n) not in excused]
        if gaps:
            missing[name] = gaps
    return missing


def test_every_paragraph_is_cited_or_excused_with_a_reason() -> None:
    assert uncited_paragraphs() == {}


def test_no_paragraph_is_both_excused_and_cited() -> None:
    sources = {s.id: s for s in FACT_BASE.sources}
    cited = {(sources[c.source].text_file, c.paragraph) for e in LIVE for c in e.all_citations()}
    excused = {(s.text_file, u.paragraph) for s in FACT_BASE.sources for u in s.uncited_paragraphs}
    assert cited & excused == set()


def test_every_paragraph_belongs_to_a_source() -> None:
    for name, text in FACT_BASE.texts.items():
        owners = [s for s in FACT_BASE.sources if s.text_file == name]
        for number in range(1, len(split_paragraphs(text)) + 1):
            assert sum(s.covers(number) for s in owners) == 1, f"{name} para. {number}"


@pytest.mark.parametrize("person", PEOPLE)
def test_every_person_named_has_an_entry_and_aliases(person: str) -> None:
    about = [e for e in LIVE if any(person.casefold() in p.casefold() for p in e.people)]
    assert about, f"no entry lists {person} among its people"
    canonicals = {g.canonical.casefold() for g in FACT_BASE.aliases}
    assert any(person.casefold() in c for c in canonicals), f"no alias group for {person}"


QUOTED = re.compile(r'"[^"]*"')


def _word_windows(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", normalise(text).casefold())
    return {tuple(words[i : i + COPY_WINDOW]) for i in range(len(words) - COPY_WINDOW + 1)}


SOURCE_WINDOWS = set().union(*(_word_windows(t) for t in FACT_BASE.texts.values()))


@pytest.mark.parametrize("entry", LIVE, ids=lambda e: e.id)
def test_summary_is_in_our_own_words(entry) -> None:
    # Words the summary puts in quotation marks are the source's, openly; the rest must be ours.
    unquoted = QUOTED.sub(" ", normalise(entry.summary))
    copied = _word_windows(unquoted) & SOURCE_WINDOWS
    assert not copied, f"summary copies the source: {' '.join(sorted(copied)[0])!r}"
