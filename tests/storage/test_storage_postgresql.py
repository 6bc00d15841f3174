"""What only the PostgreSQL backend has: its URLs, its errors, its parameter style."""

from collections.abc import Callable

import pytest

from storage import Database, StorageError
from storage.postgresql import translate
from tests.postgres import PostgresServer


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        pytest.param("SELECT ? + ?", ("SELECT $1 + $2", ()), id="positional"),
        pytest.param(
            "UPDATE t SET a = :new WHERE a = :old OR b = :new",
            ("UPDATE t SET a = $1 WHERE a = $2 OR b = $1", ("new", "old")),
            id="named-once-each",
        ),
        pytest.param(
            "SELECT '?', ':x', \"?:y\", ?::text -- ? :z\n",
            ("SELECT '?', ':x', \"?:y\", $1::text -- ? :z\n", ()),
            id="quoted-cast-comment",
        ),
    ],
)
def test_parameters_become_numbered(sql: str, expected: tuple[str, tuple[str, ...]]) -> None:
    assert translate(sql) == expected


def test_mixed_parameter_styles_are_refused() -> None:
    with pytest.raises(ValueError, match="mixes"):
        translate("SELECT ?, :name")


async def test_the_postgres_scheme_platforms_set_works_too(
    postgres_database: Callable[[], str],
) -> None:
    url = postgres_database().replace("postgresql://", "postgres://", 1)
    async with await Database.open(url) as db:
        assert await db.chats.add_items(-1001234567890, 2) == 2


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("postgresql://bot:hunter2@127.0.0.1:1/bot", id="nothing-listening"),
        pytest.param("postgresql://bot:hunter2@127.0.0.1:notaport/bot", id="bad-port"),
    ],
)
async def test_an_unreachable_server_is_a_storage_error_without_the_password(url: str) -> None:
    with pytest.raises(StorageError) as caught:
        await Database.open(url)
    assert "hunter2" not in str(caught.value)


async def test_a_wrong_password_is_a_storage_error_without_it(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.url("postgres").replace("@", "hunter2@", 1)
    with pytest.raises(StorageError, match="password") as caught:
        await Database.open(url)
    assert "hunter2" not in str(caught.value)


async def test_a_constraint_error_names_no_value(postgres_database: Callable[[], str]) -> None:
    async with await Database.open(postgres_database()) as db:
        await db.renders.add("render_secret", 1, "session")
        with pytest.raises(StorageError, match="renders_pkey") as caught:
            await db.renders.add("render_secret", 1, "session")
    assert "render_secret" not in str(caught.value)
