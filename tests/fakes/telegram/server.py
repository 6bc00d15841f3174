"""A loopback fake of the Telegram Bot API for end-to-end tests with the real PTB stack.

The server runs on 127.0.0.1 in a thread with its own event loop, so the bot under test can
be a ``python -m bot`` subprocess, an Application in the test's loop, or a benchmark::

    with TelegramFake() as fake:
        chat = fake.private_chat()
        chat.send_text("/start")          # queued for getUpdates (or pushed to a webhook)
        fake.wait_for_message_sync(chat, contains="Ciao")

Point the bot at ``fake.api_url`` (``TELEGRAM_API_URL``): methods at
``{api_url}/bot{token}/{method}``, files at ``{api_url}/file/bot{token}/{file_path}``.

Contract breaches (an unknown method, a 5000-character text, bad HTML, an edit of a message
that does not exist, an unknown chat...) are answered as Telegram answers them *and* collected
in ``fake.violations``; the fixtures in ``fixtures`` fail the test when any remain.

Behaviour worth knowing:
- Privacy mode is on, as for a new bot: in groups the bot only gets commands, replies to its
  own messages and service messages, unless it is an administrator or the fake was made with
  ``can_read_all_group_messages=True``. Hidden messages still show in ``messages()``.
- ``local_mode=True`` behaves like a ``--local`` Bot API server: no download limit, 2000 MB
  uploads, ``file://`` inputs, plain-HTTP webhooks, and getFile returns absolute paths.
- A slow Telegram comes in two kinds, for the two things a client timeout can hide.
  ``delay_next`` applies the request first and answers late: the message was delivered
  although the bot saw TimedOut. ``stall`` records the request as received but never acts
  on it and answers only after the bot gave up: nothing reached the chat.
"""

import asyncio
import copy
import json
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Self

import httpx
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server_thread import ServerThread
from tests.fakes.telegram.api import BotApi
from tests.fakes.telegram.chats import FakeChat, FakeUser
from tests.fakes.telegram.native import NativeFeatures
from tests.fakes.telegram.params import Upload
from tests.fakes.telegram.state import ApiError, Call, FakeState, Fault

__all__ = ["DEFAULT_TOKEN", "TelegramFake"]

