"""Telegram's newer ways to speak: drafts, reactions, inline answers, the bot's profile,
and the pictures a video carries (thumbnail and cover).

Each method checks what Telegram checks, so a bot that streams a draft into a group,
reacts with an emoji Telegram does not offer, answers an inline query late or sends a
400 kB thumbnail is caught here rather than by its users.
"""

import copy
import io
import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, UnidentifiedImageError

from tests.fakes.telegram.chats import FakeChat, FakeUser
from tests.fakes.telegram.params import Params, Upload
from tests.fakes.telegram.state import ApiError, FakeState

__all__ = ["ALLOWED_REACTIONS", "Draft", "InlineQuery", "NativeFeatures", "video_pictures"]

# The emoji a bot may react with (core.telegram.org/bots/api#reactiontypeemoji).
ALLOWED_REACTIONS = frozenset(
    [
        "👍",
        "👎",
        "❤",
        "🔥",
        "🥰",
        "👏",
        "😁",
        "🤔",
        "🤯",
        "😱",
        "🤬",
        "😢",
        "🎉",
        "🤩",
        "🤮",
        "💩",
        "🙏",
        "👌",
        "🕊",
        "🤡",
        "🥱",
        "🥴",
        "😍",
        "🐳",
        "❤️\u200d🔥",
        "🌚",
        "🌭",
        "💯",
        "🤣",
        "⚡",
        "🍌",
        "🏆",
        "💔",
        "🤨",
        "😐",
        "🍓",
        "🍾",
        "💋",
        "🖕",
        "😈",
        "😴",
        "😭",
        "🤓",
        "👻",
        "👨\u200d💻",
        "👀",
        "🎃",
        "🙈",
        "😇",
        "😨",
        "🤝",
        "✍",
        "🤗",
        "🫡",
        "🎅",
        "🎄",
        "☃",
        "💅",
        "🤪",
        "🗿",
        "🆒",
        "💘",
        "🙉",
        "🦄",
        "😘",
        "💊",
        "🙊",
        "😎",
        "👾",
        "🤷\u200d♂️",
        "🤷",
        "🤷\u200d♀️",
        "😡",
    ]
)
INLINE_ANSWER_SECONDS = 10.0
MAX_INLINE_RESULTS = 50
THUMBNAIL_MAX_BYTES = 200 * 1024
THUMBNAIL_MAX_SIDE = 320
MAX_DESCRIPTION = 512
MAX_SHORT_DESCRIPTION = 120
_MAX_DRAFT = 4096
_query_ids = itertools.count(7_700_000_000_000_000_001)


@dataclass(frozen=True)
class Draft:
    """One sendMessageDraft: what the person saw being written, and when."""

    chat_id: int
    draft_id: int
    text: str
    at: float


@dataclass
class InlineQuery:
    """A query a person typed after the bot's @username, and the bot's answer if any."""

    id: str
    user: FakeUser
    query: str
    at: float
    results: list[dict] | None = None
    answer: dict[str, Any] = field(default_factory=dict)


