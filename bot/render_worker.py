"""The worker process's side of a local render: plain values in, plain values out.

The bot's process never imports ``bot.render`` (numpy, PyAV, OpenCV: a third of a second
and 50 MB it would carry for good), so nothing crosses the process boundary that needs
it to unpickle: a job arrives as strings and numbers, and the outcome leaves as a tuple.
Progress goes out through a queue and cancelling comes in through a shared value, both
handed to the worker when it starts (the only way a multiprocessing queue may travel).
"""

from __future__ import annotations

from multiprocessing.queues import Queue
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.render import Progress

_progress: Queue[tuple[int, int, int]] | None = None
_cancel: Synchronized[int] | None = None

Outcome = tuple[str, ...]
"""("done", width, height, seconds), ("cancelled",), ("nothing",), ("unreadable", name)
or ("failed", reason), each value as a string."""


def install(progress: Queue[tuple[int, int, int]], cancel: Synchronized[int]) -> None:
    """Keep the pool's progress queue and cancel value for every render of this worker."""
    global _progress, _cancel
    _progress, _cancel = progress, cancel


class _Cancelled:
    """Set once the bot writes this render's token into the shared value."""

    def __init__(self, token: int) -> None:
        self._token = token

    def is_set(self) -> bool:
        return _cancel is not None and _cancel.value == self._token


def run(
    token: int,
    media: list[tuple[str, str, float | None]],
    output: str,
    music: str | None,
    instruction: str,
    short_side: int,
    captions: list[tuple[str, int, float, float]],
) -> Outcome:
    """Render ``media`` (path, "photo" or "clip", seconds or None) to ``output``, as
    ``instruction`` asks, with ``captions`` (text, media index, offset, seconds).

    Seconds per photo said in the words win over the seconds given per photo: the words
    are what the person asked for this video.
    """
    from bot.render import (
        Caption,
        Media,
        MediaKind,
        NothingToRender,
        RenderCancelled,
        RenderError,
        RenderJob,
        RenderOptions,
        UnreadableMedia,
        read_instruction,
        render,
    )

    asked = read_instruction(instruction)
    said: dict[str, Any] = {"aspect": asked.aspect, "photo_seconds": asked.photo_seconds}
    options = RenderOptions(
        short_side=short_side, **{name: value for name, value in said.items() if value}
    )
    job = RenderJob(
        media=tuple(
            Media(
                Path(path),
                MediaKind(kind),
                None if asked.photo_seconds and kind == MediaKind.PHOTO else seconds,
            )
            for path, kind, seconds in media
        ),
        output=Path(output),
        music=Path(music) if music else None,
        options=options,
        captions=tuple(Caption(*caption) for caption in captions),
    )

    def report(progress: Progress) -> None:
        if _progress is not None:
            _progress.put((token, progress.done, progress.total))

    try:
        result = render(job, report, _Cancelled(token))
    except RenderCancelled:
        return ("cancelled",)
    except NothingToRender:
        return ("nothing",)
    except UnreadableMedia as error:
        return ("unreadable", error.path.name)
    except (RenderError, ValueError, OSError) as error:
        return ("failed", f"{type(error).__name__}: {error}")
    return ("done", str(result.width), str(result.height), str(result.seconds))
