"""The matcher: aliases, typos, rare words, chatter, retrieval and calibrated answerability."""

from __future__ import annotations

import pytest

from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.matching import (
    MAX_SUGGESTIONS,
    Asked,
    Judged,
    Matcher,
    ScoredEntry,
    Signals,
    default_calibration,
    disclaimed_text,
    what_is_asked,
    wording,
)

FACT_BASE = load_fact_base(bundled_facts_dir())
LIVE = [e for e in FACT_BASE.entries if not e.retired]
CALIBRATION = default_calibration()


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(LIVE, FACT_BASE.aliases)


def best(matcher: Matcher, question: str) -> str | None:
    result = matcher.match(question)
    return result.best.id if result.best else None


def ranked_first(matcher: Matcher, question: str) -> str:
    return matcher.candidates(question)[0].entry.id


def test_aliases_fold_transliterations_and_first_names(matcher: Matcher) -> None:
    assert matcher.query_terms("Ezhov")[0] == matcher.query_terms("Yezhov")[0] == "yezhov"
    assert matcher.query_terms("Genrikh Yagoda")[0] == matcher.query_terms("Henry Yagoda")[0]
    assert matcher.query_terms("Jagoda")[0] == "yagoda"


def test_typos_are_corrected_to_known_words(matcher: Matcher) -> None:
    assert matcher.query_terms("yagodda")[0] == "yagoda"
    assert matcher.query_terms("tukachevsky")[0] == matcher.query_terms("Tukhachevsky")[0]
    # an unknown word that is not close to any known one stays unknown
    assert matcher.query_terms("borscht") == ["borscht"]


def test_rare_words_weigh_more_than_common_ones(matcher: Matcher) -> None:
    assert matcher.weight("kalinin") > 2 * matcher.weight("stalin")
    assert matcher.weight("never-seen-word") >= matcher.weight("kalinin")


def test_chatter_does_not_change_the_ranking(matcher: Matcher) -> None:
    plain = ranked_first(matcher, "why did stalin have yagoda arrested")
    chatty = ranked_first(
        matcher, "hey bot, quick question for my class: why did stalin have yagoda arrested? thx!!"
    )
    assert plain == chatty == "yagoda-arrest-why"


def test_a_bare_name_asks_who_the_person_was(matcher: Matcher) -> None:
    assert ranked_first(matcher, "yagoda?") == "genrikh-yagoda"
    assert ranked_first(matcher, "tell me about Iagoda") == "genrikh-yagoda"


def test_a_synonym_meets_the_entry_through_its_embedding(matcher: Matcher) -> None:
    # "butchered" and "slaughter" share no stem with the entry's words; the embedding links them
    judged = matcher.candidates("who butchered the red army officers in the slaughter of 1937")
    assert judged[0].entry.id in {"officer-corps-purge-1937", "tukhachevsky-why-targeted"}


@pytest.mark.parametrize(
    "question",
    [
        "recipe for borscht",
        "who won the battle of stalingrad",
        "what was the cuban missile crisis about",
    ],
)
def test_off_topic_questions_are_not_answered(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).best is None


def test_question_without_meaningful_words_has_no_candidates(matcher: Matcher) -> None:
    assert matcher.candidates("what? why? how??") == []
    assert matcher.match("hey bot").best is None


def test_a_near_miss_is_not_answered_but_offers_the_close_entry(matcher: Matcher) -> None:
    # the base knows of Yagoda's arrest, not of his execution
    result = matcher.match("When was Yagoda executed?")
    assert result.best is None
    assert "yagoda-arrest-news" in [x.id for x in result.near]


def test_a_summary_says_what_its_sources_leave_out() -> None:
    silent, said = disclaimed_text(
        "Ezhov was given the Order of Lenin. The answer gives no exact numbers and does not say "
        "how many were shot; why he was chosen is, it says, not known, but it adds a date."
    )
    assert "exact numbers" in silent and "how many were shot" in silent
    assert "why he was chosen" in silent
    assert "Order of Lenin" in said and "adds a date" in said and "Order" not in silent
    assert disclaimed_text("Serge names Yagoda and Rykov.")[0] == ""
    # the silent verb can itself be what is left out: "does not date the trial" gives no date
    silent, _ = disclaimed_text("It does not date the trial or name the court.")
    assert silent.split()[0] == "date" and "trial" in silent and "name the court" in silent
    # ... and the other ways the summaries word it
    for summary, left_out in [
        ("The article gives nothing on his birth or fate.", "birth or fate"),
        ("It names none of the lieutenants.", "the lieutenants"),
        ("The thread records no expression of regret.", "expression of regret"),
        ("Serge gives: no first name, office or career.", "first name, office or career"),
        ("The article does not use the word Gulag.", "the word Gulag"),
        ("What the letters stand for is not in this source.", "What the letters stand for"),
    ]:
        silent, said = disclaimed_text(summary)
        assert left_out in silent and left_out not in said, summary


