"""Bot API methods that put something in a chat or read a file: send, edit, delete, getFile.

Each checks what Telegram checks (lengths, markup, reply targets, file sizes and types) and
stores the result as the chat shows it, so tests read what a person would see.
"""

import copy
import functools
import itertools
import mimetypes
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from tests.fakes.telegram.chats import FakeChat
from tests.fakes.telegram.files import (
    DOWNLOAD_LIMIT,
    PHOTO_UPLOAD_LIMIT,
    UPLOAD_LIMIT,
    UPLOAD_LIMIT_LOCAL,
    URL_LIMIT,
    URL_PHOTO_LIMIT,
    StoredFile,
)
from tests.fakes.telegram.markup import MarkupError, parse_markup, utf16_len
from tests.fakes.telegram.native import video_pictures
from tests.fakes.telegram.params import Params, Upload
from tests.fakes.telegram.state import ApiError, FakeState

__all__ = ["Handler", "Messaging"]

Handler = Callable[[Params], Awaitable[Any]]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_BAD_FILE = "Bad Request: wrong file identifier/HTTP URL specified"
_URL_FAILED = "Bad Request: failed to get HTTP URL content"
_MEDIA_METHODS = {
    "sendPhoto": "photo",
    "sendVideo": "video",
    "sendDocument": "document",
    "sendAudio": "audio",
    "sendVoice": "voice",
    "sendAnimation": "animation",
}
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_media_group_ids = itertools.count(13_900_000_000_000_001)


