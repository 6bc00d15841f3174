"""Load: N chats upload an album, talk to the agent and export at once; a quick command meanwhile.

Every one of ``--chats`` private chats (200 by default) does what a person does, all starting
together: sends an album of three small JPEGs, waits for the one acknowledgement, asks the
agent for a slideshow (the fake streams a heartbeat a second for 4 s, adds a video track,
then answers with text naming the chat's project), waits for that reply, writes "esporta"
and waits for the video (the fake renders for 1.5 s). The bot is ``python -m bot`` at its
default settings. Meanwhile ``/aiuto``, which needs no cloud call, is sent ``--probe-rate``
times a second in turn in 10 other private chats (so each chat stays well under the bot's
pace of about a message a second per private chat) and timed from just before the update is
queued to the arrival of the bot's sendMessage at the fake. The same probe first runs for
a few seconds with nothing else going on: the reference.

The Telegram fake, this driver and the probe share this process; the NemoVideo fake runs in
a child process of its own, so the two fakes do not share a GIL. Each process's CPU use is
reported to show which one bounds the run.

Checks (exit status 1 if one fails): every chat got exactly one acknowledgement, exactly
one agent reply and it is its own, exactly one sendVideo whose bytes are the fake's sample
MP4, no text twice; the cloud saw one session, one /run_sse and one render per chat; no
contract violation or ERROR in the bot's log. Targets (``--require-targets`` makes a miss
exit 2): every chat done with no video lost or duplicated, probe p99 during the load
< 250 ms, bot peak RSS < 250 MB (each replica's).

``--replicas N`` runs N processes of the bot on one database (``--database sqlite`` or
``postgresql``, a throwaway server; see bench/replicas.py): one polls, the others stand by.

    uv run python bench/load.py [--chats 200] [--probe-rate 5] [--timeout 300]
        [--replicas 1] [--database sqlite]
"""

import argparse
import contextlib
import math
import multiprocessing
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Self

import psutil

from bench.replicas import DATABASES, PeakRssEach, Replicas, database_url
from bench.support import (
    CREDITS,
    MIB,
    CallWatcher,
    Exchange,
    ReplyLog,
    latencies,
    machine,
    median,
    ms,
    percentile,
    table,
    verdict,
)
from tests.e2e.harness import deployment_env
from tests.fakes.nemo import SAMPLE_MP4, FakeSession, NemoFake, steps
from tests.fakes.telegram import TelegramFake
from tests.fakes.telegram.chats import FakeChat
from tests.fakes.telegram.files import jpeg_bytes
from tests.fakes.telegram.state import Call

RSS_TARGET = 250 * 1000 * 1000
P99_TARGET = 0.25
PROBE_CHATS = 10
PROBE_COMMAND = "/aiuto"
REFERENCE_SECONDS = 5.0
PHOTOS = 3
HEARTBEATS = 5  # one a second: the turn streams for 4 s before it answers
HEARTBEAT_SECONDS = 1.0
ASK = "crea uno slideshow con le mie foto per il progetto {tag}"
REPLY = "Fatto: ho montato lo slideshow del progetto {tag}."
ACKNOWLEDGED = "file aggiunt"  # "✅ 3 file aggiunti." in Italian
RENDER_SUBMIT = "/api/render/proxy/lambda"
LATE_SECONDS = 3.0  # kept watching after the last video, for anything sent twice
REPLY_TIMEOUT = 30.0
TICK = 0.05


# --- the NemoVideo fake, in a child process --------------------------------------------------


class _TaggedReply:
    """Agent text naming the tag that ends the message it answers: each chat's own reply."""

    async def frames(self, session: FakeSession) -> AsyncIterator[bytes]:
        tag = session.messages[-1].split()[-1]
        async for chunk in steps.text(REPLY.format(tag=tag)).frames(session):
            yield chunk


