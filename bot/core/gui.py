"""Turn the agent's graphical-editor instructions into things a chat can do.

The NemoVideo agent talks as if the person sat in front of its web editor ("click the
Export button", "open the panel", "drag the clip"). In a chat those sentences are noise
or, worse, instructions nobody can follow. Each such sentence is dropped and, where it
names something the bot can do itself, replaced by that action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class GuiAction(StrEnum):
    """What the bot does in place of a GUI instruction."""

    EXPORT = "export"
    SHOW_STATE = "show_state"
    DESCRIBE_EDIT = "describe_edit"


_EXPORT = re.compile(
    r"(export|esporta|导出)\w*\W{0,3}\s*(button|bottone|pulsante|按钮)"
    r"|(button|bottone|pulsante|tasto|按钮)\W{0,3}\s*[\"'«\[]?(export|esporta|导出)"
    r"|(click|clicca|premi|tap|press|点击|单击)\w*\s+(on\s+|su\s+|sul\s+|the\s+|il\s+)*"
    r"[\"'«\[]?(export|esporta|download|scarica|导出|下载)",
    re.IGNORECASE,
)
_STATE = re.compile(
    r"\b(open|apri|check|controlla)\w*\s+(the\s+|il\s+|la\s+|lo\s+)?"
    r"(panel|pannello|sidebar|timeline|tab|scheda|inspector|editor)"
    r"|preview\w*\s+(it\s+)?(in|on)\s+(the\s+)?timeline|anteprima\s+(nella|sulla)\s+timeline"
    r"|打开.{0,6}(面板|时间线|时间轴)|在时间线.{0,4}预览",
    re.IGNORECASE,
)
_DRAG = re.compile(r"\b(drag|drop|trascina|rilascia)\w*|拖动|拖拽|拖放", re.IGNORECASE)
_CLICK = re.compile(
    r"\b(click|clicca|tap on|premi il|premi sul|select the .{1,30} button)\b|点击|单击",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])|\n+")


@dataclass(frozen=True)
class Translated:
    """The agent's text without GUI instructions, and the actions they stood for."""

    text: str
    actions: tuple[GuiAction, ...]


def translate(text: str) -> Translated:
    """Drop GUI instructions sentence by sentence, collecting what to do instead."""
    kept: list[str] = []
    actions: list[GuiAction] = []
    for sentence in _sentences(text):
        action = _action_for(sentence)
        if action is None and not _CLICK.search(sentence):
            kept.append(sentence)
        elif action is not None and action not in actions:
            actions.append(action)
    return Translated(text="\n".join(kept).strip(), actions=tuple(actions))


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def _action_for(sentence: str) -> GuiAction | None:
    if _EXPORT.search(sentence):
        return GuiAction.EXPORT
    if _STATE.search(sentence):
        return GuiAction.SHOW_STATE
    if _DRAG.search(sentence):
        return GuiAction.DESCRIBE_EDIT
    return None
