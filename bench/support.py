"""What the benchmarks share: the bot as a subprocess, RSS sampling, timing and reporting.

The bot under test always runs as its own process (``python -m bot``, or the bare echo bot
that serves as the floor), pointed at loopback fakes that live in the benchmark process, so
its RSS is its own and the benchmark's bookkeeping never takes its GIL. Every timestamp
compared comes from ``time.monotonic()`` in the benchmark process: the fakes stamp requests
with it on arrival (``Call.at`` once the body is read, ``RecordedRequest.time``,
``mark_completed_at``). The fakes share this process's GIL with whatever the benchmark
does meanwhile, so waits poll gently (or use the fake's own wait during bulk transfers).
"""

import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import psutil

from bot import __version__
from tests.e2e.harness import deployment_env
from tests.fakes.nemo import NemoFake
from tests.fakes.telegram import TelegramFake
from tests.fakes.telegram.state import Call
from tests.waiting import until_sync

REPO = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024
ECHO_BOT = REPO / "bench" / "echo_bot.py"
# Compiled bytecode for the processes under test, kept outside the project and its .venv.
# A deployment runs with bytecode compiled once (or baked into its image); this sandbox sets
# PYTHONDONTWRITEBYTECODE=1, and uv compiles only site-packages at install, so the project's
# own modules would be compiled at every start (bench/startup.py measures that path).
PYCACHE = Path(tempfile.gettempdir()) / "italiano-bench-pycache"


# --- the machine and the numbers -------------------------------------------------------------


def machine() -> str:
    """nproc, CPU model, RAM, Python and kernel, for the report."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    ram = psutil.virtual_memory().total / 1024**3
    return (
        f"{os.cpu_count()} CPUs (nproc), {model}, {ram:.1f} GiB RAM, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolated linearly between the closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.1f} ms"


def ratio(value: float, reference: float) -> float:
    return value / reference if reference else math.nan


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table, so the printout can go into BENCHMARKS.md as it is."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# --- the processes under test ----------------------------------------------------------------


CREDITS = 1e9  # every fake account can pay for every turn a benchmark runs


def bytecode(folder: Path, *, write: bool = True) -> dict[str, str]:
    """Python settings that keep compiled bytecode in ``folder`` (``write=False``: never)."""
    settings = {"PYTHONPYCACHEPREFIX": str(folder)}
    if not write:
        settings["PYTHONDONTWRITEBYTECODE"] = "1"
    return settings


class Subject:
    """A bot process (``python -m bot``, or the echo bot) polling the fake Bot API.

    Its output goes to a log file, shown when it fails to start. ``started`` is the
    monotonic time of the spawn, ``first_poll`` that of its first getUpdates at the fake.
    ``python`` sets how it treats bytecode: compiled once into PYCACHE by default. It runs
    in ``cwd``, this checkout unless told otherwise (bench/startup.py: a fresh clone).
    """

    def __init__(
        self,
        command: Sequence[str],
        env: Mapping[str, str],
        telegram: TelegramFake,
        *,
        python: Mapping[str, str] | None = None,
        cwd: Path = REPO,
    ) -> None:
        self._command = list(command)
        self._cwd = cwd
        self._env = {**_inherited_env(), **(python or bytecode(PYCACHE)), **env}
        self._telegram = telegram
        # Anonymous, and read after the process ends: it lives as long as this object.
        self._log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self._process: subprocess.Popen[bytes] | None = None
        self.started = math.nan
        self.first_poll = math.nan

    @classmethod
    def bot(
        cls,
        env: Mapping[str, str],
        telegram: TelegramFake,
        *,
        python: Mapping[str, str] | None = None,
    ) -> "Subject":
        return cls([sys.executable, "-m", "bot"], env, telegram, python=python)

    @classmethod
    def echo(
        cls,
        telegram: TelegramFake,
        nemo: NemoFake | None = None,
        *,
        python: Mapping[str, str] | None = None,
    ) -> "Subject":
        """The floor: a bare PTB echo bot with the bot's PTB configuration."""
        env = {"TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_URL": telegram.api_url}
        if nemo is not None:
            env |= {"NEMO_API_URL": nemo.url, "NEMO_TOKEN": nemo.add_token()}
        return cls([sys.executable, str(ECHO_BOT)], env, telegram, python=python)

    def __enter__(self) -> Self:
        polls = len(self._telegram.calls_to("getUpdates"))
        # The fake records a call when it answers, and an idle first long poll would only
        # answer after its 10 s timeout. An update no handler answers (a member joining a
        # group) makes it answer at once; its arrival time is what is measured.
        group = self._telegram.group("wake-up")
        group.set_member_status("member", self._telegram.user("Wake"))
        self.started = time.monotonic()
        self._process = self._spawn()

        def polling() -> Call | None:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"{self._command} exited at start-up:\n{self.log()}")
            calls = self._telegram.calls_to("getUpdates")
            return calls[polls] if len(calls) > polls else None

        try:
            self.first_poll = until_sync(polling, 60, interval=0.005, what="first getUpdates").at
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            self._command, env=self._env, cwd=self._cwd, stdout=self._log, stderr=subprocess.STDOUT
        )

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-4000:]

    def errors(self) -> list[str]:
        """Log lines at ERROR or worse: a benchmark whose bot failed must not pass silently."""
        return [line for line in self.log().splitlines() if " ERROR " in line]

    def stop(self, grace: float = 15.0) -> bool:
        """SIGTERM, as a deployment stops it; SIGKILL if it has not exited after ``grace``.

        Returns whether it exited by itself (True too if it was not running).
        """
        process = self._process
        if process is None or process.poll() is not None:
            return True
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return False
        return True