@dataclass(frozen=True)
class CloudReport:
    """What the NemoVideo fake saw, sent back from its process."""

    sessions: int
    run_sse: int
    render_submissions: int
    renders_per_session: list[int]
    messages_per_session: list[int]
    uploaded_files: int
    violations: list[str]


def serve_cloud(conn: Connection, turns: int) -> None:
    """Run the NemoVideo fake with ``turns`` scripted turns; report when asked, then stop."""
    with NemoFake(initial_credits=CREDITS) as nemo:
        for _ in range(turns):
            # Turns are handed out in /run_sse order, whichever chat asks: all are alike,
            # and the reply names the asking chat's tag.
            nemo.script_turn(
                steps.heartbeats(HEARTBEATS, interval=HEARTBEAT_SECONDS),
                steps.add_video_track(),
                _TaggedReply(),
            )
        conn.send(nemo.url)
        if conn.recv() != "report":
            return
        renders = Counter(render.session_id for render in nemo.renders.values())
        conn.send(
            CloudReport(
                sessions=len(nemo.sessions),
                run_sse=nemo.count("POST", "/run_sse"),
                render_submissions=len(
                    [r for r in nemo.requests_to("POST", RENDER_SUBMIT) if r.path == RENDER_SUBMIT]
                ),
                renders_per_session=[renders[sid] for sid in nemo.sessions],
                messages_per_session=[len(s.messages) for s in nemo.sessions.values()],
                uploaded_files=sum(len(s.uploads) for s in nemo.sessions.values()),
                violations=list(nemo.violations),
            )
        )
        conn.recv()


class Cloud:
    """The NemoVideo fake's process; ``url`` is all ``deployment_env`` needs of a NemoFake."""

    def __init__(self, turns: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=serve_cloud, args=(child, turns), name="nemo-fake", daemon=True
        )
        self.url = ""

    def __enter__(self) -> Self:
        self._process.start()
        if not self._conn.poll(60):
            raise RuntimeError("the NemoVideo fake's process did not start")
        self.url = str(self._conn.recv())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._process.is_alive():
            with contextlib.suppress(OSError):
                self._conn.send("stop")
            self._process.join(15)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    @property
    def pid(self) -> int:
        assert self._process.pid is not None
        return self._process.pid

    def report(self) -> CloudReport:
        self._conn.send("report")
        if not self._conn.poll(60):
            raise RuntimeError("the NemoVideo fake did not report")
        return self._conn.recv()


# --- the people --------------------------------------------------------------------------------


@dataclass
class Person:
    """One loaded chat: where it is in album -> agent -> export -> done, and what it got."""

    chat: FakeChat
    stage: str = "album"
    started: float = math.nan
    finished: float = math.nan
    acks: int = 0
    replies: int = 0
    videos: list[Call] = field(default_factory=list)
    texts: Counter[str] = field(default_factory=Counter)

    @property
    def tag(self) -> str:
        return f"p{self.chat.id}"

    def heard(self, call: Call) -> None:
        """Take in one thing the bot sent this chat; say the next thing when it is due."""
        if call.method == "sendVideo":
            self.videos.append(call)
            if self.stage == "export":
                self.stage, self.finished = "done", call.at
            return
        if call.method != "sendMessage":
            return
        text = str(call.params.get("text", ""))
        self.texts[text] += 1
        if ACKNOWLEDGED in text:
            self.acks += 1
            if self.stage == "album":
                self.stage = "agent"
                self.chat.send_text(ASK.format(tag=self.tag))
        elif REPLY.format(tag=self.tag) in text:
            self.replies += 1
            if self.stage == "agent":
                self.stage = "export"
                self.chat.send_text("esporta")


class Feed:
    """The fake Bot API's calls, each handed out once, in the order the fake answered them."""

    def __init__(self, telegram: TelegramFake) -> None:
        self._telegram = telegram
        self._seen = 0

    def new(self) -> list[Call]:
        calls = self._telegram.calls
        fresh = calls[self._seen :]
        self._seen = len(calls)
        return fresh


