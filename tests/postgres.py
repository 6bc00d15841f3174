"""A throwaway PostgreSQL server for the tests, and a fresh database for each test.

The server is the machine's own binaries (`pg_config --bindir`, else the newest
`/usr/lib/postgresql/*/bin`) running a cluster made by initdb in a temporary directory:
TCP on a free port of 127.0.0.1 with a password, as a deployment connects, and a unix
socket in that directory for the tests' own administration. It starts once per session,
at the first test that needs it, and is stopped and removed at the end.

initdb and postgres refuse to run as root, and CI runs as root: then the server runs as
the `postgres` system user (or `nobody`), which owns the temporary directory.
Durability is switched off (fsync, full-page writes): a crash loses only test data.
"""

from __future__ import annotations

import contextlib
import inspect
import itertools
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest

SKIP_REASON = (
    "no PostgreSQL server binaries (initdb): install them (Debian: apt-get install "
    "postgresql) or put pg_config on PATH"
)

USER = "bot"
_UNPRIVILEGED_USERS = ("postgres", "nobody")
_START_TIMEOUT_SECONDS = 30.0


def find_bindir() -> Path | None:
    """The directory holding initdb and postgres, or None when the machine has none."""
    candidates: list[Path] = []
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            ).stdout
            candidates.append(Path(out.strip()))
    # Debian keeps the server's binaries off PATH, one directory per major version.
    candidates += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(re.sub(r"\D", "", path.parent.name) or 0),
        reverse=True,
    )
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "postgres").is_file():
            return bindir
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unprivileged_ids() -> tuple[int, int] | None:
    """The (uid, gid) to run the server as when we are root; None to run it as ourselves."""
    if os.geteuid() != 0:
        return None
    for name in _UNPRIVILEGED_USERS:
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
    raise RuntimeError(f"running as root and none of {_UNPRIVILEGED_USERS} exists to run as")


