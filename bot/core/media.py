"""What a file is, judged by its first bytes, and whether the cloud will take it.

Names and MIME types that Telegram reports come from the sender's device and can lie
(an iPhone "Send as File" JPEG arrives as ``application/octet-stream``), so a file is
judged by content. The cloud accepts mp4 mov avi webm mkv jpg png gif webp mp3 wav m4a
aac; HEIC/HEIF photos are accepted here too and converted to JPEG before upload.

Telegram voice notes are OGG Opus, which the cloud does not list: ``sniff`` names them
``ogg``, and uploads transcode them to MP3 (``voice_to_mp3``) before sending them on.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

# Pillow, pillow-heif and soundfile (which loads numpy) are imported by the functions that
# convert a file: together they cost the bot's start-up about 70 ms that most runs never use.

PRODUCT_MAX_BYTES = 200 * 1024 * 1024
BOT_API_DOWNLOAD_MAX = 20 * 1000 * 1000  # getFile on the cloud Bot API; PTB uses int(20e6)
LOCAL_MODE_DOWNLOAD_MAX = 2000 * 1000 * 1000
BOT_API_UPLOAD_MAX = 50 * 1000 * 1000
LOCAL_MODE_UPLOAD_MAX = 2000 * 1000 * 1000  # sendVideo through a self-hosted Bot API server

CLOUD_EXTENSIONS = frozenset(
    {"mp4", "mov", "avi", "webm", "mkv", "jpg", "png", "gif", "webp"}
    | {"mp3", "wav", "m4a", "aac"}
)
SUPPORTED_EXTENSIONS = CLOUD_EXTENSIONS | {"heic", "heif"}
# Taken from the messenger and transcoded here; not by link, which the cloud fetches itself.
TRANSCODED_EXTENSIONS = frozenset({"ogg"})
# Voice notes are transcoded in memory: a few minutes of speech is well under 1 MB.
VOICE_MAX_BYTES = 10 * 1024 * 1024
# Bytes are no measure of a voice note's cost (silence takes almost none): an hour of
# 48 kHz samples is 690 MB decoded, of which only one block is held, and the MP3 kept in
# memory grows with the duration.
VOICE_MAX_SECONDS = 30 * 60
# Photos read whole to be converted: a 48 MP iPhone HEIC is about 10 MB, a 50 MP JPEG 25.
READ_WHOLE_MAX_BYTES = 32 * 1024 * 1024
# iPhones shoot 48 MP ("HEIF Max"); each decoded megapixel costs about 4 MB at once.
DEFAULT_MAX_PIXELS = 50_000_000
_VOICE_BLOCK_FRAMES = 48_000  # one second of Telegram's 48 kHz voice
SUPPORTED_FORMAT_NAMES: tuple[str, ...] = (
    *("JPG", "PNG", "HEIC", "WEBP", "GIF"),
    *("MP4", "MOV", "AVI", "WEBM", "MKV"),
    *("MP3", "WAV", "M4A", "AAC"),
)

# Other spellings of a supported extension, as they appear in file names and links.
_EXTENSION_ALIASES = {"jpeg": "jpg", "jpe": "jpg", "m4v": "mp4", "hif": "heif"}


class MediaKind(StrEnum):
    """The broad family of a file, as the cloud reports it back (``file_type``)."""

    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"


@dataclass(frozen=True)
class MediaFormat:
    """A file format: the extension the cloud expects in the file name, and its MIME type."""

    extension: str
    mime: str
    kind: MediaKind

    @property
    def uploadable(self) -> bool:
        """True when the format is accepted, as is or after conversion (JPEG, MP3)."""
        return self.extension in SUPPORTED_EXTENSIONS | TRANSCODED_EXTENSIONS


JPEG = MediaFormat("jpg", "image/jpeg", MediaKind.IMAGE)
PNG = MediaFormat("png", "image/png", MediaKind.IMAGE)
GIF = MediaFormat("gif", "image/gif", MediaKind.IMAGE)
WEBP = MediaFormat("webp", "image/webp", MediaKind.IMAGE)
HEIC = MediaFormat("heic", "image/heic", MediaKind.IMAGE)
HEIF = MediaFormat("heif", "image/heif", MediaKind.IMAGE)
MP4 = MediaFormat("mp4", "video/mp4", MediaKind.VIDEO)
MOV = MediaFormat("mov", "video/quicktime", MediaKind.VIDEO)
AVI = MediaFormat("avi", "video/x-msvideo", MediaKind.VIDEO)
WEBM = MediaFormat("webm", "video/webm", MediaKind.VIDEO)
MKV = MediaFormat("mkv", "video/x-matroska", MediaKind.VIDEO)
MP3 = MediaFormat("mp3", "audio/mpeg", MediaKind.AUDIO)
WAV = MediaFormat("wav", "audio/wav", MediaKind.AUDIO)
M4A = MediaFormat("m4a", "audio/mp4", MediaKind.AUDIO)
AAC = MediaFormat("aac", "audio/aac", MediaKind.AUDIO)
OGG = MediaFormat("ogg", "audio/ogg", MediaKind.AUDIO)

# ISO base media ("ftyp") brands. HEIF's structural brands mif1/msf1 are also used by
# AVIF, so they count as HEIF only when no AVIF brand is listed beside them.
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"})
_HEIF_BRANDS = frozenset({b"mif1", b"msf1"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_M4A_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P "})
_MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"mp71", b"avc1"}
    | {b"dash", b"M4V ", b"M4VH", b"M4VP", b"f4v ", b"XAVC", b"MSNV", b"mmp4"}
)
# A QuickTime file without "ftyp" (older cameras) starts with one of these atoms.
_QUICKTIME_ATOMS = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})
_RIFF_FORMS = {b"WEBP": WEBP, b"AVI ": AVI, b"WAVE": WAV}


def sniff(head: bytes) -> MediaFormat | None:
    """Identify a file by its first bytes (64 or more); None when the content is unknown."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF"):
        return _RIFF_FORMS.get(head[8:12])
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _matroska(head)
    if head[4:8] == b"ftyp":
        return _iso_media(head)
    if head[4:8] in _QUICKTIME_ATOMS:
        return MOV
    return _audio_stream(head)


