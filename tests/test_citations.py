"""Chicago citations, CSL-JSON and BibTeX, quotes in context, and safe search queries."""

from __future__ import annotations

import json

import pytest

from askbot.citations import (
    QuoteProblem,
    bibtex,
    chicago,
    cited_quotes,
    csl_json,
    normalise,
    quote_in_context,
    verify_citation,
)
from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.models import Citation, Entry, EntryStatus
from askbot.paragraphs import split_paragraphs
from askbot.search import fts_query

FACT_BASE = load_fact_base(bundled_facts_dir())
SOURCES = {s.id: s for s in FACT_BASE.sources}
SERGE_TEXT = split_paragraphs(FACT_BASE.texts["serge-1937-the-end-of-henry-yagoda.txt"])
THREAD_TITLE = (
    "When Stalin initiated the Great Purge, did he know that a million people would end up being "
    "killed? Or did the purge snowball out of control?"
)

# Checked by hand against the Chicago Manual of Style (17th ed.), notes and bibliography: names
# in normal order in notes, inverted in the bibliography; article titles in quotation marks with
# the comma or period inside; a title ending in its own question mark takes no comma (6.119); a
# newspaper by its date, not volume and issue, its page in the note only (14.191); an online copy
# by site, "last modified" date and URL (14.13); a post by forum then platform, the platform in
# roman (14.209); a comment as "comment on" the thread's post, never under its opening words; a
# repeat as surname, short title (without "The") and locator (14.29-14.30); "n.d." when undated;
# the paragraph the article's reader counts (the stored text's para. 11 is its sixth).
SERGE_URL = "https://www.marxists.org/archive/serge/1937/08/yagoda.htm"
SERGE_NOTE = (
    "Victor Serge, “The End of Henry Yagoda: Stalin Imprisons the Head of the G.P.U. Because He Knew "
    "the Inside Story,” *Socialist Appeal*, August 28, 1937, 9, para. 6, transcribed by Einde "
    f"O’Callaghan, Marxists Internet Archive, last modified July 27, 2018, {SERGE_URL}."
)
SERGE_SHORT_NOTE = "Serge, “End of Henry Yagoda,” para. 6."
SERGE_BIBLIOGRAPHY = (
    "Serge, Victor. “The End of Henry Yagoda: Stalin Imprisons the Head of the G.P.U. Because He Knew "
    "the Inside Story.” *Socialist Appeal*, August 28, 1937. Transcribed by Einde O’Callaghan. "
    f"Marxists Internet Archive. Last modified July 27, 2018. {SERGE_URL}."
)
QUESTION_NOTE = f"u/madatparents1, “{THREAD_TITLE}” r/AskHistorians, Reddit, n.d."
QUESTION_SHORT_NOTE = "u/madatparents1, “When Stalin initiated the Great Purge.”"
THREAD_BIBLIOGRAPHY = f"u/madatparents1. “{THREAD_TITLE}” r/AskHistorians, Reddit, n.d."
ANSWER_NOTE = (
    f"u/jasonfrederick1555, comment on u/madatparents1, “{THREAD_TITLE}” r/AskHistorians, Reddit, "
    "n.d., para. 1."
)
ANSWER_SHORT_NOTE = (
    "u/jasonfrederick1555, comment on u/madatparents1, “When Stalin initiated the Great Purge,” "
    "para. 3."
)
COMMENT_NOTE = (
    f"u/robinacape, comment on u/madatparents1, “{THREAD_TITLE}” r/AskHistorians, Reddit, n.d."
)
COMMENT_SHORT_NOTE = (
    "u/robinacape, comment on u/madatparents1, “When Stalin initiated the Great Purge.”"
)


def test_chicago_newspaper_article_read_in_an_online_archive() -> None:
    cited = chicago(SOURCES["serge-1937-yagoda"], SOURCES, 11)
    assert cited.note == SERGE_NOTE
    assert cited.short_note == SERGE_SHORT_NOTE
    assert cited.bibliography == SERGE_BIBLIOGRAPHY


def test_chicago_reddit_post_and_comments_on_it() -> None:
    question = chicago(SOURCES["askhistorians-great-purge-question"], SOURCES, 1)
    answer = chicago(SOURCES["askhistorians-great-purge-answer"], SOURCES, 3)
    answer_again = chicago(SOURCES["askhistorians-great-purge-answer"], SOURCES, 5)
    comment = chicago(SOURCES["askhistorians-great-purge-comment"], SOURCES, 9)
    assert (question.note, question.short_note) == (QUESTION_NOTE, QUESTION_SHORT_NOTE)
    assert (answer.note, answer_again.short_note) == (ANSWER_NOTE, ANSWER_SHORT_NOTE)
    assert (comment.note, comment.short_note) == (COMMENT_NOTE, COMMENT_SHORT_NOTE)
    # Comments are entered in the bibliography by their thread, not under their opening words.
    assert {question.bibliography, answer.bibliography, comment.bibliography} == {
        THREAD_BIBLIOGRAPHY
    }
    for cited in (answer, comment):
        assert "There is still" not in cited.note and "Kruschev" not in cited.note


