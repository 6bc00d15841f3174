"""Timeline summaries: any draft is summarised, and every summary renders in every language."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.summary import Timeline, TrackKind, summarize
from bot.i18n import SUPPORTED_LOCALES, Catalogs
from bot.telegram.texts.timeline import timeline_text
from tests.property.strategies import SCALARS, json_values

FAST = settings(max_examples=150, deadline=None)
CATALOGS = Catalogs()
DRAFT_KEYS = st.sampled_from(
    [
        *("t", "tracks", "tt", "type", "sg", "segments", "d", "duration", "dur", "m", "meta"),
        *("name", "title", "n", "label", "text", "content", "volume", "vol", "v", "st", "start"),
    ]
)
ANYTHING = json_values(DRAFT_KEYS)
# Shaped like a draft, so that tracks really come out, with anything in every field.
NUMBERS = SCALARS | st.integers(min_value=0, max_value=10**7) | st.floats(min_value=0)
META = st.dictionaries(DRAFT_KEYS, SCALARS | NUMBERS, max_size=4) | ANYTHING
SEGMENT = (
    st.fixed_dictionaries(
        {}, optional={"d": NUMBERS, "st": NUMBERS, "m": META, "v": NUMBERS, "x": ANYTHING}
    )
    | ANYTHING
)
TRACK = (
    st.fixed_dictionaries(
        {"sg": st.lists(SEGMENT, max_size=4) | ANYTHING},
        optional={
            "tt": st.sampled_from([0, 1, 7, 3, -1, True, "0", 1.0]),
            "m": META,
            "d": NUMBERS,
        },
    )
    | ANYTHING
)
DRAFTS = (
    st.fixed_dictionaries(
        {"t": st.lists(TRACK, max_size=6) | ANYTHING}, optional={"d": NUMBERS, "extra": ANYTHING}
    )
    | ANYTHING
)


@FAST
@given(DRAFTS)
def test_any_draft_is_summarised_into_sane_tracks(draft):
    timeline = summarize(draft)
    assert isinstance(timeline, Timeline)
    for track in timeline.tracks:
        assert isinstance(track.kind, TrackKind)
        assert 0 <= track.start_ms <= track.end_ms
        assert track.segments >= 1
        assert track.volume is None or (track.volume >= 0 and math.isfinite(track.volume))
        assert track.name is None or track.name.strip() == track.name != ""


@FAST
@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@given(draft=DRAFTS)
def test_any_summary_renders_in_every_language(locale, draft):
    timeline = summarize(draft)
    text = timeline_text(timeline, CATALOGS.translator(locale))
    assert text.strip()
    for index in range(1, len(timeline.tracks) + 1):
        assert f"\n{index}. " in text


@FAST
@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=5))
def test_a_track_spans_its_segments(durations):
    starts = [sum(durations[:i]) for i in range(len(durations))]
    pairs = zip(starts, durations, strict=True)
    segments = [{"st": start, "d": length, "m": {"name": "Foto"}} for start, length in pairs]
    [track] = summarize({"t": [{"tt": 0, "sg": segments}]}).tracks
    assert (track.start_ms, track.end_ms) == (0, sum(durations))
    assert (track.kind, track.name, track.segments) == (TrackKind.VIDEO, "Foto", len(durations))
