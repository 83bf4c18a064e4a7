"""What goes wrong around the CLI comes back as one ``askbot: ...`` line with the right exit code
(1 bad input, 2 usage or configuration), never a traceback; and the CLI reads as plain text."""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from importlib.metadata import version
from pathlib import Path

import pytest

from askbot.cli import build_parser, main
from support import run

REPO = Path(__file__).resolve().parents[1]
ASKBOT = Path(sys.executable).with_name("askbot")
Unprivileged = Callable[..., subprocess.CompletedProcess[str]]


def one_line(err: str) -> str:
    assert "Traceback" not in err and "Event loop is closed" not in err, err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("askbot: "), err
    return err.rstrip("\n")


@pytest.fixture
def database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """The test's database, created and filled from the bundled facts."""
    assert main(["stats"]) == 0
    capsys.readouterr()
    return tmp_path / "askbot.db"


# --- where the database lives ------------------------------------------------------------------


def test_a_read_only_database_file_is_one_line(
    database: Path, askbot_unprivileged: Unprivileged
) -> None:
    database.chmod(0o444)
    result = askbot_unprivileged("fact", "retire", "who-was-yezhov", "--reason", "test")
    assert result.returncode == 1 and result.stdout == ""
    assert one_line(result.stderr) == (
        f"askbot: cannot write {database}: it or its directory is read-only for this user"
        " (askbot writes the database and its -wal and -shm files beside it)"
    )


def test_a_database_in_a_read_only_directory_is_one_line(
    database: Path,
    tmp_path: Path,
    askbot_unprivileged: Unprivileged,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "askbot.db").write_bytes(database.read_bytes())
    locked.chmod(0o555)
    monkeypatch.setenv("ASKBOT_DB", str(locked / "askbot.db"))
    result = askbot_unprivileged("ask", "Who was Yezhov?")
    assert result.returncode == 1
    assert one_line(result.stderr).startswith(f"askbot: cannot write {locked / 'askbot.db'}: ")
    # nor can a new database be made there, or below it
    monkeypatch.setenv("ASKBOT_DB", str(locked / "new" / "askbot.db"))
    result = askbot_unprivileged("facts", "list")
    assert result.returncode == 1
    assert one_line(result.stderr) == (
        f"askbot: cannot create the directory {locked / 'new'} for the database: Permission denied"
    )


