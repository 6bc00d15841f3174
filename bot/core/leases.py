"""This replica's leases (see ``storage.leases``): taken by name, renewed together.

Several processes of the bot may share one database. Work that must be done by one of
them only (polling Telegram, a chat's requests in order, a render's delivery) is done
under a lease, which this keeper renews in the background, all in one statement, every
``RENEWALS``-th of the lease period, on a connection of its own (``storage.database``):
a renewal waits neither for the bot's other statements nor, short of a loop held for
most of a period, for a busy event loop. If renewing fails for a whole period, the
leases are given up here too: another replica may be doing the work by then, so this
one must stop.

Others ask for a lease they wait for every ``ASKS``-th of the period, so the work of a
replica that died passes on within a period and a little more (``LEASE_SECONDS`` is 10 s
by default: a standby polls within 11 s of the poller's death).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable

from storage import LeaseRepository, StorageError, Taken

log = logging.getLogger(__name__)

Lost = Callable[[set[str]], None]

# A holder whose event loop is held for up to (RENEWALS - 1) / RENEWALS of the period
# keeps its leases; renewing costs two statements each time.
RENEWALS = 5
ASKS = 10


def replica_name() -> str:
    """A name no other replica has, readable in the leases table: host, pid, random tail."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class LeaseKeeper:
    """The leases this replica holds; ``run`` renews them until cancelled."""

    def __init__(self, leases: LeaseRepository, *, seconds: float, holder: str) -> None:
        self._leases = leases
        self.seconds = seconds
        self.holder = holder
        self._held: set[str] = set()
        self._on_lost: list[Lost] = []

    def holds(self, name: str) -> bool:
        """True while this replica holds ``name``, as far as the last renewal knows."""
        return name in self._held

    @property
    def ask_every(self) -> float:
        """How often to ask again for a lease another replica holds, in seconds."""
        return self.seconds / ASKS

    def held(self, prefix: str) -> set[str]:
        """The names held that start with ``prefix``."""
        return {name for name in self._held if name.startswith(prefix)}

    def when_lost(self, callback: Lost) -> None:
        """Call ``callback`` with the names of leases found taken or unrenewable."""
        self._on_lost.append(callback)

    async def take(self, name: str) -> Taken | None:
        """Hold ``name``; None when another replica holds it. Raises StorageError."""
        taken = await self._leases.take(name, self.holder, self.seconds)
        if taken is not None:
            self._held.add(name)
        return taken

    async def release(self, name: str) -> None:
        """Give ``name`` back. Raises StorageError."""
        self._held.discard(name)
        await self._leases.release(name, self.holder)

    def forget(self, name: str) -> None:
        """Stop renewing ``name``: released in storage by someone else's statement."""
        self._held.discard(name)

    async def release_all(self) -> None:
        """Give every lease back, as the replica stops: the others take the work at once."""
        self._held.clear()
        try:
            await self._leases.release_all(self.holder)
        except StorageError as error:
            log.warning("leases not given back, they expire in %.0f s: %s", self.seconds, error)

    async def run(self) -> None:
        """Renew every lease held, ``RENEWALS`` times a period, until cancelled."""
        renewed_at = time.monotonic()
        every = self.seconds / RENEWALS
        while True:
            asleep = time.monotonic()
            await asyncio.sleep(every)
            if (late := time.monotonic() - asleep - every) > every:
                # Leases are lost past the period: the cause must show in the log.
                log.warning(
                    "leases renewed %.1f s late: the event loop was held (blocking work on "
                    "it, or a machine short of CPU)",
                    late,
                )
            asked = set(self._held)
            try:
                still = await self._leases.renew(self.holder, self.seconds)
            except StorageError as error:
                log.warning("leases not renewed: %s", error)
                if time.monotonic() - renewed_at < self.seconds:
                    continue
                still = set()
            else:
                renewed_at = time.monotonic()
            lost = (asked - still) & self._held
            if lost:
                self._held -= lost
                log.warning("leases lost to another replica: %s", ", ".join(sorted(lost)))
                for callback in self._on_lost:
                    callback(lost)
