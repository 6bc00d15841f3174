"""Start-up as a newcomer sees it: the README's run command in a fresh clone, to getUpdates.

The committed HEAD (or ``--commit``) is cloned into a temporary folder and started there
with the README's command, ``uv run python -m bot``, in an environment like this sandbox's:
Python writes no bytecode (PYTHONDONTWRITEBYTECODE=1), so whatever was not compiled at
install is compiled at every start, and uv installs from its local cache. The first start
creates the clone's .venv (uv installs and, if ``[tool.uv] compile-bytecode`` says so,
compiles site-packages); the rounds after it are what a newcomer waits for at each start,
with a new and an existing database. References in the same run, from the same clone and
environment: the bare PTB echo bot (bench/echo_bot.py: the same PTB and builder, no
services) through ``uv run``, the README command with every module's bytecode kept
(``PYTHONPYCACHEPREFIX``: what compiling the project's own modules at each start costs),
and ``python -c pass`` with and without ``uv run`` (what uv's check of the environment
before each run costs).
Each start is on fresh fakes and stopped with SIGTERM. Target: median <= 1.0 s.

    uv run python bench/startup.py [--rounds 5] [--commit HEAD]
"""

import argparse
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from bench.support import (
    CREDITS,
    REPO,
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

TARGET_SECONDS = 1.0
README_COMMAND = ("uv", "run", "python", "-m", "bot")
ECHO_COMMAND = ("uv", "run", "python", "bench/echo_bot.py")
NO_BYTECODE = {"PYTHONDONTWRITEBYTECODE": "1"}


def fresh_clone(folder: Path, revision: str) -> tuple[Path, str]:
    """A clone at ``revision``, without this checkout's .venv, and its short hash."""
    clone = folder / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", revision], check=True)
    commit = subprocess.run(
        ["git", "-C", str(clone), "rev-parse", "--short", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return clone, commit


def bot_start(clone: Path, database: Path, python: Mapping[str, str]) -> tuple[float, list[str]]:
    """Seconds from spawn to first getUpdates, and any problem the fakes or the log saw."""
    with TelegramFake() as telegram, NemoFake(initial_credits=CREDITS) as nemo:
        env = deployment_env(telegram, nemo, database)
        with Subject(README_COMMAND, env, telegram, python=python, cwd=clone) as bot:
            seconds = bot.first_poll - bot.started
        return seconds, violations(telegram, nemo) + bot.errors()


def echo_start(clone: Path) -> float:
    with TelegramFake() as telegram:
        env = {"TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_URL": telegram.api_url}
        with Subject(ECHO_COMMAND, env, telegram, python=NO_BYTECODE, cwd=clone) as echo:
            return echo.first_poll - echo.started


def interpreter_start(clone: Path, *, through_uv: bool) -> float:
    """``python -c pass`` from the clone's .venv, by ``uv run`` (which syncs first) or not."""
    command = ["uv", "run", "python"] if through_uv else [str(clone / ".venv/bin/python")]
    started = time.monotonic()
    subprocess.run([*command, "-c", "pass"], cwd=clone, check=True, capture_output=True)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="starts of each kind")
    parser.add_argument("--commit", default="HEAD", help="what to clone (a before/after)")
    args = parser.parse_args()
    seconds: dict[str, list[float]] = {}
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        clone, commit = fresh_clone(root, args.commit)
        kept = root / "kept.db"
        first, problems = bot_start(clone, kept, NO_BYTECODE)  # creates .venv and database
        compiled = bytecode(root / "pycache")
        bot_start(clone, kept, compiled)  # fills the bytecode folder of the reference row
        for index in range(args.rounds):
            # Interleaved, so a drift of the machine hits every kind alike.
            runs: dict[str, Callable[[], tuple[float, list[str]]]] = {
                "new": lambda i=index: bot_start(clone, root / f"new-{i}.db", NO_BYTECODE),
                "existing": lambda: bot_start(clone, kept, NO_BYTECODE),
                "echo": lambda: (echo_start(clone), []),
                "compiled": lambda: bot_start(clone, kept, compiled),
                "uv pass": lambda: (interpreter_start(clone, through_uv=True), []),
                "pass": lambda: (interpreter_start(clone, through_uv=False), []),
            }
            for kind, run in runs.items():
                elapsed, seen = run()
                seconds.setdefault(kind, []).append(elapsed)
                problems += seen

    def cell(kind: str) -> str:
        values = seconds[kind]
        return f"{median(values):.3f} s ({', '.join(f'{v:.2f}' for v in values)})"

    def row(label: str, kind: str, target: bool = False) -> tuple[str, ...]:
        value = median(seconds[kind])
        passed = verdict(value <= TARGET_SECONDS) if target else ""
        return (label, cell(kind), f"{value / median(seconds['echo']):.2f}x", passed)

    rows = [
        row("`uv run python -m bot`, new database", "new", target=True),
        row("`uv run python -m bot`, existing database", "existing", target=True),
        row("bare PTB echo bot, `uv run` (floor)", "echo"),
        row("`uv run python -m bot`, all bytecode kept (reference)", "compiled"),
        row("`uv run python -c pass`", "uv pass"),
        row("`.venv/bin/python -c pass`", "pass"),
    ]
    print(f"machine: {machine()}")
    print(f"fresh clone of {commit}, PYTHONDONTWRITEBYTECODE=1 unless said")
    print(f"first start (creates .venv, installs, compiles site-packages): {first:.2f} s")
    print(f"{args.rounds} rounds of each, interleaved; medians (rounds in brackets)\n")
    print(table(("spawn to first getUpdates", "median", "vs floor", "<= 1.0 s"), rows))
    for problem in problems:
        print(f"problem: {problem}")


if __name__ == "__main__":
    main()
