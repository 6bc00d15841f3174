"""The core's ChatOutput, spoken through the Telegram Bot API.

A send that times out may or may not have reached the chat, so the two kinds of send are
treated differently. Chatter (replies, acknowledgements, explanations) is never sent
twice: a duplicate is noise, and the person can simply ask again. A finished video must
never be lost: its upload is tried once more, and if Telegram still does not take it the
person gets the download link instead; a rare duplicate video is the lesser harm.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import ExitStack, asynccontextmanager
from enum import Enum
from functools import partial
from pathlib import Path

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message, ReplyParameters
from telegram.constants import MessageLimit, ReactionEmoji
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    TelegramError,
    TimedOut,
)

from bot.core.actions import Action
from bot.core.notices import (
    Activity,
    AgentReply,
    Contributed,
    Drafting,
    LanguageChanged,
    Notice,
    Progress,
    UploadAcknowledged,
    VideoReady,
    VideoTooBig,
    WhichDidYouMean,
)
from bot.core.ports import ChatRef, ChatUnreachable
from bot.i18n import Catalogs, Translator
from bot.telegram import keyboards
from bot.telegram.drafts import LiveDraft
from bot.telegram.progress import StatusMessage
from bot.telegram.texts.notices import notice_text, undelivered_video_text
from bot.telegram.texts.progress import progress_text

log = logging.getLogger(__name__)


ChatMoved = Callable[[int, int], Awaitable[None]]
VideoDelivered = Callable[[str, str], Awaitable[None]]
"""Told the share key and Telegram's file_id of each video delivered."""


class Fallback(Enum):
    """Why a video goes out as its download link instead of as a file."""

    TOO_BIG = "too_big"
    UNDELIVERED = "undelivered"


def upload_fallback(error: NetworkError) -> Fallback | None:
    """The link to send after the video upload failed for good, or None to re-raise.

    Telegram answers 413 for uploads over its limit. A timeout or any other network
    failure (a 5xx has already had its retry in the rate limiter) is worth a link: the
    video is finished and paid for. A BadRequest is a bug of ours that a link would hide.
    """
    if "413" in str(error):
        return Fallback.TOO_BIG
    if isinstance(error, BadRequest):
        return None
    return Fallback.UNDELIVERED


