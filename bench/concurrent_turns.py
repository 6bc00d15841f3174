"""Concurrent turns: 500 chats waiting on the agent at once, and another chat meanwhile.

The bot (``python -m bot``, default settings) first answers ``crediti`` a few times a second,
in turn in 20 probe chats, with nothing else going on: the reference. Then 500 other chats each
send the agent a request whose turn stays open, the fake streaming only heartbeats every
3 s (as a long generation does), while the probe chats keep asking for their credits. Reported:
how many turns the cloud saw open, the bot's peak RSS over the whole run (the kernel's
VmHWM) and at the end, the probe's median and p99 latency (update queued to sendMessage at
the fake) with and without the turns, replies that never came, and the CPU the bot and the
benchmark process (which hosts both fakes) used. Targets: RSS < 300 MB, p99 < 100 ms.

    uv run python bench/concurrent_turns.py [--turns 500] [--seconds 20] [--probe-rate 4]
"""

import argparse
import math
import time
from collections.abc import Callable

import psutil

from bench.support import (
    MIB,
    CallWatcher,
    Exchange,
    PeakRss,
    ReplyLog,
    bot_on_fakes,
    latencies,
    machine,
    median,
    ms,
    pace,
    percentile,
    table,
    verdict,
    violations,
)
from tests.fakes.nemo import steps
from tests.fakes.telegram.chats import FakeChat

RSS_TARGET = 300 * 1000 * 1000
P99_TARGET = 0.1
HEARTBEAT_SECONDS = 3.0
REPLY_TIMEOUT = 30.0
PROBE_CHATS = 20
STOP_GRACE = 10.0


def probe(log: ReplyLog, chats: list[FakeChat], seconds: float, rate: float) -> list[Exchange]:
    """Ask for the credits ``rate`` times a second for ``seconds``, in turn in each chat.

    Several chats, because the bot rightly paces each private chat to about a message a
    second: one person asking four times a second would measure that pacing instead.
    """
    asked: list[Exchange] = []

    def ask(index: int) -> None:
        chat = chats[index % len(chats)]
        at = time.monotonic()
        chat.send_text("crediti")
        asked.append(log.sent(chat.id, at))

    pace(max(1, round(seconds * rate)), rate, ask)
    log.wait_answered(REPLY_TIMEOUT)
    return asked


def settled(count: Callable[[], int], goal: int, quiet: float = 3.0) -> int:
    """Wait until ``count()`` reaches ``goal`` or stops growing for ``quiet`` s; its value."""
    last, since = count(), time.monotonic()
    while last < goal and time.monotonic() - since < quiet:
        time.sleep(0.2)
        if (now := count()) != last:
            last, since = now, time.monotonic()
    return last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=500, help="chats with a turn open")
    parser.add_argument("--seconds", type=float, default=20, help="probe phase length, each")
    parser.add_argument("--probe-rate", type=float, default=4, help="credits requests per s")
    args = parser.parse_args()
    # Long enough to outlast the run: the bot is stopped with the turns still open.
    beats = math.ceil((2 * args.seconds + 120) / HEARTBEAT_SECONDS)
    me = psutil.Process()

    with bot_on_fakes() as (telegram, nemo, bot):
        log = ReplyLog(CallWatcher(telegram))
        probers = [telegram.private_chat() for _ in range(PROBE_CHATS)]
        chats = [telegram.private_chat() for _ in range(args.turns)]
        for _ in chats:
            nemo.script_turn(steps.heartbeats(beats, interval=HEARTBEAT_SECONDS))
        bot_process = psutil.Process(bot.pid)
        with PeakRss(bot.pid) as rss:
            probe(log, probers, 2, args.probe_rate)  # warm-up: the anonymous token
            quiet = probe(log, probers, args.seconds, args.probe_rate)
            rss_quiet = bot_process.memory_info().rss

            opening = time.monotonic()
            for chat in chats:
                chat.send_text("crea un video lungo con tutte le mie foto")
            opened = settled(lambda: nemo.count("POST", "/run_sse"), len(chats))
            open_seconds = time.monotonic() - opening

            cpu_bot, cpu_fakes = bot_process.cpu_times(), me.cpu_times()
            busy_started = time.monotonic()
            busy = probe(log, probers, args.seconds, args.probe_rate)
            wall = time.monotonic() - busy_started
            cpu_bot_used = sum(bot_process.cpu_times()[:2]) - sum(cpu_bot[:2])
            cpu_fakes_used = sum(me.cpu_times()[:2]) - sum(cpu_fakes[:2])
            rss_busy = bot_process.memory_info().rss
            still_open = nemo.count("POST", "/run_sse")
        stopping = time.monotonic()
        exited = bot.stop(STOP_GRACE)
        stop_seconds = time.monotonic() - stopping
        turn_chats = {chat.id for chat in chats}
        told = [
            str(call.params.get("text"))
            for call in telegram.calls_to("sendMessage")
            if call.params.get("chat_id") in turn_chats
        ]
        actions = len([c for c in telegram.calls_to("sendChatAction") if c.at >= busy_started])
        problems = violations(telegram, nemo) + bot.errors()

    quiet_s, busy_s = latencies(quiet), latencies(busy)
    busy_p99 = percentile(busy_s, 99) if len(busy_s) == len(busy) else math.inf
    print(f"machine: {machine()}")
    print(
        f"{args.turns} chats with a turn open (heartbeats every {HEARTBEAT_SECONDS:g} s); "
        f"probe: crediti {args.probe_rate:g}/s for {args.seconds:g} s over 20 other chats, "
        "before and during; fakes in the benchmark process\n"
    )
    rows = [
        (
            "no other work (reference)",
            f"{len(quiet_s)}/{len(quiet)}",
            ms(median(quiet_s)),
            ms(percentile(quiet_s, 99)),
            f"{rss_quiet / MIB:.0f} MiB",
        ),
        (
            f"{opened} turns open",
            f"{len(busy_s)}/{len(busy)}",
            ms(median(busy_s)),
            f"{ms(busy_p99)} {verdict(busy_p99 < P99_TARGET)}",
            f"{rss_busy / MIB:.0f} MiB",
        ),
    ]
    header = ("while", "crediti answered", "median", "p99 (< 100 ms)", "bot RSS")
    print(table(header, rows))
    print(
        f"\nturns the cloud saw open: {opened} of {args.turns} after {open_seconds:.1f} s "
        f"({still_open} by the end)"
    )
    print(
        f"bot peak RSS over the run: {rss.peak / MIB:.0f} MiB "
        f"(from {rss.baseline / MIB:.0f} MiB); target < 300 MB: {verdict(rss.peak < RSS_TARGET)}"
    )
    print(
        f"during the turns: bot CPU {cpu_bot_used / wall:.0%} of a core, benchmark process "
        f"(both fakes) {cpu_fakes_used / wall:.0%}; sendChatAction {actions / wall:.1f}/s"
    )
    if told:
        print(
            f"messages to the {args.turns} turn chats before the bot was stopped: {len(told)}, "
            f"e.g. {told[0]!r}"
        )
    print(
        "SIGTERM with the turns open: "
        + (
            f"exited in {stop_seconds:.1f} s"
            if exited
            else f"still running after {STOP_GRACE:g} s, killed"
        )
    )
    for problem in problems:
        print(f"problem: {problem}")


if __name__ == "__main__":
    main()
