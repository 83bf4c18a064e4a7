"""The learning loop end to end through the Discord stand-in: ask -> flag -> label -> calibrate
-> the same question answered."""

from __future__ import annotations

from askbot.answering import queue_key
from askbot.store import Actor

MODERATOR = Actor(name="mod")
UNANSWERED = (
    "What did Trotsky eat for breakfast in Coyoacan?",
    "Which football team did Bukharin support?",
    "How tall was the Lubyanka building in metres?",
    "What colour was Yezhov's car?",
    "Did Molotov keep a diary of his dreams?",
    "Which songs did Kirov sing?",
)


async def test_a_question_members_asked_is_answered_after_labelling_and_calibrating(
    bot_and_fake,
) -> None:
    fake, bot = bot_and_fake
    asked = await fake.slash("ask", {"question": "When was Yezhov arrested?"})
    assert asked.embeds[0]["title"] == "Nothing in the fact base answers this"
    entry = asked.components[0]["components"][0]["options"][0]["value"]
    chosen = await fake.select(asked, "askbot:suggest", [entry])
    flagged = await fake.click(chosen, f"askbot:wrong:{entry}")  # the suggestion missed too
    assert "moderators" in flagged.content
    for question in UNANSWERED:
        await bot.desk.store.record_unanswered(queue_key(question), question)
    await bot.desk.answers.recorded()
    waiting = await bot.desk.to_label()
    assert waiting[0].ref.startswith("m") and waiting[0].got == entry
    await bot.desk.label_answer(waiting[0].ref, entry, MODERATOR, also_asked=True)
    for question in await bot.desk.to_label():  # the same question's queue row went with it
        await bot.desk.label_none(question.ref, MODERATOR)
    assert len(await bot.desk.labels()) == 1 + len(UNANSWERED)
    plan = await bot.desk.plan_calibration()
    assert plan.held_out and not plan.worse
    await bot.desk.apply_calibration(plan, MODERATOR)
    assert (await bot.desk.store.active_calibration()) is not None
    assert bot.desk.engine.matcher.calibration == plan.calibration  # the engine reloaded it
    again = await fake.slash("ask", {"question": "When was Yezhov arrested?"})
    assert not again.ephemeral and f"askbot:sources:{entry}" in again.custom_ids