@contextmanager
def bot_on_fakes() -> Iterator[tuple[TelegramFake, NemoFake, Subject]]:
    """``python -m bot`` at its deployment settings on fresh fakes and a fresh database."""
    with (
        tempfile.TemporaryDirectory() as folder,
        TelegramFake() as telegram,
        NemoFake(initial_credits=CREDITS) as nemo,
        Subject.bot(deployment_env(telegram, nemo, Path(folder) / "bot.db"), telegram) as bot,
    ):
        yield telegram, nemo, bot


def curl_upload(upload_url: str, token: str, path: Path, *, filename: str | None = None) -> None:
    """Upload ``path`` with curl, as the service wants it: its headers, one ``files`` part.

    The reference for the bot's own uploads. Raises SystemExit unless the answer is 200.
    """
    headers = {
        "Authorization": f"Bearer {token}",
        "X-Skill-Source": "italiano-photo-video-maker",
        "X-Skill-Version": __version__,
        "X-Skill-Platform": "telegram",
        "Expect": "",  # no 100-continue round trip: the bot does not make one either
    }
    command = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}" if value else f"{name}:"]
    part = f"files=@{path};type=video/mp4" + (f";filename={filename}" if filename else "")
    command += ["-F", part, upload_url]
    status = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    if status != "200":
        raise SystemExit(f"curl upload answered HTTP {status}")


def _inherited_env() -> dict[str, str]:
    """PATH and the like, without any bot or bytecode setting of the benchmark's own shell.

    VIRTUAL_ENV goes too: it names this checkout's .venv, which ``uv run`` in another
    checkout would warn about.
    """
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TELEGRAM_", "NEMO_", "DATABASE_", "WEBHOOK_", "RENDER_"))
        and name not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "VIRTUAL_ENV")
    }


