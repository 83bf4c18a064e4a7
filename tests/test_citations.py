"""Chicago citations, CSL-JSON and BibTeX, quotes in context, and safe search queries."""

from __future__ import annotations

import json

import pytest

from askbot.citations import (
    QuoteProblem,
    bibtex,
    chicago,
    csl_json,
    normalise,
    quote_in_context,
    verify_citation,
)
from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.models import Citation
from askbot.paragraphs import split_paragraphs
from askbot.search import fts_query

FACT_BASE = load_fact_base(bundled_facts_dir())
SOURCES = {s.id: s for s in FACT_BASE.sources}
SERGE_TEXT = split_paragraphs(FACT_BASE.texts["serge-1937-the-end-of-henry-yagoda.txt"])
THREAD_TITLE = (
    "When Stalin initiated the Great Purge, did he know that a million people would end up being "
    "killed? Or did the purge snowball out of control?"
)

# Checked by hand against the Chicago Manual of Style (17th ed.), notes and bibliography:
# names in normal order in notes and inverted in the bibliography; article titles in quotation
# marks with the comma or period inside; periodical and platform names in italics; a title
# ending in its own question mark takes no comma; a missing date is "n.d."; nothing invented.
SERGE_NOTE = (
    "Victor Serge, “The End of Henry Yagoda: Stalin Imprisons the Head of the G.P.U. Because He Knew "
    "the Inside Story,” *Socialist Appeal*, vol. 1, no. 3, August 28, 1937, 9, transcribed by Einde "
    "O'Callaghan, Marxists' Internet Archive, para. 11."
)
SERGE_BIBLIOGRAPHY = (
    "Serge, Victor. “The End of Henry Yagoda: Stalin Imprisons the Head of the G.P.U. Because He Knew "
    "the Inside Story.” *Socialist Appeal*, vol. 1, no. 3, August 28, 1937, 9. Transcribed by Einde "
    "O'Callaghan. Marxists' Internet Archive."
)
ANSWER_NOTE = (
    "u/jasonfrederick1555, “There is still much unknown about the inner motivations of Soviet leaders,” "
    f"comment on u/madatparents1, “{THREAD_TITLE}” *Reddit*, r/AskHistorians, n.d., para. 3."
)
ANSWER_BIBLIOGRAPHY = (
    "u/jasonfrederick1555. “There is still much unknown about the inner motivations of Soviet leaders.” "
    f"Comment on u/madatparents1, “{THREAD_TITLE}” *Reddit*, r/AskHistorians, n.d."
)
QUESTION_NOTE = f"u/madatparents1, “{THREAD_TITLE}” *Reddit*, r/AskHistorians, n.d."


def test_chicago_newspaper_article_in_an_online_archive() -> None:
    cited = chicago(SOURCES["serge-1937-yagoda"], SOURCES, "para. 11")
    assert cited.note == SERGE_NOTE
    assert cited.bibliography == SERGE_BIBLIOGRAPHY


def test_chicago_reddit_comment_and_post() -> None:
    answer = chicago(SOURCES["askhistorians-great-purge-answer"], SOURCES, "para. 3")
    assert answer.note == ANSWER_NOTE
    assert answer.bibliography == ANSWER_BIBLIOGRAPHY
    assert chicago(SOURCES["askhistorians-great-purge-question"], SOURCES).note == QUESTION_NOTE


def test_a_known_url_is_given_and_an_unknown_one_never_invented() -> None:
    serge = SOURCES["serge-1937-yagoda"]
    assert "http" not in chicago(serge, SOURCES).note
    with_url = serge.model_copy(
        update={"csl": serge.csl.model_copy(update={"URL": "https://example.org/serge"})}
    )
    cited = chicago(with_url, SOURCES)
    assert cited.note.endswith(", https://example.org/serge.")
    assert cited.bibliography.endswith(" https://example.org/serge.")


def test_csl_json_is_what_reference_managers_read() -> None:
    items = csl_json([SOURCES["serge-1937-yagoda"], SOURCES["askhistorians-great-purge-comment"]])
    json.dumps(items)  # serialisable as it is
    serge, comment = items
    assert serge["id"] == "serge-1937-yagoda" and serge["type"] == "article-newspaper"
    assert serge["container-title"] == "Socialist Appeal" and serge["issued"] == {
        "date-parts": [[1937, 8, 28]]
    }
    assert comment["author"] == [{"literal": "u/robinacape"}] and "issued" not in comment


