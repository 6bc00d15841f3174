"""Album upload: ten ~3 MB photos from the first update to the bot's one acknowledgement.

A person sends an album of ten JPEG photos of about 3 MB each "as files" (documents, the
way a phone sends originals; as compressed photos the fake would re-encode each one while
the album is being sent, which Telegram does before the bot ever sees it). The bot
(``python -m bot``, subprocess) streams each file from the fake Bot API to the NemoVideo
fake as it arrives, four at a time, and acknowledges once the album is complete. The chat
already has its project (a first photo is uploaded before the rounds), as in a chat that
is being used.

The reference, measured in the same run: the same ten files through the same clients the
bot uses (PTB's getFile, an httpx download stream, ``NemoClient.upload_files``) one after
another, in a subprocess of its own; and the same with four at a time, the bot's
parallelism, to show what is left to the bot. Target: album <= half the sequential time.

The breakdown shows when the first upload starts (each item's upload starts on arrival)
and how long after it the acknowledgement comes. The fake hands the bot the whole album at
once, so the acknowledgement can come no sooner than the album's quiet period
(``QUIET_SECONDS`` in bot/telegram/albums.py) after the first update: the floor of the
measurement whenever the uploads take less.

    uv run python bench/album_upload.py [--rounds 3] [--photos 10] [--mb 3]
"""

import argparse
import asyncio
import io
import multiprocessing
import os
import time
from collections.abc import AsyncIterator, Callable

import httpx
from PIL import Image
from telegram import Bot

from bench.support import (
    CallWatcher,
    bot_on_fakes,
    machine,
    median,
    table,
    verdict,
    violations,
)
from bot import __version__
from bot.nemo import NemoClient, UploadSource
from tests.fakes.telegram.files import jpeg_bytes
from tests.nemo.support import MemoryStore
from tests.waiting import until_sync

CHUNK = 256 * 1024  # what bot/telegram/files.py streams with
UPLOAD_PATH = "/api/upload-video/"
TARGET_SHARE = 0.5
PACING_SECONDS = 3.0