@pytest.mark.parametrize(
    ("source_id", "stored", "own"),
    [
        ("serge-1937-yagoda", 6, "para. 1"),  # the article's first paragraph, after its header
        ("serge-1937-yagoda", 16, "para. 11"),
        ("serge-1937-yagoda", 3, None),  # the subtitle: the quote locates it
        ("askhistorians-great-purge-answer", 7, "para. 5"),
        ("askhistorians-great-purge-comment", 9, None),  # one paragraph: the quote locates it
        ("askhistorians-great-purge-question", 1, None),
    ],
)
def test_notes_give_the_sources_own_paragraph_not_the_stored_texts(
    source_id: str, stored: int, own: str | None
) -> None:
    note = chicago(SOURCES[source_id], SOURCES, stored).note
    if own is None:
        assert "para." not in note
    else:
        assert note.rstrip(".").endswith(own) or f", {own}, " in note


def _entry(*cited: tuple[str, str, int]) -> Entry:
    return Entry(
        id="test-entry",
        question="A question?",
        summary="A summary.",
        status=EntryStatus.SETTLED,
        citations=[
            Citation(source=source, quote=quote, locator=f"para. {paragraph}")
            for source, quote, paragraph in cited
        ],
    )


def test_a_source_cited_again_gets_the_short_note_and_one_bibliography_serves_all() -> None:
    entry = _entry(
        ("serge-1937-yagoda", "A scapegoat was required", 11),
        ("askhistorians-great-purge-answer", "there really does not appear", 4),
        ("serge-1937-yagoda", "He is irretrievably lost.", 11),
        ("askhistorians-great-purge-comment", "paranoia and paralysis", 9),
    )
    cited = cited_quotes(entry, SOURCES)
    assert [q.note for q in cited.quotes] == [
        SERGE_NOTE,
        ANSWER_NOTE.replace("para. 1", "para. 2"),
        SERGE_SHORT_NOTE,
        COMMENT_NOTE,
    ]
    assert [q.locator for q in cited.quotes] == ["para. 11", "para. 4", "para. 11", "para. 9"]
    assert cited.bibliography == [SERGE_BIBLIOGRAPHY, THREAD_BIBLIOGRAPHY]


def test_apostrophes_are_curly_in_every_rendering() -> None:
    for source in SOURCES.values():
        cited = chicago(source, SOURCES, source.body.first if source.body else None)
        for text in (cited.note, cited.short_note, cited.bibliography):
            assert "'" not in text, text
    serge = SOURCES["serge-1937-yagoda"]
    typed = serge.model_copy(update={"transcriber": "Einde O'Callaghan"})
    assert "Einde O’Callaghan" in chicago(typed, SOURCES).note


def test_a_known_url_is_given_and_an_unknown_one_never_invented() -> None:
    assert chicago(SOURCES["serge-1937-yagoda"], SOURCES).note.endswith(f", {SERGE_URL}.")
    for source_id in ("askhistorians-great-purge-question", "askhistorians-great-purge-comment"):
        cited = chicago(SOURCES[source_id], SOURCES)
        assert "http" not in cited.note and "http" not in cited.bibliography


def test_csl_json_is_what_reference_managers_read() -> None:
    items = csl_json([SOURCES["serge-1937-yagoda"], SOURCES["askhistorians-great-purge-comment"]])
    json.dumps(items)  # serialisable as it is
    serge, comment = items
    assert serge["id"] == "serge-1937-yagoda" and serge["type"] == "article-newspaper"
    assert serge["container-title"] == "Socialist Appeal" and serge["issued"] == {
        "date-parts": [[1937, 8, 28]]
    }
    assert serge["title-short"] == "End of Henry Yagoda" and serge["URL"] == SERGE_URL
    assert comment["author"] == [{"literal": "u/robinacape"}] and "issued" not in comment


SERGE_BIBTEX = (
    "@article{serge-1937-yagoda,\n"
    "  author = {Serge, Victor},\n"
    "  title = {{The End of Henry Yagoda: Stalin Imprisons the Head of the G.P.U. Because He Knew"
    " the Inside Story}},\n"
    "  journal = {Socialist Appeal},\n"
    "  volume = {1},\n"
    "  number = {3},\n"
    "  pages = {9},\n"
    "  year = {1937},\n"
    "  month = aug,\n"
    f"  url = {{{SERGE_URL}}},\n"
    "  note = {Transcribed by Einde O’Callaghan. Marxists Internet Archive, last modified July 27,"
    " 2018}\n"
    "}"
)
THREAD_BIBTEX = (
    "@misc{askhistorians-great-purge-question,\n"
    "  author = {{u/madatparents1}},\n"
    f"  title = {{{{{THREAD_TITLE}}}}},\n"
    "  howpublished = {r/AskHistorians, Reddit},\n"
    "  note = {Date unknown}\n"
    "}"
)


def test_bibtex_braces_titles_and_enters_comments_by_their_thread() -> None:
    text = bibtex(
        [
            SOURCES["serge-1937-yagoda"],
            SOURCES["askhistorians-great-purge-comment"],
            SOURCES["askhistorians-great-purge-answer"],
        ],
        SOURCES,
    )
    assert text == f"{SERGE_BIBTEX}\n\n{THREAD_BIBTEX}\n"


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
