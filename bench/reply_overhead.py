"""Reply overhead: how much time does the bot add to a reply, next to a bare PTB echo bot?

Measures the time from an update being queued at the fake Bot API (ready for getUpdates) to
the bot's sendMessage reaching the fake, for ``/aiuto`` (no cloud call) and ``crediti`` (one
cloud call), first for the floor — bench/echo_bot.py, a bare python-telegram-bot echo bot with
the bot's PTB configuration, which for ``crediti`` makes one round trip to the NemoVideo fake
before answering — then for the bot (``python -m bot``), each on fresh fakes.

(a) steady arrivals at 1, 10 and 25 updates/s spread over 200 chats: median and p99, and their
    ratio to the floor's (targets: median <= 1.3x, p99 <= 1.5x);
(b) a burst of 200 chats at once: drain rate (replies / time from the first update to the last
    reply) against min(30/s, the floor's rate) (target >= 90 %), and no reply lost.
Every chat writes once first, unmeasured (see measure). AIORateLimiter caps every sender at
30 messages/s overall, as Telegram does.

A p99 needs about a hundred samples to mean anything, so each steady phase sends
``--samples`` updates whatever its rate: the 1/s phases take the longest.

    uv run python bench/reply_overhead.py [--samples 100] [--rates 1,10,25] [--chats 200]
"""

import argparse
import math
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.support import (
    CREDITS,
    CallWatcher,
    Exchange,
    ReplyLog,
    Subject,
    latencies,
    machine,
    median,
    ms,
    pace,
    percentile,
    ratio,
    table,
    verdict,
    violations,
)
from tests.e2e.harness import deployment_env
from tests.fakes.nemo_server import NemoFake
from tests.fakes.telegram_chats import FakeChat
from tests.fakes.telegram_server import TelegramFake

COMMANDS = ("/aiuto", "crediti")
MEDIAN_TARGET = 1.3
P99_TARGET = 1.5
DRAIN_TARGET = 0.9
TELEGRAM_RATE = 30.0
SETTLE_SECONDS = 1.0  # lets the rate limiter's bucket refill between phases


@dataclass
class Burst:
    exchanges: list[Exchange]

    @property
    def lost(self) -> int:
        return sum(math.isnan(e.replied) for e in self.exchanges)

    @property
    def seconds(self) -> float:
        replied = [e.replied for e in self.exchanges if not math.isnan(e.replied)]
        return max(replied) - min(e.sent for e in self.exchanges) if replied else math.nan

    @property
    def rate(self) -> float:
        return (len(self.exchanges) - self.lost) / self.seconds


@dataclass
class Results:
    steady: dict[tuple[str, float], list[float]] = field(default_factory=dict)
    steady_lost: dict[tuple[str, float], int] = field(default_factory=dict)
    bursts: dict[str, Burst] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def measure(kind: str, args: argparse.Namespace) -> Results:
    """Run every phase against one subject ("bot" or "floor") on fresh fakes."""
    results = Results()
    with (
        tempfile.TemporaryDirectory() as folder,
        TelegramFake() as telegram,
        NemoFake(initial_credits=CREDITS) as nemo,
    ):
        if kind == "bot":
            subject = Subject.bot(
                deployment_env(telegram, nemo, Path(folder) / "bot.db"), telegram
            )
        else:
            subject = Subject.echo(telegram, nemo)
        chats = [telegram.private_chat() for _ in range(args.chats)]
        log = ReplyLog(CallWatcher(telegram))

        def send(chat: FakeChat, text: str) -> Exchange:
            at = time.monotonic()
            chat.send_text(text)
            return log.sent(chat.id, at)

        with subject:
            # Warm-up: every chat has written once (the bot stores a chat's language on its
            # first message: a cost of new chats, not of each reply), and the bot's first
            # credits call has fetched its anonymous NemoVideo token.
            for chat in chats:
                send(chat, COMMANDS[0])
            send(chats[0], COMMANDS[1])
            log.wait_answered(60)
            time.sleep(SETTLE_SECONDS)
            for text in COMMANDS:
                for rate in args.rates:
                    count = args.samples
                    phase: list[Exchange] = []
                    pace(
                        count,
                        rate,
                        lambda i, t=text, p=phase: p.append(send(chats[i % len(chats)], t)),
                    )
                    log.wait_answered(60)
                    results.steady[(text, rate)] = latencies(phase)
                    results.steady_lost[(text, rate)] = count - len(latencies(phase))
                    time.sleep(SETTLE_SECONDS)
                burst = [send(chat, text) for chat in chats]
                log.wait_answered(60)
                results.bursts[text] = Burst(burst)
                time.sleep(SETTLE_SECONDS)
            results.problems = violations(telegram, nemo) + subject.errors()
    return results


def report(args: argparse.Namespace, floor: Results, bot: Results) -> None:
    print(f"machine: {machine()}")
    print(
        f"steady phases: {args.samples} updates per rate over {args.chats} chats; "
        f"burst: {args.chats} chats at once; fakes in the benchmark process, "
        "bot and floor as subprocesses\n"
    )
    rows = []
    for text in COMMANDS:
        for rate in args.rates:
            b, f = bot.steady[(text, rate)], floor.steady[(text, rate)]
            m_ratio = ratio(median(b), median(f))
            p_ratio = ratio(percentile(b, 99), percentile(f, 99))
            lost = bot.steady_lost[(text, rate)] + floor.steady_lost[(text, rate)]
            rows.append(
                (
                    f"`{text}` {rate:g}/s (n={len(b)})",
                    ms(median(b)),
                    ms(median(f)),
                    f"{m_ratio:.2f}x {verdict(m_ratio <= MEDIAN_TARGET)}",
                    ms(percentile(b, 99)),
                    ms(percentile(f, 99)),
                    f"{p_ratio:.2f}x {verdict(p_ratio <= P99_TARGET)}",
                    lost,
                )
            )
    header = (
        "arrivals",
        "bot median",
        "floor median",
        "ratio (<= 1.3x)",
        "bot p99",
        "floor p99",
        "ratio (<= 1.5x)",
        "lost",
    )
    print(table(header, rows))
    print()
    rows = []
    for text in COMMANDS:
        b, f = bot.bursts[text], floor.bursts[text]
        reference = min(TELEGRAM_RATE, f.rate)
        share = ratio(b.rate, reference)
        rows.append(
            (
                f"`{text}` x {len(b.exchanges)}",
                f"{b.rate:.1f}/s ({b.seconds:.2f} s)",
                f"{f.rate:.1f}/s ({f.seconds:.2f} s)",
                f"{reference:.1f}/s",
                f"{share:.0%} {verdict(share >= DRAIN_TARGET)}",
                f"{b.lost} / {f.lost} {verdict(b.lost == 0)}",
            )
        )
    header = ("burst", "bot drain", "floor drain", "reference", "bot / ref (>= 90 %)", "lost")
    print(table(header, rows))
    for name, results in (("floor", floor), ("bot", bot)):
        for problem in results.problems:
            print(f"{name} problem: {problem}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100, help="updates per steady phase")
    parser.add_argument("--rates", default="1,10,25", help="steady arrival rates, updates/s")
    parser.add_argument("--chats", type=int, default=200, help="chats the arrivals spread over")
    args = parser.parse_args()
    args.rates = [float(rate) for rate in args.rates.split(",")]
    floor = measure("floor", args)
    bot = measure("bot", args)
    report(args, floor, bot)


if __name__ == "__main__":
    main()
