"""The authenticated channel to NemoVideo: headers, tokens and the recovery rules.

Every call goes through `Channel.send`, which owns the contract's recovery rules:
a rejected token is replaced and the call made once more, a 429 is waited out
once, and reads (never a chat message) are retried on network errors and 5xx.
httpx exceptions stop here, or where an open response body is read (turns.py,
NemoClient.download): callers only ever see bot.nemo.errors.
"""

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.nemo import parsing
from bot.nemo.credentials import CredentialStore, TokenKeeper
from bot.nemo.envelope import decode_json, parse_retry_after, unwrap
from bot.nemo.errors import (
    ClientIdRequired,
    NemoAPIError,
    NemoUnavailable,
    RateLimited,
    TokenExpired,
    redact,
)
from bot.nemo.models import StoredCredentials
from bot.nemo.multipart import StreamingMultipart
from bot.nemo.timeouts import NemoTimeouts

logger = logging.getLogger(__name__)

SKILL_SOURCE = "italiano-photo-video-maker"


@dataclass(frozen=True)
class Call:
    """One HTTP exchange and how `Channel.send` may recover from its failures."""

    method: str
    url: str  # a path on the API root, or an absolute URL
    json: Any = None
    body: StreamingMultipart | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    bearer: bool = True
    foreign: bool = False  # not the NemoVideo host: send none of our headers
    idempotent: bool = False  # network errors and 5xx may be retried
    stream: bool = False  # a 2xx answer that is not JSON is handed back open
    redirects: bool = False  # a 3xx answer is handed back open (downloads only)
    by_status: Mapping[int, type[NemoAPIError]] = field(default_factory=dict)
    timeout: httpx.Timeout | None = None
    answer_within: float | None = None  # a bound on the wait for the status line

    @property
    def what(self) -> str:
        """Names the call in messages; a foreign URL shows only its host."""
        target = httpx.URL(self.url).host if self.foreign else self.url.split("?")[0]
        return f"{self.method} {target}"


@dataclass(frozen=True)
class Reply:
    """Either the unwrapped data of a JSON answer, or an open response the caller closes."""

    data: Any = None
    response: httpx.Response | None = None


