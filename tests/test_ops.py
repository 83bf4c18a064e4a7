"""Deploying and operating askbot: the deploy files, db backup/check/migrate, doctor, logging."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import runpy
import shlex
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml

from askbot import cli
from askbot.bootstrap import open_store
from askbot.cli import build_parser, cmd_health, cmd_run, main
from askbot.config import Settings, env_var_name
from askbot.curation import set_retired
from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.logs import JsonFormatter
from askbot.ops import (
    HEARTBEAT_MAX_AGE,
    Heartbeat,
    backup_database,
    check_database,
    heartbeat_path,
    write_heartbeat,
)
from askbot.store import MIGRATIONS, SCHEMA_VERSION, Actor, AskedQuestion, Store
from support import run

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
UNIT_ASKBOT = "/opt/askbot/bin/askbot"
ENTRIES = len(load_fact_base(bundled_facts_dir()).entries)


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    lines = (line.strip() for line in text.splitlines())
    return [
        (keyword.upper(), rest.strip())
        for keyword, _, rest in (line.partition(" ") for line in lines)
        if keyword and not keyword.startswith("#")
    ]


def unit_settings() -> list[tuple[str, str]]:
    """The systemd unit's ``Key=value`` lines, in order (keys may repeat)."""
    lines = (line.strip() for line in (DEPLOY / "askbot.service").read_text().splitlines())
    return [
        (key, value)
        for key, sep, value in (line.partition("=") for line in lines)
        if sep and not key.startswith(("#", ";"))
    ]


def deploy_commands() -> dict[str, list[str]]:
    """The commands the container and the unit run, by where they stand."""
    commands = {}
    for keyword, rest in dockerfile():
        if keyword in ("HEALTHCHECK", "CMD"):
            exec_form = re.search(
                r"(?:^|\s)CMD\s+(\[.*\])$", f" CMD {rest}" if keyword == "CMD" else rest
            )
            assert exec_form, f"{keyword} should use the exec form: {rest}"
            commands[f"Dockerfile {keyword}"] = json.loads(exec_form[1])
    for key, value in unit_settings():
        if key in ("ExecStartPre", "ExecStart"):
            commands[f"askbot.service {key}"] = shlex.split(value)
    return commands


DEPLOY_COMMANDS = deploy_commands()


def test_the_deploy_files_run_these_commands() -> None:
    assert set(DEPLOY_COMMANDS) == {
        "Dockerfile HEALTHCHECK",
        "Dockerfile CMD",
        "askbot.service ExecStartPre",
        "askbot.service ExecStart",
    }


