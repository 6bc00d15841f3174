"""Reading a NemoVideo draft's compact, undocumented fields without trusting them.

``t`` tracks, ``tt`` track type (0 video, 1 audio, 7 text), ``sg`` segments, ``d``
duration in ms, ``m`` metadata: that much is documented, the rest is guessed from the
names drafts are likely to use. Every reader returns None or nothing on an unknown
shape, never an error, so a draft that changes shape degrades a summary or a local
video instead of breaking them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

NAME_KEYS = ("name", "title", "n", "label", "file_name", "filename")
TEXT_KEYS = ("text", "content", "tx")
VOLUME_KEYS = ("volume", "vol", "v")
START_KEYS = ("st", "start", "s", "offset")
DURATION_KEYS = ("d", "duration", "dur")
VIDEO_TRACK, AUDIO_TRACK, TEXT_TRACK = 0, 1, 7
# Larger numbers are not times or volumes (10**12 ms is some 31 years): ignored.
_LARGEST = 10**12


def tracks(draft: Any) -> list[Mapping[str, Any]]:
    """The draft's tracks that are mappings, in draft order."""
    if not isinstance(draft, Mapping):
        return []
    return _mappings(draft.get("t", draft.get("tracks")))


def segments(track: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The track's segments that are mappings, in draft order."""
    return _mappings(track.get("sg", track.get("segments")))


def track_code(track: Mapping[str, Any]) -> int | None:
    """The track's type code (``tt``), None when it has no integer one."""
    code = track.get("tt", track.get("type"))
    return code if isinstance(code, int) and not isinstance(code, bool) else None


def merged(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The item's metadata (``m``) with its own fields filling what ``m`` leaves out."""
    meta = raw.get("m", raw.get("meta"))
    result: dict[str, Any] = dict(meta) if isinstance(meta, Mapping) else {}
    for key, value in raw.items():
        result.setdefault(key, value)
    return result


def number(raw: Mapping[str, Any], keys: Sequence[str]) -> float | None:
    """The first usable number under ``keys``: finite, not negative, not absurdly large.

    JSON may carry ``Infinity`` or integers too big for a float; such values would break
    the arithmetic (``int(inf)``), so they count as missing.
    """
    for key in keys:
        value = raw.get(key)
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if is_number and 0 <= value <= _LARGEST:
            return float(value)
    return None


def first_text(metas: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> str | None:
    """The first non-blank string under ``keys`` in any of ``metas``, stripped."""
    for meta in metas:
        for key in keys:
            value = meta.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def strings(raw: Any, depth: int = 3) -> Iterator[str]:
    """Every string value in ``raw``, nested at most ``depth`` mappings or lists deep."""
    if isinstance(raw, str):
        yield raw
    elif depth > 0 and isinstance(raw, Mapping):
        for value in raw.values():
            yield from strings(value, depth - 1)
    elif depth > 0 and isinstance(raw, list):
        for value in raw:
            yield from strings(value, depth - 1)


def _mappings(value: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        return []
    return [item for item in value if isinstance(item, Mapping)]
