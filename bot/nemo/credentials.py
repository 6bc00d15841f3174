"""Which token the client sends, and when it asks for a new one.

An anonymous token is limited to one per client id and ten per IP address per
week, so it is stored and reused: a new one is asked for only when there is
none, when the stored one has expired, or when the service rejects it.
"""

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.nemo.errors import ClientIdRequired, NemoAPIError
from bot.nemo.models import StoredCredentials

logger = logging.getLogger(__name__)

IssueToken = Callable[[str], Awaitable[StoredCredentials]]
"""Ask the service for an anonymous token for a client id (POST /api/auth/anonymous-token)."""


class CredentialStore(Protocol):
    """Where the client id and the anonymous token survive restarts."""

    async def load(self) -> StoredCredentials | None:
        """Return what was saved last, or None the very first time."""
        ...

    async def save(self, credentials: StoredCredentials) -> None:
        """Replace what is saved."""
        ...


class TokenKeeper:
    """Hands out the token to send; one lock so concurrent first calls ask only once."""

    def __init__(
        self,
        *,
        store: CredentialStore,
        issue: IssueToken,
        static_token: str | None,
        client_id: str | None,
        margin: float,
    ) -> None:
        self._store = store
        self._issue = issue
        self._static_token = static_token
        self._client_id = client_id
        self._margin = timedelta(seconds=margin)
        self._current: StoredCredentials | None = None
        self._loaded = False
        self._lock = asyncio.Lock()

    @property
    def is_static(self) -> bool:
        """Whether an operator-configured token is in use (never renewed by the client)."""
        return self._static_token is not None

    async def token(self) -> str:
        """Return a token believed valid, asking the service only when there is none."""
        if self._static_token is not None:
            return self._static_token
        usable = self._usable()
        if usable is not None:
            return usable
        async with self._lock:
            await self._load_once()
            return self._usable() or await self._renew()

    async def renew(self, rejected: str) -> None:
        """Replace a token the service rejected, unless another call already did."""
        async with self._lock:
            if self._current is not None and self._current.token not in (None, rejected):
                return
            await self._renew()

    async def user_id(self) -> str | None:
        """The anonymous user id of the stored token, without asking the service."""
        if self._static_token is not None:
            return None
        async with self._lock:
            await self._load_once()
        return self._current.user_id if self._current else None

    def _usable(self) -> str | None:
        current = self._current
        if current is None or current.token is None:
            return None
        if current.expires_at is not None:
            expires_at = current.expires_at
            if expires_at.tzinfo is None:
                expires_at = expires_at.replace(tzinfo=UTC)
            if expires_at - self._margin <= datetime.now(UTC):
                return None
        return current.token

    async def _load_once(self) -> None:
        if not self._loaded:
            self._current = await self._store.load()
            self._loaded = True

    async def _renew(self) -> str:
        client_id = await self._client_id_to_use()
        try:
            issued = await self._issue(client_id)
        except ClientIdRequired:
            # The contract's recovery for HTTP 400: make a fresh client id and try once more.
            logger.warning("the service refused our client id; making a new one")
            self._client_id = None
            client_id = await self._save_client_id(str(uuid.uuid4()))
            issued = await self._issue(client_id)
        if not issued.token:
            raise NemoAPIError(
                "the anonymous-token answer carries no token", code=None, status=200
            )
        await self._store.save(issued)
        self._current = issued
        logger.info("got a new anonymous token for user %s", issued.user_id)
        return issued.token

    async def _client_id_to_use(self) -> str:
        """The configured client id, else the stored one, else a new one saved right away."""
        stored = self._current.client_id if self._current else None
        if self._client_id is not None:
            if stored != self._client_id:
                await self._save_client_id(self._client_id)
            return self._client_id
        return stored or await self._save_client_id(str(uuid.uuid4()))

    async def _save_client_id(self, client_id: str) -> str:
        # Saved before asking for a token, so a failed request does not burn a new id.
        self._current = StoredCredentials(client_id, None, None, None)
        await self._store.save(self._current)
        return client_id
