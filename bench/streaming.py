"""Streaming: a 200 MiB video through the bot in local mode, its memory and its speed.

A person sends a 200 MiB video (an MP4 header, then random bytes) to a bot that talks to a
self-hosted Bot API server: ``TelegramFake(local_mode=True)``, ``TELEGRAM_LOCAL_MODE=1``.
getFile then hands out a path on the server's disk, which the bot reads and streams to the
NemoVideo fake. The bot runs as ``python -m bot`` (subprocess); its peak RSS is the
kernel's (VmHWM, reset before each video); its time runs from the update being queued to
the acknowledgement, and the fake checks every upload's size and SHA-256. A small video
goes first, so one-time imports and the chat's project are not counted.

The reference, in the same run: curl doing download-then-upload of the same file — ``curl
file://...`` (what "download" means against a local server: its disk) to a temp file, then
``curl -F files=@...`` to the same fake with the same headers. Targets: RSS growth < 64 MB,
throughput >= 60 % of curl's.

    uv run python bench/streaming.py [--mib 200] [--rounds 3]
"""

import argparse
import hashlib
import os
import subprocess
import tempfile
import time
from pathlib import Path

from bench.support import (
    CREDITS,
    MIB,
    PeakRss,
    Subject,
    curl_upload,
    machine,
    median,
    table,
    verdict,
    violations,
)
from tests.e2e.harness import deployment_env
from tests.fakes.nemo import SAMPLE_MP4, NemoFake
from tests.fakes.telegram import TelegramFake

RSS_TARGET = 64 * 1000 * 1000
THROUGHPUT_TARGET = 0.6
UPLOAD_PATH = "/api/upload-video/"
PACING_SECONDS = 3.5


def make_video(path: Path, size: int) -> str:
    """An MP4 header (the bot judges files by content) padded with random bytes; its SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        head = SAMPLE_MP4.read_bytes()
        handle.write(head)
        digest.update(head)
        left = size - len(head)
        while left > 0:
            block = os.urandom(min(MIB, left))
            handle.write(block)
            digest.update(block)
            left -= len(block)
        # On disk before anything is timed: otherwise the first fsync of the bot's database
        # makes ext4 write these 200 MiB out first, and the bot is charged for it.
        handle.flush()
        os.fsync(handle.fileno())
    return digest.hexdigest()


def curl_round(source: Path, scratch: Path, upload_url: str, token: str) -> tuple[float, float]:
    """Seconds for curl to fetch the file, then to upload it (returned separately)."""
    started = time.monotonic()
    subprocess.run(
        ["curl", "-sS", "-o", str(scratch), f"file://{source}"], check=True, capture_output=True
    )
    fetched = time.monotonic()
    curl_upload(upload_url, token, scratch, filename=source.name)
    uploaded = time.monotonic()
    scratch.unlink()
    return fetched - started, uploaded - fetched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=200, help="video size in MiB")
    parser.add_argument("--rounds", type=int, default=3, help="sends per method")
    args = parser.parse_args()
    size = args.mib * MIB

    bot_s, growth, baseline = [], [], []
    fetch_s, upload_s = [], []
    with tempfile.TemporaryDirectory() as folder:
        video = Path(folder) / "vacanze.mp4"
        digest = make_video(video, size)
        with (
            TelegramFake(local_mode=True) as telegram,
            NemoFake(initial_credits=CREDITS, max_upload_bytes=2 * size) as nemo,
        ):
            env = deployment_env(telegram, nemo, Path(folder) / "bot.db", TELEGRAM_LOCAL_MODE="1")
            with Subject.bot(env, telegram) as bot:
                chat = telegram.private_chat()

                def acknowledgements() -> list[float]:
                    return [
                        call.at
                        for call in telegram.calls_to("sendMessage")
                        if "aggiunt" in str(call.params.get("text"))
                    ]

                def wait_acknowledged(count: int) -> float:
                    # The fake's own wait wakes only when the fake changes: polling from here
                    # would take the GIL from the NemoVideo fake as it parses the upload.
                    return telegram.wait_for_sync(
                        lambda: len(acks := acknowledgements()) >= count and acks[-1], 120
                    )

                chat.send_video(SAMPLE_MP4.read_bytes(), file_name="prova.mp4")
                wait_acknowledged(1)
                for index in range(args.rounds):
                    # The bot paces each private chat (a burst of 3 messages, then 1 a second):
                    # one person does not send 200 MiB every second, so let the bucket drain.
                    time.sleep(PACING_SECONDS)
                    with PeakRss(bot.pid) as rss:
                        started = time.monotonic()
                        chat.send_video(video, file_name=video.name, file_size=size)
                        acked = wait_acknowledged(index + 2)
                    bot_s.append(acked - started)
                    growth.append(rss.growth)
                    baseline.append(rss.baseline)
                problems = violations(telegram, nemo) + bot.errors()
            [session_id] = nemo.sessions
            upload_url = f"{nemo.url}/api/upload-video/nemo_agent/me/{session_id}"
            token = nemo.add_token()
            for _ in range(args.rounds):
                fetched, uploaded = curl_round(video, Path(folder) / "curl.mp4", upload_url, token)
                fetch_s.append(fetched)
                upload_s.append(uploaded)
            received = [
                (part.size, part.sha256)
                for request in nemo.requests_to("POST", UPLOAD_PATH)
                for part in request.files
                if part.size == size
            ]
    if received != [(size, digest)] * (2 * args.rounds):
        problems.append(f"the fake did not receive every upload intact: {len(received)} seen")

    curl_s = [f + u for f, u in zip(fetch_s, upload_s, strict=True)]
    share = median(curl_s) / median(bot_s)
    peak = max(growth)
    mib_per_s = args.mib / median(bot_s)
    print(f"machine: {machine()}")
    print(f"video: {args.mib} MiB, {args.rounds} rounds per method, medians; local mode\n")
    rows = [
        (
            "bot (update to acknowledgement)",
            f"{median(bot_s):.2f} s",
            f"{mib_per_s:.0f} MiB/s",
            f"{share:.0%} {verdict(share >= THROUGHPUT_TARGET)}",
        ),
        (
            "curl file:// then curl -F (reference)",
            f"{median(curl_s):.2f} s",
            f"{args.mib / median(curl_s):.0f} MiB/s",
            "100%",
        ),
        ("  of which curl file:// (copy)", f"{median(fetch_s):.2f} s", "", ""),
        ("  of which curl -F (upload)", f"{median(upload_s):.2f} s", "", ""),
    ]
    print(table(("method", "time", "throughput", "vs curl (>= 60 %)"), rows))
    rounds = ", ".join(f"{g / MIB:.1f}" for g in growth)
    print(
        f"\nbot RSS before the video: {median(baseline) / MIB:.1f} MiB; peak growth during it: "
        f"{peak / MIB:.1f} MiB (rounds: {rounds}); target < 64 MB: {verdict(peak < RSS_TARGET)}"
    )
    for problem in problems:
        print(f"problem: {problem}")


if __name__ == "__main__":
    main()
