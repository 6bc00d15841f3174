"""The answer of ``GET /healthz``: is each thing the bot needs working right now.

- ``database``: it answers a ``SELECT 1``.
- ``telegram``: polling, getUpdates answered within the last minute (a long poll
  answers every few seconds when all is well), or standing by while another replica
  polls (bot.telegram.leadership); webhook, Telegram answers
  getWebhookInfo, still points at our URL, and has reported no failed delivery since
  the last update we received.
- ``nemovideo``: it answers a credit-balance read, which spends no credits.

A load balancer or a scraper may ask every second: the result is kept a few seconds,
so they cost one round of checks. The answer holds booleans, ages and the class name
of an error — never a URL, a token or an error's text, any of which may carry a secret.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Bot

from bot import metrics
from bot.nemo import NemoClient
from storage import Database

CACHE_SECONDS = 5.0
CHECK_TIMEOUT_SECONDS = 5.0
# Six missed long polls: slower than any healthy poll, quicker than a person gives up.
POLLING_STALE_SECONDS = 60.0


@dataclass(frozen=True)
class Report:
    """Every check's result; ``ok`` only when all of them are."""

    ok: bool
    checks: dict[str, dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        """The body of /healthz."""
        return {"ok": self.ok, "checks": self.checks}


class Health:
    """Runs the checks, at most once per ``CACHE_SECONDS`` however often it is asked."""

    def __init__(
        self,
        *,
        db: Database,
        nemo: NemoClient,
        bot: Bot,
        webhook_url: str | None,
        standing_by: Callable[[], bool] = lambda: False,
    ) -> None:
        self._db = db
        self._standing_by = standing_by
        self._nemo = nemo
        self._bot = bot
        self._webhook_url = webhook_url
        self._lock = asyncio.Lock()
        self._report: Report | None = None
        self._checked_at = 0.0

    async def report(self) -> Report:
        """The latest report, checked again when older than ``CACHE_SECONDS``."""
        async with self._lock:
            if self._report is None or time.monotonic() - self._checked_at > CACHE_SECONDS:
                self._report = await self._check()
                self._checked_at = time.monotonic()
            return self._report

    async def _check(self) -> Report:
        database, telegram, nemovideo = await asyncio.gather(
            _probe(self._database),
            _probe(self._telegram if self._webhook_url else self._polling),
            _probe(self._nemovideo),
        )
        checks = {"database": database, "telegram": telegram, "nemovideo": nemovideo}
        return Report(ok=all(check["ok"] for check in checks.values()), checks=checks)

    async def _database(self) -> dict[str, Any]:
        await self._db.ping()
        return {"ok": True}

    async def _nemovideo(self) -> dict[str, Any]:
        await self._nemo.credits()
        return {"ok": True}

    async def _telegram(self) -> dict[str, Any]:
        info = await self._bot.get_webhook_info()
        last = metrics.last_updates_received()
        failed_since = info.last_error_date is not None and (
            last is None or info.last_error_date.timestamp() > last
        )
        return {
            "ok": info.url == self._webhook_url and not failed_since,
            "webhook_set": info.url == self._webhook_url,
            "delivery_failed_since_last_update": failed_since,
            "pending_updates": info.pending_update_count,
            **_age(last),
        }

    async def _polling(self) -> dict[str, Any]:
        if self._standing_by():
            return {"ok": True, "standing_by": True}
        last = metrics.last_updates_received()
        fresh = last is not None and time.time() - last <= POLLING_STALE_SECONDS
        return {"ok": fresh, **_age(last)}


def _age(last: float | None) -> dict[str, Any]:
    if last is None:
        return {"last_updates_age_seconds": None}
    return {"last_updates_age_seconds": round(time.time() - last, 1)}


async def _probe(check: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """Run one check; its failure becomes ``ok: false`` with the error's class name only."""
    try:
        return await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        return {"ok": False, "error": "timeout"}
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}
