"""The fake Bot API's world: chats, messages, pending updates, files, calls and breaches.

One re-entrant lock guards all of it, because three kinds of thread touch it: the server's
event loop (the bot's requests), the test (people acting, assertions) and the test's own
event loop (async waiting). Nothing awaits while holding the lock. ``Changes`` wakes every
kind of waiter after a change, so nobody polls.
"""

import asyncio
import contextlib
import copy
import itertools
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fakes.telegram.chats import MEMBER_STATUSES, FakeChat, FakeUser, Media
from tests.fakes.telegram.files import FileStore, photo_variants

__all__ = ["ApiError", "Call", "Changes", "FakeState", "Fault"]

_SERVICE_KEYS = (
    "new_chat_members",
    "left_chat_member",
    "new_chat_title",
    "group_chat_created",
    "supergroup_chat_created",
    "migrate_to_chat_id",
    "migrate_from_chat_id",
    "pinned_message",
)
# Telegram's default when allowed_updates was never set, or set to [].
_DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_FLOOD_WINDOW = 60.0
_FLOOD_GROUP_LIMIT = 20


class ApiError(Exception):
    """A Bot API error answer. ``violation`` says how the request broke the contract; it is
    None for answers a correct bot must still handle (429, "file is too big", 413...)."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        parameters: dict[str, Any] | None = None,
        violation: str | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters
        self.violation = violation

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class Call:
    """One request the bot made: decoded parameters, uploaded files, when, and the answer."""

    method: str
    params: dict[str, Any]
    files: dict[str, dict[str, Any]]
    at: float
    status: int


@dataclass
class Fault:
    """An injected answer for the next request to a method; ``delay`` only slows it."""

    error: ApiError | None = None
    delay: float = 0.0


class Changes:
    """The single lock, and wake-ups for sync (Condition) and async (Event) waiters."""

    def __init__(self) -> None:
        self.lock = threading.Condition(threading.RLock())
        self._async_waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()

    def notify(self) -> None:
        with self.lock:
            self.lock.notify_all()
            for loop, event in self._async_waiters:
                # The waiter's loop may just have closed; it has stopped waiting then.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(event.set)

    def wait_sync(self, predicate: Callable[[], Any], timeout: float) -> Any:
        """Block until ``predicate()`` is truthy; return its last value (falsy on timeout)."""
        with self.lock:
            return self.lock.wait_for(predicate, timeout)

    async def wait_async(
        self,
        predicate: Callable[[], Any],
        timeout: float | None,  # noqa: ASYNC109 (the deadline spans many waits)
    ) -> Any:
        """Await until ``predicate()`` is truthy, without blocking the caller's loop."""
        loop = asyncio.get_running_loop()
        waiter = (loop, asyncio.Event())
        deadline = None if timeout is None else loop.time() + timeout
        with self.lock:
            self._async_waiters.add(waiter)
        try:
            while True:
                waiter[1].clear()
                with self.lock:
                    result = predicate()
                remaining = None if deadline is None else deadline - loop.time()
                if result or (remaining is not None and remaining <= 0):
                    return result
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(waiter[1].wait(), remaining)
        finally:
            with self.lock:
                self._async_waiters.discard(waiter)


