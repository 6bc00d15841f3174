"""Errors raised by bot.render.

* RenderError            base of everything below
  + NothingToRender      the job has no photo, clip or title to show
  + UnreadableMedia      a photo, clip or song cannot be decoded (.path)
  + RenderCancelled      the cancel flag was set; no output file is left behind
"""

from pathlib import Path


class RenderError(Exception):
    """The local renderer could not produce the video."""


class NothingToRender(RenderError):
    """The job has no photo, clip or title to show."""


class UnreadableMedia(RenderError):
    """A photo, clip or song cannot be decoded."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(message)
        self.path = path


class RenderCancelled(RenderError):
    """The cancel flag was set while rendering; the partial output has been removed."""
