"""`askbot forum ...` sets up the forum channels the bot replies in; `askbot stats` counts posts."""

from __future__ import annotations

import pytest

from askbot.forum import ForumChannel
from support import run, with_store

GUILD, CHANNEL = "111111111111111111", "222222222222222222"


def stored() -> list[ForumChannel]:
    return with_store(lambda store: store.forum_channels())


def test_add_list_update_and_remove_a_forum_channel(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "forum", "add", CHANNEL, "--guild", GUILD, "--answered-tag", "answered"
    )
    assert code == 0 and out == f"added forum channel {CHANNEL} (answer)\n"
    code, out, _ = run(
        capsys,
        "forum",
        "add",
        CHANNEL,
        "--guild",
        GUILD,
        "--mode",
        "point",
        "--welcome",
        " Hi  all ",
    )
    assert code == 0 and out.startswith("updated")
    [channel] = stored()
    assert (channel.mode, channel.answered_tag, channel.welcome) == ("point", None, "Hi all")
    code, out, _ = run(capsys, "forum", "list")
    assert out.splitlines() == [f"{CHANNEL}  guild {GUILD}  point", "    welcome: Hi all"]
    code, out, _ = run(capsys, "forum", "remove", CHANNEL)
    assert code == 0 and stored() == []
    code, out, _ = run(capsys, "forum", "list")
    assert out == "no forum channels are set up\n"


def test_bad_forum_settings_are_refused_with_the_field(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "forum", "add", CHANNEL, "--guild", GUILD, "--welcome", "x" * 201)
    assert code == 1 and err.startswith("askbot: welcome: String should have at most 200")
    with pytest.raises(SystemExit) as usage:
        run(capsys, "forum", "add", CHANNEL, "--guild", GUILD, "--mode", "lock")
    assert usage.value.code == 2 and "'lock'" in capsys.readouterr().err
    code, _, err = run(capsys, "forum", "remove", CHANNEL)
    assert code == 1 and err == f"askbot: channel: {CHANNEL} is not set up; nothing changed\n"
    assert stored() == []


def test_stats_count_forum_posts(capsys: pytest.CaptureFixture[str]) -> None:
    async def seen(store) -> None:
        for thread, outcome in ((1, "answered"), (2, "pointed"), (3, "pointed"), (4, "silent")):
            assert await store.claim_forum_post(thread, int(CHANNEL), int(GUILD), outcome)
        assert not await store.claim_forum_post(1, int(CHANNEL), int(GUILD), "declined")

    with_store(seen)
    code, out, _ = run(capsys, "stats")
    assert code == 0
    assert "forum posts seen 4: answered 1, pointed 2, declined 0\n" in out