def _matroska(head: bytes) -> MediaFormat:
    """WebM is Matroska with DocType "webm"; the DocType sits in the EBML header."""
    return WEBM if b"webm" in head[:64] else MKV


def _iso_media(head: bytes) -> MediaFormat | None:
    """Tell the ISO base media family apart by the brands of its "ftyp" box."""
    major = head[8:12]
    box_end = min(int.from_bytes(head[:4], "big"), len(head))
    compatible = {head[i : i + 4] for i in range(16, box_end - 3, 4)}
    if major in _HEIC_BRANDS:
        return HEIC
    if major in _HEIF_BRANDS:
        if compatible & _HEIC_BRANDS:
            return HEIC
        return None if compatible & _AVIF_BRANDS else HEIF
    if major == b"qt  ":
        return MOV
    if major in _M4A_BRANDS:
        return M4A
    if major in _MP4_BRANDS or compatible & _MP4_BRANDS:
        return MP4
    return None


def _audio_stream(head: bytes) -> MediaFormat | None:
    """Raw audio streams: MP3 (ID3 tag or an MPEG Layer III frame) or AAC in ADTS frames."""
    if head.startswith(b"ID3"):
        return MP3
    if len(head) < 3 or head[0] != 0xFF:
        return None
    second, third = head[1], head[2]
    # ADTS: 12 sync bits, then the layer field, always 00 (ISO/IEC 13818-7).
    if second & 0xF6 == 0xF0:
        return AAC
    # MPEG audio frame: 11 sync bits, a version that is not "reserved" (01), layer III
    # (01), and a bitrate index and sample rate that are not "bad"/"reserved".
    version, layer = (second >> 3) & 0b11, (second >> 1) & 0b11
    bitrate, rate = third >> 4, (third >> 2) & 0b11
    layer_3 = second & 0xE0 == 0xE0 and version != 0b01 and layer == 0b01
    return MP3 if layer_3 and bitrate != 0b1111 and rate != 0b11 else None


def canonical_extension(name: str) -> str | None:
    """The extension of a file name or URL path, lower case, with aliases folded ("jpeg")."""
    suffix = PurePosixPath(name).suffix.lower().removeprefix(".")
    return _EXTENSION_ALIASES.get(suffix, suffix) or None


class CorruptMedia(Exception):
    """The file claims a format but cannot be decoded."""


