"""People and chats of the fake Bot API, and what a person can do in them.

Every ``send_*`` returns the message dict exactly as the bot receives it (with its
``message_id``), so a test can pass it as ``reply_to`` or to ``press_button``. A person cannot
do what a Telegram client forbids (a 5000-character text, an album of one photo), so those are
``ValueError``s in the test, not traffic.
"""

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.fakes.telegram.markup import detect_entities

if TYPE_CHECKING:
    from tests.fakes.telegram.state import FakeState

__all__ = ["MEMBER_STATUSES", "FakeChat", "FakeUser", "Media"]

Media = bytes | Path | None  # in memory, streamed from disk, or declared by file_size only
MEMBER_STATUSES = ("creator", "administrator", "member", "left")
_MAX_TEXT = 4096
_MAX_CAPTION = 1024
_album_ids = itertools.count(13_800_000_000_000_001)


@dataclass(frozen=True)
class FakeUser:
    """A Telegram account; ``language_code`` is what the client reports in updates."""

    id: int
    first_name: str
    language_code: str | None = "it"
    username: str | None = None
    is_bot: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The ``User`` object as the Bot API sends it."""
        data: dict[str, Any] = {
            "id": self.id,
            "is_bot": self.is_bot,
            "first_name": self.first_name,
        }
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


class FakeChat:
    """A private chat, group or supergroup, seen from a person's phone.

    The attributes below the constructor are the fake's bookkeeping; the API methods read
    them with the fake's lock held.
    """

    def __init__(
        self,
        state: "FakeState",
        chat_id: int,
        chat_type: str,
        *,
        title: str | None,
        owner: FakeUser,
    ) -> None:
        self._state = state
        self.id = chat_id
        self.type = chat_type
        self.title = title
        self.owner = owner
        self.members: dict[int, FakeUser] = {owner.id: owner}
        self.statuses: dict[int, str] = {
            owner.id: "member" if chat_type == "private" else "creator"
        }
        self.bot_status = "member"
        self.migrated_to: int | None = None
        self.last_message_id = 0
        # Forum supergroups: topics by thread id (the id of the message that opened
        # them), and whether General is closed to the bot's messages.
        self.is_forum = False
        self.topics: dict[int, str] = {}
        self.general_closed = False

    def __repr__(self) -> str:
        return f"FakeChat({self.type} {self.id} {self.title or self.owner.first_name!r})"

    def as_dict(self) -> dict[str, Any]:
        """The ``Chat`` object inside messages."""
        if self.type == "private":
            user = self.owner.as_dict()
            user.pop("is_bot")
            user.pop("language_code", None)
            return {**user, "type": "private"}
        shown: dict[str, Any] = {"id": self.id, "type": self.type, "title": self.title}
        if self.is_forum:
            shown["is_forum"] = True
        return shown

    def open_topic(self, name: str) -> int:
        """Open a forum topic, as its creator would; returns its ``message_thread_id``."""
        return self._state.open_topic(self, name)

    # --- what people do -------------------------------------------------------------------

    def send_text(
        self,
        text: str,
        *,
        sender: FakeUser | None = None,
        reply_to: dict | int | None = None,
        topic: int | None = None,
        text_links: dict[str, str] | None = None,
    ) -> dict:
        """A typed message; links, ``/commands`` and ``@mentions`` get their entities.

        ``text_links`` hides a URL behind words of the text, as a client's "add link" does:
        ``{"questa clip": "https://…/clip.mp4"}``.
        """
        if not text.strip() or len(text) > _MAX_TEXT:
            raise ValueError(f"a Telegram client cannot send a text of {len(text)} characters")
        content: dict[str, Any] = {"text": text}
        entities = detect_entities(text) + _text_links(text, text_links or {})
        if entities:
            content["entities"] = sorted(entities, key=lambda entity: entity["offset"])
        return self._post(content, sender=sender, reply_to=reply_to, topic=topic)

    def send_photo(
        self,
        data: bytes | Path,
        *,
        caption: str | None = None,
        media_group_id: str | None = None,
        reply_to: dict | int | None = None,
        sender: FakeUser | None = None,
        topic: int | None = None,
    ) -> dict:
        """A compressed photo: PhotoSize variants, largest last (see photo_variants)."""
        sizes = self._state.register_photo(data)
        return self._post(
            {"photo": sizes},
            caption=caption,
            media_group_id=media_group_id,
            sender=sender,
            reply_to=reply_to,
            topic=topic,
        )

    def send_photo_again(
        self, earlier: dict, *, caption: str | None = None, sender: FakeUser | None = None
    ) -> dict:
        """The photo of an earlier message sent once more (picked from the chat's media):
        Telegram keeps the file, so its ``file_unique_id`` is the same."""
        if "photo" not in earlier:
            raise ValueError("the earlier message has no photo")
        return self._post(
            {"photo": earlier["photo"]}, caption=caption, sender=sender, reply_to=None
        )

    def send_album(
        self,
        items: list[bytes],
        *,
        caption: str | None = None,
        kind: str = "photo",
        sender: FakeUser | None = None,
        reply_to: dict | int | None = None,
    ) -> list[dict]:
        """2–10 items as separate messages sharing one media_group_id; caption on the first."""
        if not 2 <= len(items) <= 10:
            raise ValueError(f"an album holds 2 to 10 items, not {len(items)}")
        group = str(next(_album_ids))
        sent = []
        for index, data in enumerate(items):
            options = {
                "caption": caption if index == 0 else None,
                "media_group_id": group,
                "sender": sender,
                "reply_to": reply_to,
            }
            if kind == "photo":
                sent.append(self.send_photo(data, **options))
            elif kind == "video":
                sent.append(self.send_video(data, **options))
            elif kind == "document":
                name = f"document_{index + 1}.bin"
                sent.append(
                    self.send_document(
                        data, file_name=name, mime_type="application/octet-stream", **options
                    )
                )
            else:
                raise ValueError(f"albums hold photos, videos or documents, not {kind!r}")
        return sent

    def send_document(
        self,
        data: Media,
        *,
        file_name: str,
        mime_type: str,
        caption: str | None = None,
        file_size: int | None = None,
        media_group_id: str | None = None,
        sender: FakeUser | None = None,
        reply_to: dict | int | None = None,
    ) -> dict:
        """A file sent "as file": the original bytes, e.g. an iPhone HEIC (image/heic)."""
        stored = self._state.register("document", data, file_size, file_name)
        document = {**stored, "file_name": file_name, "mime_type": mime_type}
        return self._post(
            {"document": document},
            caption=caption,
            media_group_id=media_group_id,
            sender=sender,
            reply_to=reply_to,
        )

    def send_video(
        self,
        data: Media,
        *,
        file_size: int | None = None,
        width: int = 1280,
        height: int = 720,
        duration: int = 5,
        caption: str | None = None,
        file_name: str = "video.mp4",
        mime_type: str = "video/mp4",
        media_group_id: str | None = None,
        sender: FakeUser | None = None,
        reply_to: dict | int | None = None,
    ) -> dict:
        """A video; ``data=None, file_size=30_000_000`` declares a big one without bytes."""
        stored = self._state.register("video", data, file_size, file_name)
        video = {
            **stored,
            "width": width,
            "height": height,
            "duration": duration,
            "file_name": file_name,
            "mime_type": mime_type,
        }
        return self._post(
            {"video": video},
            caption=caption,
            media_group_id=media_group_id,
            sender=sender,
            reply_to=reply_to,
        )

    def send_audio(
        self,
        data: Media,
        *,
        duration: int = 30,
        file_name: str = "audio.mp3",
        mime_type: str = "audio/mpeg",
        file_size: int | None = None,
        caption: str | None = None,
        sender: FakeUser | None = None,
        reply_to: dict | int | None = None,
    ) -> dict:
        """A music file (the ``audio`` field), e.g. a track for the soundtrack."""
        stored = self._state.register("audio", data, file_size, file_name)
        audio = {**stored, "duration": duration, "file_name": file_name, "mime_type": mime_type}
        return self._post({"audio": audio}, caption=caption, sender=sender, reply_to=reply_to)

    def send_voice(
        self,
        data: Media,
        *,
        duration: int = 3,
        file_size: int | None = None,
        caption: str | None = None,
        sender: FakeUser | None = None,
        reply_to: dict | int | None = None,
    ) -> dict:
        """A voice note: OGG/Opus, no file name."""
        stored = self._state.register("voice", data, file_size, None)
        voice = {**stored, "duration": duration, "mime_type": "audio/ogg"}
        return self._post({"voice": voice}, caption=caption, sender=sender, reply_to=reply_to)

    def send_animation(
        self,
        data: Media,
        *,
        width: int = 320,
        height: int = 240,
        duration: int = 2,
        file_name: str = "animation.mp4",
        file_size: int | None = None,
        caption: str | None = None,
        sender: FakeUser | None = None,
        reply_to: dict | int | None = None,
    ) -> dict:
        """A GIF; Telegram delivers it as ``animation`` and, for old clients, ``document``."""
        stored = self._state.register("animation", data, file_size, file_name)
        animation = {
            **stored,
            "width": width,
            "height": height,
            "duration": duration,
            "file_name": file_name,
            "mime_type": "video/mp4",
        }
        document = {key: animation[key] for key in (*stored, "file_name", "mime_type")}
        return self._post(
            {"animation": animation, "document": document},
            caption=caption,
            sender=sender,
            reply_to=reply_to,
        )

    def send_sticker(
        self,
        data: Media,
        *,
        emoji: str = "😀",
        sender: FakeUser | None = None,
        reply_to: dict | int | None = None,
    ) -> dict:
        """A static WEBP sticker."""
        stored = self._state.register("sticker", data, None, None)
        sticker = {
            **stored,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._post({"sticker": sticker}, sender=sender, reply_to=reply_to)

    def press_button(
        self, message: dict | int, callback_data: str, *, sender: FakeUser | None = None
    ) -> dict:
        """Tap an inline button of a bot message; returns the ``callback_query`` dict."""
        return self._state.press_button(self, message, callback_data, sender or self.owner)

    def add_bot_to_group(self, *, by: FakeUser | None = None) -> dict:
        """Add the bot: a ``my_chat_member`` update, then the ``new_chat_members`` message."""
        return self._state.add_bot(self, by or self.owner)

    def migrate_to_supergroup(self) -> "FakeChat":
        """Upgrade a group; the old id then answers 400 with ``migrate_to_chat_id``."""
        return self._state.migrate(self)

    def set_member_status(self, status: str, user: FakeUser | None = None) -> None:
        """Set a member's status (the bot's when ``user`` is None), e.g. promote the bot."""
        self._state.set_member_status(self, status, user)

    def _post(
        self,
        content: dict[str, Any],
        *,
        caption: str | None = None,
        media_group_id: str | None = None,
        sender: FakeUser | None,
        reply_to: dict | int | None,
        topic: int | None = None,
    ) -> dict:
        if topic is not None:
            if topic not in self.topics:
                raise ValueError(f"{self} has no topic {topic}")
            content = {**content, "message_thread_id": topic, "is_topic_message": True}
        if caption is not None:
            if len(caption) > _MAX_CAPTION:
                raise ValueError(f"a caption holds {_MAX_CAPTION} characters, not {len(caption)}")
            content["caption"] = caption
            if entities := detect_entities(caption):
                content["caption_entities"] = entities
        if media_group_id is not None:
            content["media_group_id"] = media_group_id
        return self._state.post_from_person(self, sender or self.owner, content, reply_to)


def _text_links(text: str, links: dict[str, str]) -> list[dict[str, Any]]:
    """``text_link`` entities over the given words; offsets count UTF-16 code units."""
    entities = []
    for words, url in links.items():
        start = text.find(words)
        if start < 0:
            raise ValueError(f"{words!r} is not in the text")
        offset = len(text[:start].encode("utf-16-le")) // 2
        length = len(words.encode("utf-16-le")) // 2
        entities.append({"type": "text_link", "offset": offset, "length": length, "url": url})
    return entities
