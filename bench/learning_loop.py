"""The learning loop, scripted: members ask the shipped held-out questions, moderators label
what the bot missed or got wrong, ``askbot calibrate`` refits, and the figures are compared.

    python bench/learning_loop.py

The shipped held-out third stands in for a community's questions (it was never tuned on): each
is asked on a fresh database, every one not answered right is labelled as the set says (misfires
and no_match questions, as moderators would), and so is every answered one a member would
confirm. The before/after table is on the community labels held out from the refit.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from askbot.answering import queue_key
from askbot.config import Settings
from askbot.desk import FactDesk
from askbot.learning.calibrate import shipped_questions
from askbot.store import Actor

MODERATOR = Actor(name="bench-moderator")


async def main() -> None:
    question_set = shipped_questions()
    questions = question_set.split("holdout")
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(_env_file=None, db=Path(directory) / "loop.db")
        async with await FactDesk.open(settings, live=True) as desk:
            for number, question in enumerate(questions):
                answer = desk.ask(question.q)
                got = answer.matches[0].id if answer.matches else None
                if got is not None and got != question.expect:
                    await desk.record_misfire(queue_key(question.q), question.q, got, str(number))
            await desk.answers.recorded()
            expected = {queue_key(q.q): q.expect for q in questions}
            labelled = 0
            for waiting in await desk.to_label(limit=10_000):
                expect = expected.get(waiting.normalised)
                if expect is None:
                    continue
                if expect == "no_match":
                    await desk.label_none(waiting.ref, MODERATOR)
                elif expect in ("hypothetical", "recent-events"):
                    await desk.label_rule(waiting.ref, expect, MODERATOR)
                else:
                    await desk.label_answer(waiting.ref, expect, MODERATOR)
                labelled += 1
            print(f"{len(questions)} questions asked; {labelled} labelled by moderators")
            plan = await desk.plan_calibration()
            print(
                f"refit on {plan.trained_on} questions ({plan.community_trained} community),"
                f" judged on {plan.held_out} held-out community labels"
            )
            print(
                f"answer threshold {plan.current.answer_threshold} -> {plan.calibration.answer_threshold}"
            )
            print("| held-out community labels | before | after |")
            print("|---|---|---|")
            for name, old, new in (
                ("top-1 %", plan.before.top1, plan.after.top1),
                ("correct no_match %", plan.before.no_match, plan.after.no_match),
                ("rule declines %", plan.before.rule_declines, plan.after.rule_declines),
                ("confident wrong", plan.before.wrong, plan.after.wrong),
                ("handled right", plan.before.correct, plan.after.correct),
            ):
                print(f"| {name} | {old:.1f} | {new:.1f} |")
            print("refused: " + "; ".join(plan.worse) if plan.worse else "would be applied")


if __name__ == "__main__":
    asyncio.run(main())
