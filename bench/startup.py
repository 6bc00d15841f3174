"""Start-up: from spawning ``python -m bot`` to its first getUpdates at the fake Bot API.

Each round spawns the bot against fresh fakes and stops it with SIGTERM. The first start
of a deployment creates and migrates the database and a restart finds it, so both are
measured. Python either finds compiled bytecode (as a deployment does: compiled once, or
baked into the image) or compiles every module at each start (as this sandbox runs:
PYTHONDONTWRITEBYTECODE=1 over a .venv without __pycache__); both are measured, the
bytecode kept in a folder of its own outside the project. References in the same run: the
bare echo bot (bench/echo_bot.py: the same PTB and builder, no services) and the
interpreter alone (``python -c pass``). Target < 1.5 s, with bytecode.

    uv run python bench/startup.py [--rounds 5]
"""

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from bench.support import (
    CREDITS,
    Subject,
    bytecode,
    machine,
    median,
    table,
    verdict,
    violations,
)
from tests.e2e.harness import deployment_env
from tests.fakes.nemo import NemoFake
from tests.fakes.telegram import TelegramFake

TARGET_SECONDS = 1.5


def bot_start(database: Path, python: Mapping[str, str]) -> tuple[float, list[str]]:
    """Seconds from spawn to first getUpdates, and any problem the fakes or the log saw."""
    with TelegramFake() as telegram, NemoFake(initial_credits=CREDITS) as nemo:
        env = deployment_env(telegram, nemo, database)
        with Subject.bot(env, telegram, python=python) as bot:
            seconds = bot.first_poll - bot.started
        return seconds, violations(telegram, nemo) + bot.errors()


def echo_start(python: Mapping[str, str]) -> float:
    with TelegramFake() as telegram, Subject.echo(telegram, python=python) as echo:
        return echo.first_poll - echo.started


def interpreter_start() -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="starts of each kind")
    args = parser.parse_args()
    kinds = (
        "bot, new database",
        "bot, existing database",
        "echo bot (floor)",
        "bot, no bytecode",
        "echo bot, no bytecode",
    )
    seconds: dict[str, list[float]] = {kind: [] for kind in kinds}
    bare: list[float] = []
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        compiled = bytecode(root / "pycache")
        never = bytecode(root / "empty", write=False)
        kept = root / "kept.db"
        bot_start(kept, compiled)  # creates the database and compiles the bytecode
        echo_start(compiled)
        for index in range(args.rounds):
            # Interleaved, so a drift of the machine hits every kind alike.
            runs = (
                ("bot, new database", lambda i=index: bot_start(root / f"new-{i}.db", compiled)),
                ("bot, existing database", lambda: bot_start(kept, compiled)),
                ("echo bot (floor)", lambda: (echo_start(compiled), [])),
                ("bot, no bytecode", lambda: bot_start(kept, never)),
                ("echo bot, no bytecode", lambda: (echo_start(never), [])),
            )
            for kind, run in runs:
                elapsed, seen = run()
                seconds[kind].append(elapsed)
                problems += seen
            bare.append(interpreter_start())

    def cell(values: list[float]) -> str:
        return f"{median(values):.3f} s ({', '.join(f'{v:.2f}' for v in values)})"

    def row(label: str, kind: str, floor: str, target: bool) -> tuple[str, ...]:
        value = median(seconds[kind])
        passed = verdict(value < TARGET_SECONDS) if target else ""
        return (label, cell(seconds[kind]), f"{value / median(seconds[floor]):.2f}x", passed)

    rows = [
        row("`python -m bot`, new database", "bot, new database", "echo bot (floor)", True),
        row(
            "`python -m bot`, existing database",
            "bot, existing database",
            "echo bot (floor)",
            True,
        ),
        row("bare PTB echo bot (floor)", "echo bot (floor)", "echo bot (floor)", False),
        row("`python -m bot`, no bytecode", "bot, no bytecode", "echo bot, no bytecode", False),
        row("echo bot, no bytecode", "echo bot, no bytecode", "echo bot, no bytecode", False),
        ("`python -c pass`", cell(bare), "", ""),
    ]
    print(f"machine: {machine()}")
    print(f"{args.rounds} rounds of each, interleaved; medians (rounds in brackets)\n")
    print(table(("spawn to first getUpdates", "median", "vs its floor", "< 1.5 s"), rows))
    for problem in problems:
        print(f"problem: {problem}")


if __name__ == "__main__":
    main()
