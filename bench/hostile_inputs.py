"""Hostile inputs: what files built to exhaust memory cost the bot, as its peak RSS growth.

Four cases, each against ``python -m bot`` (a subprocess) on the fakes, its peak RSS the
kernel's (VmHWM, reset before each case), after a warm-up of the same kind (a small
HEIC, a short voice note, a small export) so one-time imports are not counted:

1. the HEIC bomb: three 20 KB HEIC documents of 9000x9900 pixels sent at once;
2. a 10 MB silent Opus voice note (about 12 hours: silence takes almost no bytes);
3. a 2,000 MB render delivered through a local Bot API server (``TELEGRAM_LOCAL_MODE=1``);
4. a 1,000 MB render served with no size announced (no Content-Length), to a bot on the
   cloud Bot API, whose upload limit is 50 MB.

Target for each: growth < 150 MB. Inputs are made on the fly, in a temporary folder: the
bomb is encoded once by pillow-heif (about 45 s and 2 GB in a child process) and kept in
the system's temp folder between runs; the voice note repeats the Ogg pages of a
10-minute silence. ``--checkout`` runs the bot of another checkout (``git worktree add``
of an older commit) for a before/after comparison; a case that has not finished after
``--timeout`` seconds is reported with the peak it had reached.

    uv run python bench/hostile_inputs.py [--checkout PATH] [--timeout 180]
"""

import argparse
import io
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pillow_heif
import soundfile as sf
from PIL import Image

from bench.support import CREDITS, MIB, PeakRss, Subject, machine, verdict
from tests.e2e.harness import deployment_env
from tests.fakes.nemo import NemoFake, steps
from tests.fakes.telegram import TelegramFake
from tests.fakes.telegram.files import voice_bytes

RSS_TARGET = 150 * 1000 * 1000
BOMB = Path(tempfile.gettempdir()) / "hostile-heic-9000x9900.heic"
BOMB_SCRIPT = """
import sys, pillow_heif
from PIL import Image
image = Image.new("RGB", (9000, 9900), (120, 130, 140))
pillow_heif.from_pillow(image).save(sys.argv[1], quality=10)
"""
VOICE_BYTES = 10 * 1000 * 1000
LOCAL_VIDEO = 2000 * 1000 * 1000 - 1
UNANNOUNCED_VIDEO = 1000 * 1000 * 1000


def heic_bomb() -> bytes:
    """9000x9900 pixels of one colour in about 20 KB, encoded once and kept."""
    if not BOMB.exists():
        partial = BOMB.with_suffix(".partial")
        subprocess.run([sys.executable, "-c", BOMB_SCRIPT, str(partial)], check=True)
        partial.rename(BOMB)
    return BOMB.read_bytes()


def silent_voice(size: int) -> bytes:
    """An Ogg Opus note of silence, ``size`` bytes or a little more, with honest granules.

    Encoding 12 hours takes minutes; ten minutes are encoded and their audio pages
    repeated, renumbered, with granule positions running on and fresh checksums.
    """
    buffer = io.BytesIO()
    with sf.SoundFile(buffer, "w", 48_000, 1, format="OGG", subtype="OPUS") as note:
        note.write(np.zeros(48_000 * 600, dtype="float32"))
    pages = _ogg_pages(buffer.getvalue())
    headers = [page for page in pages if _granule(page) == 0]
    # The last page is left out: its granule trims the stream's end, which would leave a
    # gap in the count where the next copy begins.
    audio = pages[len(headers) : -1]
    span = _granule(audio[-1])
    out, sequence, copy = bytearray(b"".join(headers)), len(headers), 0
    while len(out) < size:
        for page in audio:
            out += _ogg_page(page, _granule(page) + copy * span, sequence, last=False)
            sequence += 1
        copy += 1
    last = _ogg_pages(bytes(out))[-1]
    return bytes(out[: -len(last)]) + _ogg_page(last, _granule(last), sequence - 1, last=True)


def _ogg_pages(data: bytes) -> list[bytes]:
    pages, position = [], 0
    while position < len(data):
        segments = data[position + 26]
        table_end = position + 27 + segments
        end = table_end + sum(data[position + 27 : table_end])
        pages.append(data[position:end])
        position = end
    return pages


