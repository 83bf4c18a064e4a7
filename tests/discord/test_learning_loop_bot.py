"""The learning loop end to end through the Discord stand-in: ask -> flag -> /misfires label ->
/calibrate Confirm -> the same question answered; and each of its actions on its own."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from fake_discord import FakeDiscord

from askbot.answering import queue_key
from askbot.discord.checks import NOT_A_MODERATOR
from askbot.learning.calibrate import CalibrationPlan
from askbot.learning.quality import Figures
from askbot.matching import default_calibration
from askbot.store import Actor

FLAGGED = "When was Yezhov arrested?"
UNANSWERED = (
    "What did Trotsky eat for breakfast in Coyoacan?",
    "Which football team did Bukharin support?",
    "How tall was the Lubyanka building in metres?",
    "What colour was Yezhov's car?",
    "Did Molotov keep a diary of his dreams?",
    "Which songs did Kirov sing?",
)
MODERATOR = Actor(name="mod")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def mod(fake: FakeDiscord) -> dict[str, Any]:
    return {"roles": [fake.moderator_role_id]}


def button(record: Any, label: str) -> str:
    """The custom id of the button labelled ``label`` on a record's message."""
    rows = record.components
    for row in rows:
        for component in row.get("components", []):
            if component.get("label") == label:
                return str(component["custom_id"])
    raise AssertionError(f"no button {label!r} on {record!r}")


async def flag(fake: FakeDiscord, question: str) -> str:
    """Ask, take the first suggestion, say it missed: the entry it got."""
    asked = await fake.slash("ask", {"question": question})
    entry = asked.components[0]["components"][0]["options"][0]["value"]
    chosen = await fake.select(asked, "askbot:suggest", [entry])
    flagged = await (await fake.click(chosen, f"askbot:wrong:{entry}")).wait_for_followup()
    assert "moderators" in flagged.content
    return str(entry)


async def open_question(fake: FakeDiscord, listing: Any, ref: str) -> Any:
    """Pick a question from a listing's "Label a question" menu (the last one: /unanswered's
    entry-form menu comes first)."""
    return await fake.select(listing, listing.custom_ids[-1], [ref], **mod(fake))


async def test_a_question_members_asked_is_answered_after_labelling_and_calibrating(
    bot_and_fake,
) -> None:
    fake, bot = bot_and_fake
    entry = await flag(fake, FLAGGED)
    for question in UNANSWERED:
        await bot.desk.store.record_unanswered(queue_key(question), question)
    await bot.desk.answers.recorded()

    listing = await fake.slash("misfires", {}, **mod(fake))
    assert listing.ephemeral and f"{FLAGGED} → `{entry}`" in listing.embeds[0]["description"]
    ref = (await bot.desk.misfires())[0].ref
    opened = await open_question(fake, listing, ref)
    picked = await fake.select(opened, f"askbot:label:answer:{ref}", [entry], **mod(fake))
    labelled = await fake.click(
        picked, button(picked, "Label it and add as a phrasing"), **mod(fake)
    )
    assert f"`{entry}` answers it" in labelled.content and "phrasing" in labelled.content

    queue = await fake.slash("unanswered", {}, **mod(fake))
    for question in await bot.desk.queued():  # the flagged question's queue row went with it
        opened = await open_question(fake, queue, question.ref)
        done = await fake.click(opened, f"askbot:label:none:{question.ref}", **mod(fake))
        assert "no_match" in done.content
    assert len(await bot.desk.labels()) == 1 + len(UNANSWERED)

    shown = await fake.slash("calibrate", {}, **mod(fake))
    plan = await shown.wait_for_followup(timeout=120)  # the refit takes a while
    assert "held-out community labels" in plan.embeds[0]["title"]
    applied = await fake.click(plan, button(shown, "Confirm"), **mod(fake))
    assert "Applied as calibration #1" in applied.content
    active = await bot.desk.active_calibration()
    assert active is not None and bot.desk.engine.matcher.calibration.model_dump_json() == (
        active.calibration
    )
    again = await fake.slash("ask", {"question": FLAGGED})
    assert not again.ephemeral and f"askbot:sources:{entry}" in again.custom_ids

    reverted = await fake.click(applied, "askbot:calibration:revert:1", **mod(fake))
    assert "Reverted calibration #1" in reverted.content
    assert await bot.desk.active_calibration() is None