@pytest.mark.parametrize("in_the_way", ["directory", "file"])
def test_a_database_path_that_cannot_be_a_database_is_one_line_without_thread_noise(
    in_the_way: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a real process: aiosqlite's worker thread used to report "Event loop is closed"."""
    if in_the_way == "directory":
        target = tmp_path / "a-directory"
        target.mkdir()
        expected = f"askbot: cannot open {target}: it must be a file this user may read and write"
    else:
        (tmp_path / "a-file").write_text("not a directory")
        target = tmp_path / "a-file" / "askbot.db"
        expected = f"askbot: cannot create the directory {tmp_path / 'a-file'} for the database"
    monkeypatch.setenv("ASKBOT_DB", str(target))
    result = subprocess.run(
        [str(ASKBOT), "ask", "Who was Yagoda?"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1 and result.stdout == ""
    assert one_line(result.stderr).startswith(expected)


def test_a_database_with_text_that_is_not_utf8_is_named_damaged(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    with closing(sqlite3.connect(database)) as db:
        db.execute(
            "UPDATE entries SET summary = CAST(X'48656c6cff6f' AS TEXT) WHERE id = 'who-was-yezhov'"
        )
        db.commit()
    for argv in (["facts", "list"], ["fact", "show", "who-was-yezhov"], ["ask", "Who was Yezhov?"]):
        code, out, err = run(capsys, *argv)
        assert code == 1 and out == ""
        line = one_line(err)
        assert line.startswith(f"askbot: {database} is damaged (Could not decode to UTF-8 column")
        assert line.endswith("); restore a backup")


# --- output ------------------------------------------------------------------------------------


def test_output_piped_into_a_reader_that_left_ends_quietly(database: Path) -> None:
    reading, writing = os.pipe()
    os.close(reading)  # like `| head -1` once head has read its line
    try:
        result = subprocess.run(
            [str(ASKBOT), "facts", "list"], stdout=writing, stderr=subprocess.PIPE, timeout=120
        )
    finally:
        os.close(writing)
    assert result.returncode == 141  # 128 + SIGPIPE, as a shell reports `yes | head -1`
    assert result.stderr == b""


def test_export_to_a_file_or_an_unwritable_place_is_one_line(
    capsys: pytest.CaptureFixture[str],
    database: Path,
    tmp_path: Path,
    askbot_unprivileged: Unprivileged,
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me")
    code, _, err = run(capsys, "facts", "export", str(a_file))
    assert code == 1
    assert one_line(err) == (
        f"askbot: {a_file} is a file: facts export writes a directory (sources/, entries/,"
        " aliases.yaml); nothing was written"
    )
    assert a_file.read_text() == "keep me"
    code, _, err = run(capsys, "facts", "export", str(a_file / "facts"))
    assert code == 1
    assert one_line(err).startswith(f"askbot: cannot write {a_file / 'facts'}")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    result = askbot_unprivileged("facts", "export", str(locked / "facts"))
    assert result.returncode == 1
    assert one_line(result.stderr) == (
        f"askbot: cannot write {locked / 'facts'}: Permission denied; the export to"
        f" {locked / 'facts'} did not finish"
    )


# --- arguments ---------------------------------------------------------------------------------

HUGE = "9" * 25


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "Yagoda", "--page", "1e20"],
        ["search", "Yagoda", "--page", HUGE],
        ["search", "Yagoda", "--page", "0"],
        ["unanswered", "--limit", HUGE],
        ["review", "list", "--limit", HUGE],
        ["review", "show", HUGE],
        ["fact", "revert", "yagoda-arrest-why", HUGE],
        ["quote", "yagoda-arrest-why", HUGE],
        ["sync", "--guild", HUGE],
    ],
)
def test_numbers_out_of_range_are_a_one_line_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    with pytest.raises(SystemExit) as usage:
        main(argv)
    out, err = capsys.readouterr()
    assert usage.value.code == 2 and out == ""
    line = one_line(err)
    assert re.match(r"askbot: argument [\w-]+: .+ (is not a whole number|is out of range)", line)
    assert line.endswith("--help`)")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ASKBOT_DEV_GUILD", HUGE),
        ("ASKBOT_DEV_GUILD", "-1"),
        ("ASKBOT_ASK_COOLDOWN_SECONDS", "inf"),
    ],
)
def test_numeric_settings_out_of_range_are_a_configuration_error(
    variable: str, value: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    code, _, err = run(capsys, "stats")
    assert code == 2
    assert one_line(err).startswith(f"askbot: configuration error: {variable}: ")


def test_a_page_past_the_last_says_how_many_there_are(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    code, _, err = run(capsys, "search", "Yagoda", "--page", "500")
    assert code == 1
    assert re.fullmatch(r"askbot: --page 500: there are \d+ page\(s\) of results", one_line(err))


def test_a_source_text_with_nul_bytes_is_refused_naming_the_file(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    text = tmp_path / "letter.txt"
    text.write_bytes(b"A letter.\x00\x00\n\nMore.")
    meta = tmp_path / "letter.yaml"
    meta.write_text(
        "id: letter-1938\nkind: primary\nnote: A test letter.\n"
        "csl:\n  type: book\n  title: A Letter\n  author: [{family: Doe, given: Jane}]\n"
    )
    code, out, err = run(capsys, "sources", "add", str(text), "--meta", str(meta))
    assert code == 1 and out == ""
    assert one_line(err) == f"askbot: {text}: binary file (contains NUL bytes), expected UTF-8 text"


@pytest.mark.parametrize(
    ("argv", "argument"),
    [
        (["ask", "Who was \udcff Yagoda?"], "question"),
        (["ask", "--json", "Who", "was", "Yag\udce9da?"], "question"),
        (["fact", "show", "\udcffzz"], "id"),
        (["search", "Yag\udcffoda"], "text"),
    ],
)
def test_text_that_is_not_utf8_on_the_command_line_is_refused(
    argv: list[str], argument: str, capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    """Python hands bytes that are not UTF-8 to askbot as lone surrogates (\\udcff for 0xff)."""
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == ""
    assert re.fullmatch(
        rf"askbot: {argument}: not valid UTF-8 \(byte 0x[0-9a-f]{{2}}\); check the encoding"
        " of the terminal or script that typed it",
        one_line(err),
    )


# --- reading the CLI ---------------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"askbot {version('askbot')}\n"


def test_ask_takes_the_question_without_quotes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "ask", "--no-record", "Who", "was", "Tukhachevsky?")
    assert (code, err) == (0, "")
    assert out.startswith("Answering: Who was Tukhachevsky? [who-was-tukhachevsky,")


def test_terminal_output_is_plain_text_not_discord_markdown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "cite", "yagoda-arrest-why")
    assert code == 0 and "Socialist Appeal, August 28, 1937" in out and "*" not in out
    code, out, _ = run(capsys, "search", "Yagoda")
    assert code == 0 and "The End of Henry Yagoda" in out and "*" not in out
    code, out, _ = run(capsys, "search", "--json", "Yagoda")
    assert "**Yagoda**" in out  # JSON keeps the highlight markers, as the bot shows them


def test_positions_say_what_they_rest_on_in_plain_words(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "ask", "--no-record", "Did Stalin have total control over the purges?"
    )
    assert code == 0
    assert "; rests on a community answer)" in out and "; rests on a primary source)" in out
    assert "; rests on an unsourced comment)" in out
    assert "unsourced source" not in out and "rests on a unsourced" not in out


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse offers no public way to walk its subcommands
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_readme_cli_table_lists_every_command() -> None:
    readme = (REPO / "README.md").read_text()
    rows = re.findall(r"^\| `askbot ([a-z]+)(?: \[?([a-z]+)\]?)?", readme, flags=re.MULTILINE)
    listed = {" ".join(filter(None, row)) for row in rows}
    expected = set()
    for name, command in _subcommands(build_parser()).items():
        expected |= {f"{name} {action}" for action in _subcommands(command)} or {name}
    assert sorted(expected - listed) == [], "README's CLI table lacks these commands"
    assert re.search(r"^\| `askbot --version`", readme, flags=re.MULTILINE)
