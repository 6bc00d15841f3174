"""The bot's HTTP side: ``/healthz`` and ``/metrics``, and in webhook mode the webhook.

PTB's own webhook server (``run_webhook``) builds its tornado application inside the
Updater and offers no way to add a route to it, and a second server cannot share
``PORT``. So in webhook mode the Application runs without an Updater
(``bot.serving``) and this server takes the webhook, beside the two endpoints, on
``PORT``; it does what PTB's handler does (secret check, JSON only, the update onto
the update queue). It uses tornado, which PTB's ``webhooks`` extra brings anyway.
``HEALTH_PORT`` serves the two endpoints alone, in either mode.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from http import HTTPStatus
from urllib.parse import urlsplit

import tornado.web
from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer

from bot import metrics
from bot.config import Settings
from bot.health import Health

log = logging.getLogger(__name__)

LISTEN = "0.0.0.0"  # reached from outside the container, like PTB's webhook server


class _App(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """Log no request lines: a webhook path may carry a secret, and scrapes are noise."""


class _Healthz(tornado.web.RequestHandler):
    def initialize(self, health: Health) -> None:
        self._health = health

    async def get(self) -> None:
        report = await self._health.report()
        self.set_status(HTTPStatus.OK if report.ok else HTTPStatus.SERVICE_UNAVAILABLE)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(report.as_json()))


class _Metrics(tornado.web.RequestHandler):
    async def get(self) -> None:
        self.set_header("Content-Type", metrics.CONTENT_TYPE)
        self.finish(metrics.text())


class _Webhook(tornado.web.RequestHandler):
    """Takes Telegram's updates; answers only once the update is queued (and so stored)."""

    def initialize(self, bot_application: Application, secret: str | None) -> None:
        # Not "application": tornado passes its own under that name.
        self._application = bot_application
        self._secret = secret

    async def post(self) -> None:
        if self._secret is not None:
            given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
            if not hmac.compare_digest(given.encode(), self._secret.encode()):
                raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        if self.request.headers.get("Content-Type") != "application/json":
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        try:
            update = Update.de_json(json.loads(self.request.body), self._application.bot)
        except Exception as error:
            # The body is not logged: it is a person's message.
            log.warning("webhook: an update could not be read (%s)", type(error).__name__)
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        await self._application.update_queue.put(update)
        metrics.updates_received()


class WebServers:
    """The HTTP servers the settings ask for; none when neither a webhook nor HEALTH_PORT."""

    def __init__(
        self,
        application: Application,
        settings: Settings,
        health: Health,
        *,
        webhook_secret: str | None,
    ) -> None:
        observe = [(r"/healthz", _Healthz, {"health": health}), (r"/metrics", _Metrics)]
        self._apps: dict[int, _App] = {}
        if settings.health_port is not None:
            self._apps[settings.health_port] = _App(observe)
        if settings.webhook_url:
            path = urlsplit(settings.webhook_url).path.rstrip("/") or "/"
            webhook = (
                rf"{re.escape(path)}/?",
                _Webhook,
                {"bot_application": application, "secret": webhook_secret},
            )
            # Listed first: a webhook path of /healthz would otherwise never see an update.
            self._apps[settings.port] = _App([webhook, *observe])
        self._servers: list[HTTPServer] = []

    def start(self) -> None:
        """Listen on every port; raises OSError when one is taken."""
        for port, app in self._apps.items():
            server = HTTPServer(app)
            server.listen(port, address=LISTEN)
            self._servers.append(server)
            log.info("serving /healthz and /metrics on port %s", port)

    async def stop(self) -> None:
        """Stop listening and close the open connections."""
        servers, self._servers = self._servers, []
        for server in servers:
            server.stop()
            await server.close_all_connections()
