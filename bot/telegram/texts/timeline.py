"""What the video holds, as the timeline is shown in a chat."""

from __future__ import annotations

from bot.core.summary import Timeline, TrackKind, TrackSummary
from bot.i18n import Translator


def timeline_text(timeline: Timeline, tr: Translator, *, lead: str | None = None) -> str:
    """What the video holds, one line a part: `1. Video: city timelapse (0–10s)`.

    Every line is a whole template, so each language has its own punctuation and units
    (「视频：…（0–10 秒）」).
    """
    if timeline.is_empty:
        return tr.gettext("The project is still empty: send me photos or clips to start.")
    head = lead or tr.gettext("Here is your video so far:")
    lines = [_track_text(index, track, tr) for index, track in enumerate(timeline.tracks, 1)]
    return "\n".join([head, *lines])


def _track_text(index: int, track: TrackSummary, tr: Translator) -> str:
    _ = tr.gettext
    label = {
        TrackKind.VIDEO: _("Video"),
        TrackKind.AUDIO: _("Music"),
        TrackKind.TEXT: _("Text"),
        TrackKind.OTHER: _("Other"),
    }[track.kind]
    if track.kind is TrackKind.TEXT and track.text:
        name = _("“{text}”").format(text=track.text)
    else:
        name = track.name or _unnamed(track, tr)
    fields = {
        "index": tr.number(index),
        "label": label,
        "name": name,
        "start": _seconds(track.start_ms, tr),
        "end": _seconds(track.end_ms, tr),
    }
    if track.volume is None:
        return _("{index}. {label}: {name} ({start}–{end}s)").format(**fields)
    return _("{index}. {label}: {name} ({start}–{end}s, volume {volume})").format(
        **fields, volume=tr.percent(track.volume)
    )


def _unnamed(track: TrackSummary, tr: Translator) -> str:
    """A part without a name, counted in everyday words: scenes, songs, captions."""
    count = track.segments
    match track.kind:
        case TrackKind.VIDEO:
            text = tr.ngettext("{count} scene", "{count} scenes", count)
        case TrackKind.AUDIO:
            text = tr.ngettext("{count} song", "{count} songs", count)
        case TrackKind.TEXT:
            text = tr.ngettext("{count} caption", "{count} captions", count)
        case _:
            text = tr.ngettext("{count} item", "{count} items", count)
    return text.format(count=tr.number(count))


def _seconds(milliseconds: int, tr: Translator) -> str:
    return tr.number(round(milliseconds / 1000, 1))