class Messaging:
    """The message and file methods, bound to the fake's state."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    def handlers(self) -> dict[str, Handler]:
        table: dict[str, Handler] = {
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "sendChatAction": self.send_chat_action,
            "sendMediaGroup": self.send_media_group,
            "getFile": self.get_file,
        }
        for method, kind in _MEDIA_METHODS.items():
            table[method] = functools.partial(self.send_media, kind)
        return table

    # --- text -----------------------------------------------------------------------------

    async def send_message(self, p: Params) -> dict:
        text, entities = _formatted(p, "text", required=True)
        markup = _checked_markup(p.get("reply_markup"))
        content = {"text": text, "entities": entities, "reply_markup": markup}
        return self._store(p, content)

    async def edit_message_text(self, p: Params) -> dict:
        text, entities = _formatted(p, "text", required=True)
        markup = _checked_markup(p.get("reply_markup"))
        with self.state.lock:
            message = self._editable(p)
            if "text" not in message:
                raise ApiError(
                    400,
                    "Bad Request: there is no text in the message to edit",
                    violation=f"editMessageText on media message {message['message_id']}",
                )
            # Without reply_markup Telegram removes the inline keyboard: not an omission.
            return self._apply_edit(
                message, {"text": text, "entities": entities, "reply_markup": markup}
            )

    async def edit_message_caption(self, p: Params) -> dict:
        caption, entities = _formatted(p, "caption", required=False)
        markup = _checked_markup(p.get("reply_markup"))
        with self.state.lock:
            message = self._editable(p)
            if "text" in message:
                raise ApiError(
                    400,
                    "Bad Request: there is no caption in the message to edit",
                    violation=f"editMessageCaption on text message {message['message_id']}",
                )
            changes = {"caption": caption, "caption_entities": entities, "reply_markup": markup}
            return self._apply_edit(message, changes)

    async def edit_message_reply_markup(self, p: Params) -> dict:
        markup = _checked_markup(p.get("reply_markup"))
        with self.state.lock:
            return self._apply_edit(self._editable(p), {"reply_markup": markup})

    def _editable(self, p: Params) -> dict:
        if p.get("inline_message_id"):
            raise ApiError(
                400,
                "Bad Request: inline messages are not modelled by the fake",
                violation="inline_message_id is not supported by the fake",
            )
        chat = self.state.chat_for_bot(p.require("chat_id"))
        message = self.state.message(chat.id, p.require("message_id"))
        if message is None:
            raise ApiError(
                400,
                "Bad Request: message to edit not found",
                violation=f"message {p.get('message_id')} does not exist in chat {chat.id}",
            )
        if message["from"]["id"] != self.state.bot_id:
            raise ApiError(
                400,
                "Bad Request: message can't be edited",
                violation=f"message {message['message_id']} was not sent by the bot",
            )
        return message

    def _apply_edit(self, message: dict, changes: dict[str, Any]) -> dict:
        if all(message.get(key) == (value or None) for key, value in changes.items()):
            raise ApiError(400, NOT_MODIFIED)
        for key, value in changes.items():
            if value:
                message[key] = value
            else:
                message.pop(key, None)
        message["edit_date"] = int(time.time())
        self.state.changes.notify()
        return copy.deepcopy(message)

    async def delete_message(self, p: Params) -> bool:
        with self.state.lock:
            chat = self.state.chat_for_bot(p.require("chat_id"))
            message_id = p.require("message_id")
            message = self.state.message(chat.id, message_id)
            if message is None:
                raise ApiError(
                    400,
                    "Bad Request: message to delete not found",
                    violation=f"message {message_id} does not exist in chat {chat.id}",
                )
            others = message["from"]["id"] != self.state.bot_id
            if others and chat.type != "private" and chat.bot_status == "member":
                raise ApiError(
                    400,
                    "Bad Request: message can't be deleted",
                    violation=f"deleting someone's message {message_id} needs admin rights",
                )
            del self.state.chat_messages[chat.id][message_id]
            self.state.changes.notify()
            return True

    async def send_chat_action(self, p: Params) -> bool:
        action = p.require("action")
        if action not in _CHAT_ACTIONS:
            raise ApiError(
                400,
                "Bad Request: wrong parameter action in request",
                violation=f"unknown chat action {action!r}",
            )
        with self.state.lock:
            self.state.chat_for_bot(p.require("chat_id"))
        return True

    # --- media ----------------------------------------------------------------------------

    async def send_media(self, kind: str, p: Params) -> dict:
        caption, entities = _formatted(p, "caption", required=False)
        markup = _checked_markup(p.get("reply_markup"))
        with self.state.lock:
            self.state.chat_for_bot(p.require("chat_id"))
        stored = await self._media_input(kind, p.get(kind), p.uploads)
        content = {
            **self._media_object(kind, stored, p),
            "caption": caption,
            "caption_entities": entities,
            "reply_markup": markup,
        }
        return self._store(p, content)

    async def send_media_group(self, p: Params) -> list[dict]:
        items = p.require("media")
        if not isinstance(items, list) or not 2 <= len(items) <= 10:
            raise ApiError(
                400,
                "Bad Request: media must contain 2-10 items",
                violation=f"an album needs 2-10 items, got {items!r:.80}",
            )
        kinds = {item.get("type") for item in items}
        if not (kinds <= {"photo", "video"} or kinds in ({"document"}, {"audio"})):
            raise ApiError(
                400,
                "Bad Request: documents and audio can't be mixed with other media types",
                violation=f"album mixes {sorted(map(str, kinds))}",
            )
        with self.state.lock:
            self.state.chat_for_bot(p.require("chat_id"))
        contents = []
        for item in items:
            item_params = Params(item, p.uploads)
            caption, entities = _formatted(item_params, "caption", required=False)
            stored = await self._media_input(item["type"], item.get("media"), p.uploads)
            media = self._media_object(item["type"], stored, item_params)
            contents.append({**media, "caption": caption, "caption_entities": entities})
        group = str(next(_media_group_ids))
        return [self._store(p, {**content, "media_group_id": group}) for content in contents]

    def _store(self, p: Params, content: dict[str, Any]) -> dict:
        """Show the bot's message in the chat; empty fields are left out as Telegram does."""
        with self.state.lock:
            chat = self.state.chat_for_bot(p.require("chat_id"))
            reply_to = self._reply_target(chat, p)
            thread = _thread(chat, p)
            if thread is not None:
                content = {**content, "message_thread_id": thread, "is_topic_message": True}
            shown = {key: value for key, value in content.items() if value}
            message = self.state.new_message(chat, self.state.bot_user(), shown, reply_to)
            self.state.changes.notify()
            return copy.deepcopy(message)

    def _reply_target(self, chat: FakeChat, p: Params) -> dict | None:
        parameters = p.get("reply_parameters")
        if parameters is None and p.get("reply_to_message_id") is not None:
            parameters = {"message_id": p.get("reply_to_message_id")}
        if parameters is None:
            return None
        if not isinstance(parameters, dict) or "message_id" not in parameters:
            raise ApiError(
                400,
                "Bad Request: can't parse reply parameters JSON object",
                violation=f"reply_parameters {parameters!r} has no message_id",
            )
        target_chat = chat
        if parameters.get("chat_id") not in (None, chat.id):
            target_chat = self.state.chat_for_bot(parameters["chat_id"])
        target = self.state.message(target_chat.id, parameters["message_id"])
        lenient = parameters.get("allow_sending_without_reply") or p.get(
            "allow_sending_without_reply"
        )
        if target is None and not lenient:
            raise ApiError(
                400,
                "Bad Request: message to be replied not found",
                violation=f"reply to message {parameters['message_id']} which does not exist",
            )
        return target

    def _media_object(self, kind: str, stored: StoredFile, p: Params) -> dict[str, Any]:
        """The ``photo``/``video``/... field Telegram puts in the sent message."""
        if kind == "photo":
            try:
                return {"photo": self.state.register_photo(stored.read())}
            except (ValueError, LookupError) as exc:
                raise ApiError(
                    400, "Bad Request: IMAGE_PROCESS_FAILED", violation=f"not an image: {exc}"
                ) from exc
        ids = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }
        name = stored.file_name
        mime_type = (mimetypes.guess_type(name)[0] if name else None) or _DEFAULT_MIME[kind]
        named = {"file_name": name, "mime_type": mime_type} if name else {"mime_type": mime_type}
        timing = {"duration": p.get("duration") or 0}
        frame = {"width": p.get("width") or 0, "height": p.get("height") or 0}
        if kind == "video":
            return {"video": {**ids, **frame, **timing, **named, **video_pictures(self.state, p)}}
        if kind == "animation":
            return {"animation": {**ids, **frame, **timing, **named}, "document": {**ids, **named}}
        if kind in ("audio", "voice"):
            return {kind: {**ids, **timing, **named}}
        return {"document": {**ids, **named}}

    async def _media_input(self, kind: str, value: Any, uploads: dict[str, Upload]) -> StoredFile:
        """Resolve an upload, ``attach://`` part, file_id, URL or ``file://`` path."""
        if value is None and kind in uploads:
            return self._stored_upload(kind, uploads[kind])
        if not isinstance(value, str) or not value:
            raise ApiError(
                400,
                f"Bad Request: there is no {kind} in the request",
                violation=f"no {kind} given",
            )
        if value.startswith("attach://"):
            upload = uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise ApiError(400, _BAD_FILE, violation=f"{value} names no uploaded part")
            return self._stored_upload(kind, upload)
        if value.startswith("file://"):
            return self._local_file(kind, value)
        if value.startswith(("http://", "https://")):
            return await self._fetched(kind, value)
        return self._by_file_id(kind, value)

    def _stored_upload(self, kind: str, upload: Upload) -> StoredFile:
        if upload.size == 0:
            raise ApiError(400, "Bad Request: file must be non-empty", violation="empty upload")
        if kind == "photo" and upload.size > PHOTO_UPLOAD_LIMIT:
            raise ApiError(400, "Bad Request: PHOTO_SAVE_FILE_INVALID")
        limit = UPLOAD_LIMIT_LOCAL if self.state.local_mode else UPLOAD_LIMIT
        if upload.size > limit:
            raise ApiError(413, "Request Entity Too Large")
        with self.state.lock:
            return self.state.files.add(kind, path=upload.path, file_name=upload.filename)

    def _local_file(self, kind: str, uri: str) -> StoredFile:
        if not self.state.local_mode:
            raise ApiError(
                400, _BAD_FILE, violation="file:// works only with a local Bot API server"
            )
        path = Path(unquote(urlsplit(uri).path))
        if not path.is_file():
            raise ApiError(400, _BAD_FILE, violation=f"{uri} is not a file")
        if path.stat().st_size > UPLOAD_LIMIT_LOCAL:
            raise ApiError(400, "Bad Request: file is too big")
        with self.state.lock:
            return self.state.files.add(kind, path=path, file_name=path.name)

    async def _fetched(self, kind: str, url: str) -> StoredFile:
        """Fetch a URL as Telegram would; only loopback URLs exist in tests."""
        if urlsplit(url).hostname not in _LOOPBACK:
            violation = f"the fake fetches only loopback URLs: {url}"
            raise ApiError(400, _URL_FAILED, violation=violation)
        limit = URL_PHOTO_LIMIT if kind == "photo" else URL_LIMIT
        with self.state.lock:
            path = self.state.files.new_upload_path()
        try:
            async with httpx.AsyncClient(timeout=30) as client, client.stream("GET", url) as r:
                if r.status_code != 200:
                    raise ApiError(400, _URL_FAILED)
                await _save_limited(r, path, limit)
        except httpx.HTTPError as exc:
            raise ApiError(400, _URL_FAILED) from exc
        with self.state.lock:
            name = Path(urlsplit(url).path).name or None
            return self.state.files.add(kind, path=path, file_name=name)

    def _by_file_id(self, kind: str, file_id: str) -> StoredFile:
        with self.state.lock:
            stored = self.state.files.get(file_id)
        if stored is None:
            raise ApiError(400, _BAD_FILE, violation=f"unknown file_id {file_id!r}")
        compatible = {kind, "animation", "document"} if kind == "document" else {kind}
        if stored.kind not in compatible:
            raise ApiError(
                400,
                f"Bad Request: can't use file of type {stored.kind.title()} as {kind.title()}",
                violation=f"file_id of a {stored.kind} sent as {kind}",
            )
        return stored

    # --- files ----------------------------------------------------------------------------

    async def get_file(self, p: Params) -> dict:
        file_id = p.require("file_id")
        with self.state.lock:
            stored = self.state.files.get(file_id)
            if stored is None:
                raise ApiError(
                    400, "Bad Request: invalid file_id", violation=f"unknown file_id {file_id!r}"
                )
            if not self.state.local_mode and stored.size > DOWNLOAD_LIMIT:
                raise ApiError(400, "Bad Request: file is too big")
            return {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": stored.size,
                "file_path": self.state.files.file_path(stored, local_mode=self.state.local_mode),
            }


