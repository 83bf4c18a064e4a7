"""Moderator curation through the real discord.py client and the stand-in for Discord."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from fake_discord import ADMINISTRATOR, FakeDiscord

from askbot.answering import queue_key
from askbot.config import Settings
from askbot.curation import PENDING_PROPOSALS_PER_MEMBER
from askbot.discord.bot import AskBot
from askbot.discord.checks import NOT_A_MODERATOR
from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.models import Entry
from askbot.store import Actor

NEW_QUESTION = "Who signed the government communique against Yagoda?"
GOOD_CITATION = "serge-1937-yagoda | para. 7 | A Government communiqué, signed by Kalinin"


def mod(fake: FakeDiscord) -> dict[str, Any]:
    return {"roles": [fake.moderator_role_id]}


def fields_of(record: Any) -> dict[str, dict[str, Any]]:
    """The text inputs of the modal a record opened, by label."""
    inputs = {}
    for row in record.modal["components"]:
        for component in row.get("components", [row]):
            inputs[component["label"]] = component
    return inputs


def field_id(record: Any, label_start: str) -> str:
    return next(
        c["custom_id"] for label, c in fields_of(record).items() if label.startswith(label_start)
    )


async def submit_fact_form(
    fake: FakeDiscord, opener: Any, values: dict[str, str], **who: Any
) -> Any:
    payload = {field_id(opener, label): value for label, value in values.items()}
    return await fake.submit_modal(opener.modal["custom_id"], payload, **who)


CURATION_CALLS = [
    ("fact add", {}),
    ("fact edit", {"entry": "yagoda-arrest-why"}),
    ("fact retire", {"entry": "yagoda-arrest-why", "reason": "test"}),
    ("fact restore", {"entry": "yagoda-arrest-why", "reason": "test"}),
    ("fact revert", {"entry": "yagoda-arrest-why", "revision": 1}),
    ("fact status", {"entry": "yagoda-arrest-why", "status": "settled"}),
    ("fact alias", {"canonical": "Yezhov", "variant": "Yeschov"}),
    ("fact history", {"entry": "yagoda-arrest-why"}),
    ("review", {}),
    ("unanswered", {}),
    ("stats", {}),
]


@pytest.mark.parametrize(("command", "options"), CURATION_CALLS, ids=[c for c, _ in CURATION_CALLS])
async def test_non_moderator_is_refused_and_nothing_changes(
    bot_and_fake, command: str, options: dict[str, Any]
) -> None:
    fake, bot = bot_and_fake
    before = await bot.desk.store.counts()
    record = await fake.slash(command, options)
    assert record.ephemeral and record.content == NOT_A_MODERATOR
    assert await bot.desk.store.counts() == before


async def test_add_with_a_bad_quote_keeps_the_values_and_says_what_failed(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    opener = await fake.slash("fact add", {}, **mod(fake))
    typed = {
        "Question": NEW_QUESTION,
        "Also asked": "who signed it\nkalinin communique\nwho announced the charges",
        "Summary": "Serge wrote that Kalinin signed it.",
        "Citations": "serge-1937-yagoda | para. 7 | A Government communiqué, signed by Molotov",
    }
    refused = await submit_fact_form(fake, opener, typed, **mod(fake))
    assert refused.ephemeral
    assert "citations[0].quote" in refused.content and "not found verbatim" in refused.content
    assert (await bot.desk.store.counts())["entries"] == len(
        load_fact_base(bundled_facts_dir()).entries
    )
    again = await fake.click(refused, refused.custom_ids[0], **mod(fake))
    prefilled = {label: c.get("value") for label, c in fields_of(again).items()}
    assert prefilled["Question"] == NEW_QUESTION
    assert prefilled["Citations: source-id | para. N | exact quote"] == typed["Citations"]
    fixed = await submit_fact_form(fake, again, {"Citations": GOOD_CITATION}, **mod(fake))
    assert "Added `who-signed-the-government-communique-against-yagoda`" in fixed.content
    answer = await fake.slash("ask", {"question": NEW_QUESTION})
    assert (
        answer.custom_ids[0] == "askbot:sources:who-signed-the-government-communique-against-yagoda"
    )


async def test_suggest_then_approve_goes_live_at_once(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    opener = await fake.slash("fact suggest", {})
    submitted = await submit_fact_form(
        fake,
        opener,
        {
            "Question": NEW_QUESTION,
            "Also asked": "x\ny\nz",
            "Summary": "Serge wrote that Kalinin signed it.",
            "Citations": GOOD_CITATION,
        },
    )
    assert "suggestion #1 is waiting" in submitted.content
    before = await fake.slash("ask", {"question": NEW_QUESTION})
    assert "who-signed-the-government-communique-against-yagoda" not in str(
        before.custom_ids
    )  # not live yet
    review = await fake.slash("review", {}, **mod(fake))
    opened = await fake.select(review, review.custom_ids[0], ["1"], **mod(fake))
    assert "#1: new entry" in opened.embeds[0]["title"]
    approved = await fake.click(opened, "askbot:review:approve:1", **mod(fake))
    assert "Approved #1" in approved.content
    [(user_id, dm)] = fake.direct_messages
    assert user_id == fake.user_id and "suggestion #1 is live" in dm.data["content"]
    answer = await fake.slash("ask", {"question": NEW_QUESTION})
    assert not answer.ephemeral and answer.custom_ids[0].endswith(
        "who-signed-the-government-communique-against-yagoda"
    )
    revisions = await bot.desk.store.revisions(
        "who-signed-the-government-communique-against-yagoda"
    )
    assert "approved by" in revisions[-1].actor_name
    actions = [row.action for row in await bot.desk.store.audit_log()]
    assert "suggestion.add" in actions and "suggestion.approve" in actions


async def test_every_review_control_checks_the_moderator_again(bot_and_fake) -> None:
    """The menu, the buttons and the reject form each check who uses them (a moderator who has
    lost the role since the list was sent is refused), and nothing is decided."""
    fake, bot = bot_and_fake
    opener = await fake.slash("fact suggest", {})
    await submit_fact_form(
        fake,
        opener,
        {"Question": NEW_QUESTION, "Summary": "S.", "Citations": GOOD_CITATION},
    )
    review = await fake.slash("review", {}, **mod(fake))
    refused = await fake.select(review, review.custom_ids[0], ["1"])  # the role is gone
    assert refused.ephemeral and refused.content == NOT_A_MODERATOR
    opened = await fake.select(review, review.custom_ids[0], ["1"], **mod(fake))
    form = await fake.click(opened, "askbot:review:reject:1", **mod(fake))
    for control in ("askbot:review:approve:1", "askbot:review:reject:1"):
        refused = await fake.click(opened, control)
        assert refused.ephemeral and refused.content == NOT_A_MODERATOR
    refused = await fake.submit_modal(form.modal["custom_id"], {field_id(form, "Why"): "No."})
    assert refused.ephemeral and refused.content == NOT_A_MODERATOR
    pending = await bot.desk.store.proposal(1)
    assert pending is not None and pending.state == "pending"
    assert fake.direct_messages == []


async def test_reject_needs_a_reason_and_is_recorded(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    opener = await fake.slash("fact suggest", {})
    await submit_fact_form(
        fake,
        opener,
        {
            "Question": NEW_QUESTION,
            "Also asked": "a\nb\nc",
            "Summary": "S.",
            "Citations": GOOD_CITATION,
        },
    )
    review = await fake.slash("review", {}, **mod(fake))
    opened = await fake.select(review, review.custom_ids[0], ["1"], **mod(fake))
    form = await fake.click(opened, "askbot:review:reject:1", **mod(fake))
    done = await fake.submit_modal(
        form.modal["custom_id"], {field_id(form, "Why"): "Duplicates an entry."}, **mod(fake)
    )
    assert "Rejected #1" in done.content and "could not be sent" not in done.content
    [(user_id, dm)] = fake.direct_messages
    assert user_id == fake.user_id and dm.data["content"].endswith(
        "was not accepted: Duplicates an entry."
    )
    suggestion = await bot.desk.store.proposal(1)
    assert (
        suggestion is not None
        and suggestion.state == "rejected"
        and suggestion.reason == "Duplicates an entry."
    )


async def test_two_moderators_editing_one_entry_lose_nothing(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    first = await fake.slash("fact edit", {"entry": "yagoda-arrest-why"}, **mod(fake))
    second = await fake.slash("fact edit", {"entry": "yagoda-arrest-why"}, **mod(fake))
    saved = await submit_fact_form(
        fake, first, {"Summary": "First moderator's summary, in our words."}, **mod(fake)
    )
    assert "as revision 2" in saved.content
    conflict = await submit_fact_form(
        fake, second, {"Summary": "Second moderator's summary."}, **mod(fake)
    )
    assert (
        conflict.ephemeral
        and "changed by" in conflict.content
        and "Your text is kept" in conflict.content
    )
    entry = await bot.desk.store.entry("yagoda-arrest-why")
    assert (
        entry is not None
        and entry.summary == "First moderator's summary, in our words."
        and entry.revision == 2
    )
    again = await fake.click(conflict, conflict.custom_ids[0], **mod(fake))
    assert (
        fields_of(again)["Summary (our own words, max 900 characters)"]["value"]
        == "Second moderator's summary."
    )
    merged = await submit_fact_form(fake, again, {}, **mod(fake))
    assert "as revision 3" in merged.content


async def test_history_and_revert(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    retired = await fake.slash(
        "fact retire", {"entry": "yagoda-arrest-why", "reason": "testing retire"}, **mod(fake)
    )
    assert "retired (revision 2)" in retired.content
    assert (
        await fake.slash("ask", {"question": "Why was Yagoda arrested, according to Victor Serge?"})
    ).custom_ids[0] != "askbot:sources:yagoda-arrest-why"
    history = await fake.slash("fact history", {"entry": "yagoda-arrest-why"}, **mod(fake))
    names = [f["name"] for f in history.embeds[0]["fields"]]
    assert names[0].startswith("rev 1 · askbot") and names[1].startswith("rev 2 · ")
    assert "retired: False -> True" in history.embeds[0]["fields"][1]["value"].replace("'", "")
    reverted = await fake.slash(
        "fact revert", {"entry": "yagoda-arrest-why", "revision": 1}, **mod(fake)
    )
    assert "reverted to revision 1 (revision 3)" in reverted.content
    entry = await bot.desk.store.entry("yagoda-arrest-why")
    assert entry is not None and not entry.retired and entry.revision == 3
    audit = await bot.desk.store.audit_log()
    assert audit[0].action == "entry.revert" and audit[0].actor_id == str(fake.user_id)
    assert audit[1].action == "entry.retire" and audit[1].reason == "testing retire"


async def test_unanswered_becomes_a_prefilled_entry_form_and_stats_count(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    await fake.slash("ask", {"question": "When was Yezhov arrested?"})
    await fake.slash("ask", {"question": "Why did Stalin have Yagoda arrested?"})
    await bot.desk.answers.recorded()  # questions are recorded after the reply
    listing = await fake.slash("unanswered", {}, **mod(fake))
    assert (
        "1x" in listing.embeds[0]["description"]
        and "When was Yezhov arrested?" in listing.embeds[0]["description"]
    )
    form = await fake.select(listing, listing.custom_ids[0], ["0"], **mod(fake))
    assert fields_of(form)["Question"]["value"] == "When was Yezhov arrested?"
    stats = await fake.slash("stats", {}, **mod(fake))
    values = {f["name"]: f["value"] for f in stats.embeds[0]["fields"]}
    assert (
        values["Questions asked"] == "2" and values["Answered"] == "1" and values["No match"] == "1"
    )
    assert "yagoda-arrest-why" in values["Top entries"]


async def test_status_form_sets_positions(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    form = await fake.slash(
        "fact status", {"entry": "yagoda-arrest-why", "status": "debated"}, **mod(fake)
    )
    first = "stance: A scapegoat\nheld by: Victor Serge (primary)\ncite: serge-1937-yagoda | para. 11 | A scapegoat was required"
    second = "stance: He knew too much\nheld by: Victor Serge (primary)\ncite: serge-1937-yagoda | para. 11 | an intolerably disturbing witness"
    done = await fake.submit_modal(
        form.modal["custom_id"],
        {field_id(form, "Position 1"): first, field_id(form, "Position 2"): second},
        **mod(fake),
    )
    assert "is now debated" in done.content
    entry = await bot.desk.store.entry("yagoda-arrest-why")
    assert entry is not None and [p.stance for p in entry.positions] == [
        "A scapegoat",
        "He knew too much",
    ]


async def test_alias_is_used_by_ask_at_once(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    done = await fake.slash(
        "fact alias", {"canonical": "Yagoda", "variant": "Yagodowski"}, **mod(fake)
    )
    assert "now reads as 'Yagoda'" in done.content
    answer = await fake.slash("ask", {"question": "why did stalin have yagodowski arrested"})
    assert answer.custom_ids[0] == "askbot:sources:yagoda-arrest-why"
    refused = await fake.slash(
        "fact alias", {"canonical": "Yezhov", "variant": "Yagodowski"}, **mod(fake)
    )
    assert refused.ephemeral and "already belongs to 'Yagoda'" in refused.content


def assert_prefills_fit(record: Any) -> None:
    """Discord's client cannot submit a prefilled value longer than its field's max_length."""
    for label, component in fields_of(record).items():
        assert len(component.get("value") or "") <= component.get("max_length", 4000), label


async def put_entry_as_is(bot: AskBot, entry: Entry) -> None:
    """Store a new revision of an entry the way the CLI or an import could have left it."""
    current = await bot.desk.store.entry(entry.id)
    assert current is not None
    async with bot.desk.store.transaction() as db:
        await bot.desk.store.put_entry(
            db,
            entry.model_copy(update={"revision": current.revision + 1}),
            Actor(name="test"),
            "setup",
            expected_revision=current.revision,
        )
    await bot.desk.answers.refresh()


async def test_edit_form_is_refused_for_an_entry_it_cannot_hold(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    entry = await bot.desk.store.entry("yagoda-arrest-why")
    assert entry is not None
    large = entry.model_copy(update={"citations": entry.citations * 40})
    assert len("\n".join(f"{c.source} | {c.locator} | {c.quote}" for c in large.citations)) > 4000
    await put_entry_as_is(bot, large)
    saved = await bot.desk.store.entry("yagoda-arrest-why")
    refused = await fake.slash("fact edit", {"entry": "yagoda-arrest-why"}, **mod(fake))
    assert refused.modal is None and refused.ephemeral
    assert "citations" in refused.content and "4,000" in refused.content
    assert "`askbot fact show yagoda-arrest-why" in refused.content
    assert "`askbot fact edit yagoda-arrest-why.yaml" in refused.content
    suggested = await fake.slash("fact suggest", {"entry": "yagoda-arrest-why"})
    assert suggested.modal is None and suggested.ephemeral and "moderator" in suggested.content
    assert await bot.desk.store.entry("yagoda-arrest-why") == saved


async def test_edit_form_is_refused_when_it_would_drop_a_quote_prefix(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    entry = await bot.desk.store.entry("yagoda-arrest-why")
    assert entry is not None
    pinned = entry.citations[0].model_copy(update={"prefix": "Serge:"})
    await put_entry_as_is(bot, entry.model_copy(update={"citations": [pinned]}))
    refused = await fake.slash("fact edit", {"entry": "yagoda-arrest-why"}, **mod(fake))
    assert refused.modal is None and "cannot show" in refused.content
    assert "askbot fact edit" in refused.content


async def test_status_form_is_refused_when_it_would_drop_positions(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    entry = await bot.desk.store.entry("great-purge-planned-or-snowballed")
    assert entry is not None
    third = entry.positions[0].model_copy(update={"stance": "A third view"})
    await put_entry_as_is(bot, entry.model_copy(update={"positions": [*entry.positions, third]}))
    refused = await fake.slash(
        "fact status",
        {"entry": "great-purge-planned-or-snowballed", "status": "unresolved"},
        **mod(fake),
    )
    assert refused.modal is None
    assert f"it has {len(entry.positions) + 1} positions and the form holds 2" in refused.content
    assert "askbot fact edit" in refused.content


async def test_every_bundled_entry_opens_in_the_edit_form_unchanged(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    forms = {}
    for entry in await bot.desk.store.entries():
        forms[entry.id] = form = await fake.slash("fact edit", {"entry": entry.id}, **mod(fake))
        assert form.modal is not None, form.content
        assert_prefills_fit(form)
    settled = await bot.desk.store.entry("yagoda-arrest-why")
    contested = await bot.desk.store.entry("great-purge-planned-or-snowballed")
    for entry in (settled, contested):
        assert entry is not None
        saved = await submit_fact_form(fake, forms[entry.id], {}, **mod(fake))
        assert saved.ephemeral and "Not saved" not in saved.content
        after = await bot.desk.store.entry(entry.id)
        assert after is not None and after.content_equals(entry)


async def test_unanswered_long_question_is_cut_to_fit_the_question_field(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    question = "Why " + "and then what happened after that " * 14 + "in 1937?"
    assert 300 < len(question) <= 500
    await bot.desk.store.record_unanswered(queue_key(question), question)
    listing = await fake.slash("unanswered", {}, **mod(fake))
    form = await fake.select(listing, listing.custom_ids[0], ["0"], **mod(fake))
    assert_prefills_fit(form)
    prefilled = fields_of(form)["Question"]["value"]
    assert prefilled.endswith("…") and question.startswith(prefilled.removesuffix("…"))
    assert (await bot.desk.store.unanswered())[0].example == question


async def open_and_submit_suggestion(fake: FakeDiscord, number: int, **who: Any) -> Any:
    opener = await fake.slash("fact suggest", {}, **who)
    return await submit_fact_form(
        fake,
        opener,
        {
            "Question": f"{NEW_QUESTION} ({number})",
            "Summary": "Serge wrote that Kalinin signed it.",
            "Citations": GOOD_CITATION,
        },
        **who,
    )


async def test_a_member_can_have_only_a_few_suggestions_waiting(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    forms = [await fake.slash("fact suggest", {}) for _ in range(PENDING_PROPOSALS_PER_MEMBER + 3)]
    submitted = await asyncio.gather(
        *(
            submit_fact_form(
                fake,
                form,
                {
                    "Question": f"{NEW_QUESTION} ({n})",
                    "Summary": "Serge wrote that Kalinin signed it.",
                    "Citations": GOOD_CITATION,
                },
            )
            for n, form in enumerate(forms)
        )
    )
    queued = [r for r in submitted if "is waiting for a moderator's review" in r.content]
    refused = [r for r in submitted if r not in queued]
    assert len(queued) == PENDING_PROPOSALS_PER_MEMBER
    assert all(
        r.ephemeral and f"{PENDING_PROPOSALS_PER_MEMBER} suggestions waiting" in r.content
        for r in refused
    )
    assert len(await bot.desk.store.proposals("pending")) == PENDING_PROPOSALS_PER_MEMBER
    later = await fake.slash("fact suggest", {})
    assert later.modal is None and later.ephemeral and "waiting for review" in later.content
    other = await open_and_submit_suggestion(fake, 99, user_id=fake.snowflake())
    assert "suggestion #" in other.content
    review = await fake.slash("review", {}, **mod(fake))
    opened = await fake.select(review, review.custom_ids[0], ["1"], **mod(fake))
    await fake.click(opened, "askbot:review:approve:1", **mod(fake))
    freed = await open_and_submit_suggestion(fake, 100)
    assert "is waiting for a moderator's review" in freed.content


async def test_restore_autocomplete_shows_retired_entries_to_moderators_only(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    await fake.slash(
        "fact retire", {"entry": "yagoda-arrest-why", "reason": "testing"}, **mod(fake)
    )
    for_moderator = await fake.autocomplete("fact restore", {}, "entry", **mod(fake))
    assert [c["value"] for c in for_moderator] == ["yagoda-arrest-why"]
    assert await fake.autocomplete("fact restore", {}, "entry") == []
    assert await fake.autocomplete("fact restore", {"entry": "yagoda"}, "entry") == []


async def test_administrator_is_a_moderator_when_mod_roles_are_set(
    fake_discord: FakeDiscord, running_bot, tmp_path: Path
) -> None:
    admins = await fake_discord.add_role("Admins", ADMINISTRATOR)
    curators = await fake_discord.add_role("Curators")
    fake, _ = await running_bot(
        lambda: AskBot(Settings(_env_file=None, db=tmp_path / "bot.db", mod_roles=["Curators"]))
    )
    assert (await fake.slash("fact add", {}, roles=[admins])).modal is not None
    assert (await fake.slash("review", {}, roles=[admins])).content.startswith("No suggestions")
    assert (await fake.slash("fact add", {}, roles=[curators])).modal is not None
    refused = await fake.slash("fact add", {}, **mod(fake))  # Manage Messages, but not a curator
    assert refused.content == NOT_A_MODERATOR


WITNESS = (
    "Above all was it necessary to suppress Yagoda because he had become, in his turn, an"
    " intolerably disturbing witness."
)
SHORTER = "he had become, in his turn, an intolerably disturbing witness"
CITATIONS_LABEL = "Citations: source-id | para. N | exact quote"


async def suggest_citations(fake: FakeDiscord, quote: str) -> Any:
    """A member's /fact suggest on the arrest entry with its second quote replaced."""
    form = await fake.slash("fact suggest", {"entry": "yagoda-arrest-why"})
    lines = fields_of(form)[CITATIONS_LABEL]["value"]
    assert WITNESS in lines
    return await submit_fact_form(fake, form, {"Citations": lines.replace(WITNESS, quote)})


