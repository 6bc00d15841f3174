"""Upload memory benchmark: does NemoClient.upload_files stream, and how fast?

Streams a 200 MiB file (made in a temp dir) through `NemoClient.upload_files` to
the NemoVideo fake, sampling this process's RSS, then sends the same file with
`curl -F files=@file` to the same fake. The fake runs in a child process so that
neither its memory nor its CPU time is counted against the client. Targets: RSS
growth < 64 MB, client throughput >= 50 % of curl's.

    uv run python bench/upload_memory.py [--mib 200] [--rounds 3]
"""

import argparse
import asyncio
import hashlib
import multiprocessing
import os
import statistics
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import psutil

from bench.support import curl_upload, machine
from bot import __version__
from bot.nemo import NemoClient, UploadSource
from tests.fakes.nemo import NemoFake
from tests.nemo.support import MemoryStore

MIB = 1024 * 1024
READ_CHUNK = 256 * 1024
RSS_TARGET = 64 * MIB
THROUGHPUT_TARGET = 0.5


def serve(urls: "multiprocessing.Queue[object]", stop: object, max_upload_bytes: int) -> None:
    """Run the fake in this (child) process; report what it received when told to stop."""
    with NemoFake(max_upload_bytes=max_upload_bytes) as nemo:
        urls.put(nemo.url)
        stop.wait()  # type: ignore[attr-defined]
        received = [(p.size, p.sha256) for r in nemo.requests for p in r.files]
        urls.put((received, list(nemo.violations)))


class PeakRss:
    """Samples this process's RSS every millisecond in a thread; keeps the peak."""

    def __init__(self) -> None:
        self._process = psutil.Process()
        self.baseline = self.peak = self._process.memory_info().rss
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._done.wait(0.001):
            self.peak = max(self.peak, self._process.memory_info().rss)

    @property
    def growth(self) -> int:
        return self.peak - self.baseline


def make_file(directory: Path, size: int) -> tuple[Path, str]:
    path = directory / "upload.mp4"
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        for _ in range(size // MIB):
            block = os.urandom(MIB)
            digest.update(block)
            handle.write(block)
    return path, digest.hexdigest()


def file_source(path: Path) -> UploadSource:
    async def chunks() -> AsyncIterator[bytes]:
        with path.open("rb") as handle:
            while chunk := await asyncio.to_thread(handle.read, READ_CHUNK):
                yield chunk

    return UploadSource(path.name, "video/mp4", chunks, path.stat().st_size)


async def client_round(client: NemoClient, session_id: str, path: Path) -> tuple[float, int]:
    """Seconds and RSS growth (bytes) of one upload through the client."""
    with PeakRss() as rss:
        started = time.perf_counter()
        await client.upload_files(session_id, [file_source(path)])
        elapsed = time.perf_counter() - started
    return elapsed, rss.growth


def curl_round(url: str, token: str, session_id: str, path: Path) -> float:
    """Seconds of one upload of the same file by curl, with the headers the service wants."""
    started = time.perf_counter()
    curl_upload(f"{url}/api/upload-video/nemo_agent/me/{session_id}", token, path)
    elapsed = time.perf_counter() - started
    return elapsed


async def measure(url: str, path: Path, rounds: int) -> dict[str, list[float]]:
    store = MemoryStore()
    async with NemoClient(base_url=url, skill_version=__version__, credentials=store) as client:
        session = await client.create_session("it")
        token = store.saved.token if store.saved else None
        if token is None:
            raise SystemExit("no token was issued")
        results: dict[str, list[float]] = {"client_s": [], "rss": [], "curl_s": []}
        for _ in range(rounds):
            seconds, growth = await client_round(client, session.session_id, path)
            results["client_s"].append(seconds)
            results["rss"].append(growth)
            results["curl_s"].append(curl_round(url, token, session.session_id, path))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=200, help="file size in MiB")
    parser.add_argument("--rounds", type=int, default=3, help="uploads per method")
    args = parser.parse_args()
    size = args.mib * MIB

    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[object] = context.Queue()
    stop = context.Event()
    fake = context.Process(target=serve, args=(queue, stop, 2 * size), daemon=True)
    fake.start()
    url = str(queue.get(timeout=30))
    try:
        with tempfile.TemporaryDirectory() as directory:
            path, digest = make_file(Path(directory), size)
            results = asyncio.run(measure(url, path, args.rounds))
    finally:
        stop.set()
    received, violations = queue.get(timeout=60)  # type: ignore[misc]
    fake.join(timeout=30)

    if violations or received != [(size, digest)] * (2 * args.rounds):
        raise SystemExit(f"the fake did not receive the file intact: {violations}")
    report(args.mib, size, results)


def report(mib: int, size: int, results: dict[str, list[float]]) -> None:
    client_s = statistics.median(results["client_s"])
    curl_s = statistics.median(results["curl_s"])
    peak = max(results["rss"])
    ratio = curl_s / client_s
    rss_ok = "PASS" if peak < RSS_TARGET else "FAIL"
    speed_ok = "PASS" if ratio >= THROUGHPUT_TARGET else "FAIL"
    rounds = len(results["client_s"])
    print(f"machine: {machine()}")
    print(f"file: {mib} MiB, {rounds} rounds per method, medians; fake in a child process")
    print(f"NemoClient.upload_files: {size / MIB / client_s:7.1f} MiB/s ({client_s:.2f} s)")
    print(f"curl -F files=@file:     {size / MIB / curl_s:7.1f} MiB/s ({curl_s:.2f} s)")
    print(f"client / curl throughput: {ratio:.0%} (target >= 50 %): {speed_ok}")
    growth = ", ".join(f"{g / MIB:.1f}" for g in results["rss"])
    print(f"peak RSS growth during the upload: {peak / MIB:.1f} MiB (rounds: {growth})")
    print(f"RSS target < 64 MiB: {rss_ok}")


if __name__ == "__main__":
    main()
