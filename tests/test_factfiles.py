"""Fact-file validation: every problem reported at once, as file:line: field: why."""

from __future__ import annotations

from pathlib import Path

import pytest

from askbot.factfiles import (
    FactBaseInvalid,
    bundled_facts_dir,
    dump_yaml,
    load_fact_base,
    parse_yaml,
)

BUNDLED_FACTS = bundled_facts_dir()

ENTRY = """\
id: test-entry
question: Who signed the communique against Yagoda?
also_asked:
- who signed the yagoda communique
summary: Serge wrote that Kalinin signed it.
status: settled
citations:
- source: serge-1937-yagoda
  quote: A Government communiqué, signed by Kalinin
  locator: para. 7
"""


def errors_for(directory: Path) -> list[str]:
    with pytest.raises(FactBaseInvalid) as caught:
        load_fact_base(directory, shown="facts")
    return [str(e) for e in caught.value.errors]


def write_entry(facts: Path, text: str, name: str = "test-entry") -> None:
    (facts / "entries" / f"{name}.yaml").write_text(text, encoding="utf-8")


def test_bundled_fact_base_is_valid() -> None:
    fact_base = load_fact_base(BUNDLED_FACTS)
    assert fact_base.entries and fact_base.sources


def test_valid_new_entry_loads(facts_copy: Path) -> None:
    write_entry(facts_copy, ENTRY)
    ids = {e.id for e in load_fact_base(facts_copy).entries}
    assert "test-entry" in ids


def test_bad_yaml_names_file_and_line(facts_copy: Path) -> None:
    write_entry(facts_copy, ENTRY.replace("status: settled", "status: [settled"))
    assert errors_for(facts_copy) == [
        "facts/entries/test-entry.yaml:7: (yaml): did not find expected ',' or ']'"
        " (while parsing a flow sequence started at line 6)"
    ]


def test_unknown_field_is_reported_at_its_line(facts_copy: Path) -> None:
    write_entry(
        facts_copy, ENTRY.replace("status: settled\n", "status: settled\nconfidence: high\n")
    )
    assert errors_for(facts_copy) == ["facts/entries/test-entry.yaml:7: confidence: unknown field"]


def test_wrong_type_is_reported_with_the_nested_field(facts_copy: Path) -> None:
    write_entry(facts_copy, ENTRY.replace("  locator: para. 7", "  locator: 7"))
    assert errors_for(facts_copy) == [
        "facts/entries/test-entry.yaml:10: citations[0].locator: Input should be a valid string"
    ]


def test_quote_not_in_source(facts_copy: Path) -> None:
    write_entry(facts_copy, ENTRY.replace("signed by Kalinin", "signed by Molotov"))
    assert errors_for(facts_copy) == [
        "facts/entries/test-entry.yaml:9: citations[0].quote: not found verbatim in"
        " serge-1937-the-end-of-henry-yagoda.txt (source 'serge-1937-yagoda')"
    ]


def test_locator_that_misses_the_quote_says_where_it_is(facts_copy: Path) -> None:
    write_entry(facts_copy, ENTRY.replace("para. 7", "para. 8"))
    assert errors_for(facts_copy) == [
        "facts/entries/test-entry.yaml:10: citations[0].locator: para. 8 does not contain the quote; it is in para. 7"
    ]


def test_quote_matching_folds_whitespace_and_typographic_quotes(facts_copy: Path) -> None:
    # The source has a curly apostrophe and a line break inside the title block.
    text = ENTRY.replace(
        "A Government communiqué, signed by Kalinin", "The vast police coup d'etat begun by Stalin"
    )
    write_entry(facts_copy, text.replace("para. 7", "para. 6"))
    assert "test-entry" in {e.id for e in load_fact_base(facts_copy).entries}


def test_duplicate_id_names_both_places(facts_copy: Path) -> None:
    write_entry(facts_copy, ENTRY)
    write_entry(
        facts_copy, ENTRY.replace("Who signed", "Who really signed"), name="test-entry-copy"
    )
    errors = errors_for(facts_copy)
    assert (
        "facts/entries/test-entry.yaml:1: id: duplicate id 'test-entry' (also in facts/entries/test-entry-copy.yaml:1)"
        in errors
    )
    assert (
        "facts/entries/test-entry.yaml:1: id: id 'test-entry' must match the file name 'test-entry-copy.yaml'"
        not in errors
    )


def test_unknown_source_and_related_ids(facts_copy: Path) -> None:
    text = (
        ENTRY.replace("source: serge-1937-yagoda", "source: serge-1938")
        + "related:\n- no-such-entry\n"
    )
    write_entry(facts_copy, text)
    assert errors_for(facts_copy) == [
        "facts/entries/test-entry.yaml:8: citations[0].source: unknown source id 'serge-1938'",
        "facts/entries/test-entry.yaml:12: related[0]: unknown entry id 'no-such-entry'",
    ]


