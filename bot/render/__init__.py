"""The local renderer: photos, clips and a song into an H.264 + AAC MP4, on this machine.

Transport-free: it takes local files and options and writes a file; fetching the media
and sending the video belong to the caller. ``render`` is meant for a worker process
(see ``bot.render.engine``); ``read_instruction`` turns a person's words into options.
"""

from bot.render.engine import CancelFlag, render
from bot.render.errors import NothingToRender, RenderCancelled, RenderError, UnreadableMedia
from bot.render.instructions import Instruction, read_instruction
from bot.render.options import (
    Aspect,
    Caption,
    Media,
    MediaKind,
    Progress,
    RenderJob,
    RenderOptions,
    RenderResult,
)

__all__ = [
    "Aspect",
    "CancelFlag",
    "Caption",
    "Instruction",
    "Media",
    "MediaKind",
    "NothingToRender",
    "Progress",
    "RenderCancelled",
    "RenderError",
    "RenderJob",
    "RenderOptions",
    "RenderResult",
    "UnreadableMedia",
    "read_instruction",
    "render",
]
