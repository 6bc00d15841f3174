"""A multipart/form-data body streamed from async byte sources.

httpx can only send multipart bodies it holds in memory (or reads from sync
files); the bot's files come from Telegram as async streams of up to 2 GB, so
the body is produced part by part here and never held whole.
"""

import secrets
from collections.abc import AsyncIterator, Sequence

from bot.nemo.models import UploadSource

_ESCAPES = (("\\", "\\\\"), ('"', "%22"), ("\r", "%0D"), ("\n", "%0A"))


class StreamingMultipart:
    """One multipart body whose parts all use the same field name.

    Iterate `chunks()` once per request: each call re-opens the sources.
    """

    def __init__(self, field: str, sources: Sequence[UploadSource]) -> None:
        self._field = field
        self._sources = tuple(sources)
        self._boundary = secrets.token_hex(16)

    @property
    def content_type(self) -> str:
        """The Content-Type header value, boundary included."""
        return f"multipart/form-data; boundary={self._boundary}"

    @property
    def content_length(self) -> int | None:
        """The exact body length when every source knows its size, else None (chunked)."""
        sizes = [source.size for source in self._sources]
        if any(size is None for size in sizes):
            return None
        heads = sum(len(self._head(source)) + 2 for source in self._sources)
        return heads + sum(size for size in sizes if size is not None) + len(self._tail())

    async def chunks(self) -> AsyncIterator[bytes]:
        """Yield the body; ValueError if a source yields more or fewer bytes than declared."""
        for source in self._sources:
            yield self._head(source)
            sent = 0
            stream = source.open()
            try:
                async for chunk in stream:
                    sent += len(chunk)
                    if source.size is not None and sent > source.size:
                        raise ValueError(f"{source.filename} is longer than its declared size")
                    yield chunk
            finally:
                aclose = getattr(stream, "aclose", None)
                if aclose is not None:
                    await aclose()
            if source.size is not None and sent != source.size:
                raise ValueError(f"{source.filename} is shorter than its declared size")
            yield b"\r\n"
        yield self._tail()

    def _head(self, source: UploadSource) -> bytes:
        disposition = (
            f'form-data; name="{_quote(self._field)}"; filename="{_quote(source.filename)}"'
        )
        return (
            f"--{self._boundary}\r\n"
            f"Content-Disposition: {disposition}\r\n"
            f"Content-Type: {_quote(source.content_type)}\r\n\r\n"
        ).encode()

    def _tail(self) -> bytes:
        return f"--{self._boundary}--\r\n".encode()


def _quote(value: str) -> str:
    """Escape a header parameter the way browsers (and httpx) do, so no name breaks the part."""
    for raw, escaped in _ESCAPES:
        value = value.replace(raw, escaped)
    return value
