"""The bot's NemoVideo credentials: one row, saved and read back, token never shown."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storage import CredentialRecord, Database

TOKEN = "nmv_usr_s3cr3t-value"


async def test_nothing_is_stored_at_first(db: Database) -> None:
    assert await db.credentials.get() is None


async def test_saved_credentials_read_back(db: Database) -> None:
    record = CredentialRecord("client-1", TOKEN, "anon_1", datetime(2030, 1, 1, tzinfo=UTC))
    await db.credentials.save(record)
    assert await db.credentials.get() == record


async def test_a_save_replaces_the_previous_one(db: Database) -> None:
    await db.credentials.save(CredentialRecord("client-1", TOKEN, "anon_1", None))
    await db.credentials.save(CredentialRecord("client-1", None, None, None))
    assert await db.credentials.get() == CredentialRecord("client-1", None, None, None)


async def test_expiry_comes_back_in_utc(db: Database) -> None:
    rome = timezone(timedelta(hours=1))
    await db.credentials.save(
        CredentialRecord("c", TOKEN, None, datetime(2030, 1, 1, 13, 0, tzinfo=rome))
    )
    saved = await db.credentials.get()
    assert saved is not None
    assert saved.expires_at == datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    assert saved.expires_at.utcoffset() == timedelta(0)


async def test_a_naive_expiry_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="naive"):
        await db.credentials.save(CredentialRecord("c", TOKEN, None, datetime(2030, 1, 1)))


def test_repr_hides_the_token() -> None:
    text = repr(CredentialRecord("client-1", TOKEN, "anon_1", None))
    assert TOKEN not in text
    assert "client-1" in text
    assert "token='***'" in text


def test_repr_says_when_there_is_no_token() -> None:
    assert "token=None" in repr(CredentialRecord("client-1", None, None, None))