_DEFAULT_MIME = {
    "video": "video/mp4",
    "animation": "video/mp4",
    "audio": "audio/mpeg",
    "voice": "audio/ogg",
    "document": "application/octet-stream",
}


def _formatted(p: Params, key: str, *, required: bool) -> tuple[str | None, list[dict]]:
    """Visible text and entities of ``text``/``caption``, checked like Telegram does."""
    raw = p.require(key) if required else p.get(key)
    if raw is None:
        return None, []
    raw = str(raw)
    entities_key = "entities" if key == "text" else "caption_entities"
    if p.get(entities_key) is not None:
        text, entities = raw, _checked_entities(raw, p.get(entities_key))
    else:
        try:
            text, entities = parse_markup(raw, p.get("parse_mode"))
        except MarkupError as exc:
            raise ApiError(400, str(exc), violation=f"{key}: {exc} in {raw[:80]!r}") from exc
    if key == "text" and not text.strip():
        raise ApiError(400, "Bad Request: message text is empty", violation="empty text")
    limit = MAX_TEXT if key == "text" else MAX_CAPTION
    if len(text) > limit:
        description = "message is too long" if key == "text" else "message caption is too long"
        raise ApiError(
            400,
            f"Bad Request: {description}",
            violation=f"{key} of {len(text)} characters exceeds {limit} (split it)",
        )
    return text, entities


