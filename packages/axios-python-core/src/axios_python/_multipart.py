"""Multipart/form-data encoding that streams file contents instead of loading them."""

from __future__ import annotations

import io
import mimetypes
import os
import secrets
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from typing import IO, Any, Union

from ._exceptions import ConfigError
from ._headers import Headers
from ._params import text_of
from ._repr import short_repr

__all__ = ["FileValue", "FilesInput", "MultipartStream"]

FileContent = Union[IO[bytes], bytes, str]
FileValue = Union[
    FileContent,
    tuple[str | None, FileContent],
    tuple[str | None, FileContent, str | None],
    tuple[str | None, FileContent, str | None, Mapping[str, str]],
]
FilesInput = Union[Mapping[str, FileValue], Iterable[tuple[str, FileValue]]]

_CHUNK = 64 * 1024
_NESTED_FIELD = "a multipart field is text: send the value as JSON text, or as a file"


class _Part:
    __slots__ = ("content", "header", "start")

    def __init__(self, header: bytes, content: bytes | IO[bytes]) -> None:
        self.header = header
        self.content = content
        self.start = content.tell() if _is_seekable(content) else None  # type: ignore[union-attr]

    def size(self) -> int | None:
        if isinstance(self.content, bytes):
            return len(self.content)
        if self.start is None:
            return None
        current = self.content.tell()
        end = self.content.seek(0, io.SEEK_END)
        self.content.seek(current)
        return end - self.start

    def chunks(self) -> Iterator[bytes]:
        if isinstance(self.content, bytes):
            yield self.content
            return
        if self.start is not None:
            self.content.seek(self.start)
        while True:
            chunk = self.content.read(_CHUNK)
            if not chunk:
                return
            yield chunk if isinstance(chunk, bytes) else chunk.encode("utf-8")


def _is_seekable(content: object) -> bool:
    seekable = getattr(content, "seekable", None)
    try:
        return bool(seekable()) if callable(seekable) else False
    except (OSError, ValueError):
        return False


class MultipartStream:
    """A multipart body that reads files in 64 KiB chunks, sync or async.

    It can be sent again (a redirect or retry) when every file is seekable;
    ``replayable`` says whether it can.
    """

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        files: FilesInput,
        boundary: str | None = None,
    ) -> None:
        self.boundary = boundary or secrets.token_hex(16)
        self._parts: list[_Part] = []
        self._sent = False
        for name, value in (data or {}).items():
            for item in value if isinstance(value, (list, tuple)) else [value]:
                self._parts.append(self._field(name, item))
        file_items = files.items() if isinstance(files, Mapping) else files
        for name, file_value in file_items:
            self._parts.append(self._file(name, file_value))
        self._closing = f"--{self.boundary}--\r\n".encode()

    @property
    def content_type(self) -> str:
        """The Content-Type header value, boundary included."""
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def content_length(self) -> int | None:
        """Total size in bytes, or None when a file's size cannot be known in advance."""
        total = len(self._closing)
        for part in self._parts:
            size = part.size()
            if size is None:
                return None
            total += len(part.header) + size + 2
        return total

    @property
    def replayable(self) -> bool:
        """True when the body can be produced again from the start."""
        return not self._sent or all(
            isinstance(part.content, bytes) or part.start is not None for part in self._parts
        )

    def __iter__(self) -> Iterator[bytes]:
        self._sent = True
        for part in self._parts:
            yield part.header
            yield from part.chunks()
            yield b"\r\n"
        yield self._closing

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk

    def _field(self, name: str, value: Any) -> _Part:
        disposition = f'form-data; name="{_quote(_named(name, "data field"))}"'
        text = b"" if value is None else text_of(value, name, "data", _NESTED_FIELD)
        content = text if isinstance(text, bytes) else text.encode("utf-8")
        return _Part(self._header(disposition, None, {}), content)

    def _file(self, name: str, value: FileValue) -> _Part:
        _named(name, "file")
        filename: str | None
        content_type: str | None = None
        extra: Mapping[str, str] = {}
        if isinstance(value, tuple):
            if not 2 <= len(value) <= 4:
                raise ConfigError(
                    f"file {name!r} must be a (filename, content[, content_type[, headers]]) "
                    f"tuple (got {len(value)} items)"
                )
            filename, content = value[0], value[1]
            if filename is not None and not isinstance(filename, str):
                raise ConfigError(f"file {name!r}: the filename must be a str or None")
            if len(value) > 2:
                content_type = value[2]
            if len(value) > 3:
                extra = value[3]
            # The part's own header lines: as checked as the request's (no CR/LF injection).
            Headers({"Content-Type": content_type, **_mapping(name, extra)})
        else:
            content = value
            filename = os.path.basename(str(getattr(value, "name", ""))) or name
        if content_type is None and filename:
            content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        disposition = f'form-data; name="{_quote(name)}"'
        if filename is not None:
            disposition += f'; filename="{_quote(filename)}"'
        body: bytes | IO[bytes]
        if isinstance(content, str):
            body = content.encode("utf-8")
        elif isinstance(content, (bytes, bytearray)):
            body = bytes(content)
        elif hasattr(content, "read"):
            body = content
        else:
            raise TypeError(
                f"file {name!r} must be bytes, str or a binary file object "
                f"(got {type(content).__name__})"
            )
        return _Part(self._header(disposition, content_type, extra), body)

    def _header(
        self, disposition: str, content_type: str | None, extra: Mapping[str, str]
    ) -> bytes:
        lines = [f"--{self.boundary}", f"Content-Disposition: {disposition}"]
        if content_type:
            lines.append(f"Content-Type: {content_type}")
        lines.extend(f"{key}: {value}" for key, value in extra.items())
        return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def _mapping(name: str, extra: object) -> Mapping[str, Any]:
    if not isinstance(extra, Mapping):
        raise ConfigError(f"file {name!r}: the part headers must be a mapping (got {extra!r})")
    return extra


def _named(name: object, what: str) -> str:
    """``name`` as a part's field name: a str (an int or None would crash the quoting)."""
    if not isinstance(name, str):
        raise ConfigError(f"a multipart {what} name must be a str (got {short_repr(name)})")
    return name


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