def test_every_problem_is_reported_at_once(facts_copy: Path) -> None:
    write_entry(facts_copy, ENTRY.replace("status: settled", "status: certain"))
    write_entry(facts_copy, "id: [unclosed\n", name="broken")
    errors = errors_for(facts_copy)
    assert len(errors) == 2
    assert errors[0].startswith("facts/entries/broken.yaml:")
    assert errors[1].startswith(
        "facts/entries/test-entry.yaml:6: status: Input should be 'settled', 'debated' or 'unresolved'"
    )


def test_duplicate_yaml_key_is_an_error_not_an_overwrite(facts_copy: Path) -> None:
    write_entry(facts_copy, ENTRY + "summary: A second summary.\n")
    assert (
        "facts/entries/test-entry.yaml:11: summary: duplicate key (YAML would silently keep the last one)"
        in errors_for(facts_copy)
    )


def test_repeated_quote_needs_a_prefix_or_suffix(facts_copy: Path) -> None:
    # "against" stands twice in paragraph 8: the citation must say which one.
    text = ENTRY.replace("A Government communiqué, signed by Kalinin", "against").replace(
        "para. 7", "para. 8"
    )
    write_entry(facts_copy, text)
    assert errors_for(facts_copy) == [
        "facts/entries/test-entry.yaml:9: citations[0].quote: appears 2 times in para. 8; add a prefix or suffix to pin it"
    ]
    write_entry(facts_copy, text + "  prefix: organized the repression\n")
    assert "test-entry" in {e.id for e in load_fact_base(facts_copy).entries}


def test_source_text_that_is_not_utf8_is_refused(facts_copy: Path) -> None:
    (facts_copy / "sources" / "serge-1937-the-end-of-henry-yagoda.txt").write_bytes(b"caf\xe9\n")
    source_file = (facts_copy / "sources" / "serge-1937-yagoda.yaml").read_text().splitlines()
    line = next(n for n, text in enumerate(source_file, 1) if text.startswith("text_file:"))
    assert errors_for(facts_copy) == [
        f"facts/sources/serge-1937-yagoda.yaml:{line}: text_file: facts/sources/serge-1937-the-end-of-henry-yagoda.txt:"
        " not UTF-8 text (byte 3)"
    ]


def test_canonical_dump_round_trips() -> None:
    for entry in load_fact_base(BUNDLED_FACTS).entries:
        document, errors = parse_yaml(dump_yaml(entry), "x.yaml")
        assert not errors and document is not None
        assert type(entry).model_validate(document.data) == entry


@pytest.mark.parametrize("key", ["thread", "reply_to"])
def test_a_comment_must_name_a_known_post(facts_copy: Path, key: str) -> None:
    path = facts_copy / "sources" / "askhistorians-great-purge-answer.yaml"
    path.write_text(
        path.read_text().replace(
            f"{key}: askhistorians-great-purge-question", f"{key}: no-such-post"
        )
    )
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith(f"{key}:")
    )
    assert errors_for(facts_copy) == [
        f"facts/sources/askhistorians-great-purge-answer.yaml:{line}: {key}: unknown source id 'no-such-post'"
    ]


def test_a_reply_names_its_thread_and_a_body_stays_inside_the_text(facts_copy: Path) -> None:
    """Chicago cites a reply as a comment on its thread's post and counts paragraphs from its
    body, so both must hold."""
    answer = facts_copy / "sources" / "askhistorians-great-purge-answer.yaml"
    answer.write_text(
        answer.read_text().replace("thread: askhistorians-great-purge-question\n", "")
    )
    serge = facts_copy / SERGE_SOURCE
    serge.write_text(
        serge.read_text().replace("body:\n  first: 6\n  last: 16", "body:\n  first: 6\n  last: 18")
    )
    errors = errors_for(facts_copy)
    assert any(
        e.startswith("facts/sources/askhistorians-great-purge-answer.yaml:1: ")
        and e.endswith("a reply stands in a thread: set thread to the post that opens it")
        for e in errors
    ), errors
    assert any(
        e.startswith(f"facts/{SERGE_SOURCE}:")
        and e.endswith(
            "body: para. 18 does not exist: serge-1937-the-end-of-henry-yagoda.txt has 17"
        )
        for e in errors
    ), errors


