"""`askbot label ...`, `quality` and `calibrate`: the moderators' side of the learning loop."""

from __future__ import annotations

import argparse
from pathlib import Path

from askbot.bootstrap import cli_actor
from askbot.cli.base import EXIT_OK, Commands, whole_number, with_desk
from askbot.desk import FactDesk
from askbot.learning.labels import RULES
from askbot.learning.quality import describe, figures_table


@with_desk
async def cmd_label_list(args: argparse.Namespace, desk: FactDesk) -> int:
    waiting = await desk.to_label(limit=args.limit)
    if not waiting:
        print("no questions are waiting for a label")
    for question in waiting:
        got = f"  (answered with {question.got})" if question.got else "  (no match)"
        print(f"{question.ref:>6}  {question.count:4}x  {question.question}{got}")
    return EXIT_OK


@with_desk
async def cmd_label_answer(args: argparse.Namespace, desk: FactDesk) -> int:
    label, edited = await desk.label_answer(
        args.ref, args.entry, cli_actor(), also_asked=args.also_asked
    )
    print(f"labelled {args.ref}: {label.question!r} -> {label.expect}")
    if edited is not None:
        print(
            f"{edited.id} is at revision {edited.revision}: the question is also one of its phrasings"
        )
    return EXIT_OK


@with_desk
async def cmd_label_none(args: argparse.Namespace, desk: FactDesk) -> int:
    label = await desk.label_none(args.ref, cli_actor())
    print(f"labelled {args.ref}: {label.question!r} -> no_match")
    return EXIT_OK


@with_desk
async def cmd_label_rule(args: argparse.Namespace, desk: FactDesk) -> int:
    label = await desk.label_rule(args.ref, args.rule, cli_actor())
    print(f"labelled {args.ref}: {label.question!r} -> {label.expect}")
    return EXIT_OK


@with_desk
async def cmd_label_dismiss(args: argparse.Namespace, desk: FactDesk) -> int:
    question = await desk.dismiss(args.ref)
    print(f"dismissed {args.ref}: {question.question!r} (nothing of it is kept)")
    return EXIT_OK


@with_desk
async def cmd_label_export(args: argparse.Namespace, desk: FactDesk) -> int:
    target = await desk.export_labels(args.directory)
    print(f"wrote {len(await desk.labels())} labelled question(s) to {target}")
    return EXIT_OK


@with_desk
async def cmd_quality(args: argparse.Namespace, desk: FactDesk) -> int:
    for line in describe(await desk.quality()):
        print(line)
    return EXIT_OK


@with_desk
async def cmd_calibrate(args: argparse.Namespace, desk: FactDesk) -> int:
    actor = cli_actor()
    if args.revert:
        reverted = await desk.revert_calibration(actor)
        print(
            "the shipped calibration is already the one answering"
            if reverted is None
            else f"reverted calibration #{reverted.id} (applied by {reverted.applied_by} at"
            f" {reverted.applied_at}); the one before it answers again"
        )
        return EXIT_OK
    plan = await desk.plan_calibration()
    print(
        f"refitted on {plan.trained_on} questions ({plan.community_trained} community labels);"
        f" judged on {plan.held_out} held-out community labels"
    )
    for line in figures_table(plan.before, plan.after):
        print(line)
    print(
        f"answer threshold {plan.current.answer_threshold} -> {plan.calibration.answer_threshold}"
    )
    if not args.apply:
        print("not applied: run `askbot calibrate --apply` to answer with it")
        return EXIT_OK
    number = await desk.apply_calibration(plan, actor)
    print(f"applied as calibration #{number}; `askbot calibrate --revert` goes back")
    return EXIT_OK


def register(commands: Commands) -> None:
    label = commands.add_parser("label", help="label members' questions (the learning loop)")
    label.set_defaults(handler=cmd_label_list, limit=25)
    actions = label.add_subparsers(dest="label_command", metavar="ACTION")
    listing = actions.add_parser("list", help="misfires, then the unanswered queue (the default)")
    listing.add_argument("--limit", type=whole_number(1, 10_000), default=25)
    listing.set_defaults(handler=cmd_label_list)
    answer = actions.add_parser("answer", help="this entry answers the question")
    answer.add_argument("ref", help="the question, as `label list` names it (u12, m3)")
    answer.add_argument("entry", help="the entry id that answers it")
    answer.add_argument(
        "--also-asked", action="store_true", help="also add the question as a phrasing of the entry"
    )
    answer.set_defaults(handler=cmd_label_answer)
    none = actions.add_parser("none", help="nothing in the fact base answers it")
    none.add_argument("ref")
    none.set_defaults(handler=cmd_label_none)
    rule = actions.add_parser("rule", help="a forum rule applies")
    rule.add_argument("ref")
    rule.add_argument("rule", choices=RULES)
    rule.set_defaults(handler=cmd_label_rule)
    dismiss = actions.add_parser("dismiss", help="spam or junk: drop it, keep nothing")
    dismiss.add_argument("ref")
    dismiss.set_defaults(handler=cmd_label_dismiss)
    export = actions.add_parser("export", help="write the labels as tests/data/questions.yaml")
    export.add_argument("directory", type=Path, metavar="DIR")
    export.set_defaults(handler=cmd_label_export)

    quality = commands.add_parser("quality", help="the engine on the community's labels")
    quality.set_defaults(handler=cmd_quality)
    calibrate = commands.add_parser(
        "calibrate", help="refit the answerability model on the community's labels"
    )
    mode = calibrate.add_mutually_exclusive_group()
    mode.add_argument("--apply", action="store_true", help="answer with it (if not worse)")
    mode.add_argument("--revert", action="store_true", help="go back to the previous calibration")
    calibrate.set_defaults(handler=cmd_calibrate)