@pytest.mark.parametrize("where", sorted(DEPLOY_COMMANDS))
def test_deploy_commands_exist_and_work(where: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = DEPLOY_COMMANDS[where]
    assert Path(argv[0]).name == "askbot"
    args = build_parser().parse_args(argv[1:])  # argparse exits 2 on anything it does not know
    if args.handler is cmd_run:
        return  # needs Discord: tests/discord/test_askbot.py runs it against the stand-in
    assert main(["stats"]) == 0  # a database in use, as the container and the unit find it
    capsys.readouterr()
    if args.handler is cmd_health:  # as a connected bot leaves it (tests/discord/ runs one)
        write_heartbeat(heartbeat_path(Settings(_env_file=None).database_path), latency_ms=40.0)
    code, out, err = run(capsys, *argv[1:])
    assert (code, err) == (0, ""), err
    assert out


def test_dockerfile_runs_unprivileged_with_the_database_on_a_volume() -> None:
    instructions = dockerfile()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    assert ("RUN", "pip install --constraint deploy/constraints.txt .") in instructions
    assert ("ENV", "ASKBOT_DB=/data/askbot.db") in instructions
    assert ("VOLUME", "/data") in instructions
    assert ("STOPSIGNAL", "SIGTERM") in instructions
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    # what the image copies, the build context lets through
    copied = {rest.split()[0] for keyword, rest in instructions if keyword == "COPY"}
    allowed = (DEPLOY / "Dockerfile.dockerignore").read_text()
    assert all(f"!{path.rstrip('/')}" in allowed for path in copied)


def test_compose_runs_the_image_with_the_env_file_and_a_named_volume() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    service = compose["services"]["askbot"]
    assert service["env_file"] == "askbot.env"
    assert service["restart"] in ("unless-stopped", "always", "on-failure")
    volume, mount = service["volumes"][0].split(":")
    assert mount == "/data" and volume in compose["volumes"]
    build = service["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == DEPLOY / "Dockerfile"


def test_unit_is_unprivileged_restarts_on_failure_and_is_hardened() -> None:
    settings = dict(unit_settings())
    assert settings["ExecStartPre"].startswith(UNIT_ASKBOT)
    assert settings.items() >= {
        ("User", "askbot"),
        ("Group", "askbot"),
        ("Restart", "on-failure"),
        ("EnvironmentFile", "/etc/askbot/askbot.env"),
        ("StateDirectory", "askbot"),
        ("ProtectSystem", "strict"),
        ("ReadWritePaths", "/var/lib/askbot"),
        ("NoNewPrivileges", "yes"),
        ("PrivateTmp", "yes"),
        ("ProtectHome", "yes"),
        ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
    }
    assert settings["RestartSec"]


def test_unit_file_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed")
    # verify insists that ExecStart's program exists: point the unit at this environment's askbot
    unit = tmp_path / "askbot.service"
    text = (DEPLOY / "askbot.service").read_text()
    assert UNIT_ASKBOT in text
    unit.write_text(text.replace(UNIT_ASKBOT, str(Path(sys.executable).with_name("askbot"))))
    result = subprocess.run(
        [tool, "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # unknown keys and bad values are only warnings, so any line about the unit fails the test
    assert [line for line in output.splitlines() if unit.name in line] == []


def test_unit_does_not_restart_after_a_configuration_error() -> None:
    """askbot exits 2 for a bad setting or a refused token, which no restart can fix."""
    assert ("RestartPreventExitStatus", "2") in unit_settings()


def admin_options() -> dict[str, str]:
    """deploy/askbot-admin's systemd-run options (``--name=value``), and the program it runs."""
    command = (DEPLOY / "askbot-admin").read_text().replace("\\\n", " ").split("\nexec ", 1)[1]
    words = shlex.split(command, comments=True)
    assert words[0] == "systemd-run"
    options = dict(
        w.removeprefix("--").split("=", 1) for w in words if w.startswith("--") and "=" in w
    )
    options["program"] = next(w for w in words[1:] if not w.startswith("-"))
    options["arguments"] = " ".join(words[words.index(options["program"]) + 1 :])
    return options


def test_askbot_admin_runs_askbot_as_the_unit_does_with_systemd_reading_the_env_file() -> None:
    unit, admin = dict(unit_settings()), admin_options()
    assert admin["program"] == UNIT_ASKBOT and admin["arguments"] == "$@"
    assert (admin["uid"], admin["gid"]) == (unit["User"], unit["Group"])
    assert admin["working-directory"] == unit["WorkingDirectory"]
    assert admin["setenv"] == unit["Environment"]
    # systemd parses the env file, exactly as for the service; no shell ever sources it
    assert admin["property"] == f"EnvironmentFile={unit['EnvironmentFile']}"
    script = (DEPLOY / "askbot-admin").read_text()
    assert not re.search(r"(^|[;&|\s])\.\s+\S*askbot\.env", script)
    assert (DEPLOY / "askbot-admin").stat().st_mode & 0o111, "askbot-admin is not executable"


def test_image_constraints_pin_every_run_time_dependency() -> None:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pinning = runpy.run_path(str(REPO / "scripts" / "pin_dependencies.py"))
    pins = pinning["read_constraints"]()  # every line is name==version
    for requirement in pinning["project_requirements"]():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} (pyproject) is not pinned in deploy/constraints.txt"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]}: {requirement}"
    # what the pins need is pinned too, wherever this environment has the pinned version to ask
    for name, pinned in pins.items():
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if distribution.version != pinned:
            continue
        for text in distribution.requires or []:
            needed = Requirement(text)
            if pinning["applies"](needed):
                assert canonicalize_name(needed.name) in pins, f"{name} needs {needed.name}"
    copied = [rest.split()[0] for keyword, rest in dockerfile() if keyword == "COPY"]
    assert "deploy/constraints.txt" in copied


def test_env_example_lists_every_setting_with_a_comment_and_no_token(tmp_path: Path) -> None:
    lines = (DEPLOY / "askbot.env.example").read_text().splitlines()
    setting = re.compile(r"^#? ?([A-Z][A-Z0-9_]*)=(.*)$")
    listed = {}
    for number, line in enumerate(lines):
        if match := setting.match(line):
            listed[match[1]] = match[2]
            comment = lines[number - 1]
            assert comment.startswith("#") and not setting.match(comment), f"{line}: no comment"
    assert set(listed) == {env_var_name(field) for field in Settings.model_fields}
    assert listed["DISCORD_TOKEN"] == ""
    # every example value is valid: uncommented, the file loads as it is
    uncommented = tmp_path / "askbot.env"
    uncommented.write_text("\n".join(re.sub(r"^# ([A-Z])", r"\1", line) for line in lines))
    assert Settings(_env_file=uncommented).model_fields_set == set(Settings.model_fields)


# --- db backup, check, migrate ---------------------------------------------------------------


async def test_a_backup_taken_during_writes_restores_to_a_consistent_database(
    tmp_path: Path,
) -> None:
    live = tmp_path / "live.db"
    store = await open_store(Settings(_env_file=None, db=live))
    ids = [entry.id for entry in await store.entries()][:5]
    before = await store.counts()
    writes = 0
    stop = asyncio.Event()

    async def curate_and_ask() -> None:
        nonlocal writes
        retired = False
        while not stop.is_set():
            retired = not retired
            for entry_id in ids:
                await set_retired(store, entry_id, retired, Actor(name="test"), "backup test")
                await store.record_asked([AskedQuestion("answered", entry_id)])
                writes += 1

    writer = asyncio.create_task(curate_and_ask())
    backups, written_during = [], []
    try:
        await asyncio.sleep(0.05)
        for n in range(4):
            started = writes
            backups.append(await backup_database(live, tmp_path / f"backup-{n}.db"))
            written_during.append(writes - started)
    finally:
        stop.set()
        await writer
        await store.close()
    assert sum(written_during) > 0, "no write happened while a backup ran"

    restored = tmp_path / "restored.db"
    previous_revisions = before["revisions"]
    for backup in backups:
        shutil.copyfile(backup.path, restored)  # restore: copy the backup over the database
        assert (await check_database(restored)).counts == backup.counts
        async with await Store.open(restored) as copy:
            counts = await copy.counts()
            fact_base = await copy.load_fact_base()  # every entry loads
            asked = sum(row.count for row in await copy.ask_counts())
            latest = {e.id: (await copy.revisions(e.id))[-1].revision for e in fact_base.entries}
        assert len(fact_base.entries) == before["entries"]
        # each change is one revision and one audit line, in one transaction: never half of one
        changes = counts["revisions"] - before["revisions"]
        assert changes == counts["audit_log"] - before["audit_log"]
        assert changes in (asked, asked + 1) and 0 <= asked <= writes
        assert latest == {e.id: e.revision for e in fact_base.entries}
        assert counts["revisions"] >= previous_revisions  # later backups are later snapshots
        previous_revisions = counts["revisions"]


def test_backup_refuses_to_overwrite_unless_forced_and_reports_size_and_counts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    main(["stats"])
    target = tmp_path / "backups" / "askbot-backup.db"
    target.parent.mkdir()
    code, out, err = run(capsys, "db", "backup", str(target))
    assert (code, err) == (0, "")
    assert f"({target.stat().st_size:,} bytes)" in out and f"entries {ENTRIES}," in out
    saved = target.read_bytes()

    code, out, err = run(capsys, "db", "backup", str(target))
    assert code == 1 and out == ""
    assert err == f"askbot: {target} already exists; nothing was written (--force overwrites it)\n"
    assert target.read_bytes() == saved

    code, out, _ = run(capsys, "db", "backup", str(target), "--force")
    assert code == 0 and out.startswith("backed up ")
    assert sorted(p.name for p in target.parent.iterdir()) == ["askbot-backup.db"]  # no leftovers


def test_backup_and_check_of_a_missing_database_say_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for argv in (["db", "check"], ["db", "backup", str(tmp_path / "b.db")]):
        code, _, err = run(capsys, *argv)
        assert code == 1
        assert (
            err
            == f"askbot: no database at {tmp_path / 'askbot.db'} (askbot creates it on first start)\n"
        )


@pytest.mark.parametrize("where", ["header", "middle"])
def test_check_reports_a_damaged_database_in_one_plain_line(
    where: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    main(["stats"])
    database = tmp_path / "askbot.db"
    data = bytearray(database.read_bytes())
    offset = 0 if where == "header" else len(data) // 2
    data[offset : offset + 8192] = bytes(range(256)) * 32
    database.write_bytes(data)
    capsys.readouterr()
    code, out, err = run(capsys, "db", "check")
    assert code == 1 and out == ""
    assert err.startswith(f"askbot: {database} is damaged") and err.endswith("; restore a backup\n")
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_check_refuses_a_database_newer_than_this_askbot(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    main(["stats"])
    with closing(sqlite3.connect(tmp_path / "askbot.db")) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    capsys.readouterr()
    code, _, err = run(capsys, "db", "check")
    assert code == 1
    assert (
        f"has schema version {SCHEMA_VERSION + 1}, newer than this askbot ({SCHEMA_VERSION})" in err
    )


def test_migrate_reports_from_and_to_and_check_accepts_an_older_schema(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    database = tmp_path / "askbot.db"
    with closing(sqlite3.connect(database)) as db:
        db.executescript(MIGRATIONS[0])
        db.execute("PRAGMA user_version = 1")
    code, out, _ = run(capsys, "db", "check")
    assert (
        code == 0 and "schema version 1 (the next start or `askbot db migrate` upgrades it" in out
    )
    code, out, _ = run(capsys, "db", "migrate")
    assert (code, out) == (0, f"migrated {database} from schema version 1 to {SCHEMA_VERSION}\n")
    code, out, _ = run(capsys, "db", "migrate")
    assert (code, out) == (
        0,
        f"{database} is at schema version {SCHEMA_VERSION}: nothing to migrate\n",
    )


def test_migrate_creates_a_missing_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "db", "migrate")
    assert (code, out) == (
        0,
        f"migrated {tmp_path / 'askbot.db'} from schema version 0 to {SCHEMA_VERSION}\n",
    )


def test_backup_to_an_unwritable_place_names_the_destination(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, askbot_unprivileged: Any
) -> None:
    main(["stats"])
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    target = locked / "backup.db"
    result = askbot_unprivileged("db", "backup", str(target))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (
        f"askbot: cannot write the backup {target}: Permission denied; nothing was written\n"
    )
    code, _, err = run(capsys, "db", "backup", str(tmp_path), "--force")
    assert code == 1
    assert err == (
        f"askbot: {tmp_path} is a directory: name the backup file, e.g. {tmp_path / 'askbot.db'}\n"
    )


def test_backing_up_a_damaged_database_names_the_database_not_the_copy(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    main(["stats"])
    database = tmp_path / "askbot.db"
    with closing(sqlite3.connect(database)) as db:  # one index page overwritten: the file opens
        db.execute("PRAGMA journal_mode=DELETE")
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        (root,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'citations_entry'"
        ).fetchone()
    data = bytearray(database.read_bytes())
    data[(root - 1) * page_size + 8 : root * page_size] = b"A" * (page_size - 8)
    database.write_bytes(data)
    capsys.readouterr()
    target = tmp_path / "backup.db"
    code, out, err = run(capsys, "db", "backup", str(target))
    assert code == 1 and out == ""
    assert err.startswith(f"askbot: {database} is damaged") and err.endswith("; restore a backup\n")
    assert ".partial" not in err and len(err.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == []


# --- health ------------------------------------------------------------------------------------


def test_health_needs_a_recent_gateway_heartbeat(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    main(["stats"])
    capsys.readouterr()
    beat = heartbeat_path(tmp_path / "askbot.db")
    code, out, err = run(capsys, "health")
    assert code == 1 and out == ""
    assert err.startswith(f"askbot: no heartbeat at {beat}: the bot has not connected to Discord")
    write_heartbeat(beat, latency_ms=42.0)
    code, out, err = run(capsys, "health")
    assert (code, err) == (0, "")
    assert out.startswith("connected to Discord (heartbeat 0 s ago, gateway latency 42 ms); ")
    assert f"entries {ENTRIES}," in out
    stale = Heartbeat(at=datetime.now(UTC) - timedelta(seconds=HEARTBEAT_MAX_AGE + 60))
    beat.write_text(stale.model_dump_json())
    code, _, err = run(capsys, "health")
    assert code == 1
    assert re.fullmatch(
        rf"askbot: the bot's last heartbeat was 1[89]\d s ago \(at .+ UTC\), over"
        rf" {HEARTBEAT_MAX_AGE} s: it is not connected to Discord\n",
        err,
    )
    code, _, _ = run(capsys, "health", "--max-age", "600")
    assert code == 0


# --- doctor ----------------------------------------------------------------------------------


def doctor_lines(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, str]]:
    code, out, err = run(capsys, "doctor")
    assert err == ""
    return code, dict(line.split(": ", 1) for line in out.splitlines())


def test_doctor_passes_a_good_setup_and_never_shows_the_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "MTE5NzQ2.GhXyZw.s3cr3t-t0k3n-v4lu3"
    monkeypatch.setenv("DISCORD_TOKEN", token)
    main(["stats"])
    capsys.readouterr()
    code, checks = doctor_lines(capsys)
    assert code == 0
    assert list(checks) == ["config", "token", "database", "facts"]
    assert all(verdict.startswith("ok - ") for verdict in checks.values())
    assert f"entries {ENTRIES}," in checks["database"]
    shown = "\n".join(checks.values())
    assert not any(part in shown for part in token.split("."))


def test_doctor_names_a_missing_token(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, checks = doctor_lines(capsys)
    assert code == 1
    assert checks["token"] == "problem: DISCORD_TOKEN is not set, so the bot cannot log in"
    assert (
        checks["database"]
        == f"ok - {tmp_path / 'askbot.db'} does not exist yet; the first start creates it"
    )
    assert checks["config"].startswith("ok") and checks["facts"].startswith("ok")


def test_doctor_names_a_bad_fact_base(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, facts_copy: Path
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "token")
    (facts_copy / "entries" / "broken.yaml").write_text("id: broken\nquestion: [\n")
    monkeypatch.setenv("ASKBOT_FACTS_DIR", str(facts_copy))
    code, checks = doctor_lines(capsys)
    assert code == 1
    assert checks["facts"].startswith(
        f"problem: 1 problem(s) in {facts_copy}, the first: {facts_copy}/entries/broken.yaml:"
    )
    monkeypatch.setenv("ASKBOT_FACTS_DIR", str(facts_copy / "missing"))
    _, checks = doctor_lines(capsys)
    assert "not a directory" in checks["facts"]


def test_doctor_reports_a_bad_setting_as_its_finding(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASKBOT_LOG_FORMAT", "xml")
    code, checks = doctor_lines(capsys)
    assert code == 1 and list(checks) == ["config"]
    assert checks["config"].startswith("problem: ASKBOT_LOG_FORMAT: ")


def test_doctor_checks_the_entries_in_the_database(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "MTE5NzQ2.GhXyZw.s3cr3t-t0k3n-v4lu3")
    main(["stats"])
    database = tmp_path / "askbot.db"
    with closing(sqlite3.connect(database)) as db:
        db.execute("UPDATE entries SET retired = 1")
        db.commit()
    capsys.readouterr()
    code, checks = doctor_lines(capsys)
    assert code == 1
    assert checks["database"] == (
        f"problem: {database} has no entries to answer from ({ENTRIES} retired):"
        " `askbot facts import DIR` loads a fact base"
    )
    assert checks["facts"].startswith("ok")  # the bundled folder is fine: the database is not
    with closing(sqlite3.connect(database)) as db:
        db.execute("UPDATE entries SET retired = 0")
        db.execute("UPDATE entries SET summary = CAST(X'ff' AS TEXT) WHERE id = 'who-was-yezhov'")
        db.commit()
    code, checks = doctor_lines(capsys)
    assert code == 1
    assert checks["database"].startswith(
        f"problem: {database} is damaged (Could not decode to UTF-8 column 'summary'"
    )


@pytest.mark.parametrize("where", ["environment", ".env"])
def test_doctor_names_an_askbot_variable_that_is_no_setting(
    where: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "MTE5NzQ2.GhXyZw.s3cr3t-t0k3n-v4lu3")
    if where == "environment":
        monkeypatch.setenv("ASKBOT_MOD_ROLE", "Moderators")
    else:
        (tmp_path / ".env").write_text("ASKBOT_MOD_ROLE=Moderators\nASKBOT_LOG_LEVEL=info\n")
    code, checks = doctor_lines(capsys)
    assert code == 1
    assert checks["config"] == (
        "problem: ASKBOT_MOD_ROLE is not an askbot setting, so it is ignored"
        " (did you mean ASKBOT_MOD_ROLES?)"
    )
    assert list(checks) == ["config", "token", "database", "facts"]  # the other checks still run


def test_run_warns_about_an_askbot_variable_that_is_no_setting(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "MTE5NzQ2.GhXyZw.s3cr3t-t0k3n-v4lu3")
    monkeypatch.setenv("ASKBOT_MOD_ROLE", "Moderators")

    async def connected_and_closed(settings: Settings, token: str) -> None:
        return None

    monkeypatch.setattr("askbot.discord.bot.run", connected_and_closed)
    caplog.set_level(logging.WARNING, logger="askbot.cli")
    assert main(["run"]) == 0
    assert caplog.messages == [
        "ASKBOT_MOD_ROLE is not an askbot setting, so it is ignored (did you mean ASKBOT_MOD_ROLES?)"
    ]


@pytest.mark.parametrize(
    ("token", "why"),
    [
        ("hunter2", "it is not three dot-separated base64url parts"),
        ("Bot MTE5NzQ2.GhXyZw.s3cr3t", "it starts with 'Bot ': give the token alone"),
        ('"MTE5NzQ2.GhXyZw.s3cr3t"', "it is in quotes: give the token alone"),
        ("bm90LWFuLWlk.GhXyZw.s3cr3t", "its first part is not a bot's user id"),
        ("MTE5NzQ2.Gh+Xy/Zw.s3cr3t", "it is not three dot-separated base64url parts"),
    ],
)
def test_doctor_checks_the_token_shape_offline_and_never_shows_it(
    token: str, why: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", token)
    code, checks = doctor_lines(capsys)
    assert code == 1
    assert checks["token"].startswith(
        f"problem: DISCORD_TOKEN does not look like a bot token: {why}"
    )
    shown = "\n".join(checks.values())
    assert not any(len(part) > 3 and part in shown for part in re.split(r"[. \"]", token))


def test_the_token_can_come_from_a_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = tmp_path / "discord_token"
    secret.write_text("MTE5NzQ2.GhXyZw.s3cr3t-t0k3n-v4lu3\n")
    monkeypatch.setenv("DISCORD_TOKEN_FILE", str(secret))
    assert Settings(_env_file=None).token == "MTE5NzQ2.GhXyZw.s3cr3t-t0k3n-v4lu3"
    _, checks = doctor_lines(capsys)
    assert checks["token"].startswith("ok - ")
    secret.unlink()
    _, checks = doctor_lines(capsys)
    assert checks["token"] == (
        f"problem: DISCORD_TOKEN_FILE: cannot read {secret}: No such file or directory"
    )
    assert main(["stats"]) == 0  # commands without Discord do not need the secret
    capsys.readouterr()
    code, out, err = run(capsys, "run")
    assert (code, out) == (2, "")
    assert err == f"askbot: DISCORD_TOKEN_FILE: cannot read {secret}: No such file or directory\n"
    secret.write_text("MTE5NzQ2.GhXyZw.s3cr3t-t0k3n-v4lu3")
    monkeypatch.setenv("DISCORD_TOKEN", "MTE5NzQ2.GhXyZw.other")
    code, _, err = run(capsys, "sync")
    assert code == 2
    assert err == "askbot: DISCORD_TOKEN_FILE: set it or DISCORD_TOKEN, not both\n"


# --- logging ---------------------------------------------------------------------------------


def test_json_log_lines_carry_level_logger_message_and_extras() -> None:
    logger = logging.getLogger("askbot.test")
    record = logger.makeRecord(
        logger.name,
        logging.INFO,
        __file__,
        1,
        "asked %d times",
        (3,),
        None,
        extra={"outcome": "answered"},
    )
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert {k: data[k] for k in ("level", "logger", "message", "outcome")} == {
        "level": "INFO",
        "logger": "askbot.test",
        "message": "asked 3 times",
        "outcome": "answered",
    }
    assert data["time"].endswith("+00:00")
    try:
        raise ValueError("boom")
    except ValueError:
        failed = logger.makeRecord(
            logger.name, logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    line = JsonFormatter().format(failed)
    assert "\n" not in line and "ValueError: boom" in json.loads(line)["exception"]


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        (["run"], {}, ("INFO", "text")),
        (["stats"], {}, ("WARNING", "text")),
        (["stats"], {"ASKBOT_LOG_LEVEL": "debug"}, ("DEBUG", "text")),
        (["run"], {"ASKBOT_LOG_LEVEL": "ERROR", "ASKBOT_LOG_FORMAT": "json"}, ("ERROR", "json")),
    ],
)
def test_run_logs_at_info_by_default_other_commands_show_warnings(
    argv: list[str], env: dict[str, str], expected: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    configured: list[tuple[str, str]] = []
    monkeypatch.setattr(cli.app, "configure_logging", lambda *how: configured.append(how))

    async def run_stand_in(args: Any, settings: Settings) -> int:
        return 0

    async def stats_stand_in(args: Any, settings: Settings) -> int:
        return 0

    monkeypatch.setattr(cli.bot, "cmd_run", run_stand_in)
    monkeypatch.setattr(cli.review, "cmd_stats", stats_stand_in)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(argv) == 0
    assert configured == [expected]
