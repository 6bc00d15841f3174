"""Router: classification latency over the whole labelled table, and its training cost.

The router trains its models from ``bot/core/routing/examples.tsv`` on first use or in
``warm_up()``, not at import: the import is measured in a fresh interpreter (against
importing the rules alone, which start-up pays anyway), then ``warm_up()`` (the
training the bot runs in a background thread), then training again in this process.
Latency is ``route(text)`` per line, every line of the table, several rounds after one
warm-up round; gc stays on, as in the bot. The router remembers the typo reading of a
word and the cut of a Chinese run (people repeat themselves), so the rounds after the
first find them remembered: the first pass, with those memories emptied, is reported
apart as "cold". The load average is printed before and after: on a shared machine
the p99 is mostly the scheduler's. Target: p99 <= 1 ms.

    uv run python bench/router.py [--rounds 20]
"""

import argparse
import os
import subprocess
import sys
import time

from bench.support import REPO, machine, median, ms, percentile, table, verdict
from bot.core.router import Router, route, warm_up
from bot.core.routing import examples, words

_IMPORT = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def import_seconds(module: str, rounds: int) -> float:
    """Median wall time of importing ``module`` in a fresh interpreter."""
    code = _IMPORT.format(module=module)
    samples = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=REPO
            ).stdout
        )
        for _ in range(rounds)
    ]
    return median(samples)


def us(seconds: float) -> str:
    """Microseconds: ``ms()`` rounds a classification to 0.1 ms."""
    return f"{seconds * 1e6:.0f} µs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    rows = examples.load()
    texts = [row.text for row in rows]

    started = time.perf_counter()
    warm_up()
    warming = time.perf_counter() - started
    started = time.perf_counter()
    Router(rows)
    training = time.perf_counter() - started

    load_before = os.getloadavg()
    words.forget()
    cold = []
    for text in texts:  # also the warm-up: caches of re, unicodedata and the allocator
        started = time.perf_counter()
        route(text)
        cold.append(time.perf_counter() - started)
    latencies = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            route(text)
            latencies.append(time.perf_counter() - started)

    p99 = percentile(latencies, 99)
    load_after = os.getloadavg()
    print(machine())
    before = " ".join(f"{value:.2f}" for value in load_before)
    after = " ".join(f"{value:.2f}" for value in load_after)
    print(f"load average (1, 5, 15 min) before: {before}; after: {after}")
    print(f"{len(texts)} lines x {rounds} rounds = {len(latencies)} classifications")
    print(
        table(
            ("measure", "value"),
            [
                (
                    "import bot.core.router (fresh interpreter, median of 5)",
                    ms(import_seconds("bot.core.router", 5)),
                ),
                (
                    "import bot.core.routing.rules alone",
                    ms(import_seconds("bot.core.routing.rules", 5)),
                ),
                ("warm_up(): first training, in process", ms(warming)),
                ("training again on the table, in process", ms(training)),
                ("route() p50, cold (first pass)", us(percentile(cold, 50))),
                ("route() p99, cold (first pass)", us(percentile(cold, 99))),
                ("route() p50", us(percentile(latencies, 50))),
                ("route() p99", us(p99)),
                ("route() max", us(max(latencies))),
                ("target p99 <= 1 ms", verdict(p99 <= 0.001)),
            ],
        )
    )


if __name__ == "__main__":
    main()