def test_how_many_and_when_ask_for_what_a_summary_may_leave_out(matcher: Matcher) -> None:
    # officer-corps-purge-1937: "The answer gives no exact numbers and does not say how many were
    # shot"; tukhachevsky-arrest-and-execution: "It does not date the trial or the shooting"
    def disclaimed(question: str, entry_id: str) -> float:
        [judged] = [j for j in matcher.candidates(question) if j.entry.id == entry_id]
        return judged.signals.disclaimed

    officers = "officer-corps-purge-1937"
    assert disclaimed("How many officers were purged?", officers) > disclaimed(
        "Were officers purged?", officers
    )
    shooting = "tukhachevsky-arrest-and-execution"
    assert disclaimed("When was Tukhachevsky shot?", shooting) > disclaimed(
        "Was Tukhachevsky shot?", shooting
    )
    assert disclaimed("What year was Tukhachevsky shot?", shooting) > disclaimed(
        "Tukhachevsky shot in the year of his arrest?", shooting
    )
    # who-was-zinoviev: "none states his fate outright" is silent on his death too
    assert disclaimed("Was Zinoviev shot?", "who-was-zinoviev") > 0.0
    assert disclaimed("Who was Zinoviev?", "who-was-zinoviev") == 0.0


def test_asking_for_the_very_thing_a_summary_leaves_out(matcher: Matcher) -> None:
    # molotov-fifth-column-memoir: "does not name the memoir, its date or its context"
    def judged(question: str) -> Judged:
        [found] = [
            j for j in matcher.candidates(question) if j.entry.id == "molotov-fifth-column-memoir"
        ]
        return found

    which = judged("Which memoir of Molotov's is the 'fifth column' quote from?")
    what_said = judged("What did Molotov say about the fifth column in his memoir?")
    assert which.signals.focus_disclaimed == 1.0 and what_said.signals.focus_disclaimed == 0.0
    assert which.entry.confidence < what_said.entry.confidence


def test_what_a_question_asks_for_is_read_from_its_question_word(matcher: Matcher) -> None:
    def asked(question: str) -> Asked:
        return what_is_asked(matcher.query_words(question), matcher.normaliser.named)

    assert asked("When was Tukhachevsky shot?").aspects == {"date"}
    assert asked("How many officers were shot?").aspects == {"number"}
    assert asked("Which memoir is the quote from?").focus == {"memoir"}
    assert "first" in asked("What was Yezhov's first name?").focus  # not Yezhov
    # "when" inside the question is no question word, and "what did Molotov ..." has no focus
    assert asked("What did Yagoda do when he was arrested?") == Asked()
    assert asked("What did Molotov say about the fifth column?") == Asked()


def test_a_near_miss_is_offered_though_it_answers_nothing(matcher: Matcher) -> None:
    # officer-corps-purge-1937 "does not say how many were shot": asked exactly that, the entry's
    # confidence falls below even the suggestion threshold, but it is still the related one
    result = matcher.match("How many Soviet officers were shot?")
    assert result.best is None
    [officers] = [j.entry for j in result.judged if j.entry.id == "officer-corps-purge-1937"]
    assert officers.confidence < CALIBRATION.suggest_threshold <= officers.related
    assert result.near[0].id == "officer-corps-purge-1937"


def test_asking_what_the_summary_says_is_not_known_is_a_near_miss(matcher: Matcher) -> None:
    # who-was-kamenev: "The sources give no first name and no account of his career"
    [plain] = matcher.candidates("Who was Kamenev?")[:1]
    [first_name] = [
        j
        for j in matcher.candidates("what was the first name of kamenev")
        if j.entry.id == "who-was-kamenev"
    ]
    assert plain.entry.id == "who-was-kamenev"
    assert plain.signals.disclaimed == 0 < first_name.signals.only_disclaimed
    assert first_name.signals.only_disclaimed <= first_name.signals.disclaimed
    assert best(matcher, "Who was Kamenev?") == "who-was-kamenev"
    result = matcher.match("what was the first name of kamenev")
    assert result.best is None
    assert result.near[0].id == "who-was-kamenev"  # the closest match is offered first


def test_wording_ignores_case_punctuation_greetings_and_inflection(matcher: Matcher) -> None:
    def worded(text: str) -> int:
        return wording(matcher.query_words(text))

    assert worded("Did Stalin plan the Great Purge?") == worded(
        "hey bot, did stalin plan the great purge"
    )
    assert worded("Who was Ezhov?") == worded("who was Yezhov")
    assert worded("Did Stalin plan the Great Purge?") != worded(
        "Did Stalin tell anyone he was planning the purge?"
    )


