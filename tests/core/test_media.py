"""Media inspection: formats known by content, sizes, and HEIC photos turned into JPEG."""

import io

import pillow_heif
import pytest
import soundfile as sf
from PIL import Image, ImageCms

from bot.core import media
from bot.core.media import (
    DEFAULT_MAX_PIXELS,
    PRODUCT_MAX_BYTES,
    SUPPORTED_EXTENSIONS,
    SUPPORTED_FORMAT_NAMES,
    VOICE_MAX_SECONDS,
    CorruptMedia,
    MediaKind,
    PictureTooLarge,
    RecordingTooLong,
    canonical_extension,
    heic_to_jpeg,
    sniff,
    voice_to_mp3,
)
from tests.fakes.telegram.files import voice_bytes

pillow_heif.register_heif_opener()

ORIENTATION = 0x0112


def image_bytes(format_name: str, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 8), "orange").save(buffer, format=format_name, **options)
    return buffer.getvalue()


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    """An ISO/IEC 14496-12 §4.3 FileTypeBox: size, "ftyp", major brand, minor version,
    compatible brands; followed by the start of the next box, as in a real file."""
    body = b"ftyp" + major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return (4 + len(body)).to_bytes(4, "big") + body + b"\x00\x00\x00\x08free"


def ebml(doc_type: bytes) -> bytes:
    """An EBML header (RFC 8794 §11.2; Matroska/WebM): EBMLVersion, EBMLReadVersion,
    EBMLMaxIDLength, EBMLMaxSizeLength, DocType, DocTypeVersion, DocTypeReadVersion."""
    elements = (
        b"\x42\x86\x81\x01"
        + b"\x42\xf7\x81\x01"
        + b"\x42\xf2\x81\x04"
        + b"\x42\xf3\x81\x08"
        + b"\x42\x82"
        + bytes([0x80 | len(doc_type)])
        + doc_type
        + b"\x42\x87\x81\x04"
        + b"\x42\x85\x81\x02"
    )
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(elements)]) + elements + b"\x18\x53\x80\x67"


def riff(form: bytes, first_chunk: bytes) -> bytes:
    """A RIFF header (Microsoft RIFF spec): "RIFF", little-endian size, form type, chunk."""
    return b"RIFF" + (1000).to_bytes(4, "little") + form + first_chunk + b"\x00" * 40


