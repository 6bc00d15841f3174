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
    media: list[tuple[str, str]],
    output: str,
    music: str | None,
    instruction: str,
    short_side: int,
) -> Outcome:
    """Render ``media`` (path, "photo" or "clip") to ``output``, as ``instruction`` asks."""
    from bot.render import (
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
        media=tuple(Media(Path(path), MediaKind(kind)) for path, kind in media),
        output=Path(output),
        music=Path(music) if music else None,
        options=options,
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
