"""The Bot API method table: dispatch, fault injection, flood control, and the methods about
the bot itself (getMe, updates, webhook, commands, chats, callback queries).

Message and file methods live in ``sending``; this module answers every request,
records it as a ``Call`` and turns a breach of the contract into a violation.
"""

import asyncio
import json
import re
import time
from typing import Any
from urllib.parse import urlsplit

from tests.fakes.telegram.chats import FakeChat
from tests.fakes.telegram.native import NativeFeatures
from tests.fakes.telegram.params import Params, Upload, decode_params
from tests.fakes.telegram.sending import Handler, Messaging
from tests.fakes.telegram.state import ApiError, Call, FakeState

__all__ = ["BotApi"]

_FLOOD_COUNTED = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendVideo",
        "sendDocument",
        "sendAudio",
        "sendVoice",
        "sendAnimation",
        "sendMediaGroup",
        "sendChatAction",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_WEBHOOK_PORTS = (443, 80, 88, 8443)
_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


class BotApi:
    """Answers Bot API requests against the fake's state."""

    def __init__(self, state: FakeState) -> None:
        self.state = state
        self.native = NativeFeatures(state)
        table: dict[str, Handler] = {
            "getMe": self.get_me,
            "logOut": self.acknowledge,
            "close": self.acknowledge,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "answerCallbackQuery": self.answer_callback_query,
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
            "getChatAdministrators": self.get_chat_administrators,
            "getChatMemberCount": self.get_chat_member_count,
            "leaveChat": self.leave_chat,
            **Messaging(state).handlers(),
            **self.native.handlers(),
        }
        # Bot API method names are case-insensitive.
        self._methods = {name.lower(): (name, handler) for name, handler in table.items()}

    def method_name(self, method: str) -> str | None:
        """The canonical spelling of a known method, or None."""
        entry = self._methods.get(method.lower())
        return entry[0] if entry else None

    async def call(
        self, method: str, raw: dict[str, Any], uploads: dict[str, Upload]
    ) -> tuple[int, dict[str, Any]]:
        """Answer one request: (HTTP status, JSON body). Never raises ApiError."""
        name, handler = self._methods[method.lower()]
        arrived = time.monotonic()
        fault = self.state.take_fault(name)
        values: dict[str, Any] = {}
        try:
            values = decode_params(raw)
            if fault is not None and fault.error is not None:
                raise fault.error
            result = await self._run(name, handler, Params(values, uploads))
            status, body = 200, {"ok": True, "result": result}
        except ApiError as error:
            if error.violation:
                self.state.violate(f"{name}: {error.violation}")
            status, body = error.status, error.body()
        files = {field: upload.summary() for field, upload in uploads.items()}
        self.state.record(Call(name, values or raw, files, arrived, status))
        if fault is not None and fault.delay:
            # The work is done and recorded: a slow answer still delivered the message.
            await asyncio.sleep(fault.delay)
        return status, body

    async def _run(self, name: str, handler: Handler, p: Params) -> Any:
        chat_id = p.get("chat_id")
        counted = name in _FLOOD_COUNTED and isinstance(chat_id, int)
        if counted and (retry_after := self.state.flood_retry_after(chat_id)) is not None:
            raise ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                parameters={"retry_after": retry_after},
            )
        result = await handler(p)
        if counted:
            self.state.count_flood(chat_id, len(result) if isinstance(result, list) else 1)
        return result

    # --- the bot --------------------------------------------------------------------------

    async def get_me(self, p: Params) -> dict:
        return {
            **self.state.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": self.state.can_read_all_group_messages,
            "supports_inline_queries": self.state.supports_inline_queries,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def acknowledge(self, p: Params) -> bool:
        return True

    # --- updates --------------------------------------------------------------------------

    async def get_updates(self, p: Params) -> list[dict]:
        """Long polling: confirm below ``offset``, hold up to ``timeout`` s, newest poll wins."""
        state = self.state
        with state.lock:
            if state.webhook.url:
                raise ApiError(409, _WEBHOOK_ACTIVE, violation="getUpdates while a webhook is set")
            if p.get("allowed_updates") is not None:
                state.allowed_updates = p.get("allowed_updates")
            state.poll_generation += 1
            generation = state.poll_generation
            state.changes.notify()  # an older poll still waiting now gets its 409
        state.confirm(p.get("offset", 0))
        limit = min(max(p.get("limit", 100), 1), 100)
        timeout = max(p.get("timeout", 0), 0)

        def ready() -> bool:
            superseded = generation != state.poll_generation
            return state.closing or superseded or bool(state.deliverable(state.allowed_updates))

        await state.changes.wait_async(ready, timeout)
        with state.lock:
            if generation != state.poll_generation:
                raise ApiError(409, _CONFLICT)
            return state.deliverable(state.allowed_updates)[:limit]

    async def set_webhook(self, p: Params) -> bool:
        url = p.get("url", "")
        if url:
            self._check_webhook_url(url)
        secret = p.get("secret_token")
        if secret is not None and not _SECRET.fullmatch(secret):
            raise ApiError(
                400,
                "Bad Request: secret token contains unallowed characters",
                violation=f"secret_token must be 1-256 of A-Z a-z 0-9 _ -, got {secret!r}",
            )
        with self.state.lock:
            webhook = self.state.webhook
            webhook.url, webhook.secret_token = url, secret
            webhook.max_connections = p.get("max_connections", 40)
            if p.get("allowed_updates") is not None:
                self.state.allowed_updates = p.get("allowed_updates")
            if p.get("drop_pending_updates"):
                self.state.updates.clear()
            self.state.changes.notify()
        return True

    def _check_webhook_url(self, url: str) -> None:
        parts = urlsplit(url)
        if self.state.local_mode:
            problem = None if parts.scheme in ("http", "https") else "must be http(s)"
        elif parts.scheme != "https":
            problem = "An HTTPS URL must be provided for webhook"
        elif (parts.port or 443) not in _WEBHOOK_PORTS:
            problem = "Webhook can be set up only on ports 80, 88, 443 or 8443"
        else:
            problem = None
        if problem:
            raise ApiError(
                400, f"Bad Request: bad webhook: {problem}", violation=f"webhook {url}: {problem}"
            )

    async def delete_webhook(self, p: Params) -> bool:
        with self.state.lock:
            self.state.webhook.url, self.state.webhook.secret_token = "", None
            if p.get("drop_pending_updates"):
                self.state.updates.clear()
            self.state.changes.notify()
        return True

    async def get_webhook_info(self, p: Params) -> dict:
        with self.state.lock:
            webhook = self.state.webhook
            info: dict[str, Any] = {
                "url": webhook.url,
                "has_custom_certificate": False,
                "pending_update_count": len(self.state.updates),
            }
            if webhook.url:
                info["max_connections"] = webhook.max_connections
                if self.state.allowed_updates:
                    info["allowed_updates"] = self.state.allowed_updates
            if webhook.last_error_date:
                info["last_error_date"] = webhook.last_error_date
                info["last_error_message"] = webhook.last_error_message
            return info

    # --- commands -------------------------------------------------------------------------

    async def set_my_commands(self, p: Params) -> bool:
        commands = p.require("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(
                400, "Bad Request: BOT_COMMANDS_TOO_MUCH", violation="commands: 0-100 items"
            )
        for command in commands:
            _check_command(command)
        with self.state.lock:
            self.state.commands[self._commands_key(p)] = commands
        return True

    async def get_my_commands(self, p: Params) -> list[dict]:
        with self.state.lock:
            return list(self.state.commands.get(self._commands_key(p), []))

    async def delete_my_commands(self, p: Params) -> bool:
        with self.state.lock:
            self.state.commands.pop(self._commands_key(p), None)
        return True

    def _commands_key(self, p: Params) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
            raise ApiError(
                400, "Bad Request: wrong scope type specified", violation=f"bad scope {scope!r}"
            )
        if "chat_id" in scope:
            self.state.chat_for_bot(scope["chat_id"])
        language = p.get("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise ApiError(
                400,
                "Bad Request: invalid language code specified",
                violation=f"language_code must be two lowercase letters, got {language!r}",
            )
        return json.dumps(scope, sort_keys=True), language

    # --- callback queries and chats -------------------------------------------------------

    async def answer_callback_query(self, p: Params) -> bool:
        query_id = str(p.require("callback_query_id"))
        with self.state.lock:
            answered = self.state.callback_queries.get(query_id)
            if answered is None or answered:
                raise ApiError(
                    400,
                    "Bad Request: query is too old and response timeout expired or query ID "
                    "is invalid",
                    violation=f"callback query {query_id} is unknown or already answered",
                )
            self.state.callback_queries[query_id] = True
        return True

    async def get_chat(self, p: Params) -> dict:
        chat = self.state.chat_for_bot(p.require("chat_id"))
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        return {
            **chat.as_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys((*gifts, "gifts_from_channels"), False),
        }

    async def get_chat_member(self, p: Params) -> dict:
        chat = self.state.chat_for_bot(p.require("chat_id"))
        user_id = p.require("user_id")
        with self.state.lock:
            if user_id == self.state.bot_id:
                return self.state.member_dict(self.state.bot_user(), chat.bot_status)
            user = self.state.users.get(user_id)
            if user is None:
                raise ApiError(
                    400, "Bad Request: user not found", violation=f"unknown user_id {user_id}"
                )
            return self.state.member_dict(user.as_dict(), chat.statuses.get(user_id, "left"))

    async def get_chat_administrators(self, p: Params) -> list[dict]:
        chat = self._group(p)
        with self.state.lock:
            admins = [
                self.state.member_dict(chat.members[uid].as_dict(), status)
                for uid, status in chat.statuses.items()
                if status in ("creator", "administrator")
            ]
            if chat.bot_status == "administrator":
                admins.append(self.state.member_dict(self.state.bot_user(), "administrator"))
            return admins

    async def get_chat_member_count(self, p: Params) -> int:
        chat = self.state.chat_for_bot(p.require("chat_id"))
        with self.state.lock:
            people = sum(status != "left" for status in chat.statuses.values())
            return people + 1  # the bot, which chat_for_bot proved is a member

    async def leave_chat(self, p: Params) -> bool:
        self.state.set_member_status(self._group(p), "left", None)
        return True

    def _group(self, p: Params) -> FakeChat:
        chat = self.state.chat_for_bot(p.require("chat_id"))
        if chat.type == "private":
            raise ApiError(
                400,
                "Bad Request: method is available only for groups",
                violation=f"chat {chat.id} is a private chat",
            )
        return chat


def _check_command(command: Any) -> None:
    """Telegram's rules: 1-32 of a-z 0-9 _ (so no '/新建'), description 1-256 characters."""
    name = command.get("command", "") if isinstance(command, dict) else ""
    if not _COMMAND.fullmatch(name):
        raise ApiError(
            400, "Bad Request: BOT_COMMAND_INVALID", violation=f"invalid command {command!r}"
        )
    if not 1 <= len(command.get("description", "")) <= 256:
        raise ApiError(
            400,
            "Bad Request: command description is empty",
            violation=f"command {name!r} needs a 1-256 character description",
        )