class TelegramOutput:
    """Renders notices for one chat, in its language.

    A group upgraded to a supergroup changes id while work for it may be running (a
    render takes a while): a send refused with ChatMigrated tells ``moved`` and is
    repeated to the new id, so the video still arrives.

    In a group, where many people talk at once, the video and the agent's answers
    reply to the message that asked for them; a member's files in a collection get a
    reaction rather than a message. A video gets a Share button when ``can_share``
    (inline mode is on) and is reported to ``delivered`` for that button to work.
    """

    def __init__(
        self,
        bot: Bot,
        chat: ChatRef,
        catalogs: Catalogs,
        *,
        sees_everything: bool = False,
        moved: ChatMoved | None = None,
        request_message_id: int | None = None,
        can_share: bool = False,
        delivered: VideoDelivered | None = None,
    ) -> None:
        self._bot = bot
        self._chat_id = chat.chat_id
        self._request_message_id = request_message_id
        self._can_share = can_share
        self._delivered = delivered
        self._catalogs = catalogs
        self._tr = catalogs.translator(chat.locale)
        self._is_group = chat.is_group
        # In a forum, a message without the topic lands in General, which may be closed.
        self._topic = chat.topic
        self._sees_everything = sees_everything
        self._moved = moved

    @property
    def chat_id(self) -> int:
        """The chat's id, which changes if the group became a supergroup meanwhile."""
        return self._chat_id

    @property
    def tr(self) -> Translator:
        """The chat's language, for the few texts the messenger layer writes itself."""
        return self._tr

    async def show(self, notice: Notice, next_steps: Sequence[Action] = ()) -> None:
        """Send the notice; a video goes out as a streamable video with its caption."""
        if isinstance(notice, LanguageChanged):
            self._tr = self._catalogs.translator(notice.locale)
        markup = keyboards.next_steps(next_steps, self._tr)
        if isinstance(notice, WhichDidYouMean):
            await self._ask(notice)
        elif isinstance(notice, VideoReady):
            await self._send_video(notice, markup)
        elif isinstance(notice, VideoTooBig):
            await self._deliver_text(notice_text(notice, self._tr), markup)
        elif isinstance(notice, Contributed) and await self._react(ReactionEmoji.THUMBS_UP):
            return
        else:
            if isinstance(notice, UploadAcknowledged) and not self._is_group:
                await self._react(ReactionEmoji.THUMBS_UP)
            text = notice_text(notice, self._tr, sees_everything=self._sees_everything)
            await self.say(text, markup, reply=isinstance(notice, AgentReply) and self._is_group)

    def _reply(self) -> ReplyParameters | None:
        """A reply to the message being answered; sent even if it was deleted meanwhile."""
        if self._request_message_id is None:
            return None
        return ReplyParameters(self._request_message_id, allow_sending_without_reply=True)

    async def _react(self, emoji: ReactionEmoji) -> bool:
        """React to the message being answered; False when that cannot be done.

        A group may allow no reactions, or not this one: then the caller says it in words.
        """
        if self._request_message_id is None:
            return False
        try:
            await self._bot.set_message_reaction(self._chat_id, self._request_message_id, emoji)
        except TelegramError as error:
            log.info("chat %s: no reaction (%s)", self._chat_id, type(error).__name__)
            return False
        return True

    async def _ask(self, question: WhichDidYouMean) -> None:
        """Ask, replying to the message in question: a tap on an answer reads it from
        there, so nothing needs keeping meanwhile and a restart loses nothing."""
        reply = self._reply()
        text = notice_text(question, self._tr)
        markup = keyboards.choices(question.options, self._tr)
        try:
            await self._following_moves(
                lambda chat_id: self._bot.send_message(
                    chat_id,
                    text,
                    reply_markup=markup,
                    reply_parameters=reply,
                    message_thread_id=self._topic,
                )
            )
        except TimedOut:
            log.warning("chat %s: a question timed out; not resent", self._chat_id)

    async def say(
        self, text: str, markup: InlineKeyboardMarkup | None = None, *, reply: bool = False
    ) -> None:
        """Send text, split at Telegram's length limit; buttons go under the last part.

        With ``reply`` the first part replies to the message being answered. A part
        that times out is logged and not sent again: it may well have arrived.
        """
        for index, (part, buttons) in enumerate(_parts(text, markup)):
            replying = self._reply() if reply and index == 0 else None
            try:
                await self._following_moves(partial(self._send_text, part, buttons, replying))
            except TimedOut:
                log.warning("chat %s: a message timed out; not resent", self._chat_id)

    @asynccontextmanager
    async def working(self, activity: Activity) -> AsyncIterator[_Reporter]:
        """A status message and chat action that last as long as the body."""
        status = StatusMessage(
            self._bot, self._chat_id, activity.value, is_group=self._is_group, topic=self._topic
        )
        draft = None if self._is_group else LiveDraft(self._bot, self._chat_id, self._topic)
        await status.start()
        try:
            yield _Reporter(status, draft, self._tr)
        finally:
            if draft is not None:
                await draft.close()
            await status.close()

    async def _send_video(self, video: VideoReady, markup: InlineKeyboardMarkup | None) -> None:
        """Upload the MP4, or send its link when Telegram will not take the file."""
        try:
            await self._upload_video(video, markup)
        except NetworkError as error:
            fallback, url = upload_fallback(error), video.download_url
            if fallback is None or not url:
                raise
            log.warning(
                "chat %s: video of %s bytes not delivered (%s); sending the link",
                self._chat_id,
                video.size,
                type(error).__name__,
            )
            await self._deliver_text(self._link_text(video, url, fallback), markup)

    async def _upload_video(self, video: VideoReady, markup: InlineKeyboardMarkup | None) -> None:
        """Send the file; after a timeout, once more, as losing the video is worse."""
        upload = partial(self._following_moves, partial(self._video, video, markup))
        try:
            await upload()
        except TimedOut:
            log.warning("chat %s: the video upload timed out; trying once more", self._chat_id)
            await upload()

    async def _video(
        self, video: VideoReady, markup: InlineKeyboardMarkup | None, chat_id: int
    ) -> Message:
        """Send the MP4 unread (up to 2,000 MB): a local server gets its path as ``file://``,
        otherwise httpx streams the open file, as PTB allows when told not to read it."""
        share = video.share_key if self._can_share else None
        with ExitStack() as opened:
            source: Path | InputFile = video.path
            if not self._bot.local_mode:
                file = opened.enter_context(video.path.open("rb"))
                source = InputFile(file, filename=video.path.name, read_file_handle=False)
            sent = await self._bot.send_video(
                chat_id,
                source,
                caption=notice_text(video, self._tr)[: MessageLimit.CAPTION_LENGTH],
                width=video.width,
                height=video.height,
                duration=round(video.duration) if video.duration else None,
                supports_streaming=True,
                reply_markup=keyboards.with_share(markup, share, self._tr),
                filename=video.path.name,
                message_thread_id=self._topic,
                thumbnail=_picture(video.thumbnail, "thumbnail.jpg"),
                cover=_picture(video.cover, "cover.jpg"),
                reply_parameters=self._reply() if self._is_group else None,
            )
        if share is not None and sent.video is not None and self._delivered is not None:
            await self._delivered(share, sent.video.file_id)
        return sent

    def _link_text(self, video: VideoReady, url: str, fallback: Fallback) -> str:
        if fallback is Fallback.TOO_BIG:
            return notice_text(VideoTooBig(url, video.size, video.project_link), self._tr)
        return undelivered_video_text(url, video.project_link, self._tr)

    async def _deliver_text(self, text: str, markup: InlineKeyboardMarkup | None) -> None:
        """Send a video's link. Unlike ``say`` it raises on failure, so the render stays
        undelivered on record and reaches the chat after a restart rather than never."""
        for part, buttons in _parts(text, markup):
            await self._following_moves(partial(self._send_text, part, buttons, None))

    async def _send_text(
        self,
        text: str,
        markup: InlineKeyboardMarkup | None,
        reply: ReplyParameters | None,
        chat_id: int,
    ) -> Message:
        return await self._bot.send_message(
            chat_id,
            text,
            reply_markup=markup,
            message_thread_id=self._topic,
            reply_parameters=reply,
        )

    async def _following_moves(self, send: Callable[[int], Awaitable[Message]]) -> Message:
        """Send, following a group that became a supergroup; a chat that blocked or
        removed the bot, or is gone, is ChatUnreachable: no retry will ever reach it."""
        try:
            try:
                return await send(self._chat_id)
            except ChatMigrated as migrated:
                old, self._chat_id = self._chat_id, migrated.new_chat_id
                log.info("chat %s is now %s; sending there", old, self._chat_id)
                if self._moved is not None:
                    await self._moved(old, self._chat_id)
                return await send(self._chat_id)
        except Forbidden as error:
            raise ChatUnreachable(self._chat_id) from error
        except BadRequest as error:
            if "chat not found" not in error.message.lower():
                raise
            raise ChatUnreachable(self._chat_id) from error


