"""Leases: which replica of the bot does a piece of shared work, until when.

A lease is a row (name, holder, expires_at). Its holder renews it well before it
expires; a lease past its expiry may be taken by anyone, which is how the work of a
replica that died (SIGKILL, a lost machine) passes to the others within one lease
period. Rows rather than PostgreSQL advisory locks: the same SQL works on SQLite (several
processes on one file) and PostgreSQL, a lease survives a dropped connection that the
holder reopens, and who holds what can be read with one SELECT.

Expiry is compared against the caller's clock: replicas' clocks must agree to well
under a lease period (NTP gives milliseconds; a lease lasts seconds).
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from datetime import timedelta

from storage.connection import Connection
from storage.timestamps import to_text, utc_now


class Taken(enum.Enum):
    """How a lease came to its holder."""

    FREE = "free"  # nobody held it: whoever held it before let it go in order
    KEPT = "kept"  # the caller held it already; it was renewed
    EXPIRED = "expired"  # another holder's lease had run out: its work may be left over


class LeaseRepository:
    """Take, renew and give back named leases."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def take(self, name: str, holder: str, seconds: float) -> Taken | None:
        """Hold ``name`` for ``seconds`` from now; None when another holder's lease is live.

        Two statements, each atomic: the UPDATE takes an expired (or renews one's own)
        lease, the INSERT a lease nobody holds; of two replicas racing, one wins either.
        """
        now = utc_now()
        expires = to_text(now + timedelta(seconds=seconds))
        previous = await self._connection.fetch_one(
            "SELECT holder FROM leases WHERE name = ?", (name,)
        )
        if previous is not None:
            changed = await self._connection.execute(
                "UPDATE leases SET holder = ?, expires_at = ? "
                "WHERE name = ? AND (holder = ? OR expires_at <= ?)",
                (holder, expires, name, holder, to_text(now)),
            )
            if not changed:
                return None
            return Taken.KEPT if previous["holder"] == holder else Taken.EXPIRED
        inserted = await self._connection.execute(
            "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO NOTHING",
            (name, holder, expires),
        )
        return Taken.FREE if inserted else None

    async def renew(self, holder: str, seconds: float) -> set[str]:
        """Extend every lease of ``holder``; return the names it still holds.

        One statement for all of them, however many chats a replica serves. A lease that
        expired and that nobody took meanwhile is renewed too: its row still names
        ``holder``, so no other replica has its work (a renewal held up behind a busy
        database, as SQLite's lock under load, must not stop a bot that runs alone).
        """
        await self._connection.execute(
            "UPDATE leases SET expires_at = ? WHERE holder = ?",
            (to_text(utc_now() + timedelta(seconds=seconds)), holder),
        )
        rows = await self._connection.fetch_all(
            "SELECT name FROM leases WHERE holder = ?", (holder,)
        )
        return {row["name"] for row in rows}

    async def release(self, name: str, holder: str) -> None:
        """Give ``name`` back at once, if ``holder`` still holds it."""
        await self._connection.execute(
            "DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder)
        )

    async def release_all(self, holder: str) -> None:
        """Give back every lease of ``holder``: it stops, the others may take its work now."""
        await self._connection.execute("DELETE FROM leases WHERE holder = ?", (holder,))

    async def release_chat(self, chat_id: int, name: str, holder: str) -> bool:
        """Give a chat's lease back unless updates of the chat still wait in the inbox.

        Such updates were received by another replica while ``holder`` had the chat and
        are left for ``holder``. Returns True when the lease was given back.
        """
        return bool(
            await self._connection.execute(
                "DELETE FROM leases WHERE name = ? AND holder = ? "
                "AND NOT EXISTS (SELECT 1 FROM inbox WHERE chat_id = ?)",
                (name, holder, chat_id),
            )
        )

    async def holder(self, name: str) -> str | None:
        """Who holds ``name`` now, if anyone: for operators and tests."""
        row = await self._connection.fetch_one(
            "SELECT holder FROM leases WHERE name = ? AND expires_at > ?",
            (name, to_text(utc_now())),
        )
        return None if row is None else row["holder"]

    async def live(self, names: Collection[str]) -> set[str]:
        """Which of ``names`` some replica holds now."""
        if not names:
            return set()
        marks = ", ".join("?" * len(names))
        rows = await self._connection.fetch_all(
            f"SELECT name FROM leases WHERE expires_at > ? AND name IN ({marks})",
            [to_text(utc_now()), *names],
        )
        return {row["name"] for row in rows}
