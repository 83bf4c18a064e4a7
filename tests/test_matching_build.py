"""Building the matcher's index: alias folding as the build reads text."""

from __future__ import annotations

from askbot.matching import Normaliser
from askbot.models import AliasGroup

ALIASES = [
    AliasGroup(canonical="Great Purge", kind="term", variants=["the great terror", "great terror"]),
    AliasGroup(canonical="Great", kind="term", variants=["big"]),
    AliasGroup(canonical="NKVD", kind="organisation", variants=["N.K.V.D.", "secret police"]),
]


def test_multi_word_aliases_fold_longest_first_and_never_overlap() -> None:
    normaliser = Normaliser(ALIASES)
    text = "Was the Great Terror the secret police's, or the great terror of the secret   police?"
    assert normaliser.aligned(text) == [
        ("was", "was"),
        ("the great terror", "great_purge"),
        ("the", "the"),
        ("secret police", "nkvd"),
        ("s", "s"),
        ("or", "or"),
        ("the great terror", "great_purge"),
        ("of", "of"),
        ("the", "the"),
        ("secret police", "nkvd"),
    ]
    assert normaliser.words(text) == [token for _, token in normaliser.aligned(text)]
    assert normaliser.words("big, the big and great") == ["great", "the", "great", "and", "great"]
    assert normaliser.words("the great") == ["the", "great"]
    assert normaliser.words("") == normaliser.words("?!") == []