def _granule(page: bytes) -> int:
    return int.from_bytes(page[6:14], "little", signed=True)


def _ogg_page(page: bytes, granule: int, sequence: int, *, last: bool) -> bytes:
    flags = (page[5] & ~0x04) | (0x04 if last else 0)
    header = (
        page[:5]
        + bytes([flags])
        + granule.to_bytes(8, "little", signed=True)
        + page[14:18]
        + sequence.to_bytes(4, "little")
    )
    body = header + b"\x00\x00\x00\x00" + page[26:]
    return header + _ogg_crc(body).to_bytes(4, "little") + page[26:]


def _crc_table() -> list[int]:
    table_ = []
    for index in range(256):
        crc = index << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
        table_.append(crc & 0xFFFFFFFF)
    return table_


_CRC = _crc_table()


def _ogg_crc(data: bytes) -> int:
    """Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, no final xor (RFC 3533)."""
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _CRC[(crc >> 24) ^ byte]
    return crc


class Case:
    """One hostile input: the bot's peak RSS growth and how it answered."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.growth = 0
        self.baseline = 0
        self.seconds = 0.0
        self.outcome = ""

    def row(self) -> str:
        """The case as a row of BENCHMARKS.md's table."""
        cells = (
            self.name,
            f"{self.growth / MIB:.1f} MiB",
            verdict(self.growth < RSS_TARGET),
            f"{self.seconds:.1f} s",
            f"{self.baseline / MIB:.0f} MiB",
            self.outcome,
        )
        return "| " + " | ".join(cells) + " |"


def measure(
    case: Case, bot: Subject, act: Callable[[], None], done: Callable[[], str | None], limit: float
) -> Case:
    """Run ``act`` and wait for ``done`` to name the outcome, or for ``limit`` seconds."""
    with PeakRss(bot.pid) as rss:
        started = time.monotonic()
        act()
        outcome = None
        while outcome is None and time.monotonic() - started < limit:
            time.sleep(0.2)
            outcome = done()
        case.seconds = time.monotonic() - started
    case.growth, case.baseline = rss.growth, rss.baseline
    case.outcome = outcome or f"not finished after {limit:.0f} s"
    return case


def replies(telegram: TelegramFake, method: str = "sendMessage") -> list[str]:
    return [
        str(call.params.get("text") or call.params.get("caption") or "")
        for call in telegram.calls_to(method)
    ]


def answered(telegram: TelegramFake, before: int, count: int) -> Callable[[], str | None]:
    """The bot's new replies, once it has sent ``count`` that are not progress."""

    def check() -> str | None:
        new = [text for text in replies(telegram)[before:] if text and "⏳" not in text]
        return " / ".join(text[:70] for text in new) if len(new) >= count else None

    return check


def delivered(telegram: TelegramFake, videos: int, texts: int) -> Callable[[], str | None]:
    def check() -> str | None:
        sent = len(telegram.calls_to("sendVideo"))
        link = [text for text in replies(telegram)[texts:] if "Download it here" in text]
        if sent > videos:
            return "sent as a video"
        return "sent as its link" if link else None

    return check


def draft(chat, nemo: NemoFake, telegram: TelegramFake, limit: float) -> Callable[[], None]:
    """Have the agent make a draft; returns the act of asking for its export."""
    nemo.script_turn(steps.add_video_track("clip"), steps.text("Ready."))
    chat.send_text("make a video")
    telegram.wait_for_message_sync(chat, contains="Ready.", timeout=limit)
    return lambda: chat.send_text("export")


@contextmanager
def local_bot(folder: Path, checkout: Path | None, limit: float) -> Iterator[tuple]:
    """A fresh local-mode bot, warmed up with a small HEIC and a short voice note.

    Each case has its own, so one the bot is still chewing on cannot slow the next.
    """
    small = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (64, 64), "orange")).save(small)
    with (
        tempfile.TemporaryDirectory(dir=folder) as own,
        TelegramFake(local_mode=True) as telegram,
        NemoFake(initial_credits=CREDITS, max_upload_bytes=50 * MIB) as nemo,
    ):
        env = deployment_env(telegram, nemo, Path(own) / "bot.db", TELEGRAM_LOCAL_MODE="1")
        with _bot(env, telegram, checkout) as bot:
            chat = telegram.private_chat(language_code="en")
            chat.send_document(small.getvalue(), file_name="warm.heic", mime_type="image/heic")
            chat.send_voice(voice_bytes(seconds=1.0))
            telegram.wait_for_sync(answered(telegram, 0, 2), limit)
            time.sleep(3.5)  # the chat's pacing bucket drains
            yield telegram, nemo, bot, chat