def test_a_question_worded_as_a_phrasing_is_answered_by_its_entry(matcher: Matcher) -> None:
    # smoking-gun-document also matches it well, but only planned-or-snowballed was given it
    assert best(matcher, "Did Stalin plan the Great Purge?") == "great-purge-planned-or-snowballed"
    [first, *_] = matcher.match("Did Stalin plan the Great Purge?").judged
    assert first.worded_as_phrasing and first.entry.id == "great-purge-planned-or-snowballed"


def test_a_phrasing_a_moderator_adds_answers_that_question_from_then_on() -> None:
    question = "what kind of relationship did yagoda have with stalin"
    before = Matcher(LIVE, FACT_BASE.aliases)
    assert best(before, question) is None
    entries = [
        e.model_copy(update={"also_asked": [*e.also_asked, question]})
        if e.id == "yagoda-guarding-stalin"
        else e
        for e in LIVE
    ]
    after = Matcher(entries, FACT_BASE.aliases)
    assert best(after, question) == "yagoda-guarding-stalin"
    assert (
        best(after, "What kind of relationship did Yagoda have with Stalin?")
        == "yagoda-guarding-stalin"
    )


def test_confidence_is_a_probability_that_grows_with_the_evidence(matcher: Matcher) -> None:
    [strong] = matcher.candidates("Who was Tukhachevsky?")[:1]
    [weak] = matcher.candidates("was tukhachevsky good at chess")[:1]
    assert 0.0 <= weak.entry.confidence < strong.entry.confidence <= 1.0
    assert strong.entry.confidence >= CALIBRATION.answer_threshold
    assert best(matcher, "Who was Tukhachevsky?") == "who-was-tukhachevsky"


def judged(*confidences: float) -> list[Judged]:
    signals = Signals(*[0.0] * len(Signals.__dataclass_fields__))
    return [
        Judged(ScoredEntry(f"e{i}", f"question {i}", 50.0, c, c), signals)
        for i, c in enumerate(confidences)
    ]


def test_did_you_mean_offers_the_related_closest_first(matcher: Matcher) -> None:
    floor = CALIBRATION.suggest_threshold
    signals = Signals(*[0.0] * len(Signals.__dataclass_fields__))
    unrelated = ScoredEntry("far", "far", 90.0, floor / 2, floor / 2)
    near_miss = ScoredEntry("near-miss", "near miss", 70.0, floor / 2, floor)  # related only
    plausible = ScoredEntry("plausible", "plausible", 80.0, floor, floor)
    result = matcher.decide([Judged(x, signals) for x in (plausible, unrelated, near_miss)])
    assert result.best is None
    assert [x.id for x in result.near] == ["plausible", "near-miss"]


def test_decide_answers_only_at_the_calibrated_threshold(matcher: Matcher) -> None:
    at = CALIBRATION.answer_threshold
    assert matcher.decide(judged(at - 0.001, 0.1)).best is None
    confident = matcher.decide(judged(at, at, 0.1))
    assert confident.best is not None and confident.best.id == "e0"
    assert [x.id for x in confident.also] == ["e1"]


def test_suggestions_are_capped_and_above_their_threshold(matcher: Matcher) -> None:
    s = CALIBRATION
    result = matcher.decide(
        judged(s.answer_threshold - 0.01, 0.6, 0.5, 0.4, s.suggest_threshold - 0.01)
    )
    assert result.best is None
    assert len(result.near) == MAX_SUGGESTIONS
    assert all(x.confidence >= s.suggest_threshold for x in result.near)


def test_calibration_changes_the_decision(matcher: Matcher) -> None:
    assert best(matcher, "Who exactly was Tukhachevsky?") == "who-was-tukhachevsky"
    strict = Matcher(
        LIVE,
        FACT_BASE.aliases,
        calibration=CALIBRATION.model_copy(update={"answer_threshold": 1.01}),
    )
    assert strict.match("Who exactly was Tukhachevsky?").best is None
    # a question worded as a phrasing is answered whatever the threshold
    assert best(strict, "Who was Tukhachevsky?") == "who-was-tukhachevsky"


def test_the_shipped_calibration_names_every_signal() -> None:
    assert CALIBRATION.features == list(Signals.__dataclass_fields__)
    assert len(CALIBRATION.coefficients) == len(CALIBRATION.means) == len(CALIBRATION.features)
    assert 0 < CALIBRATION.suggest_threshold < CALIBRATION.answer_threshold < 1
