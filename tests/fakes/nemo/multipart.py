"""Counting a multipart upload as it streams in: a 200 MB video is never held in memory."""

import hashlib

from python_multipart.multipart import MultipartParser, parse_options_header

from tests.fakes.nemo.records import UploadedPart


class PartCounter:
    """Parses a multipart body chunk by chunk, keeping only sizes and hashes."""

    def __init__(self, boundary: bytes) -> None:
        self.parts: list[UploadedPart] = []
        self.ended = False
        self._headers: dict[str, bytes] = {}
        self._name = self._value = b""
        self._size = 0
        self._hash = hashlib.sha256()
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._begin,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
                "on_part_data": self._data,
                "on_part_end": self._end,
                "on_end": self._finished,
            },
        )

    def feed(self, chunk: bytes) -> None:
        self._parser.write(chunk)

    def _begin(self) -> None:
        self._headers, self._size, self._hash = {}, 0, hashlib.sha256()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._name.decode("latin-1").lower()] = self._value
        self._name = self._value = b""

    def _data(self, data: bytes, start: int, end: int) -> None:
        self._size += end - start
        self._hash.update(memoryview(data)[start:end])

    def _end(self) -> None:
        _, params = parse_options_header(self._headers.get("content-disposition", b""))
        part = UploadedPart(
            field=params.get(b"name", b"").decode(),
            filename=params.get(b"filename", b"").decode(),
            content_type=self._headers.get("content-type", b"").decode(),
            size=self._size,
            sha256=self._hash.hexdigest(),
        )
        self.parts.append(part)

    def _finished(self) -> None:
        self.ended = True
