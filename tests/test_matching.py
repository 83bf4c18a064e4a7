"""The matcher: aliases, typos, rare words, chatter and honest abstention."""

from __future__ import annotations

from dataclasses import replace

import pytest

from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.matching import DEFAULT_SETTINGS, MAX_SUGGESTIONS, Matcher, ScoredEntry

FACT_BASE = load_fact_base(bundled_facts_dir())


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher([e for e in FACT_BASE.entries if not e.retired], FACT_BASE.aliases)


def best(matcher: Matcher, question: str) -> str | None:
    result = matcher.match(question)
    return result.best.id if result.best else None


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


def test_chatter_does_not_change_the_answer(matcher: Matcher) -> None:
    plain = best(matcher, "why was yagoda arrested")
    chatty = best(
        matcher, "hey bot, quick question for my class: why was yagoda arrested? thanks!!"
    )
    assert plain == chatty == "yagoda-arrest-why"


def test_a_bare_name_asks_who_the_person_was(matcher: Matcher) -> None:
    assert best(matcher, "yagoda?") == "genrikh-yagoda"
    assert best(matcher, "tell me about Iagoda") == "genrikh-yagoda"


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


def scored(*scores: float) -> list[ScoredEntry]:
    return [ScoredEntry(f"e{i}", f"question {i}", s) for i, s in enumerate(scores)]


def test_decide_needs_threshold_and_margin(matcher: Matcher) -> None:
    s = DEFAULT_SETTINGS
    below = matcher.decide(scored(s.answer_threshold - 0.1, 10))
    assert below.best is None
    clear = matcher.decide(scored(s.answer_threshold + 1, s.answer_threshold + 1 - s.margin - 0.1))
    assert clear.best is not None and clear.best.id == "e0"
    close = matcher.decide(scored(s.answer_threshold + 1, s.answer_threshold + 1 - s.margin / 2))
    assert close.best is None, "a near tie below the confident score is a suggestion, not an answer"
    confident = matcher.decide(scored(s.confident_score, s.confident_score - 0.1))
    assert confident.best is not None


def test_suggestions_are_capped_and_above_their_threshold(matcher: Matcher) -> None:
    s = DEFAULT_SETTINGS
    result = matcher.decide(
        scored(s.answer_threshold - 1, s.answer_threshold - 1.5, 40, 35, s.suggest_threshold - 1)
    )
    assert result.best is None
    assert len(result.near) == MAX_SUGGESTIONS
    assert all(x.score >= s.suggest_threshold for x in result.near)


def test_settings_change_the_decision() -> None:
    strict = Matcher(
        [e for e in FACT_BASE.entries if not e.retired],
        FACT_BASE.aliases,
        replace(DEFAULT_SETTINGS, answer_threshold=101, confident_score=101),
    )
    assert strict.match("why was yagoda arrested").best is None