class NativeFeatures:
    """The methods, and what they left behind for tests to read."""

    def __init__(self, state: FakeState) -> None:
        self.state = state
        self._drafts: list[Draft] = []
        self._reactions: dict[tuple[int, int], list[str]] = {}
        self._queries: dict[str, InlineQuery] = {}
        self._descriptions: dict[tuple[str, str], str] = {}

    def handlers(self) -> dict[str, Any]:
        return {
            "sendMessageDraft": self.send_message_draft,
            "setMessageReaction": self.set_message_reaction,
            "answerInlineQuery": self.answer_inline_query,
            "setMyDescription": self.set_my_description,
            "getMyDescription": self.get_my_description,
            "setMyShortDescription": self.set_my_short_description,
            "getMyShortDescription": self.get_my_short_description,
        }

    # --- what tests read and do -----------------------------------------------------------

    def drafts(self, chat: FakeChat | int) -> list[Draft]:
        """Every draft sent to ``chat``, oldest first."""
        chat_id = chat.id if isinstance(chat, FakeChat) else chat
        with self.state.lock:
            return [draft for draft in self._drafts if draft.chat_id == chat_id]

    def reactions(self, chat: FakeChat | int) -> dict[int, list[str]]:
        """The bot's reaction on each message of ``chat``, by message id."""
        chat_id = chat.id if isinstance(chat, FakeChat) else chat
        with self.state.lock:
            return {
                message_id: list(emoji)
                for (in_chat, message_id), emoji in self._reactions.items()
                if in_chat == chat_id and emoji
            }

    def description(self, language_code: str = "", *, short: bool = False) -> str:
        """The (short) description set for ``language_code`` ("" for every language)."""
        with self.state.lock:
            return self._descriptions.get((_kind(short), language_code), "")

    def inline_query(self, user: FakeUser, query: str) -> str:
        """``user`` types ``@bot query`` in some chat; returns the query's id."""
        with self.state.lock:
            entry = InlineQuery(str(next(_query_ids)), user, query, time.monotonic())
            self._queries[entry.id] = entry
            payload = {"id": entry.id, "from": user.as_dict(), "query": query, "offset": ""}
            self.state.queue_update("inline_query", payload)
            return entry.id

    def inline_answer(self, query_id: str) -> list[dict] | None:
        """The results the bot answered ``query_id`` with, or None while unanswered."""
        with self.state.lock:
            results = self._queries[query_id].results
            return None if results is None else copy.deepcopy(results)

    # --- methods --------------------------------------------------------------------------

    async def send_message_draft(self, p: Params) -> bool:
        """Drafts exist only in private chats, under a non-zero id the bot picks."""
        chat = self.state.chat_for_bot(p.require("chat_id"))
        if chat.type != "private":
            raise ApiError(
                400,
                "Bad Request: TEXTDRAFT_PEER_INVALID",
                violation=f"sendMessageDraft to {chat}: drafts are for private chats only",
            )
        draft_id = p.get("draft_id")
        if not isinstance(draft_id, int) or draft_id == 0:
            raise ApiError(
                400,
                "Bad Request: draft_id must be non-zero",
                violation=f"draft_id must be a non-zero integer, got {draft_id!r}",
            )
        text = str(p.require("text"))
        if not text.strip() or len(text) > _MAX_DRAFT:
            raise ApiError(
                400,
                "Bad Request: text must be 1-4096 characters",
                violation=f"draft of {len(text)} characters",
            )
        with self.state.lock:
            self._drafts.append(Draft(chat.id, draft_id, text, time.monotonic()))
            self.state.changes.notify()
        return True

    async def set_message_reaction(self, p: Params) -> bool:
        """One emoji from Telegram's list, on a message that exists: that is all a bot gets."""
        chat = self.state.chat_for_bot(p.require("chat_id"))
        message_id = p.require("message_id")
        reaction = p.get("reaction") or []
        if not isinstance(reaction, list) or len(reaction) > 1:
            raise ApiError(
                400,
                "Bad Request: REACTIONS_TOO_MANY",
                violation=f"a bot sets at most one reaction, got {reaction!r:.80}",
            )
        emoji = [_emoji(item) for item in reaction]
        with self.state.lock:
            if self.state.message(chat.id, message_id) is None:
                raise ApiError(
                    400,
                    "Bad Request: message to react not found",
                    violation=f"reaction on message {message_id}, which {chat} does not show",
                )
            self._reactions[(chat.id, message_id)] = emoji
            self.state.changes.notify()
        return True

    async def answer_inline_query(self, p: Params) -> bool:
        """Within 10 s of the query, at most 50 results, each a file Telegram has."""
        query_id = str(p.require("inline_query_id"))
        results = p.require("results")
        if not isinstance(results, list) or len(results) > MAX_INLINE_RESULTS:
            raise ApiError(
                400,
                "Bad Request: RESULTS_TOO_MUCH",
                violation=f"at most {MAX_INLINE_RESULTS} inline results, got {len(results)}",
            )
        with self.state.lock:
            query = self._queries.get(query_id)
            late = query is not None and time.monotonic() - query.at > INLINE_ANSWER_SECONDS
            if query is None or query.results is not None or late:
                raise ApiError(
                    400,
                    "Bad Request: query is too old and response timeout expired or query ID "
                    "is invalid",
                    violation=f"inline query {query_id} is unknown, answered or over 10 s old",
                )
            for result in results:
                self._check_result(result, results)
            query.results = copy.deepcopy(results)
            query.answer = {key: p.get(key) for key in ("cache_time", "is_personal")}
            self.state.changes.notify()
        return True

    def _check_result(self, result: Any, results: list) -> None:
        if not isinstance(result, dict) or not 1 <= len(str(result.get("id", ""))) <= 64:
            raise _result_error(f"result {result!r:.80} needs an id of 1-64 bytes")
        if sum(other.get("id") == result["id"] for other in results) > 1:
            raise _result_error(f"result id {result['id']!r} is not unique")
        if result.get("type") == "video" and "video_file_id" in result:
            stored = self.state.files.get(result["video_file_id"])
            if stored is None or stored.kind != "video":
                raise _result_error(f"video_file_id {result['video_file_id']!r} is no video")
            if not result.get("title"):
                raise _result_error("a cached video result needs a title")

    async def set_my_description(self, p: Params) -> bool:
        return self._describe(p, short=False)

    async def set_my_short_description(self, p: Params) -> bool:
        return self._describe(p, short=True)

    async def get_my_description(self, p: Params) -> dict:
        return {"description": self.description(_language(p))}

    async def get_my_short_description(self, p: Params) -> dict:
        return {"short_description": self.description(_language(p), short=True)}

    def _describe(self, p: Params, *, short: bool) -> bool:
        text = p.get("short_description" if short else "description") or ""
        limit = MAX_SHORT_DESCRIPTION if short else MAX_DESCRIPTION
        if len(text) > limit:
            raise ApiError(
                400,
                "Bad Request: description is too long",
                violation=f"{_kind(short)} of {len(text)} characters exceeds {limit}",
            )
        with self.state.lock:
            self._descriptions[(_kind(short), _language(p))] = text
        return True