class _Reporter:
    """Progress as the core reports it: status text, and in a private chat a live draft.

    Once the agent's text shows in the draft, what the agent is doing goes under it
    there; until then (and always in groups) the status message says it.
    """

    def __init__(self, status: StatusMessage, draft: LiveDraft | None, tr: Translator) -> None:
        self._status = status
        self._draft = draft
        self._tr = tr

    async def update(self, progress: Progress) -> None:
        """Show the stage; the status message and draft decide when to really send."""
        if isinstance(progress, Drafting):
            if self._draft is not None:
                await self._draft.write(progress.text)
        elif self._draft is not None and self._draft.started:
            await self._draft.doing(progress_text(progress, self._tr))
        else:
            await self._status.show(progress_text(progress, self._tr))


def _picture(jpeg: bytes | None, name: str) -> InputFile | None:
    return None if jpeg is None else InputFile(jpeg, filename=name)


def _parts(
    text: str, markup: InlineKeyboardMarkup | None
) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The text in sendable parts, the buttons under the last one."""
    parts = _split(text, MessageLimit.MAX_TEXT_LENGTH)
    last = len(parts) - 1
    return [(part, markup if index == last else None) for index, part in enumerate(parts)]


def _split(text: str, limit: int) -> list[str]:
    """Split at paragraph or line breaks where possible, never inside a character."""
    parts: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    parts.append(text)
    return [part for part in parts if part] or [text]


class Outputs:
    """The core's OutputFactory: an output for any chat, in its language."""

    def __init__(
        self,
        bot: Bot,
        catalogs: Catalogs,
        *,
        sees_everything: bool,
        moved: ChatMoved,
        can_share: bool = False,
        delivered: VideoDelivered | None = None,
    ) -> None:
        self._bot = bot
        self._catalogs = catalogs
        self._sees_everything = sees_everything
        self._moved = moved
        self._can_share = can_share
        self._delivered = delivered

    def __call__(self, chat: ChatRef, request_message_id: int | None = None) -> TelegramOutput:
        """An output that speaks ``chat``'s language and follows it if it moves.

        ``request_message_id`` is the message being answered, when there is one.
        """
        return TelegramOutput(
            self._bot,
            chat,
            self._catalogs,
            sees_everything=self._sees_everything,
            moved=self._moved,
            request_message_id=request_message_id,
            can_share=self._can_share,
            delivered=self._delivered,
        )
