"""The CLI contract: exit codes, one-line errors, JSON shapes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from askbot.cli import main
from askbot.factfiles import bundled_facts_dir, load_fact_base
from support import run

REPO = Path(__file__).resolve().parents[1]


def test_validate_clean_prints_one_summary_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "facts", "validate", str(bundled_facts_dir()))
    assert code == 0 and err == ""
    assert len(out.splitlines()) == 1 and " OK - " in out


def test_validate_errors_exit_1_with_file_line(
    capsys: pytest.CaptureFixture[str], facts_copy: Path
) -> None:
    (facts_copy / "entries" / "broken.yaml").write_text("id: broken\nquestion: [\n")
    code, _, err = run(capsys, "facts", "validate", str(facts_copy))
    assert code == 1
    assert err.splitlines()[0].startswith(f"{facts_copy}/entries/broken.yaml:")
    assert err.splitlines()[-1] == f"askbot: 1 problem(s) in {facts_copy}; nothing was changed"


def test_first_use_fills_the_database_from_the_bundled_facts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "facts", "list", "--json")
    listed = json.loads(out)
    assert code == 0
    assert {e["id"] for e in listed} == {e.id for e in load_fact_base(bundled_facts_dir()).entries}
    citation = listed[0]["citations"][0]
    assert set(citation) >= {"source_id", "title", "author", "date", "quote", "locator"}
    assert set(listed[0]) >= {
        "id",
        "question",
        "also_asked",
        "summary",
        "status",
        "positions",
        "citations",
    }


def test_import_reports_counts_and_is_idempotent(
    capsys: pytest.CaptureFixture[str], facts_copy: Path
) -> None:
    run(capsys, "facts", "list")  # creates and fills the database
    path = facts_copy / "entries" / "yagoda-arrest-why.yaml"
    path.write_text(path.read_text().replace("summary: ", "summary: Edited. "))
    code, out, _ = run(capsys, "facts", "import", str(facts_copy))
    assert code == 0
    assert (
        "entries: 0 added, 1 changed" in out
        and "~ yagoda-arrest-why: change (summary) revision 1 -> 2" in out
    )
    code, out, _ = run(capsys, "facts", "import", str(facts_copy))
    assert code == 0 and ", 0 changed, " in out and "0 added" in out


def test_import_of_invalid_files_changes_nothing(
    capsys: pytest.CaptureFixture[str], facts_copy: Path
) -> None:
    run(capsys, "facts", "list")
    path = facts_copy / "entries" / "yagoda-arrest-why.yaml"
    path.write_text(path.read_text().replace("para. 11", "para. 12"))
    code, _, err = run(capsys, "facts", "import", str(facts_copy))
    assert code == 1 and "nothing was changed" in err
    _, out, _ = run(capsys, "facts", "list", "--json")
    entry = next(e for e in json.loads(out) if e["id"] == "yagoda-arrest-why")
    assert entry["revision"] == 1 and entry["citations"][0]["locator"] == "para. 11"


def exported_aliases(capsys: pytest.CaptureFixture[str], directory: Path) -> int:
    """How many alias groups the database holds, read back through ``facts export``."""
    assert run(capsys, "facts", "export", str(directory))[0] == 0
    return len(load_fact_base(directory).aliases)


def test_import_of_a_folder_that_is_not_a_facts_directory_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    before = exported_aliases(capsys, tmp_path / "before")
    (tmp_path / "empty").mkdir()
    code, out, err = run(capsys, "facts", "import", str(tmp_path / "empty"))
    assert (code, out) == (1, "")
    assert err == (
        f"askbot: {tmp_path / 'empty'}: not a facts directory: it has neither entries/ nor"
        " sources/; nothing was changed\n"
    )
    assert exported_aliases(capsys, tmp_path / "after") == before > 0


def test_import_without_aliases_yaml_leaves_the_alias_table_alone(
    capsys: pytest.CaptureFixture[str], facts_copy: Path, tmp_path: Path
) -> None:
    before = exported_aliases(capsys, tmp_path / "before")
    (facts_copy / "aliases.yaml").unlink()
    path = facts_copy / "entries" / "yagoda-arrest-why.yaml"
    path.write_text(path.read_text().replace("summary: ", "summary: Edited. "))
    code, out, _ = run(capsys, "facts", "import", str(facts_copy))
    assert code == 0
    assert "entries: 0 added, 1 changed" in out and "aliases left alone (no aliases.yaml)" in out
    assert exported_aliases(capsys, tmp_path / "after") == before > 0


def test_import_of_a_revision_the_database_never_had_says_so(
    capsys: pytest.CaptureFixture[str], facts_copy: Path
) -> None:
    run(capsys, "facts", "list")
    path = facts_copy / "entries" / "yagoda-arrest-why.yaml"
    path.write_text(path.read_text().replace("summary: ", "summary: Edited. ") + "revision: 99\n")
    code, _, err = run(capsys, "facts", "import", str(facts_copy))
    assert code == 1
    assert err.splitlines() == [
        "entry 'yagoda-arrest-why': the file claims revision 99, which does not exist; the entry"
        " is at revision 1. Export it again, merge your edit, import again.",
        "askbot: 1 conflict(s); nothing was imported",
    ]


def test_import_of_a_revision_beyond_sqlite_integers_is_a_field_error(
    capsys: pytest.CaptureFixture[str], facts_copy: Path
) -> None:
    run(capsys, "facts", "list")
    original = (facts_copy / "entries" / "yagoda-arrest-why.yaml").read_text()
    new_entry = original.replace("id: yagoda-arrest-why", "id: yagoda-arrest-why-again").replace(
        "question: Why was", "question: Why, again, was"
    )
    (facts_copy / "entries" / "yagoda-arrest-why-again.yaml").write_text(
        new_entry + f"revision: {2**63}\n"
    )
    code, out, err = run(capsys, "facts", "import", str(facts_copy))
    line = len(new_entry.splitlines()) + 1
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{facts_copy}/entries/yagoda-arrest-why-again.yaml:{line}: revision: Input should be"
        f" less than or equal to {2**63 - 1}",
        f"askbot: 1 problem(s) in {facts_copy}; nothing was changed",
    ]


def test_export_writes_the_file_layout(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, _ = run(capsys, "facts", "export", str(tmp_path / "out"))
    assert code == 0
    assert (tmp_path / "out" / "aliases.yaml").exists()
    assert (tmp_path / "out" / "entries" / "yagoda-arrest-why.yaml").exists()
    assert (tmp_path / "out" / "sources" / "serge-1937-the-end-of-henry-yagoda.txt").exists()


def test_schema_describes_every_file_kind(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "facts", "schema")
    schema = json.loads(out)
    assert code == 0
    assert {"Entry", "Source", "AliasFile", "Citation"} <= set(schema["$defs"])
    assert schema["$defs"]["Entry"]["additionalProperties"] is False
    assert "container-title" in schema["$defs"]["CslMetadata"]["properties"]


def test_malformed_setting_is_one_line_naming_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASKBOT_LOG_LEVEL", "LOUD")
    code, out, err = run(capsys, "facts", "list")
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith(
        "askbot: configuration error: ASKBOT_LOG_LEVEL: "
    )


def test_dev_guild_must_be_a_number(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASKBOT_DEV_GUILD", "my-server")
    code, _, err = run(capsys, "facts", "list")
    assert code == 2 and "ASKBOT_DEV_GUILD:" in err


def test_ask_json_is_one_object(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "ask", "--json", "Why was Yagoda arrested, according to Victor Serge?"
    )
    answer = json.loads(out)
    assert code == 0 and answer["status"] == "answered"
    assert answer["matches"][0]["id"] == "yagoda-arrest-why"
    assert answer["matches"][0]["citations"][0]["quote"]


def test_readme_test_command_is_what_ci_runs() -> None:
    ci_command = (REPO / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci_command in (REPO / "README.md").read_text()


def test_ask_does_not_import_discord() -> None:
    code = "import sys, askbot.cli; assert 'discord' not in sys.modules, 'discord imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_run_without_token_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "run")
    assert code == 2 and out == ""
    assert (
        err == "askbot: DISCORD_TOKEN is not set: put the bot token in the environment or in .env\n"
    )


def test_a_damaged_database_is_one_line_not_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("ASKBOT_DB", str(damaged))
    code, out, err = run(capsys, "ask", "Why did Stalin have Yagoda arrested?")
    assert code == 1 and out == ""
    assert err == f"askbot: {damaged} is damaged (file is not a database); restore a backup\n"


def test_readable_answer_names_the_entry_it_answers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--no-record", "Who was Tukhachevsky?"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("Answering: ") and "[who-was-tukhachevsky, confidence 0." in first


def test_readable_no_match_offers_close_entries_as_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["ask", "--no-record", "When was Yagoda executed?"]) == 0
    out = capsys.readouterr().out
    assert "will not guess" in out
    commands = [line.strip() for line in out.splitlines() if line.strip().startswith("askbot ask ")]
    assert 1 <= len(commands) <= 3
    assert any(line.endswith("# yagoda-arrest-news") for line in commands)


def test_source_criticism_and_citations_in_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    """Moderator notes are printed under their own label; a citation list ends in one
    bibliography, and the stored-text locator is named as such beside the reader's count."""
    code, out, _ = run(capsys, "sources", "info", "askhistorians-great-purge-answer")
    assert code == 0 and "note: A community answer" in out
    assert out.count("\nModerator note (from outside the sources): ") == 3 and "22 May 1937" in out
    code, out, _ = run(capsys, "quote", "yagoda-arrest-why", "1")
    assert code == 0 and "\nModerator note (from outside the sources): Serge’s standpoint" in out
    code, out, _ = run(capsys, "cite", "yagoda-arrest-why")
    assert code == 0 and out.count("Bibliography:") == 1
    assert "[1] stored text, para. 11 (primary)" in out and ", para. 6, transcribed by" in out
    code, out, _ = run(capsys, "cite", "--json", "yagoda-arrest-why")
    cited = json.loads(out)
    assert set(cited) == {"quotes", "bibliography"} and len(cited["bibliography"]) == 1