class Channel:
    """Sends Calls to one NemoVideo root with the right headers and token."""

    def __init__(
        self,
        *,
        base_url: str,
        attribution: Mapping[str, str],
        credentials: CredentialStore,
        static_token: str | None,
        client_id: str | None,
        timeouts: NemoTimeouts,
        transport: httpx.AsyncBaseTransport | None,
    ) -> None:
        self._base = httpx.URL(base_url.rstrip("/") + "/")
        self._attribution = dict(attribution)
        self._timeouts = timeouts
        self._http = httpx.AsyncClient(
            base_url=self._base,
            timeout=httpx.Timeout(timeouts.read, connect=timeouts.connect),
            transport=transport,
            # Every open agent turn holds a connection for up to fifteen minutes; with
            # httpx's default cap of 100, a hundred busy chats would starve every other
            # call (credits, uploads, render polls) of the bot.
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=20),
        )
        self.tokens = TokenKeeper(
            store=credentials,
            issue=self._issue_token,
            static_token=static_token,
            client_id=client_id,
            margin=timeouts.token_margin,
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    def is_nemo_host(self, url: str) -> bool:
        """Whether `url` (absolute or a path) points at the API host, which may see our headers."""
        try:
            parsed = self._base.join(url)
        except httpx.InvalidURL as exc:
            raise NemoAPIError(f"not a usable URL: {exc}", code=None, status=200) from exc
        base = self._base
        return (parsed.scheme, parsed.host, _port(parsed)) == (base.scheme, base.host, _port(base))

    async def json(self, call: Call) -> Any:
        """Make a call whose answer is a JSON envelope and return its data."""
        return (await self.send(call)).data

    async def send(self, call: Call) -> Reply:
        """Make the call, applying the contract's recovery rules (see the module docstring)."""
        renewed = waited = False
        failures = 0
        while True:
            token = await self.tokens.token() if call.bearer else None
            try:
                return await self._attempt(call, token)
            except TokenExpired:
                if token is None or self.tokens.is_static or renewed:
                    raise
                renewed = True
                logger.info("%s: token rejected; getting a new one", call.what)
                await self.tokens.renew(token)
            except RateLimited as exc:
                if waited:
                    raise
                waited = True
                await asyncio.sleep(self._rate_limit_wait(exc))
            except NemoUnavailable as exc:
                if not call.idempotent or failures >= self._timeouts.read_retries:
                    raise
                logger.warning("%s failed (%s); retrying", call.what, exc)
                await asyncio.sleep(self.backoff(failures))
                failures += 1

    def backoff(self, failures: int) -> float:
        """Seconds to wait after `failures` failed attempts of a read."""
        return float(self._timeouts.retry_backoff * 2**failures)

    async def _issue_token(self, client_id: str) -> StoredCredentials:
        call = Call(
            "POST",
            "/api/auth/anonymous-token",
            headers={"X-Client-Id": client_id},
            bearer=False,
            idempotent=True,
            by_status={400: ClientIdRequired},
        )
        return parsing.credentials_from(client_id, await self.json(call))

    async def _attempt(self, call: Call, token: str | None) -> Reply:
        request = self._http.build_request(
            call.method,
            call.url,
            json=call.json,
            content=call.body.chunks() if call.body else None,
            headers=self._headers(call, token),
            timeout=call.timeout or httpx.USE_CLIENT_DEFAULT,
        )
        try:
            async with asyncio.timeout(call.answer_within):
                response = await self._http.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise NemoUnavailable(f"{call.what}: {describe(exc)}") from exc
        except TimeoutError as exc:
            raise NemoUnavailable(f"{call.what}: no answer in {call.answer_within:g} s") from exc
        if _hand_back_open(call, response):
            return Reply(response=response)
        try:
            body = await response.aread()
        except httpx.HTTPError as exc:
            raise NemoUnavailable(f"{call.what}: {describe(exc)}") from exc
        finally:
            await response.aclose()
        if response.status_code >= 500:
            raise NemoUnavailable(f"{call.what}: HTTP {response.status_code}")
        payload = decode_json(body)
        if response.is_success and body.strip() and not isinstance(payload, dict):
            # An HTML page from a proxy, a body cut short: not the service's answer, and a
            # read may get the real one on a retry. The body itself is never quoted.
            raise NemoUnavailable(
                f"{call.what}: HTTP {response.status_code} with {len(body)} bytes that are "
                "not a JSON object"
            )
        data = unwrap(
            response.status_code,
            payload,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            by_status=call.by_status,
        )
        return Reply(data=data)

    def _headers(self, call: Call, token: str | None) -> dict[str, str]:
        if call.foreign:
            return dict(call.headers)
        headers = {**self._attribution, **call.headers}
        if call.body is not None:
            headers["Content-Type"] = call.body.content_type
            length = call.body.content_length
            if length is not None:
                headers["Content-Length"] = str(length)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def _rate_limit_wait(self, exc: RateLimited) -> float:
        t = self._timeouts
        wanted = exc.retry_after if exc.retry_after is not None else t.rate_limit_default_wait
        return min(wanted, t.rate_limit_max_wait)


def describe(exc: Exception) -> str:
    """An httpx error as text for a message: its class and text, tokens scrubbed."""
    text = str(exc)
    return redact(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


def _hand_back_open(call: Call, response: httpx.Response) -> bool:
    """Whether the caller reads this response itself (an event stream, a file, a redirect)."""
    if call.redirects and response.is_redirect:
        return True
    is_json = "json" in response.headers.get("content-type", "").lower()
    return call.stream and response.is_success and not is_json


def _port(url: httpx.URL) -> int | None:
    return url.port or {"http": 80, "https": 443}.get(url.scheme)
