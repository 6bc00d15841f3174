"""A loopback Telegram Bot API that checks what the real one checks (see ``server``).

The modules, one job each: `server` (TelegramFake: lifecycle, HTTP, the calls tests
make), `state` (the fake's world), `api` (the method table), `sending` (methods that put
something in a chat or read a file), `chats` (people and what they do), `files`,
`params` (decoding parameters), `markup` (formatting and lengths), `fixtures` (pytest).
"""

from tests.fakes.telegram.server import TelegramFake

__all__ = ["TelegramFake"]
