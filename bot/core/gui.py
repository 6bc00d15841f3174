"""Turn the agent's graphical-editor instructions into things a chat can do.

The NemoVideo agent talks as if the person sat in front of its web editor ("click the
Export button", "open the panel", "drag the clip"). In a chat those sentences are noise
or, worse, instructions nobody can follow. Each such sentence is dropped and, where it
names something the bot can do itself, replaced by that action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.actions import Action

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
class WithoutGui:
    """The agent's text without GUI instructions, and the actions they stood for."""

    text: str
    actions: tuple[Action, ...]


def strip_gui(text: str) -> WithoutGui:
    """Drop GUI instructions sentence by sentence, collecting what to do instead.

    Dragging and clicking have no chat equivalent: those sentences are dropped.
    """
    kept: list[str] = []
    actions: list[Action] = []
    for sentence in _sentences(text):
        action = _action_for(sentence)
        if action is None and not (_CLICK.search(sentence) or _DRAG.search(sentence)):
            kept.append(sentence)
        elif action is not None and action not in actions:
            actions.append(action)
    return WithoutGui(text="\n".join(kept).strip(), actions=tuple(actions))


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


# The GUI sentences that stand for something the bot can do itself, and what.
_ACTIONS = ((_EXPORT, Action.EXPORT), (_STATE, Action.STATE))


def _action_for(sentence: str) -> Action | None:
    return next((action for pattern, action in _ACTIONS if pattern.search(sentence)), None)
