"""Matcher speed and memory on synthetic fact bases, and the CLI's start-to-answer time.

    python bench/speed.py                # 1k, 10k and 100k entries, then `askbot ask`
    python bench/speed.py --sizes 1000   # one size

Each size runs in its own process (pinned to one core) so its peak RSS is its own. Queries are
entry phrasings with typos and dropped words, plus off-topic questions; latency is of
``AnswerEngine.answer`` warm, after the index is built, query embedding included. The build
includes embedding every phrasing (nothing stored yet). The floor is a raw
``rapidfuzz.process.extract`` over the same phrasing strings.
Targets: p99 <= 5 ms at 10k and <= 30 ms at 100k; build (with embeddings) <= 5 s at 10k; RSS
<= 400 MB at 100k; `askbot ask` median <= 0.8 s as a whole process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SYLLABLES = "ka lo mi re su ta vo ne pi ra zo li be du go ya ko sha tri vel mar dan ost gor".split()
COMMON = (
    "stalin purge terror 1937 1938 arrested trial party soviet police why who what when did".split()
)
QUERY_COUNT = 1000


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def synthetic_entries(size: int, seed: int = 7):
    """A generator of synthetic entries (streamed, as a large base would be from the database)."""
    from askbot.factfiles import bundled_facts_dir, load_fact_base
    from askbot.models import Citation, Entry

    rng = random.Random(seed)
    bundled = load_fact_base(bundled_facts_dir())
    source = bundled.sources[0]
    citation = Citation(source=source.id, quote="placeholder", locator="para. 1")
    vocabulary = [word(rng) for _ in range(max(2000, size // 2))]

    def sentence(n: int) -> str:
        words = [
            rng.choice(COMMON) if rng.random() < 0.25 else rng.choice(vocabulary) for _ in range(n)
        ]
        return " ".join(words)

    entries = (
        Entry.model_construct(
            id=f"e{i}",
            question=sentence(rng.randint(5, 9)) + "?",
            also_asked=[sentence(rng.randint(4, 8)) for _ in range(4)],
            summary=sentence(60),
            status="settled",
            positions=[],
            citations=[citation],
            people=[sentence(2).title()],
            tags=[rng.choice(vocabulary)],
            related=[],
            retired=False,
            revision=1,
        )
        for i in range(size)
    )
    return entries, bundled, rng


def queries(matcher, rng: random.Random) -> list[str]:
    out = []
    for _ in range(QUERY_COUNT):
        if rng.random() < 0.2:
            out.append(
                "how did the " + word(rng) + " treaty change " + word(rng) + " trade in 1850"
            )
            continue
        words = rng.choice(rng.choice(matcher.phrasings)).split()
        if len(words) > 3 and rng.random() < 0.5:
            words.pop(rng.randrange(len(words)))
        if rng.random() < 0.5:
            i = rng.randrange(len(words))
            w = words[i]
            if len(w) > 4:
                j = rng.randrange(1, len(w) - 1)
                words[i] = w[:j] + w[j + 1 :]
        out.append("hey, quick question: " + " ".join(words))
    return out


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def measure(size: int) -> dict[str, float]:
    """Runs inside the child process for one size."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from rapidfuzz import process, utils

    from askbot.answering import AnswerEngine

    entries, bundled, rng = synthetic_entries(size)
    started = time.perf_counter()
    engine = AnswerEngine(entries, bundled.sources, bundled.aliases)
    build = time.perf_counter() - started
    asked = queries(engine.matcher, rng)
    for question in asked[:50]:  # warm the caches
        engine.answer(question)
    latencies = []
    for question in asked:
        t0 = time.perf_counter_ns()
        engine.answer(question)
        latencies.append((time.perf_counter_ns() - t0) / 1e6)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    phrasings = [p for entry in engine.matcher.phrasings for p in entry]
    floor = []
    for question in asked[:200]:
        t0 = time.perf_counter_ns()
        process.extract(question, phrasings, processor=utils.default_process, limit=5)
        floor.append((time.perf_counter_ns() - t0) / 1e6)
    return {
        "entries": size,
        "build_s": build,
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 99),
        "peak_rss_mb": rss_mb,
        "floor_p50_ms": statistics.median(floor),
        "floor_p99_ms": percentile(floor, 99),
    }


def cli_time(runs: int = 7) -> tuple[float, float]:
    """Median and worst wall time of `askbot ask` as a whole process, database already created."""
    askbot = shutil.which("askbot") or str(Path(sys.executable).parent / "askbot")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ASKBOT_DB": str(Path(tmp) / "bench.db")}
        command = [askbot, "ask", "--json", "--no-record", "Who was Yagoda?"]
        subprocess.run(
            command, env=env, check=True, capture_output=True
        )  # first use fills the database
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    print(
        f"machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}; one core per measurement\n"
    )
    print(
        f"{'entries':>8} {'build s':>8} {'p50 ms':>8} {'p99 ms':>8} {'RSS MB':>8} {'floor p50':>10} {'floor p99':>10}"
    )
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(size)],
            env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},  # one core
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(out.stdout)
        print(
            f"{r['entries']:>8} {r['build_s']:>8.2f} {r['p50_ms']:>8.3f} {r['p99_ms']:>8.3f} {r['peak_rss_mb']:>8.0f}"
            f" {r['floor_p50_ms']:>10.3f} {r['floor_p99_ms']:>10.3f}"
        )
    median, worst = cli_time()
    print(
        f"\naskbot ask (whole process, bundled fact base): median {median:.3f} s, worst {worst:.3f} s"
    )


if __name__ == "__main__":
    main()
