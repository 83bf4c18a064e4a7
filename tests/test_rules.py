"""Forum rules: hypotheticals and the 20-year rule, without declining real history questions."""

from __future__ import annotations

from datetime import date

import pytest

from askbot.rules import HYPOTHETICAL, RECENT, check_rules

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    "question",
    [
        "What if Yagoda had fled abroad?",
        "what would have happened if Tukhachevsky launched a coup",
        "Would Stalin have stopped the purge if he had known the cost?",
        "Suppose Bukharin had won in 1928, would there have been a terror?",
        "If Trotsky had stayed in power, would the purges have happened?",
        "Could the purge have been stopped?",
        "imagine if yagoda had never been arrested",
        "Had Tukhachevsky fled, would the army have revolted?",
        "In an alternate history where Kirov lived, is there a Great Terror?",
        "would've stalin survived a coup",
        "say hitler had invaded in 1938, does the ussr collapse?",
    ],
)
def test_hypotheticals_are_declined(question: str) -> None:
    assert check_rules(question, TODAY) is HYPOTHETICAL


@pytest.mark.parametrize(
    "question",
    [
        "did Stalin know a million people would die?",
        "Did Molotov say they would have to treat Tukhachevsky mercilessly?",
        "did he know the purge would have such consequences?",
        "Had Yagoda met Romain Rolland?",
        "In 1937 could anyone be arrested?",
        "did Serge say if Sosnovsky was shot?",
        "Did Serge say Sosnovsky had been shot?",
        "Supposedly Yagoda followed Stalin everywhere, is that true?",
        "What happened in 1937 and 1938?",
        "why was Yagoda arrested in 1937",
    ],
)
def test_real_history_questions_are_not_declined(question: str) -> None:
    assert check_rules(question, TODAY) is None


@pytest.mark.parametrize(
    "question",
    [
        "Is the 2022 invasion of Ukraine like the purges?",
        "what happened to Memorial in 2021",
        "What did Putin say at Butovo in 2007 about 1937?",
        "how do russians see stalin in the 2010s",
        "did they close the gulag museum last year?",
        "Has Russia been cancelling rehabilitations over the last few years?",
    ],
)
def test_events_of_the_last_twenty_years_are_declined(question: str) -> None:
    assert check_rules(question, TODAY) is RECENT


def test_the_twenty_year_boundary_moves_with_today() -> None:
    assert check_rules("What happened in 2006?", TODAY) is RECENT
    assert check_rules("What happened in 2005?", TODAY) is None
    assert check_rules("What happened in 2006?", date(2027, 1, 1)) is None


def test_rules_carry_their_text_and_a_hint() -> None:
    for rule in (HYPOTHETICAL, RECENT):
        assert rule.text and rule.hint and rule.hint != rule.text
