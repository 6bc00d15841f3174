"""``python -m bot.core.routing.train [FOLDER]``: train the router, cache it, write it out.

It is cached in FOLDER (by default the user's cache, ``bot.core.routing.cache``) and
written pickled to stdout.

The bot trains in a process of its own (``bot.core.routing.supply``) because training is
seconds of pure-Python CPU that would hold the bot's interpreter, and with it the event
loop. Run by hand (or in an image's build), it fills the cache the next start loads.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from bot.core.router import trained
from bot.core.routing import cache


def main() -> None:
    """Train, keep the result in the cache, then hand it over on stdout."""
    router = trained()
    cache.store(router, Path(sys.argv[1]) if len(sys.argv) > 1 else cache.CACHE_DIR)
    sys.stdout.buffer.write(pickle.dumps(router, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
