"""What the conversation tells a person, as data.

The core never writes prose: it emits these notices and the messenger layer renders
them in the chat's language. That keeps every user-facing string in the catalogs and
lets the core be tested without Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.core.actions import Action
from bot.core.failures import Failure
from bot.core.summary import Timeline
from bot.nemo import Credits


@dataclass(frozen=True)
class AgentReply:
    """Text the editing agent wrote, with its GUI instructions already removed."""

    text: str


@dataclass(frozen=True)
class TimelineShown:
    """The project's tracks, shown on request or after a turn that produced no text."""

    timeline: Timeline
    after_silent_turn: bool = False


# What things cost, in the cloud contract's own estimates: a first video about 100
# credits, an editing turn about 50, an export nothing.
VIDEO_COST_ESTIMATE = 100
EDIT_COST_ESTIMATE = 50
EXPORT_COST = 0


@dataclass(frozen=True)
class CreditsShown:
    """The balance of the NemoVideo account the bot uses, and what things cost."""

    credits: Credits
    video_cost: int = VIDEO_COST_ESTIMATE
    edit_cost: int = EDIT_COST_ESTIMATE
    export_cost: int = EXPORT_COST


@dataclass(frozen=True)
class UploadAcknowledged:
    """Files reached the project; ``total`` is how many items the project now has.

    ``contributor`` names who sent them when several people share the project (groups).
    ``instruction_follows`` says the files came with what to do with them (a caption),
    so the person needs no hint about the next step.
    """

    added: int
    total: int
    contributor: str | None = None
    instruction_follows: bool = False


@dataclass(frozen=True)
class AlreadyInProject:
    """Files sent again: the project has them already, and nothing was uploaded twice."""

    count: int
    total: int


@dataclass(frozen=True)
class Contributed:
    """A member's files reached an open collection: acknowledged without a message.

    A group allows about twenty bot messages a minute, and five members adding photos
    would spend a quarter of it on "added" lines; the summary comes once, at the end.
    """

    added: int
    total: int
    contributor: str


@dataclass(frozen=True)
class CollectionSummary:
    """The collection becomes a video: who added how many, and the project's total."""

    contributions: tuple[tuple[str, int], ...]
    total: int


@dataclass(frozen=True)
class CollectionOpened:
    """A group collection is open: members reply with media until /crea."""

    opened_by: str


@dataclass(frozen=True)
class CollectionClosedIdle:
    """A collection closed itself after a period of silence."""

    total: int
    idle_minutes: int


class RefusalReason(StrEnum):
    """Why a file was not uploaded."""

    UNSUPPORTED = "unsupported"
    TOO_LARGE = "too_large"
    TOO_BIG_FOR_TELEGRAM = "too_big_for_telegram"
    EMPTY = "empty"
    CORRUPT = "corrupt"
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class UploadRefused:
    """A file was refused before anything was uploaded.

    ``limit`` is the limit in the reason's own unit: megapixels for TOO_MANY_PIXELS,
    minutes for TOO_LONG.
    """

    reason: RefusalReason
    file_name: str | None = None
    limit_bytes: int | None = None
    limit: int | None = None


@dataclass(frozen=True)
class NothingToUpload:
    """The person asked to upload but sent neither a file nor a link."""


@dataclass(frozen=True)
class StillWorking:
    """A message arrived while the chat's previous request is running; it waits its turn."""


@dataclass(frozen=True)
class TooManyWaiting:
    """The chat already has several requests in line: new ones are not taken for now."""


@dataclass(frozen=True)
class ExportAlreadyComing:
    """An export arrived while the same draft is already being exported: no second render."""


@dataclass(frozen=True)
class NothingToExport:
    """The project has no track with content yet."""


@dataclass(frozen=True)
class VideoReady:
    """A rendered MP4 on disk, to be sent as a streamable video.

    ``thumbnail`` (a small JPEG) and ``cover`` (a large one, or None) give it a face
    before it plays; ``share_key`` names it for sharing into other chats.
    """

    path: Path
    size: int
    width: int | None
    height: int | None
    duration: float | None
    project_link: str | None
    download_url: str | None
    thumbnail: bytes | None = None
    cover: bytes | None = None
    share_key: str | None = None


@dataclass(frozen=True)
class VideoTooBig:
    """The render is over the messenger's upload limit: offer the link instead."""

    download_url: str
    size: int
    project_link: str | None


@dataclass(frozen=True)
class TurnInterrupted:
    """The bot restarted while the agent was working on this chat's request."""

    timeline: Timeline | None