async def test_review_embed_shows_each_changed_quote_old_and_new(bot_and_fake) -> None:
    fake, _ = bot_and_fake
    submitted = await suggest_citations(fake, SHORTER)
    assert "suggestion #1 is waiting" in submitted.content

    review = await fake.slash("review", {}, **mod(fake))
    opened = await fake.select(review, review.custom_ids[0], ["1"], **mod(fake))

    description = opened.embeds[0]["description"]
    assert f"citations[1].quote: {WITNESS!r} -> {SHORTER!r}" in description
    assert "contents changed" not in description


async def test_a_member_cannot_suggest_a_quote_cut_mid_word(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    refused = await suggest_citations(fake, "tolerably disturbing witness")
    assert refused.ephemeral and "Not saved" in refused.content
    assert "citations[1].quote" in refused.content
    assert "begins or ends inside a word" in refused.content
    assert await bot.desk.store.proposals() == []


async def test_review_embed_names_the_fields_a_later_edit_also_changed(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    await suggest_citations(fake, SHORTER)
    form = await fake.slash("fact edit", {"entry": "yagoda-arrest-why"}, **mod(fake))
    lines = fields_of(form)[CITATIONS_LABEL]["value"]
    saved = await submit_fact_form(
        fake, form, {"Citations": lines.replace(WITNESS, WITNESS.removesuffix("."))}, **mod(fake)
    )
    assert "as revision 2" in saved.content

    review = await fake.slash("review", {}, **mod(fake))
    opened = await fake.select(review, review.custom_ids[0], ["1"], **mod(fake))
    assert (
        "**conflict**: citations: changed by the suggestion (from revision 1) and by revision 2"
        in (opened.embeds[0]["description"])
    )
    refused = await fake.click(opened, "askbot:review:approve:1", **mod(fake))
    assert refused.ephemeral and "Not approved" in refused.content
    entry = await bot.desk.store.entry("yagoda-arrest-why")
    assert entry is not None and entry.revision == 2


async def test_saving_an_unchanged_edit_form_writes_no_revision(bot_and_fake) -> None:
    fake, bot = bot_and_fake
    form = await fake.slash("fact edit", {"entry": "yagoda-arrest-why"}, **mod(fake))
    done = await submit_fact_form(fake, form, {}, **mod(fake))
    assert done.content == "No change: `yagoda-arrest-why` stays at revision 1."
    assert len(await bot.desk.store.revisions("yagoda-arrest-why")) == 1
