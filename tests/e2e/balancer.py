"""A round-robin load balancer for webhook replicas: each POST to the next replica.

It forwards a request as it came (path, body, the secret header) and answers with the
replica's answer; a replica that does not answer is skipped, as a balancer's health
check would. ``served`` records which replica took each update.
"""

from __future__ import annotations

import itertools
import json
from typing import Self

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.fakes.server_thread import ServerThread

_FORWARDED = ("content-type", "x-telegram-bot-api-secret-token")


class RoundRobin:
    """Serves on a free loopback port; ``url`` is what the replicas register as webhook."""

    def __init__(self, ports: list[int]) -> None:
        self._ports = ports
        self._turns = itertools.cycle(range(len(ports)))
        self.served: list[tuple[int, int]] = []  # (update_id, replica index)
        app = Starlette(routes=[Route("/{path:path}", self._forward, methods=["POST"])])
        self._server = ServerThread(app, name="balancer")

    def url(self, path: str) -> str:
        """The public URL of ``path``, e.g. the webhook's."""
        return f"{self._server.url}{path}"

    def __enter__(self) -> Self:
        self._server.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.stop()

    async def _forward(self, request: Request) -> Response:
        body = await request.body()
        headers = {k: v for k, v in request.headers.items() if k.lower() in _FORWARDED}
        async with httpx.AsyncClient(timeout=10) as client:
            for _ in self._ports:
                index = next(self._turns)
                url = f"http://127.0.0.1:{self._ports[index]}{request.url.path}"
                try:
                    answer = await client.post(url, content=body, headers=headers)
                except httpx.TransportError:
                    continue
                if answer.is_success:
                    self.served.append((json.loads(body)["update_id"], index))
                return Response(answer.content, answer.status_code)
        return Response(status_code=502)