def video_pictures(state: FakeState, p: Params) -> dict[str, Any]:
    """The ``thumbnail`` and ``cover`` of a sent video, checked as Telegram checks them.

    A thumbnail is uploaded with the video, never reused by file_id: JPEG, at most 200 kB,
    at most 320 px a side. A cover is any photo.
    """
    pictures: dict[str, Any] = {}
    thumbnail = _attached(p, "thumbnail")
    if thumbnail is not None:
        data = thumbnail.path.read_bytes()
        image = _image(data, "thumbnail")
        if image.format != "JPEG" or len(data) > THUMBNAIL_MAX_BYTES:
            detail = f"thumbnail must be a JPEG of ≤ 200 kB: {image.format}, {len(data)} B"
            raise _picture_error(detail)
        if max(image.size) > THUMBNAIL_MAX_SIDE:
            raise _picture_error(f"thumbnail of {image.size} is over 320 px a side")
        stored = state.register("photo", data, None, None)
        pictures["thumbnail"] = {**stored, "width": image.width, "height": image.height}
    cover = _attached(p, "cover")
    if cover is not None:
        data = cover.path.read_bytes()
        _image(data, "cover")
        pictures["cover"] = state.register_photo(data)
    return pictures


def _attached(p: Params, name: str) -> Upload | None:
    value = p.get(name)
    if value is None:
        return p.uploads.get(name)
    if isinstance(value, str) and value.startswith("attach://"):
        upload = p.uploads.get(value.removeprefix("attach://"))
        if upload is not None:
            return upload
    raise _picture_error(f"{name} {value!r:.60} must be uploaded with the video")


def _image(data: bytes, name: str) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return image
    except (UnidentifiedImageError, OSError) as exc:
        raise _picture_error(f"{name} is not an image: {exc}") from exc


def _emoji(item: Any) -> str:
    if not isinstance(item, dict) or item.get("type") != "emoji":
        raise ApiError(
            400, "Bad Request: REACTION_INVALID", violation=f"reaction {item!r:.80} is no emoji"
        )
    if item.get("emoji") not in ALLOWED_REACTIONS:
        raise ApiError(
            400,
            "Bad Request: REACTION_INVALID",
            violation=f"{item.get('emoji')!r} is not an emoji bots may react with",
        )
    return item["emoji"]


def _language(p: Params) -> str:
    language = p.get("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise ApiError(
            400,
            "Bad Request: invalid language code specified",
            violation=f"language_code must be two lowercase letters, got {language!r}",
        )
    return language


def _kind(short: bool) -> str:
    return "short_description" if short else "description"


def _result_error(detail: str) -> ApiError:
    return ApiError(400, "Bad Request: RESULT_INVALID", violation=detail)


def _picture_error(detail: str) -> ApiError:
    return ApiError(400, "Bad Request: wrong thumbnail or cover", violation=detail)
