"""Delivery delay: from a render turning ``completed`` to the bot's sendVideo, at defaults.

Runs ``python -m bot`` with its default settings (RENDER_POLL_SECONDS=30: polls start 2 s
apart and back off to 30 s, steered by the progress the render reports) against the fakes.
Several chats each get a video from an agent turn, then export one after another, the fake
rendering each export in its own time: render times spread evenly over 20-60 s (stratified,
in a shuffled order), all running at once in different chats. The delay of each is the
fake's ``mark_completed_at`` to the arrival of sendVideo at the fake Bot API, split into
the poll lag (completed to the first poll that sees it) and the bot's own work after it.

The reference is the service's own recipe, one poll every 30 s from submission, whose lag
for a render of T s is 30 * ceil(T / 30) - T: computed for the same render times, and for
render times uniform on 20-60 s (median 10 s, mean 12.5 s). Target: median < 2 s.

    uv run python bench/delivery_delay.py [--renders 20] [--shortest 20] [--longest 60]
"""

import argparse
import math
import random
import statistics
import time

from bench.support import (
    CallWatcher,
    bot_on_fakes,
    machine,
    median,
    percentile,
    table,
    verdict,
    violations,
)
from tests.fakes.nemo import DEFAULT_REPLY
from tests.waiting import until_sync

TARGET_SECONDS = 2.0
FIXED_POLL = 30.0
RENDER_POLL_PATH = "/api/render/proxy/lambda/"


def fixed_polling_lag(render_seconds: float) -> float:
    """How late a poll every 30 s from submission notices a render of this length."""
    return FIXED_POLL * math.ceil(render_seconds / FIXED_POLL) - render_seconds


def uniform_fixed_polling(shortest: float, longest: float, steps: int = 100_000) -> list[float]:
    """Fixed polling's lag over render times spread finely and evenly on [shortest, longest]."""
    return [
        fixed_polling_lag(shortest + (longest - shortest) * (i + 0.5) / steps)
        for i in range(steps)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=20, help="renders, one chat each")
    parser.add_argument("--shortest", type=float, default=20, help="shortest render, s")
    parser.add_argument("--longest", type=float, default=60, help="longest render, s")
    parser.add_argument("--seed", type=int, default=7, help="order of the render times")
    args = parser.parse_args()
    span = args.longest - args.shortest
    durations = [args.shortest + span * (i + 0.5) / args.renders for i in range(args.renders)]
    random.Random(args.seed).shuffle(durations)

    with bot_on_fakes() as (telegram, nemo, bot):
        watcher = CallWatcher(telegram)
        chats = [telegram.private_chat() for _ in durations]
        for chat in chats:
            chat.send_text("crea un video con le mie foto")  # the fake's default turn
        for chat in chats:
            telegram.wait_for_message_sync(chat, contains=DEFAULT_REPLY[:20], timeout=60)

        render_chat: dict[str, int] = {}
        for chat, seconds in zip(chats, durations, strict=True):
            # The fake reads render_seconds when the bot submits, so set it per export.
            nemo.render_seconds = seconds
            before = set(nemo.renders)
            chat.send_text("esporta")
            new = until_sync(
                lambda b=before: set(nemo.renders) - b, 30, interval=0.05, what="render submitted"
            )
            render_chat[new.pop()] = chat.id

        until_sync(
            lambda: len(watcher.calls("sendVideo")) >= len(chats),
            args.longest + 2 * FIXED_POLL + 30,
            interval=0.5,
            what="every video delivered",
        )
        videos = {int(call.params["chat_id"]): call.at for call in watcher.calls("sendVideo")}
        polls = nemo.requests_to("GET", RENDER_POLL_PATH)
        problems = violations(telegram, nemo) + bot.errors()

    rows = []
    delays, lags, works = [], [], []
    for render_id, chat_id in render_chat.items():
        completed = nemo.mark_completed_at[render_id]
        seen = min(r.time for r in polls if r.path.endswith(render_id) and r.time >= completed)
        render = nemo.renders[render_id]
        delays.append(videos[chat_id] - completed)
        lags.append(seen - completed)
        works.append(videos[chat_id] - seen)
        count = sum(r.path.endswith(render_id) for r in polls)
        rows.append((render.seconds, delays[-1], lags[-1], works[-1], count))

    fixed_same = [fixed_polling_lag(seconds) for seconds in durations]
    fixed_uniform = uniform_fixed_polling(args.shortest, args.longest)
    print(f"machine: {machine()}")
    print(
        f"{args.renders} renders of {args.shortest:g}-{args.longest:g} s at once, "
        "RENDER_POLL_SECONDS at its default (30)\n"
    )
    print(
        table(
            ("render", "delay", "poll lag", "bot work after the poll", "polls"),
            (
                (f"{s:.1f} s", f"{d:.2f} s", f"{lag:.2f} s", f"{w * 1000:.0f} ms", n)
                for s, d, lag, w, n in sorted(rows)
            ),
        )
    )
    print()
    bot_median = median(delays)
    summary = [
        (
            "bot, default settings",
            f"{bot_median:.2f} s",
            f"{statistics.mean(delays):.2f} s",
            f"{percentile(delays, 90):.2f} s",
            f"{max(delays):.2f} s",
        ),
        (
            "fixed 30 s polling, same render times",
            f"{median(fixed_same):.2f} s",
            f"{statistics.mean(fixed_same):.2f} s",
            f"{percentile(fixed_same, 90):.2f} s",
            f"{max(fixed_same):.2f} s",
        ),
        (
            f"fixed 30 s polling, uniform {args.shortest:g}-{args.longest:g} s",
            f"{median(fixed_uniform):.2f} s",
            f"{statistics.mean(fixed_uniform):.2f} s",
            f"{percentile(fixed_uniform, 90):.2f} s",
            f"{max(fixed_uniform):.2f} s",
        ),
    ]
    print(table(("completed to sendVideo", "median", "mean", "p90", "max"), summary))
    print(
        f"\nbot median / fixed polling median (same times): "
        f"{bot_median / median(fixed_same):.0%}; poll lag median {median(lags):.2f} s, "
        f"bot work median {median(works) * 1000:.0f} ms; target median < 2 s: "
        f"{verdict(bot_median < TARGET_SECONDS)}"
    )
    for problem in problems:
        print(f"problem: {problem}")


if __name__ == "__main__":
    started = time.monotonic()
    main()
    print(f"(ran {time.monotonic() - started:.0f} s)")
