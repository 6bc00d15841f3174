"""The NemoVideo credential store, kept in the bot's database so tokens survive restarts."""

from __future__ import annotations

from bot.logging_setup import register_secret
from bot.nemo import StoredCredentials
from storage import CredentialRecord, Database


class DatabaseCredentials:
    """bot.nemo's CredentialStore over the bot's database; tokens are redacted from logs."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self) -> StoredCredentials | None:
        """The stored credentials, if the bot has any yet."""
        record = await self._db.credentials.get()
        if record is None:
            return None
        if record.token:
            register_secret(record.token)
        return StoredCredentials(
            client_id=record.client_id,
            token=record.token,
            user_id=record.user_id,
            expires_at=record.expires_at,
        )

    async def save(self, credentials: StoredCredentials) -> None:
        """Remember new credentials; the token is redacted from logs from now on."""
        if credentials.token:
            register_secret(credentials.token)
        await self._db.credentials.save(
            CredentialRecord(
                client_id=credentials.client_id,
                token=credentials.token,
                user_id=credentials.user_id,
                expires_at=credentials.expires_at,
            )
        )