def drive(people: list[Person], feed: Feed, album: list[bytes], timeout: float) -> float:
    """Send every album at once, then move each chat along as the bot answers it.

    Runs until every chat has its video or ``timeout`` passes, then listens ``LATE_SECONDS``
    more for anything sent twice. Returns when the load ended: the last video's arrival,
    or the timeout.
    """
    by_id = {person.chat.id: person for person in people}

    def listen() -> None:
        for call in feed.new():
            person = by_id.get(_chat_id(call))
            if person is not None:
                person.heard(call)

    for person in people:
        person.started = time.monotonic()
        person.chat.send_album(album)
    deadline = time.monotonic() + timeout
    while not all(person.stage == "done" for person in people):
        if time.monotonic() >= deadline:
            ended = time.monotonic()
            break
        time.sleep(TICK)
        listen()
    else:
        ended = max(person.finished for person in people)
    late = time.monotonic() + LATE_SECONDS
    while time.monotonic() < late:
        time.sleep(TICK)
        listen()
    return ended


def _chat_id(call: Call) -> int | None:
    try:
        return int(call.params["chat_id"])
    except (KeyError, TypeError, ValueError):
        return None


# --- the probe ---------------------------------------------------------------------------------


class Probe:
    """``/aiuto`` at a fixed rate in turn in several chats, in a thread, until stopped."""

    def __init__(self, log: ReplyLog, chats: list[FakeChat], rate: float, limit: float) -> None:
        self._log = log
        self._chats = chats
        self._rate = rate
        self._limit = limit
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="probe", daemon=True)
        self.asked: list[Exchange] = []

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        start = time.monotonic()
        for index in range(max(1, math.ceil(self._limit * self._rate))):
            if self._stop.wait(max(0.0, start + index / self._rate - time.monotonic())):
                return
            chat = self._chats[index % len(self._chats)]
            at = time.monotonic()
            chat.send_text(PROBE_COMMAND)
            self.asked.append(self._log.sent(chat.id, at))


def probe_for(log: ReplyLog, chats: list[FakeChat], rate: float, seconds: float) -> list[Exchange]:
    with Probe(log, chats, rate, seconds) as probe:
        time.sleep(seconds)
    return probe.asked


# --- the run -----------------------------------------------------------------------------------


@dataclass
class Cpu:
    """CPU seconds (user + system) of several processes over a ``with`` block."""

    processes: dict[str, psutil.Process]
    used: dict[str, float] = field(default_factory=dict)
    wall: float = 0.0

    def __enter__(self) -> Self:
        self._start = {name: sum(p.cpu_times()[:2]) for name, p in self.processes.items()}
        self._began = time.monotonic()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.monotonic() - self._began
        for name, process in self.processes.items():
            self.used[name] = sum(process.cpu_times()[:2]) - self._start[name]

    def share(self, name: str) -> float:
        return self.used[name] / self.wall if self.wall else math.nan