@dataclass(frozen=True)
class TurnCutShort:
    """The agent's stream ended early; the timeline shows what was done."""

    timeline: Timeline | None


@dataclass(frozen=True)
class VideoGivenUp:
    """A video asked for earlier could not be made or sent, after several tries or a day.

    The project is untouched, so asking again is one tap away.
    """


@dataclass(frozen=True)
class ProjectStarted:
    """A new, empty project now belongs to the chat."""


@dataclass(frozen=True)
class Failed:
    """A request failed; the reason says what the person can do about it.

    For a reason about the bot's NemoVideo account (no credits, a plan without
    export), ``register_link`` binds the anonymous account to a free registration and
    ``account_link`` is NemoVideo's site, where the account's owner tops it up.
    """

    reason: Failure
    register_link: str | None = None
    account_link: str | None = None
    local_video: bool = False  # a free video made by the bot itself is offered instead


class LocalFailure(StrEnum):
    """Why the bot could not make a video itself."""

    NOTHING_TO_SHOW = "nothing_to_show"
    UNREADABLE = "unreadable"
    UNAVAILABLE = "unavailable"
    FAILED = "failed"


@dataclass(frozen=True)
class LocalVideoFailed:
    """The video the bot makes itself could not be made; ``file_name`` is the culprit."""

    reason: LocalFailure
    file_name: str | None = None


@dataclass(frozen=True)
class WhichDidYouMean:
    """The message could ask for any of ``options``: the person picks, nothing runs.

    An export spends credits, so a message that only might ask for one is asked about.
    The choice then runs on the same message.
    """

    options: tuple[Action, ...]


@dataclass(frozen=True)
class Greeting:
    """The first words to a private chat: what the bot does and what to try."""


@dataclass(frozen=True)
class HelpShown:
    """How to use the bot in a private chat."""


@dataclass(frozen=True)
class GroupGuide:
    """What a group's members must do: in a group this matters more than any greeting."""


@dataclass(frozen=True)
class LanguageChoices:
    """The language asked for is not one the bot speaks: here are those it does."""


@dataclass(frozen=True)
class LanguageChanged:
    """The chat's language is now ``locale``; said in that language."""

    locale: str


@dataclass(frozen=True)
class AdminsOnly:
    """Only a group's admins may do this; ``members_limit`` is set where size matters."""

    action: Action
    members_limit: int | None = None


Notice = (
    AgentReply
    | TimelineShown
    | CreditsShown
    | UploadAcknowledged
    | Contributed
    | CollectionSummary
    | AlreadyInProject
    | CollectionOpened
    | CollectionClosedIdle
    | UploadRefused
    | NothingToUpload
    | StillWorking
    | TooManyWaiting
    | ExportAlreadyComing
    | NothingToExport
    | VideoReady
    | VideoTooBig
    | TurnInterrupted
    | VideoGivenUp
    | TurnCutShort
    | ProjectStarted
    | Failed
    | LocalVideoFailed
    | WhichDidYouMean
    | Greeting
    | HelpShown
    | GroupGuide
    | LanguageChoices
    | LanguageChanged
    | AdminsOnly
)


class Activity(StrEnum):
    """What the chat should show the bot as doing while a notice is awaited."""

    TYPING = "typing"
    UPLOADING_VIDEO = "upload_video"
    UPLOADING_DOCUMENT = "upload_document"


class ToolActivity(StrEnum):
    """What the agent is doing with its tools, in words a person understands.

    Tool names and arguments are the cloud's internals: only this much reaches a chat.
    """

    EDITING = "editing"
    GENERATING = "generating"
    MUSIC = "music"
    TEXT = "text"


@dataclass(frozen=True)
class Working:
    """The agent is still working; ``elapsed`` seconds have passed.

    ``doing`` is set while the agent is busy with a tool rather than writing.
    """

    elapsed: float
    doing: ToolActivity | None = None


@dataclass(frozen=True)
class Drafting:
    """What the agent has written so far in this turn, GUI instructions removed."""

    text: str


@dataclass(frozen=True)
class Uploading:
    """Files are being uploaded to the project."""

    count: int


@dataclass(frozen=True)
class Rendering:
    """The export is rendering; ``progress`` is 0–100 when the cloud says."""

    progress: float | None


@dataclass(frozen=True)
class Downloading:
    """The finished video is being fetched for delivery."""


@dataclass(frozen=True)
class Queued:
    """A video the bot makes itself waits for the renderer; ``position`` 1 is next."""

    position: int


Progress = Working | Drafting | Uploading | Queued | Rendering | Downloading