DEFAULT_TOKEN = "7000000001:AAFakeTokenForLoopbackTests_0123456789"
_UNAUTHORIZED = {"ok": False, "error_code": 401, "description": "Unauthorized"}
_NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}
_DESCRIPTIONS = {
    400: "Bad Request",
    403: "Forbidden: bot was blocked by the user",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_UPGRADED = "group chat was upgraded to a supergroup chat"
_WEBHOOK_RETRY = 0.5
_MAX_FORM_FIELD = 16 * 1024 * 1024

ChatRef = int | FakeChat


class TelegramFake:
    """The fake Bot API server and the handles a test uses to act and observe."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        username: str = "italiano_video_bot",
        first_name: str = "Italiano Photo Video Maker",
        can_read_all_group_messages: bool = False,
        local_mode: bool = False,
        enforce_flood_limits: bool = False,
        supports_inline_queries: bool = False,
    ) -> None:
        self._workdir = tempfile.TemporaryDirectory(prefix="telegram-fake-")
        self._state = FakeState(
            token=token,
            username=username,
            first_name=first_name,
            can_read_all_group_messages=can_read_all_group_messages,
            local_mode=local_mode,
            enforce_flood_limits=enforce_flood_limits,
            workdir=Path(self._workdir.name),
            supports_inline_queries=supports_inline_queries,
        )
        self._api = BotApi(self._state)
        self._server: ServerThread | None = None
        self.api_url = ""

    # --- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self._server = ServerThread(
            Starlette(routes=self._routes()),
            name="telegram-fake",
            alongside=self._deliver_webhook,
            # Requests in flight are answered before the fake stops: closing ends long polls
            # and stalls at once, so the wait is short.
            grace=3,
        )
        self._server.start()
        self.api_url = self._server.url
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self._state.lock:
            self._state.closing = True  # long polls answer now instead of at their timeout
            self._state.changes.notify()
        if self._server is not None:
            self._server.stop()
        self._workdir.cleanup()

    # --- configuration the bot needs ------------------------------------------------------

    @property
    def token(self) -> str:
        return self._state.token

    @property
    def bot_id(self) -> int:
        return self._state.bot_id

    @property
    def username(self) -> str:
        return self._state.username

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``."""
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"{self.api_url}/file/bot"

    # --- people and chats -----------------------------------------------------------------

    def user(
        self,
        first_name: str = "Giulia",
        language_code: str | None = "it",
        username: str | None = None,
    ) -> FakeUser:
        return self._state.new_user(first_name, language_code, username)

    def private_chat(
        self, user: FakeUser | None = None, language_code: str | None = "it"
    ) -> FakeChat:
        """A private chat with ``user`` (a new one speaking ``language_code`` by default)."""
        return self._state.new_chat(
            "private", None, user or self.user(language_code=language_code), True
        )

    def group(self, title: str = "Vacanze al mare", *, with_bot: bool = True) -> FakeChat:
        """A basic group owned by a new user; ``with_bot=False`` to test add_bot_to_group."""
        return self._state.new_chat("group", title, self.user("Marco"), with_bot)

    def supergroup(self, title: str = "Creatori italiani", *, with_bot: bool = True) -> FakeChat:
        return self._state.new_chat("supergroup", title, self.user("Marco"), with_bot)

    def forum(self, title: str = "Creatori italiani", *, general_closed: bool = True) -> FakeChat:
        """A forum supergroup with the bot in it; General is closed to it by default."""
        chat = self.supergroup(title)
        chat.is_forum = True
        chat.general_closed = general_closed
        return chat

    def chat(self, chat_id: int) -> FakeChat:
        return self._state.chats[chat_id]

    # --- observing ------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every request to a known method, in order (401s and unknown methods excepted)."""
        with self._state.lock:
            return list(self._state.calls)

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def is_polled(self) -> bool:
        """True once a getUpdates has arrived, answered or still held.

        ``calls`` has a long poll only once it is answered: at its timeout, when idle.
        """
        with self._state.lock:
            return self._state.poll_generation > 0

    @property
    def violations(self) -> list[str]:
        with self._state.lock:
            return list(self._state.violations)

    def take_violations(self) -> list[str]:
        """Return and clear the violations, for tests that provoke one on purpose."""
        with self._state.lock:
            taken, self._state.violations = self._state.violations, []
            return taken

    def messages(self, chat: ChatRef) -> list[dict]:
        """What the chat shows now: edits applied, deletions gone, oldest first."""
        with self._state.lock:
            shown = self._state.chat_messages[_chat_id(chat)]
            return copy.deepcopy([shown[key] for key in sorted(shown)])

    def bot_messages(self, chat: ChatRef) -> list[dict]:
        return [m for m in self.messages(chat) if m["from"]["id"] == self.bot_id]

    def file_bytes(self, file_id: str) -> bytes:
        """The content behind a file_id, e.g. the MP4 the bot sent with sendVideo."""
        with self._state.lock:
            stored = self._state.files.get(file_id)
        if stored is None:
            raise KeyError(f"no file {file_id!r}")
        return stored.read()

    def push_update(self, kind: str, payload: dict[str, Any]) -> None:
        """Queue an update no fake person can make (a business message, a reaction, a story,
        a field only a forger would set); it is delivered like any other, ``allowed_updates``
        permitting.
        """
        with self._state.lock:
            self._state._queue(kind, payload)

    def pending_updates(self) -> list[dict]:
        """Updates queued and not yet confirmed by the bot (a hidden group message is absent)."""
        with self._state.lock:
            return copy.deepcopy(self._state.updates)

    def commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        """The command list set with setMyCommands for exactly this scope and language."""
        key = json.dumps(scope or {"type": "default"}, sort_keys=True)
        with self._state.lock:
            return list(self._state.commands.get((key, language_code), []))

    def webhook_info(self) -> dict[str, Any]:
        """url, secret_token, max_connections and the last delivery error, if any."""
        with self._state.lock:
            return dict(vars(self._state.webhook))

    @property
    def native(self) -> NativeFeatures:
        """Drafts, reactions, inline queries and the bot's descriptions (see ``native``)."""
        return self._api.native

    def peak_rate(self, chat: ChatRef, window: float = 60.0) -> int:
        """Most messages, edits and chat actions the bot sent ``chat`` within ``window`` s."""
        return self._state.peak_rate(_chat_id(chat), window)

    # --- fault injection ------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        description: str | None = None,
        times: int = 1,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error instead of acting.

        429 carries ``parameters.retry_after`` (PTB: RetryAfter); ``migrate_to_chat_id`` makes
        a 400 that PTB raises as ChatMigrated; 403 defaults to "bot was blocked by the user".
        """
        parameters: dict[str, Any] | None = None
        if migrate_to_chat_id is not None:
            status, parameters = 400, {"migrate_to_chat_id": migrate_to_chat_id}
            description = description or f"{_DESCRIPTIONS[400]}: {_UPGRADED}"
        elif status == 429:
            parameters = {"retry_after": retry_after}
            description = description or f"Too Many Requests: retry after {retry_after}"
        description = description or _DESCRIPTIONS.get(status, "Error")
        error = ApiError(status, description, parameters=parameters)
        self._state.add_fault(self._known(method), Fault(error=error), times)

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` late (after doing the work)."""
        self._state.add_fault(self._known(method), Fault(delay=seconds), times)

    def stall(self, method: str, *, seconds: float, times: int = 1) -> None:
        """Leave the next ``times`` calls of ``method`` unanswered for ``seconds``, undone.

        Each request is still checked (token, parameter encoding) and recorded as a call
        with status 504, but nothing reaches the chat: Telegram took the request and lost
        it. Make ``seconds`` longer than the bot's read timeout so the bot sees TimedOut;
        the late answer is a 504 Gateway Timeout, as a proxy in front would give. Closing
        the fake ends every stall at once, so a long one does not hold up the test.
        """
        self._state.add_fault(self._known(method), Fault(error=_Stalled(seconds)), times)

    def _known(self, method: str) -> str:
        name = self._api.method_name(method)
        if name is None:
            raise ValueError(f"the fake does not implement {method!r}")
        return name

    # --- waiting --------------------------------------------------------------------------

    async def wait_for(
        self,
        predicate: Callable[[], Any],
        timeout: float = 10.0,  # noqa: ASYNC109 (mirrors wait_for_sync)
    ) -> Any:
        """Await until ``predicate()`` is truthy and return its value; TimeoutError if not.

        The predicate runs with the fake's lock held after each change to the fake, so it
        should read the fake (messages, calls...), not state that only the test changes.
        """
        result = await self._state.changes.wait_async(predicate, timeout)
        if not result:
            raise TimeoutError(self._report(f"{predicate!r} stayed false", timeout))
        return result

    def wait_for_sync(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """``wait_for`` for sync code. Never call it on the loop the bot runs on."""
        result = self._state.changes.wait_sync(predicate, timeout)
        if not result:
            raise TimeoutError(self._report(f"{predicate!r} stayed false", timeout))
        return result

    async def wait_for_message(
        self,
        chat: ChatRef,
        contains: str | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 (mirrors wait_for_message_sync)
    ) -> dict:
        """The newest bot message in ``chat`` (already there or to come) containing the text."""
        found = await self._state.changes.wait_async(
            lambda: self._bot_message(chat, contains), timeout
        )
        if not found:
            raise TimeoutError(self._report(f"no bot message containing {contains!r}", timeout))
        return found

    def wait_for_message_sync(
        self, chat: ChatRef, contains: str | None = None, timeout: float = 10.0
    ) -> dict:
        found = self._state.changes.wait_sync(lambda: self._bot_message(chat, contains), timeout)
        if not found:
            raise TimeoutError(self._report(f"no bot message containing {contains!r}", timeout))
        return found

    def _bot_message(self, chat: ChatRef, contains: str | None) -> dict | None:
        for message in reversed(self.bot_messages(chat)):
            shown = message.get("text", message.get("caption", ""))
            if contains is None or contains in shown:
                return message
        return None

    def _report(self, what: str, timeout: float) -> str:
        lines = [f"after {timeout} s: {what}.", "Last calls:"]
        lines += [f"  {c.method} -> {c.status} {str(c.params)[:200]}" for c in self.calls[-10:]]
        lines += ["Violations:", *(f"  {v}" for v in self.violations)]
        return "\n".join(lines)

    # --- HTTP -----------------------------------------------------------------------------

    def _routes(self) -> list[Route]:
        return [
            Route("/bot{token}/{method}", self._method_route, methods=["GET", "POST"]),
            Route("/file/bot{token}/{file_path:path}", self._file_route, methods=["GET"]),
            Route("/{path:path}", self._unknown_route, methods=["GET", "POST"]),
        ]

    async def _method_route(self, request: Request) -> Response:
        method = request.path_params["method"]
        if request.path_params["token"] != self._state.token:
            return JSONResponse(_UNAUTHORIZED, status_code=401)
        if self._api.method_name(method) is None:
            self._state.violate(f"{method}: unknown method (or one the fake does not implement)")
            return JSONResponse(_NOT_FOUND, status_code=404)
        try:
            raw, uploads = await self._read(request)
            status, body = await self._api.call(method, raw, uploads)
        except ApiError as error:
            self._state.violate(f"{method}: {error.violation or error.description}")
            status, body = error.status, error.body()
        except ClientDisconnect:
            # The bot hung up mid-request, as a client shutting down does: nobody to answer.
            return Response(status_code=499)
        except Exception:
            self._state.violate(f"{method}: the fake crashed\n{traceback.format_exc()}")
            raise
        if isinstance(body, _LateAnswer):
            # Held here, not in the API, so that closing the fake ends the wait at once.
            await self._state.changes.wait_async(lambda: self._state.closing, body.seconds)
        return JSONResponse(body, status_code=status)

    async def _read(self, request: Request) -> tuple[dict[str, Any], dict[str, Upload]]:
        """Query string plus a JSON, urlencoded or multipart body; file parts go to disk."""
        raw: dict[str, Any] = dict(request.query_params)
        uploads: dict[str, Upload] = {}
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            body = await request.body()
            data = json.loads(body) if body else {}
            if not isinstance(data, dict):
                raise ApiError(400, "Bad Request: the JSON body must be an object")
            raw.update(data)
        elif content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            async with request.form(max_part_size=_MAX_FORM_FIELD) as form:
                for key, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        uploads[key] = await self._save(key, value)
                    else:
                        raw[key] = value
        elif await request.body():
            raise ApiError(400, f"Bad Request: unsupported content type {content_type!r}")
        return raw, uploads

    async def _save(self, field: str, part: UploadFile) -> Upload:
        with self._state.lock:
            path = self._state.files.new_upload_path()
        size = await asyncio.to_thread(_copy, part.file, path)
        return Upload(field, part.filename, part.content_type, size, path)

    async def _file_route(self, request: Request) -> Response:
        if request.path_params["token"] != self._state.token:
            return JSONResponse(_UNAUTHORIZED, status_code=401)
        file_path = request.path_params["file_path"]
        with self._state.lock:
            stored = self._state.files.by_file_path(file_path)
        if stored is None or not stored.has_content:
            why = "was never returned by getFile" if stored is None else "has no bytes (size only)"
            self._state.violate(f"download of {file_path!r}: it {why}")
            return JSONResponse(_NOT_FOUND, status_code=404)
        if stored.path is not None:
            return _BigChunks(stored.path)  # streamed in chunks, never loaded whole
        return Response(stored.data, media_type="application/octet-stream")

    async def _unknown_route(self, request: Request) -> Response:
        self._state.violate(f"request to unknown path {request.url.path!r} (check base_url)")
        return JSONResponse(_NOT_FOUND, status_code=404)

    # --- webhook delivery -----------------------------------------------------------------

    async def _deliver_webhook(self) -> None:
        """Push pending updates to the webhook one at a time, as Telegram does."""
        state = self._state

        def ready() -> bool:
            return bool(state.webhook.url and state.updates)

        async with httpx.AsyncClient(timeout=10) as client:
            while await state.changes.wait_async(ready, None):
                with state.lock:
                    url, secret = state.webhook.url, state.webhook.secret_token
                    pending = state.deliverable(state.allowed_updates)
                if not url or not pending:
                    continue
                error = await _post_update(client, url, secret, pending[0])
                with state.lock:
                    if error is None:
                        state.confirm(pending[0]["update_id"] + 1)
                    else:
                        state.webhook.last_error_date = int(time.time())
                        state.webhook.last_error_message = error
                    state.changes.notify()
                if error is not None:
                    await asyncio.sleep(_WEBHOOK_RETRY)


async def _post_update(
    client: httpx.AsyncClient, url: str, secret: str | None, update: dict
) -> str | None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    try:
        response = await client.post(url, json=update, headers=headers)
    except httpx.HTTPError as exc:
        return f"Connection failed: {exc!r}"
    if response.is_success:
        return None
    return f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}"


class _LateAnswer(dict):
    """An error answer the route holds back for ``seconds`` before sending it."""

    def __init__(self, body: dict[str, Any], seconds: float) -> None:
        super().__init__(body)
        self.seconds = seconds


class _Stalled(ApiError):
    """A request taken and lost: recorded with status 504, not acted on, answered late."""

    def __init__(self, seconds: float) -> None:
        super().__init__(504, "Gateway Timeout")
        self.seconds = seconds

    def body(self) -> dict[str, Any]:
        return _LateAnswer(super().body(), self.seconds)


def _copy(source: IO[bytes], target: Path) -> int:
    with target.open("wb") as out:
        shutil.copyfileobj(source, out, 1024 * 1024)
        return out.tell()


def _chat_id(chat: ChatRef) -> int:
    return chat.id if isinstance(chat, FakeChat) else chat


class _BigChunks(FileResponse):
    """1 MiB reads instead of 64 KiB: a 200 MB download benchmark measures the bot, not us."""

    chunk_size = 1024 * 1024