def test_a_folder_without_entries_or_sources_is_refused(tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "aliases.yaml").write_text("aliases: []\n")
    with pytest.raises(FactBaseInvalid) as caught:
        load_fact_base(tmp_path / "other", shown="other")
    assert [str(e) for e in caught.value.errors] == [
        "other:1: (directory): not a facts directory: it has neither entries/ nor sources/"
    ]


def test_without_aliases_yaml_the_files_say_nothing_about_aliases(facts_copy: Path) -> None:
    assert load_fact_base(facts_copy).aliases_given
    (facts_copy / "aliases.yaml").unlink()
    fact_base = load_fact_base(facts_copy)
    assert not fact_base.aliases_given and fact_base.aliases == []


@pytest.mark.parametrize(
    ("old", "new", "line", "written"),
    [
        ("also_asked:\n", "also_asked: &asked\n", 3, "&asked"),
        ("status: settled", "status: &s settled", 6, "&s"),
        ("  locator: para. 7\n", "  locator: para. 7\ntags: *asked\n", 11, "*asked"),
    ],
)
def test_yaml_anchors_and_aliases_are_refused_at_their_line(
    facts_copy: Path, old: str, new: str, line: int, written: str
) -> None:
    write_entry(facts_copy, ENTRY.replace(old, new))
    assert errors_for(facts_copy) == [
        f"facts/entries/test-entry.yaml:{line}: (yaml): '{written}': YAML anchors and aliases"
        " are not allowed in fact files; write the value out"
    ]


def test_nested_alias_bomb_is_refused_before_it_is_expanded(facts_copy: Path) -> None:
    # Five levels of nine aliases each would expand into half a million strings; every level
    # more multiplies that by nine, from a file of a few hundred bytes.
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 6)]
    (facts_copy / "aliases.yaml").write_text("\n".join(lines) + "\n")
    assert errors_for(facts_copy) == [
        "facts/aliases.yaml:1: (yaml): '&a0': YAML anchors and aliases are not allowed in fact"
        " files; write the value out"
    ]


def test_merge_keys_need_aliases_and_are_refused(facts_copy: Path) -> None:
    (facts_copy / "aliases.yaml").write_text(
        "aliases:\n- canonical: Yagoda\n  kind: person\n  variants: [Iagoda]\n"
        "- <<: *first\n  canonical: Ezhov\n"
    )
    assert errors_for(facts_copy) == [
        "facts/aliases.yaml:5: (yaml): '*first': YAML anchors and aliases are not allowed in"
        " fact files; write the value out"
    ]


def test_control_character_is_reported_at_its_line_and_column(facts_copy: Path) -> None:
    write_entry(facts_copy, ENTRY.replace("signed it.", "signed \x07it."))
    assert errors_for(facts_copy) == [
        "facts/entries/test-entry.yaml:5: (yaml): character U+0007 at column 42:"
        " control characters are not allowed"
    ]


def test_control_character_after_non_ascii_text_keeps_its_column(facts_copy: Path) -> None:
    # libyaml counts bytes; the column is in characters, as an editor shows it.
    write_entry(facts_copy, ENTRY.replace("communiqué, signed by", "communiqué,\x1b signed by"))
    assert errors_for(facts_copy) == [
        "facts/entries/test-entry.yaml:9: (yaml): character U+001B at column 34:"
        " control characters are not allowed"
    ]


def test_nul_byte_is_reported_at_its_line(facts_copy: Path) -> None:
    (facts_copy / "entries" / "test-entry.yaml").write_bytes(
        ENTRY.replace("status: settled", "status: sett\x00led").encode()
    )
    assert errors_for(facts_copy) == [
        "facts/entries/test-entry.yaml:6: (file): binary file (contains NUL bytes), expected UTF-8 text"
    ]


def test_revision_beyond_the_database_integer_range_is_a_field_error(facts_copy: Path) -> None:
    write_entry(facts_copy, ENTRY + f"revision: {2**63}\n")
    assert errors_for(facts_copy) == [
        "facts/entries/test-entry.yaml:11: revision: Input should be less than or equal to"
        f" {2**63 - 1}"
    ]


def test_a_file_that_failed_is_reported_once_not_where_it_is_referenced(
    facts_copy: Path,
) -> None:
    # The entry and the source others cite are broken; everything citing them is not reported.
    (facts_copy / "entries" / "yagoda-arrest-why.yaml").write_text("id: [yagoda-arrest-why\n")
    source = facts_copy / "sources" / "serge-1937-yagoda.yaml"
    source.write_text(source.read_text() + "confidence: high\n")
    write_entry(facts_copy, ENTRY + "related:\n- yagoda-arrest-why\n- no-such-entry\n")
    errors = errors_for(facts_copy)
    assert [e.split(":")[0] for e in errors] == [
        "facts/entries/test-entry.yaml",
        "facts/entries/yagoda-arrest-why.yaml",
        "facts/sources/serge-1937-yagoda.yaml",
    ]
    assert (
        errors[0]
        == "facts/entries/test-entry.yaml:13: related[1]: unknown entry id 'no-such-entry'"
    )
    assert errors[2].endswith(": confidence: unknown field")