async def test_misfires_are_listed_most_flagged_first(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    answered = await fake.slash("ask", {"question": "Why did Stalin have Yagoda arrested?"})
    await (await fake.click(answered, "askbot:wrong:yagoda-arrest-why")).wait_for_followup()
    entry = await flag(fake, FLAGGED)
    fake.add_user(fake.user_id + 1000, "second")
    asked = await fake.slash("ask", {"question": FLAGGED}, user_id=fake.user_id + 1000)
    chosen = await fake.select(asked, "askbot:suggest", [entry], user_id=fake.user_id + 1000)
    second = await fake.click(chosen, f"askbot:wrong:{entry}", user_id=fake.user_id + 1000)
    await second.wait_for_followup()
    listing = await fake.slash("misfires", {}, **mod(fake))
    lines = listing.embeds[0]["description"].splitlines()
    assert lines[0] == f"**2x** {FLAGGED} → `{entry}`" and lines[1].startswith("**1x**")


async def test_answer_without_phrasing_leaves_the_entry_unchanged(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    entry = await flag(fake, FLAGGED)
    revision = (await bot.desk.current_entry(entry)).revision
    ref = (await bot.desk.misfires())[0].ref
    opened = await open_question(fake, await fake.slash("misfires", {}, **mod(fake)), ref)
    picked = await fake.select(opened, f"askbot:label:answer:{ref}", [entry], **mod(fake))
    done = await fake.click(picked, button(picked, "Label it"), **mod(fake))
    assert done.ephemeral and "phrasing" not in done.content
    assert [(label.question, label.expect) for label in await bot.desk.labels()] == [
        (FLAGGED, entry)
    ]
    assert (await bot.desk.current_entry(entry)).revision == revision
    again = await fake.click(opened, f"askbot:label:none:{ref}", **mod(fake))
    assert f"no question '{ref}' is waiting" in again.content  # labelled once


async def test_nothing_answers_it_offers_the_prefilled_entry_form(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    await bot.desk.store.record_unanswered(queue_key(UNANSWERED[0]), UNANSWERED[0])
    ref = (await bot.desk.queued())[0].ref
    opened = await open_question(fake, await fake.slash("unanswered", {}, **mod(fake)), ref)
    done = await fake.click(opened, f"askbot:label:none:{ref}", **mod(fake))
    assert done.ephemeral and "no_match" in done.content
    assert [label.expect for label in await bot.desk.labels()] == ["no_match"]
    form = await fake.click(done, button(done, "Add an entry for it…"), **mod(fake))
    assert form.modal is not None
    values = [
        c.get("value") for row in form.modal["components"] for c in row.get("components", [row])
    ]
    assert UNANSWERED[0] in values


@pytest.mark.parametrize(
    ("action", "expect"),
    [("hypothetical", "hypothetical"), ("recent-events", "recent-events"), ("dismiss", None)],
)
async def test_rule_and_dismiss_say_what_they_did(
    bot_and_fake, action: str, expect: str | None
) -> None:
    fake, bot = bot_and_fake
    await bot.desk.store.record_unanswered(queue_key(UNANSWERED[1]), UNANSWERED[1])
    ref = (await bot.desk.queued())[0].ref
    opened = await open_question(fake, await fake.slash("unanswered", {}, **mod(fake)), ref)
    done = await fake.click(opened, f"askbot:label:{action}:{ref}", **mod(fake))
    assert done.ephemeral and UNANSWERED[1] in done.content
    assert [label.expect for label in await bot.desk.labels()] == ([expect] if expect else [])
    assert await bot.desk.queued() == []


@pytest.mark.parametrize("command", ["misfires", "quality", "calibrate"])
async def test_non_moderators_are_refused(bot_and_fake, command: str) -> None:
    fake, _ = bot_and_fake
    record = await fake.slash(command, {})
    assert record.ephemeral and record.content == NOT_A_MODERATOR


async def test_a_non_moderator_cannot_press_a_label_button(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    await bot.desk.store.record_unanswered(queue_key(UNANSWERED[2]), UNANSWERED[2])
    ref = (await bot.desk.queued())[0].ref
    opened = await open_question(fake, await fake.slash("unanswered", {}, **mod(fake)), ref)
    refused = await fake.click(opened, f"askbot:label:dismiss:{ref}")  # the same member, no role
    assert refused.content == NOT_A_MODERATOR
    assert [q.ref for q in await bot.desk.queued()] == [ref]


async def test_quality_shows_the_figures_and_attaches_a_chart_when_asked(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    entry = await flag(fake, FLAGGED)
    await bot.desk.label_answer((await bot.desk.misfires())[0].ref, entry, MODERATOR)
    plain = await (await fake.slash("quality", {}, **mod(fake))).wait_for_followup()
    assert "community-labelled questions: 1" in plain.embeds[0]["description"]
    assert not plain.files
    charted = await (await fake.slash("quality", {"chart": True}, **mod(fake))).wait_for_followup()
    assert [f.filename for f in charted.files] == ["quality.png"]
    assert charted.files[0].content.startswith(PNG_SIGNATURE)
    assert charted.embeds[0]["image"]["url"] == "attachment://quality.png"


async def test_quality_says_in_one_line_when_matplotlib_is_missing(
    bot_and_fake, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, _ = bot_and_fake
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    shown = await (await fake.slash("quality", {"chart": True}, **mod(fake))).wait_for_followup()
    assert shown.content == "No chart: charts need matplotlib: pip install 'askbot[chart]'."
    assert not shown.files and shown.embeds


async def test_a_refused_calibration_shows_the_numbers_and_no_confirm_button(
    bot_and_fake, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, bot = bot_and_fake
    before = Figures(questions=9, top1=50.0, no_match=80.0, rule_declines=100.0, wrong=1, correct=6)
    after = Figures(questions=9, top1=40.0, no_match=80.0, rule_declines=100.0, wrong=3, correct=5)
    shipped = default_calibration()

    async def worse_plan() -> CalibrationPlan:
        return CalibrationPlan(shipped, shipped, 600, 6, 9, before, after, after)

    monkeypatch.setattr(bot.desk, "plan_calibration", worse_plan)
    shown = await (await fake.slash("calibrate", {}, **mod(fake))).wait_for_followup()
    refusal = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}["Refused"]
    assert "confident wrong answers 1 -> 3" in refusal and "handled right 6 -> 5" in refusal
    assert "40.0" in shown.embeds[0]["description"]
    assert shown.components == []
    assert await bot.desk.active_calibration() is None


async def test_too_few_labels_to_calibrate_is_said_privately(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    shown = await (await fake.slash("calibrate", {}, **mod(fake))).wait_for_followup()
    assert shown.ephemeral and "label more questions" in shown.content


async def test_calibrate_revert_with_nothing_applied_says_so(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    done = await fake.slash("calibrate", {"revert": True}, **mod(fake))
    assert done.ephemeral and "already the one answering" in done.content