@dataclass
class _Webhook:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class FakeState:
    """Everything the fake knows. Public methods take the (re-entrant) lock themselves."""

    token: str
    username: str
    first_name: str
    can_read_all_group_messages: bool
    local_mode: bool
    enforce_flood_limits: bool
    workdir: Path
    changes: Changes = field(default_factory=Changes)
    chats: dict[int, FakeChat] = field(default_factory=dict)
    users: dict[int, FakeUser] = field(default_factory=dict)
    chat_messages: dict[int, dict[int, dict]] = field(default_factory=dict)
    updates: list[dict] = field(default_factory=list)
    allowed_updates: list[str] | None = None
    poll_generation: int = 0
    closing: bool = False
    webhook: _Webhook = field(default_factory=_Webhook)
    commands: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    faults: dict[str, deque[Fault]] = field(default_factory=dict)
    flood: dict[int, list[float]] = field(default_factory=dict)
    callback_queries: dict[str, bool] = field(default_factory=dict)
    supports_inline_queries: bool = False

    def __post_init__(self) -> None:
        self.lock = self.changes.lock
        self.bot_id = int(self.token.split(":", 1)[0])
        self.files = FileStore(self.workdir)
        self._user_ids = itertools.count(1_000_001)
        self._group_ids = itertools.count(-4_000_000_001, -1)
        self._supergroup_ids = itertools.count(-1_001_000_000_001, -1)
        self._update_ids = itertools.count(500_000_001)
        self._query_ids = itertools.count(4_242_000_000_000_000_001)

    # --- the bot --------------------------------------------------------------------------

    def bot_user(self) -> dict[str, Any]:
        """The bot as it appears in ``from`` fields and chat member lists."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    # --- people and chats -----------------------------------------------------------------

    def new_user(
        self, first_name: str, language_code: str | None, username: str | None
    ) -> FakeUser:
        with self.lock:
            user = FakeUser(next(self._user_ids), first_name, language_code, username)
            self.users[user.id] = user
            return user

    def new_chat(
        self, chat_type: str, title: str | None, owner: FakeUser, with_bot: bool
    ) -> FakeChat:
        with self.lock:
            if chat_type == "private" and owner.id in self.chats:
                return self.chats[owner.id]  # one private chat per person, as on Telegram
            if chat_type == "private":
                chat_id = owner.id
            elif chat_type == "group":
                chat_id = next(self._group_ids)
            else:
                chat_id = next(self._supergroup_ids)
            chat = FakeChat(self, chat_id, chat_type, title=title, owner=owner)
            chat.bot_status = "member" if with_bot else "left"
            self.chats[chat_id] = chat
            self.chat_messages[chat_id] = {}
            return chat

    def chat_for_bot(self, chat_id: Any) -> FakeChat:
        """The chat a bot request names, or Telegram's answer when it cannot be used."""
        with self.lock:
            chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError(
                400, "Bad Request: chat not found", violation=f"unknown chat_id {chat_id!r}"
            )
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                parameters={"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.bot_status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        return chat

    def set_member_status(self, chat: FakeChat, status: str, user: FakeUser | None) -> None:
        """Change a status and tell the bot, as Telegram does with (my_)chat_member."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {MEMBER_STATUSES}, not {status!r}")
        if chat.type == "private":
            raise ValueError("member statuses exist only in groups")
        with self.lock:
            if user is None:
                old, chat.bot_status = chat.bot_status, status
                subject, kind = self.bot_user(), "my_chat_member"
            else:
                chat.members.setdefault(user.id, user)
                old, chat.statuses[user.id] = chat.statuses.get(user.id, "left"), status
                subject, kind = user.as_dict(), "chat_member"
            self._queue(kind, self._member_update(chat, chat.owner, subject, old, status))

    def member_dict(self, user: dict[str, Any], status: str) -> dict[str, Any]:
        """A ChatMember object with the fields PTB requires for that status."""
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
            member.update(dict.fromkeys(_ADMIN_DENIED, False))
        return member

    def _member_update(
        self, chat: FakeChat, actor: FakeUser, subject: dict, old: str, new: str
    ) -> dict[str, Any]:
        return {
            "chat": chat.as_dict(),
            "from": actor.as_dict(),
            "date": int(time.time()),
            "old_chat_member": self.member_dict(subject, old),
            "new_chat_member": self.member_dict(subject, new),
        }

    # --- files ----------------------------------------------------------------------------

    def register(
        self, kind: str, data: Media, file_size: int | None, file_name: str | None
    ) -> dict[str, Any]:
        """Store a person's file; returns the file_id / file_unique_id / file_size trio."""
        with self.lock:
            stored = self.files.add(
                kind,
                data=data if isinstance(data, bytes) else None,
                path=data if isinstance(data, Path) else None,
                size=file_size,
                file_name=file_name,
            )
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }

    def register_photo(self, data: bytes | Path) -> list[dict[str, Any]]:
        """Store the PhotoSize ladder Telegram makes from a photo, largest last."""
        content = data.read_bytes() if isinstance(data, Path) else data
        sizes = []
        for variant, width, height in photo_variants(content):
            stored = self.register("photo", variant, None, None)
            sizes.append({**stored, "width": width, "height": height})
        return sizes

    # --- messages -------------------------------------------------------------------------

    def message(self, chat_id: int, message_id: int) -> dict | None:
        """The live message (mutate it only with the lock held), or None if deleted."""
        with self.lock:
            return self.chat_messages.get(chat_id, {}).get(message_id)

    def new_message(
        self, chat: FakeChat, sender: dict, content: dict, reply_to: dict | None
    ) -> dict[str, Any]:
        """Store a message as the chat shows it; returns the live dict."""
        with self.lock:
            chat.last_message_id += 1
            message: dict[str, Any] = {
                "message_id": chat.last_message_id,
                "from": sender,
                "chat": chat.as_dict(),
                "date": int(time.time()),
            }
            if reply_to is not None:
                quoted = copy.deepcopy(reply_to)
                quoted.pop("reply_to_message", None)
                message["reply_to_message"] = quoted
            message.update(content)
            self.chat_messages[chat.id][message["message_id"]] = message
            return message

    def open_topic(self, chat: FakeChat, name: str) -> int:
        """A forum topic opens with a service message whose id becomes the thread's."""
        with self.lock:
            if not chat.is_forum:
                raise ValueError(f"{chat} is not a forum")
            created = {"forum_topic_created": {"name": name, "icon_color": 7322096}}
            message = self.new_message(chat, chat.owner.as_dict(), created, None)
            thread = message["message_id"]
            message.update({"message_thread_id": thread, "is_topic_message": True})
            chat.topics[thread] = name
            return thread

    def post_from_person(
        self, chat: FakeChat, sender: FakeUser, content: dict, reply_to: dict | int | None
    ) -> dict:
        """A person's message: shown in the chat, delivered if the bot may see it."""
        with self.lock:
            if chat.migrated_to is not None:
                raise ValueError(f"{chat} became supergroup {chat.migrated_to}; post there")
            if chat.type == "private" and sender != chat.owner:
                raise ValueError(f"only {chat.owner.first_name} writes in {chat}")
            if chat.type != "private":
                chat.members.setdefault(sender.id, sender)
                chat.statuses.setdefault(sender.id, "member")
            target = None
            if reply_to is not None:
                target_id = reply_to["message_id"] if isinstance(reply_to, dict) else reply_to
                target = self.message(chat.id, target_id)
                if target is None:
                    raise ValueError(f"no message {target_id} to reply to in {chat}")
            message = self.new_message(chat, sender.as_dict(), content, target)
            if self._bot_sees(chat, message):
                self._queue("message", message)
            self.changes.notify()
            return copy.deepcopy(message)

    def _bot_sees(self, chat: FakeChat, message: dict) -> bool:
        """Privacy mode (core.telegram.org/bots/features#privacy-mode).

        Unverified corner: a command in a photo's caption is treated like one in a text.
        """
        if chat.bot_status == "left":
            return False
        if chat.type == "private" or self.can_read_all_group_messages:
            return True
        if chat.bot_status in ("administrator", "creator"):
            return True
        if any(key in message for key in _SERVICE_KEYS):
            return True
        if message.get("reply_to_message", {}).get("from", {}).get("id") == self.bot_id:
            return True
        return self._addresses_bot(message)

    def _addresses_bot(self, message: dict) -> bool:
        text = message.get("text", message.get("caption", ""))
        entities = message.get("entities", message.get("caption_entities", []))
        encoded = text.encode("utf-16-le")
        for entity in entities:
            if entity["type"] != "bot_command":
                continue
            start, end = 2 * entity["offset"], 2 * (entity["offset"] + entity["length"])
            _, _, target = encoded[start:end].decode("utf-16-le").partition("@")
            if not target or target.lower() == self.username.lower():
                return True
        return False

    def press_button(
        self, chat: FakeChat, message: dict | int, callback_data: str, sender: FakeUser
    ) -> dict:
        with self.lock:
            message_id = message["message_id"] if isinstance(message, dict) else message
            live = self.message(chat.id, message_id)
            if live is None:
                raise ValueError(f"message {message_id} is not shown in {chat}")
            buttons = live.get("reply_markup", {}).get("inline_keyboard", [])
            if not any(b.get("callback_data") == callback_data for row in buttons for b in row):
                raise ValueError(f"message {message_id} has no button with {callback_data!r}")
            query = {
                "id": str(next(self._query_ids)),
                "from": sender.as_dict(),
                "message": copy.deepcopy(live),
                "chat_instance": str(abs(chat.id) * 7919),
                "data": callback_data,
            }
            self.callback_queries[query["id"]] = False
            self._queue("callback_query", query)
            self.changes.notify()
            return copy.deepcopy(query)

    def add_bot(self, chat: FakeChat, adder: FakeUser) -> dict:
        if chat.type == "private" or chat.bot_status != "left":
            raise ValueError(f"the bot is already in {chat}; create it with with_bot=False")
        with self.lock:
            chat.bot_status = "member"
            update = self._member_update(chat, adder, self.bot_user(), "left", "member")
            self._queue("my_chat_member", update)
        return self.post_from_person(chat, adder, {"new_chat_members": [self.bot_user()]}, None)

    def migrate(self, chat: FakeChat) -> FakeChat:
        if chat.type != "group" or chat.migrated_to is not None:
            raise ValueError(f"only a basic group can be upgraded, not {chat}")
        with self.lock:
            new = self.new_chat("supergroup", chat.title, chat.owner, True)
            new.members, new.statuses = dict(chat.members), dict(chat.statuses)
            new.bot_status = chat.bot_status
            self.post_from_person(chat, chat.owner, {"migrate_to_chat_id": new.id}, None)
            chat.migrated_to = new.id
            self.post_from_person(new, chat.owner, {"migrate_from_chat_id": chat.id}, None)
            return new

    # --- updates --------------------------------------------------------------------------

    def queue_update(self, kind: str, payload: dict) -> None:
        """Queue an update of ``kind`` for the bot (one a person's action caused)."""
        self._queue(kind, payload)

    def _queue(self, kind: str, payload: dict) -> None:
        self.updates.append({"update_id": next(self._update_ids), kind: copy.deepcopy(payload)})
        self.changes.notify()

    def confirm(self, offset: int) -> None:
        """Forget updates below ``offset``; a negative one keeps only the last -offset."""
        with self.lock:
            if offset < 0:
                del self.updates[:offset]
            else:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def deliverable(self, allowed: list[str] | None) -> list[dict]:
        """Pending updates of allowed types; the others are dropped, as Telegram does."""
        with self.lock:
            self.updates = [u for u in self.updates if _is_allowed(u, allowed)]
            return copy.deepcopy(self.updates)

    # --- flood control --------------------------------------------------------------------

    def flood_retry_after(self, chat_id: int) -> int | None:
        """Seconds to wait if one more message would break the group limit, else None."""
        if not self.enforce_flood_limits or chat_id >= 0:
            return None
        now = time.monotonic()
        with self.lock:
            recent = [t for t in self.flood.get(chat_id, []) if t > now - _FLOOD_WINDOW]
            if len(recent) < _FLOOD_GROUP_LIMIT:
                return None
            return max(1, math.ceil(recent[-_FLOOD_GROUP_LIMIT] + _FLOOD_WINDOW - now))

    def count_flood(self, chat_id: int, weight: int) -> None:
        with self.lock:
            self.flood.setdefault(chat_id, []).extend([time.monotonic()] * weight)

    def peak_rate(self, chat_id: int, window: float) -> int:
        """The most messages counted for ``chat_id`` within any ``window`` seconds."""
        with self.lock:
            stamps = sorted(self.flood.get(chat_id, []))
        best, start = 0, 0
        for end, stamp in enumerate(stamps):
            while stamp - stamps[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    # --- faults and breaches --------------------------------------------------------------

    def add_fault(self, method: str, fault: Fault, times: int) -> None:
        with self.lock:
            self.faults.setdefault(method.lower(), deque()).extend([fault] * times)

    def take_fault(self, method: str) -> Fault | None:
        with self.lock:
            queue = self.faults.get(method.lower())
            return queue.popleft() if queue else None

    def violate(self, text: str) -> None:
        with self.lock:
            self.violations.append(text)
            self.changes.notify()

    def record(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)
            self.changes.notify()


_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
)
_ADMIN_DENIED = (
    "can_be_edited",
    "is_anonymous",
    "can_promote_members",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)


def _is_allowed(update: dict, allowed: list[str] | None) -> bool:
    kind = next(key for key in update if key != "update_id")
    return kind in allowed if allowed else kind not in _DEFAULT_EXCLUDED