class PictureTooLarge(Exception):
    """The picture has more pixels than the bot decodes; its header says so before decoding.

    A 20 KB HEIC can describe 9000x9900 pixels, which decode to hundreds of megabytes.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(f"over the limit of {limit} pixels")
        self.limit = limit


class RecordingTooLong(Exception):
    """The recording lasts longer than the bot transcodes: silence compresses to almost
    nothing, so a small voice note can hold hours of samples."""

    def __init__(self, seconds: float, limit: float) -> None:
        super().__init__(f"{seconds:.0f} s is over the limit of {limit:.0f} s")
        self.seconds = seconds
        self.limit = limit


# What decoding a damaged HEIC can raise. pillow-heif documents ValueError, EOFError,
# SyntaxError ("unsupported feature", e.g. a box version byte flipped), RuntimeError and
# OSError; an image list left empty by a damaged header surfaces as IndexError, and
# Pillow's EXIF reader reports a broken TIFF header as SyntaxError too.
_DECODING_ERRORS = (ValueError, RuntimeError, OSError, SyntaxError, EOFError, IndexError)
_ORIENTATION_TAG = 0x0112
# Modes the JPEG encoder takes as they are; any other is converted (a copy) first.
_JPEG_MODES = frozenset({"RGB", "RGBX", "L", "CMYK"})


def heic_to_jpeg(data: bytes, *, max_pixels: int, quality: int = 92) -> bytes:
    """Convert a HEIC/HEIF photo to JPEG, upright, keeping its colour profile.

    libheif applies the container's rotation and mirroring (``irot``/``imir``, which is
    where iPhones record orientation) while decoding, and pillow-heif then resets the
    EXIF orientation to 1; ``exif_transpose`` covers any orientation left in EXIF, so
    the picture stands the right way whichever of the two carried it. Memory: the
    decoded pixels once, plus libheif's buffer while they are copied out of it.

    Raises PictureTooLarge when the header claims more than ``max_pixels`` (nothing is
    decoded then), CorruptMedia when the data cannot be decoded.
    """
    try:
        image = _decode_heif(data, max_pixels)
        _turn_upright(image)
    except _DECODING_ERRORS as exc:
        raise CorruptMedia(str(exc)) from exc
    return _encoded(image, "JPEG", quality=quality, icc_profile=image.info.get("icc_profile"))


def _decode_heif(data: bytes, max_pixels: int) -> Image.Image:
    """Decode the primary image, checking its size first: decoding is what costs memory."""
    import pillow_heif
    from PIL import Image

    heif = pillow_heif.open_heif(data)
    _check_pixels(heif.size, max_pixels)
    mode, raw = heif.mode, heif.mode
    if mode == "RGBA":
        # JPEG drops alpha anyway; read as RGBX the buffer is shared, not copied.
        mode, raw = "RGBX", "RGBX"
    image = Image.frombuffer(mode, heif.size, heif.data, "raw", raw, heif.stride, 1)
    image.info = {
        key: heif.info[key] for key in ("exif", "icc_profile", "xmp") if heif.info.get(key)
    }
    # libheif has turned the pixels by the container's rotation, which the standard makes
    # authoritative; the tag left in EXIF would turn them twice, so it is reset as
    # pillow-heif's own ``to_pillow`` does.
    pillow_heif.set_orientation(image.info)
    return image


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width * height > max_pixels:
        raise PictureTooLarge(max_pixels)


def _turn_upright(image: Image.Image) -> bool:
    """Apply the EXIF orientation to the pixels; True when it was not already upright.

    In place: ``exif_transpose`` otherwise returns a copy even of an upright picture.
    """
    from PIL import ImageOps

    turned = image.getexif().get(_ORIENTATION_TAG, 1) not in (1, None)
    ImageOps.exif_transpose(image, in_place=True)
    return turned


def _encoded(image: Image.Image, format_name: str, **options: object) -> bytes:
    if format_name == "JPEG" and image.mode not in _JPEG_MODES:
        image = image.convert("RGB")
    output = io.BytesIO()
    image.save(output, format=format_name, **options)
    return output.getvalue()


def may_need_turning(head: bytes, media: MediaFormat) -> bool:
    """False when the first bytes show a JPEG, PNG or WEBP has no orientation to apply.

    Only those then stream unchanged; the rest are read whole and looked at properly.
    JPEG keeps EXIF at its start, PNG before the pixels (``eXIf`` before ``IDAT``); WEBP
    keeps it after them, but its header says whether there is any.
    """
    if media is WEBP:
        # VP8X extended header: the EXIF flag is bit 3 of the byte after the chunk size.
        return head[12:16] == b"VP8X" and len(head) > 20 and bool(head[20] & 0x08)
    if media is PNG:
        return _png_may_have_exif(head)
    if media is JPEG:
        return _jpeg_orientation(head) != 1
    return False


def _png_may_have_exif(head: bytes) -> bool:
    position = 8
    while position + 8 <= len(head):
        length = int.from_bytes(head[position : position + 4], "big")
        kind = head[position + 4 : position + 8]
        if kind == b"eXIf":
            return True
        if kind == b"IDAT":
            return False
        position += 12 + length
    return True  # the pixels did not start within the head: cannot tell


def _jpeg_orientation(head: bytes) -> int | None:
    """The EXIF orientation from a JPEG's first bytes; None when they do not tell."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(head)) as image:
            return image.getexif().get(_ORIENTATION_TAG, 1)
    except (UnidentifiedImageError, Image.DecompressionBombError, *_DECODING_ERRORS):
        return None


