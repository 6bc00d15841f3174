"""Where the database lives: the engine DATABASE_URL names, and a SQLite file made private.

Accepted forms, as in SQLAlchemy: `sqlite:///relative.sqlite3`, `sqlite:////absolute.sqlite3`,
a bare path, and `:memory:` / `sqlite://:memory:` for tests; `postgresql://…` or
`postgres://…` (as hosting platforms spell it) for a PostgreSQL server, handed to the
driver as it is.
"""

from __future__ import annotations

import os

from storage.errors import StorageError

MEMORY = ":memory:"

_POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")

_SQLITE_PREFIX = "sqlite:///"
_MEMORY_URLS = frozenset({MEMORY, "sqlite://:memory:", "sqlite:///:memory:", "sqlite://"})


def is_postgresql(url: str) -> bool:
    """Whether `url` names a PostgreSQL server rather than a SQLite file."""
    return url.startswith(_POSTGRESQL_SCHEMES)


def sqlite_path(url: str) -> str:
    """Return the file path (or ":memory:") that `url` names. Raises StorageError."""
    if url in _MEMORY_URLS:
        return MEMORY
    if url.startswith(_SQLITE_PREFIX):
        path = url.removeprefix(_SQLITE_PREFIX)
    elif "://" in url:
        # Only the scheme is shown: another database's URL may carry a password.
        scheme = url.split("://", 1)[0]
        raise StorageError(
            f"only sqlite:/// and postgresql:// database URLs are supported, got {scheme}://"
        )
    else:
        path = url
    if not path:
        raise StorageError("the database URL names no file")
    return path


def create_private_file(path: str) -> None:
    """Create the database file readable by its owner only, unless it already exists.

    SQLite gives its -wal and -shm files the database file's mode, so they are private too.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StorageError(f"cannot create the database file: {exc.strerror}") from exc
    try:
        # The mode passed to os.open is filtered by the umask; fchmod is not.
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