HEADS = [
    pytest.param(image_bytes("JPEG"), "jpg", id="jpeg"),
    pytest.param(image_bytes("PNG"), "png", id="png"),
    pytest.param(image_bytes("GIF"), "gif", id="gif"),
    pytest.param(image_bytes("WEBP"), "webp", id="webp"),
    pytest.param(image_bytes("HEIF"), "heic", id="heic-from-pillow-heif"),
    pytest.param(ftyp(b"mif1", b"mif1", b"heic"), "heic", id="heic-mif1-major"),
    pytest.param(ftyp(b"mif1", b"mif1", b"miaf"), "heif", id="heif-mif1-only"),
    pytest.param(ftyp(b"hevc", b"msf1", b"hevc"), "heic", id="heic-sequence"),
    pytest.param(ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"), "mp4", id="mp4-isom"),
    pytest.param(ftyp(b"mp42", b"mp42", b"isom"), "mp4", id="mp4-mp42"),
    pytest.param(ftyp(b"M4V ", b"M4V ", b"M4A ", b"mp42"), "mp4", id="mp4-m4v"),
    # Camera brands we do not list, recognised through a compatible brand.
    pytest.param(ftyp(b"XYZ1", b"XYZ1", b"isom"), "mp4", id="mp4-by-compatible-brand"),
    pytest.param(ftyp(b"qt  ", b"qt  "), "mov", id="mov-ftyp"),
    # Pre-ftyp QuickTime: the file opens with a "wide" then an "mdat" atom (QTFF).
    pytest.param(b"\x00\x00\x00\x08wide\x00\x10\x00\x00mdat" + b"\x00" * 48, "mov", id="mov-wide"),
    pytest.param(ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"), "m4a", id="m4a"),
    pytest.param(riff(b"AVI ", b"LIST\x00\x01\x00\x00hdrlavih"), "avi", id="avi"),
    pytest.param(riff(b"WAVE", b"fmt \x10\x00\x00\x00\x01\x00\x02\x00"), "wav", id="wav"),
    pytest.param(ebml(b"webm"), "webm", id="webm"),
    pytest.param(ebml(b"matroska"), "mkv", id="mkv"),
    # ID3v2.4 tag header (id3.org): "ID3", version 4.0, flags, syncsafe size.
    pytest.param(b"ID3\x04\x00\x00\x00\x00\x0f\x76TIT2" + b"\x00" * 50, "mp3", id="mp3-id3"),
    # MPEG-1 Layer III frame header (ISO/IEC 11172-3): 128 kbit/s, 44.1 kHz.
    pytest.param(b"\xff\xfb\x90\x64" + b"\x00" * 60, "mp3", id="mp3-mpeg1-frame"),
    # MPEG-2 Layer III, with and without CRC: 0xFFF3 and 0xFFF2.
    pytest.param(b"\xff\xf3\x64\xc4" + b"\x00" * 60, "mp3", id="mp3-mpeg2-frame"),
    pytest.param(b"\xff\xf2\x64\xc4" + b"\x00" * 60, "mp3", id="mp3-mpeg2-crc-frame"),
    # ADTS header (ISO/IEC 13818-7 §6.2): MPEG-4 and MPEG-2, AAC LC, 44.1 kHz, stereo.
    pytest.param(b"\xff\xf1\x50\x80\x02\x1f\xfc" + b"\x00" * 57, "aac", id="aac-adts-mpeg4"),
    pytest.param(b"\xff\xf9\x50\x80\x02\x1f\xfc" + b"\x00" * 57, "aac", id="aac-adts-mpeg2"),
    # Ogg page header (RFC 3533 §6) carrying an Opus ID header (RFC 7845 §5.1): the voice
    # note format, recognised so it can be transcoded before upload.
    pytest.param(
        b"OggS\x00\x02" + b"\x00" * 8 + b"\x01\x02\x03\x04" + b"\x00" * 8 + b"\x01\x13OpusHead",
        "ogg",
        id="ogg-opus-voice-note",
    ),
]


@pytest.mark.parametrize(("head", "extension"), HEADS)
def test_sniff_names_the_format_by_content(head, extension):
    found = sniff(head)
    assert found is not None
    assert found.extension == extension


@pytest.mark.parametrize(
    "head",
    [
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3" + b"\x00" * 50, id="pdf"),
        pytest.param(b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 56, id="zip"),
        pytest.param(b"hello, this is plain text and not a picture at all." * 2, id="text"),
        pytest.param(ftyp(b"avif", b"avif", b"mif1", b"miaf"), id="avif"),
        pytest.param(ftyp(b"mif1", b"avif", b"mif1", b"miaf"), id="avif-mif1-major"),
        pytest.param(ftyp(b"crx ", b"crx "), id="canon-raw"),
        pytest.param(b"RIFF\x00\x01\x00\x00CDXAfmt " + b"\x00" * 48, id="riff-other"),
        # 0xFFFD is MPEG-1 Layer II: not a format the cloud lists.
        pytest.param(b"\xff\xfd\x90\x64" + b"\x00" * 60, id="mpeg-layer-2"),
        # Layer III sync with a "bad" bitrate index (1111).
        pytest.param(b"\xff\xfb\xf0\x64" + b"\x00" * 60, id="mp3-bad-bitrate"),
        pytest.param(b"\xff", id="one-byte"),
        pytest.param(b"", id="nothing"),
    ],
)
def test_sniff_returns_none_for_unknown_content(head):
    assert sniff(head) is None


def test_formats_carry_kind_and_mime():
    assert sniff(image_bytes("PNG")) == media.MediaFormat("png", "image/png", MediaKind.IMAGE)
    assert sniff(ebml(b"webm")).kind is MediaKind.VIDEO
    assert sniff(ftyp(b"M4A ", b"M4A ")).kind is MediaKind.AUDIO


def test_every_supported_extension_is_uploadable_and_so_is_a_voice_note():
    sniffed = {param.values[1]: sniff(param.values[0]) for param in HEADS}
    uploadable = {ext for ext, found in sniffed.items() if found.uploadable}
    assert uploadable == SUPPORTED_EXTENSIONS | {"ogg"}


def test_a_voice_note_becomes_an_mp3_of_the_same_length():
    mp3 = voice_to_mp3(voice_bytes(seconds=2.0), max_seconds=VOICE_MAX_SECONDS)
    assert sniff(mp3[:64]).extension == "mp3"
    with sf.SoundFile(io.BytesIO(mp3)) as decoded:
        assert decoded.samplerate == 48_000
        assert decoded.frames / decoded.samplerate == pytest.approx(2.0, abs=0.1)


def test_a_damaged_voice_note_is_corrupt_media():
    with pytest.raises(CorruptMedia):
        voice_to_mp3(b"OggS\x00\x02" + bytes(300), max_seconds=VOICE_MAX_SECONDS)


def test_display_names_cover_what_the_cloud_takes():
    # HEIF is shown as HEIC, its common name; every other extension appears as itself.
    shown = {name.lower() for name in SUPPORTED_FORMAT_NAMES}
    assert shown == SUPPORTED_EXTENSIONS - {"heif"}
    assert SUPPORTED_FORMAT_NAMES[:2] == ("JPG", "PNG")


def test_size_limits():
    assert PRODUCT_MAX_BYTES == 209_715_200
    assert media.BOT_API_DOWNLOAD_MAX == 20_000_000
    assert media.LOCAL_MODE_DOWNLOAD_MAX == 2_000_000_000
    assert media.BOT_API_UPLOAD_MAX == 50_000_000


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("IMG_0001.JPEG", "jpg"),
        ("clip.final.mp4", "mp4"),
        ("/path/to/video.M4V", "mp4"),
        ("IMG_1234.HEIC", "heic"),
        ("README", None),
        ("", None),
    ],
)
def test_canonical_extension(name, extension):
    assert canonical_extension(name) == extension