class PostgresServer:
    """One PostgreSQL cluster in a temporary directory; `with` starts and removes it."""

    def __init__(self, bindir: Path) -> None:
        self._bindir = bindir
        self._ids = _unprivileged_ids()
        self._password = secrets.token_urlsafe(16)
        self._names = itertools.count(1)
        self._process: subprocess.Popen[bytes] | None = None
        # Not pytest's tmp_path: it sits in a 0700 directory the server's user cannot enter.
        self.directory = Path(tempfile.mkdtemp(prefix="pytest-postgresql-"))
        self.port = 0

    def __enter__(self) -> PostgresServer:
        try:
            self._initdb()
            self._start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            self._process.terminate()  # SIGTERM: "smart" shutdown, clients are gone by now
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)

    def url(self, database: str) -> str:
        """The URL a deployment would set as DATABASE_URL for `database`."""
        return f"postgresql://{USER}:{self._password}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """Create an empty database (a copy of template1, which takes milliseconds)."""
        name = f"test_{next(self._names)}"
        self.admin(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        """Drop `name`, disconnecting whatever is still connected to it."""
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def admin(self, sql: str) -> None:
        """Run `sql` as the superuser through the unix socket. Raises CalledProcessError."""
        subprocess.run(
            [
                self._bindir / "psql",
                *("-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-U", USER),
                *("-h", str(self.directory), "-p", str(self.port), "-c", sql),
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )

    def _as_server_user(self, **options: object) -> dict[str, object]:
        """Add to subprocess `options` what runs the child as the server's user."""
        if self._ids is None:
            return options
        uid, gid = self._ids
        return {**options, "user": uid, "group": gid, "extra_groups": []}

    def _initdb(self) -> None:
        if self._ids is not None:
            os.chown(self.directory, *self._ids)
        password_file = self.directory / "password"
        password_file.write_text(self._password)
        if self._ids is not None:
            os.chown(password_file, *self._ids)
        args: list[str | Path] = [
            self._bindir / "initdb",
            *("-D", str(self.directory / "data"), "-U", USER, "--pwfile", str(password_file)),
            # The socket is reached by whoever can enter the directory: us (or root).
            *("--auth-local=trust", "--auth-host=scram-sha-256"),
            *("--encoding=UTF8", "--no-locale", "--no-sync"),
        ]
        try:
            subprocess.run(
                args,
                **self._as_server_user(
                    check=True, capture_output=True, timeout=120, cwd=self.directory
                ),
            )
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"initdb failed:\n{exc.stderr.decode(errors='replace')}") from exc
        finally:
            password_file.unlink()

    def _start(self) -> None:
        log = self.directory / "server.log"
        # Another process may take the free port before the server binds it: try again.
        for _ in range(3):
            self.port = _free_port()
            args: list[str | Path] = [
                self._bindir / "postgres",
                *("-D", str(self.directory / "data"), "-p", str(self.port)),
                *("-c", "listen_addresses=127.0.0.1"),
                *("-c", f"unix_socket_directories={self.directory}"),
                *("-c", "fsync=off", "-c", "full_page_writes=off"),
                *("-c", "synchronous_commit=off", "-c", "shared_buffers=32MB"),
            ]
            with log.open("ab") as output:
                self._process = subprocess.Popen(
                    args,
                    **self._as_server_user(
                        stdout=output, stderr=subprocess.STDOUT, cwd=self.directory
                    ),
                )
            if self._wait_until_ready():
                return
        raise RuntimeError(f"PostgreSQL did not start:\n{log.read_text(errors='replace')}")

    def _wait_until_ready(self) -> bool:
        """True once it accepts connections, False if it exited (its port was taken)."""
        assert self._process is not None
        deadline = time.monotonic() + _START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._process = None
                return False
            ready = subprocess.run(
                [self._bindir / "pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                check=False,
                timeout=10,
            )
            if ready.returncode == 0:
                return True
            time.sleep(0.05)
        raise RuntimeError(f"PostgreSQL not ready after {_START_TIMEOUT_SECONDS} s")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Report every skip for want of a server at one place, so `-ra` shows one line.

    pytest reports a fixture's skip at each test's own line, which would be one line per
    test that wanted PostgreSQL.
    """
    report = yield
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and longrepr[2].endswith(SKIP_REASON):
        lineno = inspect.getsourcelines(postgres_server)[1]
        report.longrepr = (__file__, lineno, longrepr[2])
    return report


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server; the tests that need it skip when there is none."""
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("CI"):
            # .ci/run installs the binaries: a skip there would hide a missing half.
            pytest.fail(f"{SKIP_REASON}; CI must run the PostgreSQL tests")
        pytest.skip(SKIP_REASON)
    with PostgresServer(bindir) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """DATABASE_URL of a fresh, empty database: a test that takes it runs on both engines.

    The SQLite file is `tmp_path / "bot.sqlite3"`, where the tests' other helpers look.
    """
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    # Asked for here only, so the SQLite half runs on a machine without PostgreSQL.
    make: Callable[[], str] = request.getfixturevalue("postgres_database")
    return make()


def sqlite_only(reason: str) -> pytest.MarkDecorator:
    """Mark a test taking ``database_url`` as one about SQLite itself (its file, say).

    Its PostgreSQL variant is skipped, with ``reason`` (what it checks that PostgreSQL
    has no counterpart for) as the skip's reason.
    """
    return pytest.mark.parametrize(
        "database_url",
        [
            pytest.param("sqlite", id="sqlite"),
            pytest.param(
                "postgresql", id="postgresql", marks=pytest.mark.skip(f"SQLite only: {reason}")
            ),
        ],
        indirect=True,
    )


@pytest.fixture
def postgres_database(postgres_server: PostgresServer) -> Iterator[Callable[[], str]]:
    """Make fresh, empty databases and return their URLs; each is dropped after the test.

    End-to-end tests set the URL as DATABASE_URL, e.g. `start_bot(DATABASE_URL=make())`.
    """
    created: list[str] = []

    def make() -> str:
        created.append(postgres_server.create_database())
        return postgres_server.url(created[-1])

    yield make
    for name in created:
        postgres_server.drop_database(name)