def _checked_entities(text: str, entities: Any) -> list[dict]:
    size = utf16_len(text)
    valid = isinstance(entities, list) and all(
        isinstance(e, dict)
        and isinstance(e.get("type"), str)
        and isinstance(e.get("offset"), int)
        and isinstance(e.get("length"), int)
        and e["offset"] >= 0
        and e["offset"] + e["length"] <= size
        for e in entities
    )
    if not valid:
        raise ApiError(
            400,
            "Bad Request: can't parse entities",
            violation=f"entities {entities!r:.120} do not fit the text",
        )
    return entities


def _checked_markup(markup: Any) -> dict | None:
    """Validate reply_markup; return it only if it is an inline keyboard (messages echo those)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _markup_error(f"reply_markup {markup!r:.80} is not an object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _markup_error("inline_keyboard must be an array of button rows")
        for button in (button for row in rows for button in row):
            _check_button(button)
        return markup
    if "keyboard" in markup or "remove_keyboard" in markup or "force_reply" in markup:
        return None
    raise _markup_error(f"unknown reply_markup {markup!r:.80}")


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise _markup_error(f"button {button!r:.80} has no text")
    actions = _BUTTON_ACTIONS & button.keys()
    if len(actions) != 1:
        raise _markup_error(f"button {button['text']!r} needs exactly one action, has {actions}")
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
        raise ApiError(
            400,
            "Bad Request: BUTTON_DATA_INVALID",
            violation=f"callback_data must be 1-{MAX_CALLBACK_DATA} bytes: {data!r:.80}",
        )


def _markup_error(detail: str) -> ApiError:
    description = "Bad Request: can't parse reply keyboard markup JSON object"
    return ApiError(400, description, violation=detail)


async def _save_limited(response: httpx.Response, path: Path, limit: int) -> None:
    size = 0
    with path.open("wb") as out:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise ApiError(400, _URL_FAILED)
            out.write(chunk)


def _thread(chat: FakeChat, p: Params) -> int | None:
    """The forum topic a message goes to, as Telegram resolves ``message_thread_id``.

    Without one, a forum message goes to General, which may be closed: then Telegram
    refuses it (TOPIC_CLOSED), which is what a bot answering in the wrong topic meets.
    """
    thread = p.get("message_thread_id")
    if not chat.is_forum:
        return None
    if thread is None:
        if chat.general_closed:
            raise ApiError(
                400,
                "Bad Request: TOPIC_CLOSED",
                violation="sent to the closed General topic: message_thread_id missing",
            )
        return None
    if thread not in chat.topics:
        raise ApiError(
            400,
            "Bad Request: message thread not found",
            violation=f"message_thread_id {thread!r} names no topic of {chat}",
        )
    return int(thread)