def heic_with_orientation(orientation: int, **options) -> bytes:
    """A 40×20 HEIC whose stored left half is red and right half blue, tagged with an
    EXIF orientation: the way phones store a photo taken sideways."""
    image = Image.new("RGB", (40, 20), "blue")
    image.paste("red", (0, 0, 20, 20))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    image.save(buffer, format="HEIF", exif=exif.tobytes(), quality=95, **options)
    return buffer.getvalue()


def decoded_jpeg(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    return image.convert("RGB")


def is_red(pixel: tuple[int, int, int]) -> bool:
    red, green, blue = pixel
    return red > 180 and green < 80 and blue < 80


def test_heic_to_jpeg_keeps_an_upright_photo_as_is():
    image = decoded_jpeg(heic_to_jpeg(heic_with_orientation(1), max_pixels=DEFAULT_MAX_PIXELS))
    assert image.size == (40, 20)
    assert is_red(image.getpixel((5, 10)))


def test_heic_to_jpeg_turns_orientation_6_clockwise():
    image = decoded_jpeg(heic_to_jpeg(heic_with_orientation(6), max_pixels=DEFAULT_MAX_PIXELS))
    assert image.size == (20, 40)
    # Rotated a quarter turn clockwise, the stored left half ends up on top.
    assert is_red(image.getpixel((10, 5)))
    assert not is_red(image.getpixel((10, 35)))


def test_heic_to_jpeg_turns_orientation_8_anticlockwise():
    image = decoded_jpeg(heic_to_jpeg(heic_with_orientation(8), max_pixels=DEFAULT_MAX_PIXELS))
    assert image.size == (20, 40)
    assert is_red(image.getpixel((10, 35)))
    assert not is_red(image.getpixel((10, 5)))


def test_heic_to_jpeg_leaves_no_orientation_to_apply_twice():
    image = Image.open(
        io.BytesIO(heic_to_jpeg(heic_with_orientation(6), max_pixels=DEFAULT_MAX_PIXELS))
    )
    assert image.getexif().get(ORIENTATION, 1) == 1


def test_heic_to_jpeg_keeps_the_colour_profile():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    jpeg = heic_to_jpeg(
        heic_with_orientation(1, icc_profile=profile), max_pixels=DEFAULT_MAX_PIXELS
    )
    assert Image.open(io.BytesIO(jpeg)).info.get("icc_profile") == profile


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(heic_with_orientation(1)[:-40], id="truncated"),
        pytest.param(heic_with_orientation(1)[:80], id="header-only"),
        pytest.param(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 200, id="garbage-after-ftyp"),
        pytest.param(b"not a picture" * 20, id="not-heic"),
        pytest.param(b"", id="empty"),
    ],
)
def test_heic_to_jpeg_raises_corrupt_media_on_a_corrupt_file(data):
    with pytest.raises(CorruptMedia):
        heic_to_jpeg(data, max_pixels=DEFAULT_MAX_PIXELS)


def test_heic_to_jpeg_refuses_a_picture_over_the_pixel_limit_without_decoding(monkeypatch):
    decoded = []
    monkeypatch.setattr(pillow_heif.HeifImage, "load", lambda image: decoded.append(image))
    with pytest.raises(PictureTooLarge):
        heic_to_jpeg(heic_with_orientation(1), max_pixels=40 * 20 - 1)
    assert decoded == []


def test_heic_to_jpeg_makes_no_copy_of_the_decoded_picture(monkeypatch):
    # Each copy of a 9000x9900 picture is 356 MB: decoding, then exif_transpose's copy,
    # then convert's, took a 20 KB file to 1.1 GB.
    def copied(*args, **kwargs):
        raise AssertionError("the decoded picture was copied")

    monkeypatch.setattr(Image.Image, "copy", copied)
    monkeypatch.setattr(Image.Image, "convert", copied)
    rgba = io.BytesIO()
    Image.new("RGBA", (40, 20), (255, 0, 0, 128)).save(rgba, format="HEIF")

    for data in (heic_with_orientation(1), rgba.getvalue()):
        assert heic_to_jpeg(data, max_pixels=DEFAULT_MAX_PIXELS).startswith(b"\xff\xd8")


def test_a_voice_note_over_the_duration_limit_is_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(sf.SoundFile, "blocks", lambda *a, **k: pytest.fail("decoded"))
    with pytest.raises(RecordingTooLong):
        voice_to_mp3(voice_bytes(seconds=3.0), max_seconds=2.0)