def photo(megabytes: float) -> bytes:
    """A 4:3 JPEG of noise, which compresses about as badly as a detailed photo: ~megabytes."""
    side = int(800 * megabytes**0.5)  # noise at quality 95 takes about 1.2 bytes a pixel
    noise = Image.frombytes("RGB", (side * 4 // 3, side), os.urandom(side * side * 4))
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


# --- the reference: the same clients, without the bot ----------------------------------------


async def client_uploads(
    telegram_api: str, token: str, nemo_url: str, file_ids: list[str], parallel: int
) -> float:
    """Seconds to move the files from the Bot API to the cloud, ``parallel`` at a time."""
    store = MemoryStore()
    async with (
        Bot(
            token, base_url=f"{telegram_api}/bot", base_file_url=f"{telegram_api}/file/bot"
        ) as bot,
        NemoClient(base_url=nemo_url, skill_version=__version__, credentials=store) as nemo,
        httpx.AsyncClient(timeout=60) as http,
    ):
        session = await nemo.create_session("it")
        limit = asyncio.Semaphore(parallel)

        def opener(url: str) -> Callable[[], AsyncIterator[bytes]]:
            async def stream() -> AsyncIterator[bytes]:
                async with http.stream("GET", url) as response:
                    response.raise_for_status()
                    async for chunk in response.aiter_bytes(CHUNK):
                        yield chunk

            return stream

        async def one(index: int, file_id: str) -> None:
            async with limit:
                telegram_file = await bot.get_file(file_id)
                source = UploadSource(
                    f"photo_{index}.jpg",
                    "image/jpeg",
                    opener(str(telegram_file.file_path)),
                    telegram_file.file_size,
                )
                await nemo.upload_files(session.session_id, [source])

        started = time.monotonic()
        await asyncio.gather(*(one(i, file_id) for i, file_id in enumerate(file_ids)))
        return time.monotonic() - started


def client_worker(queue: "multiprocessing.Queue[float]", *args: object) -> None:
    queue.put(asyncio.run(client_uploads(*args)))  # type: ignore[arg-type]


def in_subprocess(*args: object) -> float:
    """Run client_uploads in a process of its own, as the bot runs in its own."""
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[float] = context.Queue()
    process = context.Process(target=client_worker, args=(queue, *args))
    process.start()
    seconds = queue.get(timeout=120)
    process.join(30)
    return seconds


# --- the bot ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="albums (and reference runs)")
    parser.add_argument("--photos", type=int, default=10, help="photos per album (2-10)")
    parser.add_argument("--mb", type=float, default=3, help="approximate size of each photo")
    parser.add_argument(
        "--service-seconds",
        default="0,0.5",
        help="time the cloud takes to answer each upload, one setting after another",
    )
    args = parser.parse_args()
    photos = [photo(args.mb) for _ in range(args.photos)]
    settings = [float(value) for value in args.service_seconds.split(",")]

    results: dict[float, dict[str, list[float]]] = {}
    with bot_on_fakes() as (telegram, nemo, bot):
        watcher = CallWatcher(telegram)
        chat = telegram.private_chat()

        def acknowledgements() -> list[float]:
            return [
                call.at
                for call in watcher.calls("sendMessage")
                if "aggiunt" in str(call.params.get("text", ""))
            ]

        def slow_uploads(seconds: float) -> None:
            if seconds:
                nemo.delay_next("POST", UPLOAD_PATH, seconds, times=len(photos))

        chat.send_photo(jpeg_bytes(320, 240))  # the chat's project now exists
        until_sync(acknowledgements, 30, interval=0.05, what="the first photo acknowledged")
        for service in settings:
            found = results[service] = {
                "album": [],
                "first upload": [],
                "then": [],
                "sequential": [],
                "parallel": [],
            }
            for _ in range(args.rounds):
                # The bot paces each private chat (3 messages at once, then 1 a second);
                # people do not send an album a second, so each starts with the budget full.
                time.sleep(PACING_SECONDS)
                acks = len(acknowledgements())
                uploads = nemo.count("POST", UPLOAD_PATH)
                slow_uploads(service)
                started = time.monotonic()
                sent = chat.send_album(photos, kind="document")
                acked = until_sync(
                    lambda n=acks: acknowledgements()[n:],
                    60,
                    interval=0.05,
                    what="the album acknowledged",
                )[0]
                first_upload = nemo.requests_to("POST", UPLOAD_PATH)[uploads].time
                found["album"].append(acked - started)
                found["first upload"].append(first_upload - started)
                found["then"].append(acked - first_upload)
                file_ids = [message["document"]["file_id"] for message in sent]
                common = (telegram.api_url, telegram.token, nemo.url, file_ids)
                slow_uploads(service)
                found["sequential"].append(in_subprocess(*common, 1))
                slow_uploads(service)
                found["parallel"].append(in_subprocess(*common, 4))
        problems = violations(telegram, nemo) + bot.errors()

    sizes = sum(len(p) for p in photos)
    print(f"machine: {machine()}")
    print(
        f"{args.photos} photos, {sizes / 1e6:.1f} MB in all ({min(map(len, photos)) / 1e6:.2f}-"
        f"{max(map(len, photos)) / 1e6:.2f} MB each); {args.rounds} rounds; medians; "
        "fakes in the benchmark process\n"
    )
    for service, found in results.items():
        report(service, found)
    for problem in problems:
        print(f"problem: {problem}")


def report(service: float, found: dict[str, list[float]]) -> None:
    sequential = median(found["sequential"])
    share = median(found["album"]) / sequential

    def cell(values: list[float]) -> str:
        return f"{median(values):.3f} s ({', '.join(f'{v:.2f}' for v in values)})"

    rows = [
        ("bot: first update to acknowledgement", cell(found["album"]), f"{share:.0%}"),
        ("  first update to first upload", cell(found["first upload"]), ""),
        ("  first upload to acknowledgement", cell(found["then"]), ""),
        ("same clients, one after another (reference)", cell(found["sequential"]), "100%"),
        (
            "same clients, 4 at a time",
            cell(found["parallel"]),
            f"{median(found['parallel']) / sequential:.0%}",
        ),
    ]
    where = "loopback" if not service else f"cloud answering each upload {service:g} s late"
    print(table((f"album, {where}", "seconds", "vs sequential"), rows))
    print(f"\nalbum <= half the sequential time: {verdict(share <= TARGET_SHARE)}\n")


if __name__ == "__main__":
    main()