@pytest.mark.parametrize("status", ["unresolved", "debated"])
def test_a_contested_entry_without_positions_is_refused(facts_copy: Path, status: str) -> None:
    """Leaving ``positions`` out must not dodge the rule that loading applies."""
    write_entry(facts_copy, ENTRY.replace("status: settled", f"status: {status}"))
    [error] = errors_for(facts_copy)
    assert error.startswith("facts/entries/test-entry.yaml:")
    assert f": positions: Value error, status {status} needs at least two positions" in error


SERGE_SOURCE = "sources/serge-1937-yagoda.yaml"
SERGE_DATE = "    - - 1937\n      - 8\n      - 28\n"


def source_errors(facts: Path) -> list[str]:
    """The problems reported in the Serge source file itself (its entries' follow from them)."""
    return [e for e in errors_for(facts) if e.startswith(f"facts/{SERGE_SOURCE}:")]


@pytest.mark.parametrize(
    ("date", "why"),
    [
        ([1937, 0, 28], "month 0 is not a month (1-12)"),
        ([1937, 13], "month 13 is not a month (1-12)"),
        ([1937, 8, 99], "day 99 is not a day of 1937-08 (1-31)"),
        ([1937, 2, 29], "day 29 is not a day of 1937-02 (1-28)"),
        ([0], "year 0 is not between 1 and 9999"),
        ([1937, 8, 28, 1], "a date is [year], [year, month] or [year, month, day]"),
    ],
    ids=["month-0", "month-13", "day-99", "not-a-leap-year", "year-0", "four-parts"],
)
def test_an_impossible_date_is_refused_at_its_line(
    facts_copy: Path, date: list[int], why: str
) -> None:
    path = facts_copy / SERGE_SOURCE
    text = path.read_text(encoding="utf-8")
    assert SERGE_DATE in text
    parts = "    - - " + "\n      - ".join(str(part) for part in date) + "\n"
    path.write_text(text.replace(SERGE_DATE, parts), encoding="utf-8")
    assert source_errors(facts_copy) == [
        f"facts/{SERGE_SOURCE}:16: csl.issued.date-parts: Value error, {why}"
    ]


def test_a_leap_day_is_a_date(facts_copy: Path) -> None:
    path = facts_copy / SERGE_SOURCE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(SERGE_DATE, "    - - 1936\n      - 2\n      - 29\n"))
    assert load_fact_base(facts_copy).sources


@pytest.mark.parametrize(
    ("find", "replace", "where", "why"),
    [
        (
            "  container-title: Socialist Appeal",
            "  container-title: " + "S" * 257,
            "csl.container-title",
            "String should have at most 256 characters",
        ),
        (
            "  page: '9'",
            "  page: '" + "9" * 65 + "'",
            "csl.page",
            "String should have at most 64 characters",
        ),
        (
            "  - family: Serge\n    given: Victor\n",
            "".join(f"  - literal: {'u' * 200}{n}\n" for n in range(6)),
            "csl.author",
            "Value error, the author names come to 1216 characters together; at most 1024 fit"
            " (one Discord embed field)",
        ),
        (
            "transcriber: Einde O’Callaghan",
            "transcriber: " + "E" * 257,
            "transcriber",
            "String should have at most 256 characters",
        ),
    ],
    ids=["periodical", "page", "authors", "transcriber"],
)
def test_source_metadata_longer_than_an_embed_shows_is_refused(
    facts_copy: Path, find: str, replace: str, where: str, why: str
) -> None:
    path = facts_copy / SERGE_SOURCE
    text = path.read_text(encoding="utf-8")
    assert find in text
    path.write_text(text.replace(find, replace), encoding="utf-8")
    [error] = source_errors(facts_copy)
    assert error.endswith(f": {where}: {why}")


def test_a_title_longer_than_an_embed_title_is_refused(facts_copy: Path) -> None:
    path = facts_copy / SERGE_SOURCE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    title = next(i for i, line in enumerate(lines) if line.startswith("  title: "))
    lines[title : title + 2] = [f"  title: {'T' * 257}\n"]
    path.write_text("".join(lines), encoding="utf-8")
    assert source_errors(facts_copy) == [
        f"facts/{SERGE_SOURCE}:5: csl.title: String should have at most 256 characters"
    ]