def test_bibtex_entries() -> None:
    text = bibtex(
        [SOURCES["serge-1937-yagoda"], SOURCES["askhistorians-great-purge-comment"]], SOURCES
    )
    assert text.startswith("@article{serge-1937-yagoda,\n  author = {Serge, Victor},")
    assert (
        "  journal = {Socialist Appeal},\n  volume = {1},\n  number = {3},\n  pages = {9},\n  year = {1937},\n  month = aug,"
        in text
    )
    assert "@misc{askhistorians-great-purge-comment,\n  author = {{u/robinacape}}," in text
    assert "Date unknown" in text and text.count("@") == 2


def _citation_where(quote: str, text_file: str) -> tuple[Citation, list[str]]:
    """A citation of ``quote`` at the paragraph that contains it, from the source covering it."""
    paragraphs = split_paragraphs(FACT_BASE.texts[text_file])
    number = next(i for i, p in enumerate(paragraphs, 1) if quote in normalise(p))
    source = next(s for s in FACT_BASE.sources if s.text_file == text_file and s.covers(number))
    return Citation(source=source.id, quote=quote, locator=f"para. {number}"), paragraphs


SERGE_FILE = "serge-1937-the-end-of-henry-yagoda.txt"
THREAD_FILE = "askhistorians-great-purge-thread.txt"


@pytest.mark.parametrize(
    ("quote", "words", "text_file"),
    [
        ("tolerably disturbing witness", "intolerably disturbing witness", SERGE_FILE),
        ("retrievably lost", "irretrievably lost", SERGE_FILE),
        ("compatible with that of the regime", "incompatible with that of the regime", SERGE_FILE),
        ("pardonable crime", "unpardonable crime", SERGE_FILE),
        ("thing definite is known", "nothing definite is known", SERGE_FILE),
        ("agreed with Stalin", "disagreed with Stalin", THREAD_FILE),
        ("an intolerably disturbing wit", "an intolerably disturbing witness", SERGE_FILE),
    ],
    ids=[
        "intolerably",
        "irretrievably",
        "incompatible",
        "unpardonable",
        "nothing",
        "disagreed",
        "witness",
    ],
)
def test_a_quote_that_begins_or_ends_inside_a_word_is_refused(
    quote: str, words: str, text_file: str
) -> None:
    citation, paragraphs = _citation_where(quote, text_file)
    source = SOURCES[citation.source]
    assert verify_citation(citation, source, paragraphs) == QuoteProblem(
        "quote",
        f"begins or ends inside a word: {citation.locator} has '{words}'; quote whole words",
    )
    whole = citation.model_copy(update={"quote": words})
    assert verify_citation(whole, source, paragraphs) is None


def test_a_quote_may_end_at_punctuation_and_begin_after_it() -> None:
    citation, paragraphs = _citation_where("He is irretrievably lost.", SERGE_FILE)
    assert verify_citation(citation, SOURCES[citation.source], paragraphs) is None


def test_quote_spanning_a_line_break_is_found_in_the_sources_own_characters() -> None:
    citation = Citation(
        source="serge-1937-yagoda", quote="the G.P.U. Because He Knew", locator="para. 3"
    )
    found = quote_in_context(citation, SERGE_TEXT)
    assert found is not None and found.paragraph == 3
    assert found.quote == "the G.P.U.\nBecause He Knew"
    assert found.before == "Stalin Imprisons the Head of " and found.after == " the Inside Story"


def test_quote_with_straight_apostrophe_maps_to_the_curly_original() -> None:
    citation = Citation(
        source="serge-1937-yagoda", quote="The vast police coup d'etat", locator="para. 6"
    )
    found = quote_in_context(citation, SERGE_TEXT)
    assert found is not None and found.quote == "The vast police coup d’etat" and found.before == ""
    assert found.before + found.quote + found.after == SERGE_TEXT[5]


@pytest.mark.parametrize(
    "hostile", ['"', "AND OR (", "NEAR()", "*", "^-:", '""', "a*", "(((", "   "]
)
def test_search_input_that_is_only_syntax_gives_no_query(hostile: str) -> None:
    assert fts_query(hostile) is None


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("Order of Lenin", '"Order" "of" "Lenin"'),
        ('"Order of Lenin"', '"Order of Lenin"'),
        ("Yago*", '"Yago"*'),
        ("col:umn NEAR(a b)", '"col" "umn" "a" "b"'),
        ('"unclosed phrase', '"unclosed" "phrase"'),
        ("coup d’etat", '"coup" "d’etat"'),
    ],
)
def test_search_input_becomes_quoted_terms(typed: str, query: str) -> None:
    assert fts_query(typed) == query
