"""Curating from the CLI: show -> edit, conflicts, refusals, history, review, stats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

import pytest

from askbot.bootstrap import cli_actor
from askbot.cli import main
from askbot.curation import draft_entry, propose
from askbot.store import Actor, Store
from support import run, with_store

T = TypeVar("T")
ARREST = "yagoda-arrest-why"
ACTOR = cli_actor().name
MEMBER = Actor(name="Mel the member", id="2001")
NEW_ENTRY = """\
id: serge-scapegoat
question: Who did Serge say was made a scapegoat for the Zinoviev trial?
also_asked:
- Who was blamed for the Zinoviev trial?
summary: Victor Serge wrote in 1937 that Yagoda was made to carry the blame for the trial.
status: settled
citations:
- source: serge-1937-yagoda
  quote: A scapegoat was required
  locator: para. 11
"""


def show(capsys: pytest.CaptureFixture[str], path: Path) -> str:
    code, out, _ = run(capsys, "fact", "show", ARREST)
    assert code == 0
    path.write_text(out)
    return out


def answered(capsys: pytest.CaptureFixture[str], question: str) -> str | None:
    _, out, _ = run(capsys, "ask", "--json", "--no-record", question)
    matches = json.loads(out)["matches"]
    return matches[0]["id"] if matches else None


# --- show -> edit ----------------------------------------------------------------------------------


def test_show_edit_round_trip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "arrest.yaml"
    shown = show(capsys, path)
    assert shown.startswith(f"id: {ARREST}\nquestion: ")
    path.write_text(shown.replace("summary: ", "summary: Edited from the CLI. ", 1))

    code, out, err = run(capsys, "fact", "edit", str(path), "--reason", "clarify")

    assert (code, out, err) == (0, f"{ARREST} is now at revision 2\n", "")
    _, shown, _ = run(capsys, "fact", "show", ARREST)
    assert "summary: Edited from the CLI. Victor Serge" in shown
    assert shown.endswith("revision: 2\n")


def test_edit_from_a_stale_file_is_refused_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    shown = show(capsys, first)
    second.write_text(shown.replace("summary: ", "summary: Second editor. ", 1))
    first.write_text(shown.replace("summary: ", "summary: First editor. ", 1))
    assert run(capsys, "fact", "edit", str(first))[0] == 0
    counts = with_store(lambda store: store.counts())

    code, out, err = run(capsys, "fact", "edit", str(second))

    info = with_store(lambda store: store.revision_info(ARREST, 2))
    assert info is not None
    assert (code, out) == (1, "")
    assert err == (
        f"askbot: revision: changed by {ACTOR} at {info.created_at} (now revision 2);"
        f" run `askbot fact show {ARREST}` and edit again\n"
    )
    _, now, _ = run(capsys, "fact", "show", ARREST)
    assert "First editor." in now and "Second editor." not in now
    assert with_store(lambda store: store.counts()) == counts


def test_edit_from_a_revision_that_never_existed_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "arrest.yaml"
    shown = show(capsys, path)
    path.write_text(shown.replace("summary: ", "summary: Edited. ", 1) + "revision: 99\n")
    counts = with_store(lambda store: store.counts())

    code, out, err = run(capsys, "fact", "edit", str(path))

    assert (code, out) == (1, "")
    assert err == (
        f"askbot: revision: the edit starts from revision 99, which '{ARREST}' never had;"
        " it is at revision 1\n"
    )
    assert with_store(lambda store: store.counts()) == counts


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        (b"\x00", "binary file (contains NUL bytes), expected UTF-8 text"),
        (b"\xff", "not UTF-8 text (byte {offset})"),
    ],
)
@pytest.mark.parametrize("command", ["add", "edit"])
def test_a_nul_or_non_utf8_byte_is_one_line_at_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, bad: bytes, why: str
) -> None:
    path = tmp_path / "entry.yaml"
    head, tail = NEW_ENTRY.encode().split(b"Victor Serge")
    path.write_bytes(head + bad + tail)
    line = head.count(b"\n") + 1

    code, out, err = run(capsys, "fact", command, str(path))

    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{path}:{line}: (file): {why.format(offset=len(head))}",
        f"askbot: 1 problem(s) in {path}; nothing was changed",
    ]


# --- add -------------------------------------------------------------------------------------------


def test_add_with_a_bad_quote_names_the_field_and_saves_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "new.yaml"
    path.write_text(NEW_ENTRY.replace("A scapegoat was required", "Yagoda was innocent"))

    code, out, err = run(capsys, "fact", "add", str(path))

    assert (code, out) == (1, "")
    assert err.startswith("askbot: citations[0].quote: not found verbatim in ")
    assert len(err.splitlines()) == 1
    assert run(capsys, "fact", "show", "serge-scapegoat")[1:] == (
        "",
        "askbot: entry: no entry 'serge-scapegoat'\n",
    )


def test_add_reports_every_file_problem_with_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "new.yaml"
    path.write_text(NEW_ENTRY.replace("status: settled", "status: maybe").replace("id:", "idd:"))

    code, _, err = run(capsys, "fact", "add", str(path))

    assert code == 1
    assert err.splitlines() == [
        f"{path}:1: id: required field is missing",
        f"{path}:1: idd: unknown field",
        f"{path}:6: status: Input should be 'settled', 'debated' or 'unresolved'",
        f"askbot: 3 problem(s) in {path}; nothing was changed",
    ]


def test_add_puts_a_new_entry_into_answers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    question = "Who did Serge say was made a scapegoat for the Zinoviev trial?"
    assert answered(capsys, question) is None
    path = tmp_path / "new.yaml"
    path.write_text(NEW_ENTRY)

    code, out, _ = run(capsys, "fact", "add", str(path), "--reason", "members ask this")

    assert (code, out) == (0, "added serge-scapegoat at revision 1\n")
    assert answered(capsys, question) == "serge-scapegoat"
    assert run(capsys, "fact", "add", str(path))[2] == (
        "askbot: id: an entry 'serge-scapegoat' already exists\n"
    )


# --- retire, restore, revert, history --------------------------------------------------------------


def test_retire_restore_revert_and_history(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    question = "Why was Yagoda arrested, according to Victor Serge?"
    path = tmp_path / "arrest.yaml"
    path.write_text(
        show(capsys, path).replace("also_asked:\n", "also_asked:\n- Why was Yagoda jailed?\n")
    )
    assert run(capsys, "fact", "edit", str(path), "--reason", "new phrasing")[0] == 0

    assert run(capsys, "fact", "retire", ARREST, "--reason", "duplicate")[1] == (
        f"retired {ARREST} at revision 3\n"
    )
    assert answered(capsys, question) != ARREST
    assert run(capsys, "fact", "retire", ARREST, "--reason", "again")[::2] == (
        1,
        f"askbot: entry: '{ARREST}' is already retired\n",
    )
    assert run(capsys, "fact", "restore", ARREST, "--reason", "not a duplicate")[1] == (
        f"restored {ARREST} at revision 4\n"
    )
    assert answered(capsys, question) == ARREST
    assert run(capsys, "fact", "revert", ARREST, "1")[1] == (
        f"{ARREST} is now at revision 5, the content of revision 1\n"
    )

    code, out, _ = run(capsys, "fact", "history", ARREST)

    assert code == 0
    rows = with_store(lambda store: store.revisions(ARREST))
    at = [row.created_at for row in rows]
    assert out.splitlines() == [
        f"rev 1  {at[0]}  askbot  {rows[0].reason}",
        "    created",
        f"rev 2  {at[1]}  {ACTOR}  new phrasing",
        "    also_asked: + Why was Yagoda jailed?",
        f"rev 3  {at[2]}  {ACTOR}  duplicate",
        "    retired: 'False' -> 'True'",
        f"rev 4  {at[3]}  {ACTOR}  not a duplicate",
        "    retired: 'True' -> 'False'",
        f"rev 5  {at[4]}  {ACTOR}  revert to revision 1",
        "    also_asked: - Why was Yagoda jailed?",
    ]


def test_unknown_entry_and_revision_are_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "fact", "history", "no-such-entry")[::2] == (
        1,
        "askbot: entry: no entry 'no-such-entry'\n",
    )
    assert run(capsys, "fact", "revert", ARREST, "9")[::2] == (
        1,
        f"askbot: revision: '{ARREST}' has no revision 9\n",
    )


# --- review ----------------------------------------------------------------------------------------


async def two_suggestions(store: Store) -> tuple[int, int]:
    """A member's edit of the arrest entry, then a member's new entry."""
    entry = await store.entry(ARREST)
    assert entry is not None
    edit = entry.model_copy(
        update={"also_asked": [*entry.also_asked, "Was Yagoda arrested to silence him?"]}
    )
    new = draft_entry(
        {
            "id": "serge-scapegoat",
            "question": "Who was the scapegoat?",
            "summary": "Serge wrote that someone had to carry the blame.",
            "status": "settled",
            "citations": [
                {
                    "source": "serge-1937-yagoda",
                    "quote": "A scapegoat was required",
                    "locator": "para. 11",
                }
            ],
        }
    )
    return (
        await propose(store, edit, entry.revision, MEMBER),
        await propose(store, new, None, MEMBER),
    )


def test_review_approve_and_reject(capsys: pytest.CaptureFixture[str]) -> None:
    edit, new = with_store(two_suggestions)
    pending = with_store(lambda store: store.proposals())

    code, out, _ = run(capsys, "review")

    assert code == 0
    assert out.splitlines() == [
        f"#{edit}  {ARREST}  Mel the member  {pending[0].created_at}  {pending[0].draft.question}",
        f"#{new}  serge-scapegoat  Mel the member  {pending[1].created_at}  Who was the scapegoat?",
    ]
    assert run(capsys, "review", "list")[1] == out

    code, out, _ = run(capsys, "review", "show", str(edit))
    assert code == 0
    assert out.startswith(f"suggestion #{edit} by Mel the member at ")
    assert f"edit of {ARREST} from revision 1 (now revision 1)\n" in out
    assert "    also_asked: + Was Yagoda arrested to silence him?\n" in out
    assert f"---\nid: {ARREST}\n" in out

    assert run(capsys, "review", "approve", str(edit))[1] == (
        f"approved #{edit}: {ARREST} is live at revision 2\n"
    )
    info = with_store(lambda store: store.revision_info(ARREST, 2))
    assert info is not None and "Mel the member" in info.actor_name
    assert ACTOR in info.actor_name
    assert run(capsys, "review", "approve", str(edit))[::2] == (
        1,
        f"askbot: suggestion: #{edit} was already approved by {ACTOR}\n",
    )

    with pytest.raises(SystemExit) as usage:
        main(["review", "reject", str(new)])  # a rejection needs a reason
    assert usage.value.code == 2
    assert run(capsys, "review", "reject", str(new), "--reason", "too vague")[1] == (
        f"rejected #{new} (serge-scapegoat)\n"
    )
    code, out, _ = run(capsys, "review", "show", str(new))
    assert f"rejected\ndecided by {ACTOR} at " in out and ": too vague\n" in out
    assert run(capsys, "review")[1] == "no pending suggestions\n"
    assert run(capsys, "fact", "show", "serge-scapegoat")[0] == 1  # never went live


def test_review_of_an_unknown_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "review", "approve", "99")[::2] == (
        1,
        "askbot: suggestion: no suggestion #99\n",
    )


# --- stats and the unanswered queue ----------------------------------------------------------------


def test_stats_and_unanswered(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "stats")[1].splitlines()[:4] == [
        "asked     0",
        "answered  0",
        "no_match  0",
        "declined  0",
    ]
    for question in (
        "Why did Stalin have Yagoda arrested?",
        "When was Yezhov arrested?",
        "when was yezhov arrested",
        "Who was blamed for the Zinoviev trial?",
        "What if Trotsky had won?",
    ):
        run(capsys, "ask", question)

    code, out, _ = run(capsys, "stats")

    assert code == 0
    assert out.splitlines() == [
        "asked     5",
        "answered  1",
        "no_match  3",
        "declined  1",
        "top entries:",
        f"      1  {ARREST}",
        "forum posts seen 0: answered 0, pointed 0, declined 0",
    ]

    code, out, _ = run(capsys, "unanswered")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["2", "1"]  # most asked first
    assert lines[0].endswith("  when was yezhov arrested")
    assert lines[1].endswith("  Who was blamed for the Zinoviev trial?")
    assert run(capsys, "unanswered", "--limit", "1")[1].splitlines() == lines[:1]