class PeakRss:
    """The peak RSS of a process over a ``with`` block, and its RSS when the block began.

    The kernel keeps the peak itself (VmHWM in /proc/<pid>/status) and resets it on request
    (``5`` into /proc/<pid>/clear_refs), so nothing samples while the bot works: a sampling
    thread here would contend for the GIL with the fakes serving the bot. Where the reset is
    not allowed, a thread samples every ``interval`` seconds instead.
    """

    def __init__(self, pid: int, interval: float = 0.005) -> None:
        self._pid = pid
        self._process = psutil.Process(pid)
        self._interval = interval
        self.baseline = self.peak = 0
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        try:
            Path(f"/proc/{self._pid}/clear_refs").write_text("5")
        except OSError:
            self._thread = threading.Thread(target=self._sample, name="rss", daemon=True)
        self.baseline = self.peak = self._process.memory_info().rss
        if self._thread is not None:
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        if self._thread is not None:
            self._done.set()
            self._thread.join()
        else:
            self.peak = max(self.peak, self._high_water_mark())

    def _high_water_mark(self) -> int:
        for line in Path(f"/proc/{self._pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise LookupError(f"no VmHWM for process {self._pid}")

    def _sample(self) -> None:
        while not self._done.wait(self._interval):
            try:
                self.peak = max(self.peak, self._process.memory_info().rss)
            except psutil.NoSuchProcess:
                return

    @property
    def growth(self) -> int:
        return self.peak - self.baseline


# --- requests and replies --------------------------------------------------------------------


class CallWatcher:
    """Reads the fake Bot API's calls incrementally, so waiting stays cheap with thousands."""

    def __init__(self, telegram: TelegramFake) -> None:
        self._telegram = telegram
        self._seen = 0
        self.by_method: defaultdict[str, list[Call]] = defaultdict(list)

    def refresh(self) -> None:
        calls = self._telegram.calls
        for call in calls[self._seen :]:
            self.by_method[call.method].append(call)
        self._seen = len(calls)

    def calls(self, method: str) -> list[Call]:
        self.refresh()
        return self.by_method[method]


@dataclass
class Exchange:
    """One message a person sent and the bot's answer to it (``replied`` NaN if none came)."""

    chat_id: int
    sent: float
    replied: float = math.nan

    @property
    def latency(self) -> float:
        return self.replied - self.sent


class ReplyLog:
    """Pairs what people sent with the bot's replies.

    The k-th message a chat sent is answered by the k-th ``sendMessage`` to that chat: every
    request a benchmark times gets exactly one message back, and a chat's requests are spaced
    so that they do not overtake each other.
    """

    def __init__(self, watcher: CallWatcher) -> None:
        self._watcher = watcher
        self.exchanges: list[Exchange] = []
        self._per_chat: defaultdict[int, list[Exchange]] = defaultdict(list)
        self._matched: defaultdict[int, int] = defaultdict(int)
        self._replies_seen = 0

    def sent(self, chat_id: int, at: float) -> Exchange:
        exchange = Exchange(chat_id, at)
        self.exchanges.append(exchange)
        self._per_chat[chat_id].append(exchange)
        return exchange

    def match(self) -> int:
        """Pair the replies that arrived since last time; returns how many are unanswered."""
        replies = self._watcher.calls("sendMessage")
        for call in replies[self._replies_seen :]:
            chat_id = int(call.params["chat_id"])
            index = self._matched[chat_id]
            pending = self._per_chat.get(chat_id, [])
            if index < len(pending):
                pending[index].replied = call.at
                self._matched[chat_id] = index + 1
        self._replies_seen = len(replies)
        return sum(math.isnan(e.replied) for e in self.exchanges)

    def wait_answered(self, timeout: float) -> int:
        """Wait until every exchange has its reply; returns how many are still unanswered."""
        deadline = time.monotonic() + timeout
        while (left := self.match()) and time.monotonic() < deadline:
            time.sleep(0.05)
        return left


def latencies(exchanges: Iterable[Exchange]) -> list[float]:
    return [e.latency for e in exchanges if not math.isnan(e.replied)]


def pace(count: int, rate: float, act: Callable[[int], None]) -> None:
    """Call ``act(i)`` for i in range(count), at ``rate`` per second on a fixed schedule."""
    start = time.monotonic()
    for index in range(count):
        delay = start + index / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        act(index)


def violations(telegram: TelegramFake, nemo: NemoFake) -> list[str]:
    """Contract breaches both fakes saw: a benchmark of a misbehaving bot measures nothing."""
    return [*telegram.violations, *nemo.violations]
