"""The aspect and seconds per photo read from Italian, English and Chinese instructions."""

import pytest

from bot.render import Aspect, Instruction, read_instruction


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("verticale per le storie", Instruction(Aspect.PORTRAIT), id="it-stories"),
        pytest.param("fammi un reel", Instruction(Aspect.PORTRAIT), id="it-reel"),
        pytest.param("quadrato", Instruction(Aspect.SQUARE), id="it-square"),
        pytest.param("in orizzontale", Instruction(Aspect.LANDSCAPE), id="it-landscape"),
        pytest.param("make it vertical", Instruction(Aspect.PORTRAIT), id="en-vertical"),
        pytest.param("square please", Instruction(Aspect.SQUARE), id="en-square"),
        pytest.param("Video in 16:9", Instruction(Aspect.LANDSCAPE), id="ratio-16-9"),
        pytest.param("formato 9/16", Instruction(Aspect.PORTRAIT), id="ratio-9-16-slash"),
        pytest.param("竖屏", Instruction(Aspect.PORTRAIT), id="zh-portrait"),
        pytest.param("做成正方形", Instruction(Aspect.SQUARE), id="zh-square"),
        pytest.param("横屏视频", Instruction(Aspect.LANDSCAPE), id="zh-landscape"),
        pytest.param(
            "da orizzontale a verticale", Instruction(Aspect.PORTRAIT), id="last-aspect-wins"
        ),
        pytest.param("3 secondi a foto", Instruction(photo_seconds=3.0), id="it-seconds"),
        pytest.param("tre secondi a foto", Instruction(photo_seconds=3.0), id="it-word-number"),
        pytest.param(
            "2,5 secondi per ogni immagine", Instruction(photo_seconds=2.5), id="it-decimal"
        ),
        pytest.param(
            "ogni foto dura 4 secondi", Instruction(photo_seconds=4.0), id="it-photo-first"
        ),
        pytest.param("5s per photo", Instruction(photo_seconds=5.0), id="en-seconds"),
        pytest.param("each photo 2 seconds", Instruction(photo_seconds=2.0), id="en-photo-first"),
        pytest.param("4 sec each", Instruction(photo_seconds=4.0), id="en-each"),
        pytest.param("每张3秒", Instruction(photo_seconds=3.0), id="zh-seconds"),
        pytest.param("每张照片停留 2.5 秒", Instruction(photo_seconds=2.5), id="zh-stay"),
        pytest.param("3秒一张", Instruction(photo_seconds=3.0), id="zh-seconds-first"),
        pytest.param("每张三秒", Instruction(photo_seconds=3.0), id="zh-numeral"),
        pytest.param("0,2 secondi a foto", Instruction(photo_seconds=1.0), id="clamped-low"),
        pytest.param("60 seconds per photo", Instruction(photo_seconds=10.0), id="clamped-high"),
        pytest.param(
            "verticale per le storie, 3 secondi a foto",
            Instruction(Aspect.PORTRAIT, 3.0),
            id="it-both",
        ),
        pytest.param("用竖屏，每张三秒", Instruction(Aspect.PORTRAIT, 3.0), id="zh-both"),
        pytest.param("un video di 30 secondi", Instruction(), id="total-length-is-not-per-photo"),
        pytest.param("racconta una storia", Instruction(), id="a-story-is-not-stories"),
        pytest.param("aggiungi musica allegra", Instruction(), id="nothing"),
    ],
)
def test_read_instruction(text: str, expected: Instruction) -> None:
    assert read_instruction(text) == expected