def upright_image(data: bytes, media: MediaFormat, *, max_pixels: int) -> bytes | None:
    """The JPEG, PNG or WEBP turned upright, or None when it already is (send it as is).

    The cloud does not document reading EXIF orientation, so the pixels are turned here
    and the tag reset. JPEG keeps its quantization tables and subsampling (the closest
    Pillow comes to lossless); PNG is lossless; WEBP stays lossless if it was.

    Raises PictureTooLarge (checked before decoding) or CorruptMedia.
    """
    from PIL import Image, JpegImagePlugin

    try:
        with Image.open(io.BytesIO(data)) as image:
            _check_pixels(image.size, max_pixels)
            if image.getexif().get(_ORIENTATION_TAG, 1) in (1, None):
                return None
            options: dict[str, object] = {"icc_profile": image.info.get("icc_profile")}
            if media is JPEG:
                options["qtables"] = image.quantization
                options["subsampling"] = JpegImagePlugin.get_sampling(image)
            elif media is WEBP:
                options["lossless"] = _webp_lossless(data)
                options["quality"] = 92
            image.load()
            _turn_upright(image)
            options["exif"] = image.getexif()
            return _encoded(image, image.format or media.extension.upper(), **options)
    except Image.DecompressionBombError as exc:
        # Pillow's own limit, met on opening when a picture is far over ours.
        raise PictureTooLarge(max_pixels) from exc
    except _DECODING_ERRORS as exc:
        raise CorruptMedia(str(exc)) from exc


def _webp_lossless(data: bytes) -> bool:
    """True when the image chunk is VP8L (lossless) rather than VP8 (lossy)."""
    position = 12
    while position + 8 <= len(data):
        kind = data[position : position + 4]
        if kind in (b"VP8L", b"VP8 "):
            return kind == b"VP8L"
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        position += 8 + size + (size & 1)
    return False


def voice_to_mp3(data: bytes, *, max_seconds: float) -> bytes:
    """Transcode an OGG voice note (Opus or Vorbis) to MP3, which the cloud accepts.

    The duration is read from the stream's header (frames over sample rate) and checked
    before decoding, and counted again while decoding in case the header lies. Decoded a
    block at a time, so the samples of a long note are never all in memory.
    Raises RecordingTooLong, or CorruptMedia when the data cannot be decoded.
    """
    import soundfile as sf

    output = io.BytesIO()
    try:
        with sf.SoundFile(io.BytesIO(data)) as voice:
            limit = int(max_seconds * voice.samplerate)
            if voice.frames > limit:
                raise RecordingTooLong(voice.frames / voice.samplerate, max_seconds)
            with sf.SoundFile(output, "w", voice.samplerate, voice.channels, format="MP3") as mp3:
                written = 0
                for block in voice.blocks(blocksize=_VOICE_BLOCK_FRAMES, dtype="float32"):
                    written += len(block)
                    if written > limit:
                        raise RecordingTooLong(written / voice.samplerate, max_seconds)
                    mp3.write(block)
    except (sf.LibsndfileError, RuntimeError, ValueError) as exc:
        raise CorruptMedia(str(exc)) from exc
    return output.getvalue()
