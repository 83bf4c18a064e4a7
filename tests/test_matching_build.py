"""Building the matcher's index: alias folding as the build reads text, and what the build costs."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator

import bm25s
import numpy as np
import pytest
import snowballstemmer

from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.matching import Matcher, Normaliser, _bm25, _stem
from askbot.models import AliasGroup

FACT_BASE = load_fact_base(bundled_facts_dir())
LIVE = [e for e in FACT_BASE.entries if not e.retired]

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


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations the cycle collector walks while the test runs."""
    seen: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(count)
    yield seen
    gc.callbacks.remove(count)


def test_an_index_build_does_not_run_the_cycle_collector(collections: list[int]) -> None:
    # The build makes millions of small lists at scale and frees none in cycles; each burst of
    # them would otherwise set the collector walking everything built so far.
    assert gc.isenabled()
    Matcher(LIVE, FACT_BASE.aliases)
    assert collections == []
    assert gc.isenabled(), "the collector runs again after the build"


def test_a_build_leaves_a_paused_collector_paused() -> None:
    gc.disable()
    try:
        Matcher(LIVE, FACT_BASE.aliases)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_building_and_answering_do_not_import_scipy() -> None:
    # bm25s imports scipy.sparse when it can, for a backend askbot never uses; that import was
    # the largest part of `askbot ask`'s start-up.
    code = (
        "import sys; from askbot.answering import AnswerEngine; "
        "from askbot.factfiles import bundled_facts_dir, load_fact_base; "
        "engine = AnswerEngine.from_fact_base(load_fact_base(bundled_facts_dir())); "
        "assert engine.answer('Who was Yagoda?').status == 'answered'; "
        "assert 'scipy' not in sys.modules, 'scipy imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_scipy_stays_importable_for_the_rest_of_askbot() -> None:
    code = "import askbot.matching, scipy.sparse; print(scipy.sparse.csr_matrix.__name__)"
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert done.stdout.strip() == "csr_matrix"


def test_fresh_vectors_are_views_of_the_matchers_rows_not_a_second_copy() -> None:
    matcher = Matcher(LIVE, FACT_BASE.aliases)
    assert len(matcher.fresh) == len(LIVE)
    for index, fresh in enumerate(matcher.fresh):
        assert np.shares_memory(fresh.rows, matcher._rows)
        first, last = matcher._rows_from[index], matcher._rows_from[index + 1]
        assert np.array_equal(fresh.rows, matcher._rows[first:last])
        assert np.array_equal(fresh.scales, matcher._row_scales[first:last])


def test_the_bm25_index_built_from_ids_scores_as_bm25s_own_build_does() -> None:
    corpus = [["yagoda", "arrest", "1937"], ["yezhov", "arrest", "arrest"], [], ["canal"]]
    reference = bm25s.BM25()
    reference.index([list(doc) for doc in corpus], show_progress=False)
    ours = _bm25([list(doc) for doc in corpus])
    for query in (["arrest"], ["yagoda", "arrest"], ["canal", "unknown"], ["1937", "yezhov"]):
        assert np.array_equal(ours.get_scores(query), reference.get_scores(query))


def test_words_are_stemmed_by_compiled_snowball_to_the_pure_python_stems() -> None:
    # snowballstemmer hands over to PyStemmer when it is installed: the same Snowball English
    # algorithm, compiled (pure Python stemming was a large part of `askbot ask`).
    from snowballstemmer.english_stemmer import EnglishStemmer

    assert type(snowballstemmer.stemmer("english")).__module__ == "Stemmer"
    normaliser = Normaliser(FACT_BASE.aliases)
    texts = [t for e in LIVE for t in (e.question, *e.also_asked, e.summary, *e.people, *e.tags)]
    words = {word for text in texts for word in normaliser.words(text)}
    reference = EnglishStemmer()
    assert len(words) > 1000
    assert [_stem(word) for word in sorted(words)] == [
        reference.stemWord(word) for word in sorted(words)
    ]


def test_a_typo_between_two_known_words_is_corrected_the_same_way_in_every_process() -> None:
    # "commente" is as close to "commented" as to "commenter"; set order varies with the hash seed
    script = (
        "from askbot.factfiles import bundled_facts_dir, load_fact_base\n"
        "from askbot.matching import Matcher\n"
        "base = load_fact_base(bundled_facts_dir())\n"
        "matcher = Matcher([e for e in base.entries if not e.retired], base.aliases)\n"
        "print(' '.join(matcher.query_words('commente continue')))\n"
    )
    corrected = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in range(6)
    }
    assert corrected == {"commented continued"}