def run_local(folder: Path, checkout: Path | None, limit: float) -> Iterator[Case]:
    """The HEIC bomb, the silent note and the 2,000 MB delivery, on local-mode bots."""
    bomb, voice = heic_bomb(), silent_voice(VOICE_BYTES)
    with local_bot(folder, checkout, limit) as (telegram, _, bot, chat):
        before = len(replies(telegram))

        def send_bombs() -> None:
            for index in range(3):
                chat.send_document(bomb, file_name=f"bomb{index}.heic", mime_type="image/heic")

        case = Case(f"HEIC bomb: 3 x {len(bomb) / 1000:.0f} KB, 9000x9900 px, at once")
        yield measure(case, bot, send_bombs, answered(telegram, before, 3), limit)

    with local_bot(folder, checkout, limit) as (telegram, _, bot, chat):
        before = len(replies(telegram))
        case = Case(f"silent Opus voice note, {len(voice) / 1e6:.1f} MB")
        act = lambda: chat.send_voice(voice, duration=43_200)  # noqa: E731
        yield measure(case, bot, act, answered(telegram, before, 1), limit)

    with local_bot(folder, checkout, limit) as (telegram, nemo, bot, chat):
        nemo.video_size_override = LOCAL_VIDEO
        ask = draft(chat, nemo, telegram, limit)
        case = Case(f"render of {LOCAL_VIDEO / 1e6:,.0f} MB, local mode")
        done = delivered(telegram, len(telegram.calls_to("sendVideo")), len(replies(telegram)))
        yield measure(case, bot, ask, done, limit)


def run_cloud(folder: Path, checkout: Path | None, limit: float) -> Case:
    """A render with no size announced, to a bot whose upload limit is 50 MB."""
    with (
        TelegramFake() as telegram,
        NemoFake(initial_credits=CREDITS) as nemo,
        _bot(deployment_env(telegram, nemo, folder / "cloud.db"), telegram, checkout) as bot,
    ):
        chat = telegram.private_chat(language_code="en")
        draft(chat, nemo, telegram, limit)()  # warm-up: a small video, delivered
        telegram.wait_for_sync(lambda: telegram.calls_to("sendVideo"), limit)
        time.sleep(3.5)
        nemo.video_size_override = UNANNOUNCED_VIDEO
        nemo.video_without_length = True
        sent_before = nemo.video_bytes_sent
        ask = draft(chat, nemo, telegram, limit)
        case = Case(f"render of {UNANNOUNCED_VIDEO / 1e6:,.0f} MB, no size announced, cloud")
        done = delivered(telegram, 1, len(replies(telegram)))
        measure(case, bot, ask, done, limit)
        fetched = (nemo.video_bytes_sent - sent_before) / 1e6
        case.outcome += f" ({fetched:,.0f} MB fetched)"
    return case


def _bot(env: dict[str, str], telegram: TelegramFake, checkout: Path | None) -> Subject:
    if checkout is None:
        return Subject.bot(env, telegram)
    return Subject([sys.executable, "-m", "bot"], env, telegram, cwd=checkout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, help="run the bot of this checkout instead")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per case")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"bot: {args.checkout or 'this checkout'}\n")
    print("| input | peak RSS growth | < 150 MB | time | bot RSS before | the bot's answer |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        # Each row as soon as it is measured: a case the bot never finishes still leaves
        # the ones before it.
        for case in run_local(Path(folder), args.checkout, args.timeout):
            print(case.row(), flush=True)
        print(run_cloud(Path(folder), args.checkout, args.timeout).row(), flush=True)


if __name__ == "__main__":
    main()
