"""``python -m bot.core.routing.train``: train the shipped router, write it pickled to stdout.

The bot trains in a process of its own (bot/startup.py) because training is seconds of
pure-Python CPU that would hold the bot's interpreter, and with it the event loop.
"""

from __future__ import annotations

import pickle
import sys

from bot.core.router import trained


def main() -> None:
    """Train, then hand the router over on stdout."""
    sys.stdout.buffer.write(pickle.dumps(trained(), protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
