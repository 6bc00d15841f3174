"""The trained router kept on disk, so that a machine trains each version of it once.

Training takes seconds of CPU (many more on a loaded machine), loading the pickle a
fraction of one. A file is named by a digest of everything the trained router depends
on (the examples table, the routing code, the Python version), so any change to them
trains anew instead of loading a stale model. The folder is the user's cache (in the
Docker image the bot user's home is the data volume); where it cannot be written, the
bot trains at each start, as without a cache.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

from bot.core import actions, router
from bot.core.router import Router

log = logging.getLogger(__name__)

CACHE_DIR = Path.home() / ".cache" / "photo-video-bot"
_ROUTING = Path(__file__).parent
# Other versions' files unused for this long are removed when a new one is stored.
_STALE_SECONDS = 7 * 24 * 3600


@functools.cache
def _digest() -> str:
    """A digest of what a trained router depends on; computed once per process."""
    sources = [
        *sorted(_ROUTING.glob("*.py")),
        _ROUTING / "examples.tsv",
        Path(router.__file__),
        Path(actions.__file__),
    ]
    digest = hashlib.sha256(sys.version.encode())
    digest.update(str(pickle.HIGHEST_PROTOCOL).encode())
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:24]


def path(directory: Path = CACHE_DIR) -> Path:
    """Where the router of this very table and code is kept."""
    return directory / f"router-{_digest()}.pickle"


def load(directory: Path = CACHE_DIR) -> Router | None:
    """The cached router of this table and code, or None when there is none (or a bad one)."""
    kept = path(directory)
    try:
        data = kept.read_bytes()
    except OSError:
        return None
    try:
        # Written by this user's own bot (store), in this user's own folder.
        loaded = pickle.loads(data)
    except Exception as error:  # a truncated or foreign file: train anew
        log.warning("ignoring the cached router: %s", error)
        return None
    if not isinstance(loaded, Router):
        return None
    with contextlib.suppress(OSError):  # in use: not stale (_remove_stale)
        os.utime(kept)
    return loaded


def store(trained: Router, directory: Path = CACHE_DIR) -> None:
    """Keep ``trained`` for the next start; a folder that cannot be written is only logged.

    Written to a temporary file renamed into place, so a process loading it at the same
    time never reads half of it, and two processes storing it at once both succeed.
    """
    target = path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile(
            dir=directory, delete=False, prefix="router-", suffix=".tmp"
        ) as file:
            pickle.dump(trained, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(file.name, target)
    except OSError as error:
        log.info("the trained router is not cached (%s): it trains again at each start", error)
        return
    _remove_stale(directory, keep=target)


def _remove_stale(directory: Path, *, keep: Path) -> None:
    cutoff = time.time() - _STALE_SECONDS
    for old in directory.glob("router-*"):
        with contextlib.suppress(OSError):
            if old != keep and old.stat().st_mtime < cutoff:
                old.unlink()
