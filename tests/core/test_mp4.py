from pathlib import Path

from bot.core.mp4 import VideoInfo, probe

SAMPLE = Path(__file__).parents[1] / "fakes" / "assets" / "sample.mp4"


def test_probe_reads_dimensions_and_duration_of_a_real_mp4():
    info = probe(SAMPLE)
    assert (info.width, info.height) == (320, 240)
    assert info.duration is not None and abs(info.duration - 1.5) < 0.1


def test_probe_of_something_that_is_not_an_mp4_is_empty(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x00\x00\x10moov" + b"\xff" * 3)
    assert probe(junk) == VideoInfo()