def request_rates(calls: list[Call], began: float, ended: float) -> tuple[int, float, int]:
    """Bot API requests naming a chat (what AIORateLimiter's 30/s counts) in [began, ended]:
    their number, the mean per second and the most within any 1 s."""
    stamps = sorted(c.at for c in calls if began <= c.at <= ended and "chat_id" in c.params)
    best, first = 0, 0
    for last, stamp in enumerate(stamps):
        while stamp - stamps[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    span = ended - began
    return len(stamps), len(stamps) / span if span > 0 else math.nan, best


def checks(
    people: list[Person], telegram: TelegramFake, cloud: CloudReport, bot: Replicas
) -> list[tuple[str, bool, str]]:
    """(what, held, detail) for every correctness check."""
    sample = SAMPLE_MP4.read_bytes()
    n = len(people)

    def video_ok(person: Person) -> bool:
        shown = [m for m in telegram.bot_messages(person.chat) if "video" in m]
        return len(shown) == 1 and telegram.file_bytes(shown[0]["video"]["file_id"]) == sample

    def failing(predicate: Callable[[Person], bool]) -> list[int]:
        return [p.chat.id for p in people if not predicate(p)]

    found = [
        ("every chat finished (ack, reply, video)", failing(lambda p: p.stage == "done")),
        ("exactly one upload acknowledgement", failing(lambda p: p.acks == 1)),
        ("exactly one agent reply, its own", failing(lambda p: p.replies == 1)),
        ("exactly one sendVideo", failing(lambda p: len(p.videos) == 1)),
        ("the video is the sample MP4, byte for byte", failing(video_ok)),
        ("no text sent twice to a chat", failing(lambda p: max(p.texts.values(), default=0) <= 1)),
    ]
    rows = [
        (what, not bad, f"{n - len(bad)}/{n}" + (f", e.g. {bad[0]}" if bad else ""))
        for what, bad in found
    ]
    per_session = [
        ("cloud: one session per chat", cloud.sessions == n, f"{cloud.sessions}"),
        ("cloud: /run_sse count == chats", cloud.run_sse == n, f"{cloud.run_sse}"),
        (
            "cloud: render submissions == chats",
            cloud.render_submissions == n,
            f"{cloud.render_submissions}",
        ),
        (
            "cloud: one message and one render per session",
            set(cloud.messages_per_session) <= {1} and set(cloud.renders_per_session) <= {1},
            f"messages {sorted(Counter(cloud.messages_per_session).items())}, "
            f"renders {sorted(Counter(cloud.renders_per_session).items())}",
        ),
        (
            "cloud: every photo uploaded once",
            cloud.uploaded_files == PHOTOS * n,
            f"{cloud.uploaded_files}",
        ),
    ]
    problems = [*telegram.violations, *cloud.violations, *bot.errors()]
    return [
        *rows,
        *per_session,
        ("no contract violation, no ERROR logged", not problems, "; ".join(problems)[:300]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=200, help="chats loading the bot at once")
    parser.add_argument("--probe-rate", type=float, default=5, help="/aiuto per second")
    parser.add_argument("--timeout", type=float, default=300, help="most seconds for the load")
    parser.add_argument(
        "--require-targets", action="store_true", help="exit 2 when a target is missed"
    )
    parser.add_argument("--replicas", type=int, default=1, help="bot processes, one database")
    parser.add_argument("--database", choices=DATABASES, default="sqlite")
    args = parser.parse_args()
    album = [jpeg_bytes(320, 240, (40 * i, 120, 200)) for i in range(PHOTOS)]

    with (
        tempfile.TemporaryDirectory() as folder,
        Cloud(args.chats) as cloud,
        TelegramFake() as telegram,
        database_url(args.database, Path(folder)) as url,
        # deployment_env reads only the url of the NemoVideo fake, which Cloud has.
        Replicas(
            deployment_env(telegram, cloud, Path(folder) / "bot.db", DATABASE_URL=url),
            telegram,
            args.replicas,
        ) as bot,
    ):
        log = ReplyLog(CallWatcher(telegram))
        probers = [telegram.private_chat() for _ in range(PROBE_CHATS)]
        people = [Person(telegram.private_chat()) for _ in range(args.chats)]
        quiet = probe_for(log, probers, args.probe_rate, REFERENCE_SECONDS)
        log.wait_answered(REPLY_TIMEOUT)
        bots = {f"bot {i + 1}": psutil.Process(pid) for i, pid in enumerate(bot.pids)}
        processes = {**bots, "driver": psutil.Process(), "cloud": psutil.Process(cloud.pid)}
        feed = Feed(telegram)
        feed.new()  # the reference's calls are not the load's
        with (
            PeakRssEach(bot.pids) as rss,
            Cpu(processes) as cpu,
            Probe(log, probers, args.probe_rate, args.timeout) as probe,
        ):
            began = time.monotonic()
            ended = drive(people, feed, album, args.timeout)
        log.wait_answered(REPLY_TIMEOUT)
        report = cloud.report()
        results = checks(people, telegram, report, bot)
        calls = telegram.calls
        rates = request_rates(calls, began, ended)
        methods = Counter(
            c.method for c in calls if began <= c.at <= ended and "chat_id" in c.params
        )
        rss_end = [process.memory_info().rss for process in bots.values()]

    during = [e for e in probe.asked if began <= e.sent <= ended]
    answered = latencies(during)
    p99 = percentile(answered, 99) if len(answered) == len(during) else math.inf
    quiet_s = latencies(quiet)
    done = [p for p in people if p.stage == "done"]
    spans = [p.finished - p.started for p in done]
    all_done = all(p.stage == "done" and len(p.videos) == 1 for p in people)

    print(f"machine: {machine()}")
    print(
        f"{args.chats} chats at once: album of {PHOTOS} JPEGs, agent turn (heartbeat every "
        f"{HEARTBEAT_SECONDS:g} s for {HEARTBEATS - 1:g} s), esporta (render 1.5 s); probe "
        f"{PROBE_COMMAND} {args.probe_rate:g}/s over {PROBE_CHATS} chats; bot at its default "
        f"settings, {args.replicas} process(es) on {args.database}; Telegram fake + driver in "
        "this process, NemoVideo fake in a child\n"
    )
    rows = [
        (
            "chats done, no video lost or duplicated",
            f"{len(done)}/{len(people)}",
            f"all: {verdict(all_done)}",
        ),
        ("wall time, first album to last video", f"{ended - began:.1f} s", ""),
        (
            "per chat, album to video: median / p99 / max",
            f"{median(spans):.1f} / {percentile(spans, 99):.1f} / "
            f"{max(spans, default=math.nan):.1f} s",
            "",
        ),
        (
            f"{PROBE_COMMAND} latency, no load (reference): median / p99",
            f"{ms(median(quiet_s))} / {ms(percentile(quiet_s, 99))} ({len(quiet_s)} probes)",
            "",
        ),
        (
            f"{PROBE_COMMAND} latency during the load: median / p99",
            f"{ms(median(answered))} / {ms(p99)} ({len(answered)}/{len(during)} answered, "
            f"max {ms(max(answered, default=math.nan))})",
            f"< 250 ms: {verdict(p99 < P99_TARGET)}",
        ),
        *(
            (
                f"{name} peak RSS (VmHWM) during the load",
                f"{each.peak / MIB:.0f} MiB (from {each.baseline / MIB:.0f}, "
                f"{end / MIB:.0f} at the end)",
                f"< 250 MB: {verdict(each.peak < RSS_TARGET)}",
            )
            for name, each, end in zip(bots, rss.each, rss_end, strict=True)
        ),
        (
            f"CPU, share of one core: {' / '.join(bots)} / Telegram fake + driver / NemoVideo",
            " / ".join(f"{cpu.share(name):.0%}" for name in processes),
            "",
        ),
        (
            "Bot API requests naming a chat: total, mean/s, peak in 1 s",
            f"{rates[0]}, {rates[1]:.1f}/s, {rates[2]}",
            "AIORateLimiter: 30/s",
        ),
    ]
    print(table(("measure", "result", "target"), rows))
    print("\nof which: " + ", ".join(f"{m} {n}" for m, n in methods.most_common()))
    print()
    print(table(("check", "result", "detail"), ((w, verdict(ok), d) for w, ok, d in results)))
    if not all(ok for _, ok, _ in results):
        sys.exit(1)
    if args.require_targets and not (all_done and p99 < P99_TARGET and rss.peak < RSS_TARGET):
        sys.exit(2)


if __name__ == "__main__":
    main()
