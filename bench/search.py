"""/search speed: full-text search over a synthetic corpus of 10,000 paragraphs.

    python bench/search.py

Builds a database with the bundled sources plus a synthetic source of 10k paragraphs, then times
``search_sources`` (FTS5 MATCH, bm25 ordering, snippets, count, source lookup) for word, phrase and
prefix queries, warm. Prints median and p99.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from askbot.curation import add_source, apply_import, plan_import
from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.models import CslMetadata, CslName, Source, SourceKind
from askbot.search import search_sources
from askbot.store import Actor, Store

PARAGRAPHS = 10_000
SOURCES = 10  # each under the 2 MB limit for one source text
QUERIES = 500
WORDS = (
    "stalin purge terror yagoda yezhov trial party police arrest commissar soviet moscow camp canal "
    "bukharin rykov zinoviev kamenev tukhachevsky army officer secretary region factory worker "
    "confession sentence prison archive decree plenum opposition bolshevik revolution letter"
).split()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


async def main() -> None:
    rng = random.Random(3)
    texts = [
        "\n\n".join(
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120)))
            for _ in range(PARAGRAPHS // SOURCES)
        )
        for _ in range(SOURCES)
    ]
    queries = [rng.choice(WORDS) for _ in range(QUERIES // 3)]
    queries += [f'"{rng.choice(WORDS)} {rng.choice(WORDS)}"' for _ in range(QUERIES // 3)]
    queries += [rng.choice(WORDS)[:4] + "*" for _ in range(QUERIES - len(queries))]
    with tempfile.TemporaryDirectory() as tmp:
        async with await Store.open(Path(tmp) / "search.db") as store:
            actor = Actor(name="bench")
            await apply_import(
                store,
                plan_import(await store.load_fact_base(), load_fact_base(bundled_facts_dir())),
                actor,
            )
            started = time.perf_counter()
            for number, text in enumerate(texts):
                source = Source(
                    id=f"synthetic-{number}",
                    kind=SourceKind.SECONDARY,
                    note="Generated text for the search benchmark.",
                    text_file=f"synthetic-{number}.txt",
                    csl=CslMetadata(
                        type="book", title=f"Synthetic {number}", author=[CslName(literal="bench")]
                    ),
                )
                await add_source(store, source, text.encode(), actor)
            indexed = time.perf_counter() - started
            for query in queries[:20]:
                await search_sources(store, query)
            timings = []
            for query in queries:
                t0 = time.perf_counter_ns()
                await search_sources(store, query)
                timings.append((time.perf_counter_ns() - t0) / 1e6)
    print(
        f"machine: {os.cpu_count()} cores; {PARAGRAPHS:,} synthetic paragraphs (+ the bundled sources)"
    )
    print(f"indexing: {indexed:.2f} s")
    print(
        f"search_sources, {len(queries)} queries (words, phrases, prefixes): median {statistics.median(timings):.2f} ms, p99 {percentile(timings, 99):.2f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
