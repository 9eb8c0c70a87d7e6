"""Content-Encoding decoding, done once in the core for every transport, in bounded steps.

Transports hand over a body as it came off the wire. The core decodes it here
(gzip, deflate, and br / zstd when a bounded decoder is installed), in steps of
at most about ``STEP`` bytes of output each, so a small compressed body that
inflates to gigabytes never sits in memory in one piece: a stream hands it out
step by step and ``max_content_length`` stops it early. ``accept_encoding()``
is what the core advertises: exactly the codings it can decode this way.
"""

from __future__ import annotations

import functools
import importlib
import zlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from ._exceptions import NetworkError

if TYPE_CHECKING:
    from ._models import Request

__all__ = ["STEP", "Decoder", "accept_encoding", "decoder_for"]

STEP = 64 * 1024  # bytes of decoded output per step, at most (brotli: about 1.5x)

_GZIP_MAGIC = b"\x1f\x8b"


class _Codec(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...

    def flush(self) -> Iterator[bytes]: ...


class _Zlib:
    """gzip (members one after another) or deflate (zlib-wrapped or raw, as servers send it)."""

    __slots__ = ("_gzip", "_head", "_obj")

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._head = b""  # deflate: the first bytes, until they tell zlib from raw deflate
        self._obj: Any = zlib.decompressobj(zlib.MAX_WBITS | 16) if gzip else None

    def feed(self, data: bytes) -> Iterator[bytes]:
        obj = self._obj
        if obj is None:
            data = self._head + data
            if len(data) < 2:
                self._head = data
                return
            self._head = b""
            obj = self._obj = zlib.decompressobj(_deflate_wbits(data))
        while data:
            out = obj.decompress(data, STEP)
            data = obj.unconsumed_tail
            if obj.eof:
                data = obj.unused_data
                if not (self._gzip and data.startswith(_GZIP_MAGIC)):
                    data = b""  # trailing bytes after the stream (padding): ignored
                else:  # another gzip member follows
                    obj = self._obj = zlib.decompressobj(zlib.MAX_WBITS | 16)
            if out:
                yield out

    def flush(self) -> Iterator[bytes]:
        if self._obj is None:
            if self._head:
                raise zlib.error("a deflate body of one byte")
            return
        tail: bytes = self._obj.flush()
        if tail:
            yield tail


def _deflate_wbits(head: bytes) -> int:
    """zlib's window bits for a deflate body: wrapped (RFC 1950) or raw, as the header says."""
    cmf, flg = head[0], head[1]
    wrapped = cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0
    return zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS


class _Brotli:
    """br through the brotli (or brotlicffi) module's output-limited ``process``."""

    __slots__ = ("_obj",)

    def __init__(self, module: Any) -> None:
        self._obj = module.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        obj = self._obj
        out = obj.process(data, output_buffer_limit=STEP)
        while True:
            if out:
                yield out
            if obj.can_accept_more_data():
                return
            out = obj.process(b"", output_buffer_limit=STEP)

    def flush(self) -> Iterator[bytes]:
        obj = self._obj
        while not obj.is_finished():
            out = obj.process(b"", output_buffer_limit=STEP)
            if not out:
                return
            yield out


class _Zstd:
    """zstd through compression.zstd (Python 3.14+) or backports.zstd, frames one after another."""

    __slots__ = ("_module", "_obj")

    def __init__(self, module: Any) -> None:
        self._module = module
        self._obj = module.ZstdDecompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        obj = self._obj
        while True:
            out = obj.decompress(data, STEP)
            data = b""
            if out:
                yield out
            if obj.eof:
                data = obj.unused_data
                if not data:
                    return
                obj = self._obj = self._module.ZstdDecompressor()
            elif obj.needs_input:
                return

    def flush(self) -> Iterator[bytes]:
        return iter(())


def _brotli_module() -> Any:
    """brotli or brotlicffi, if installed with the output-limited API (brotli 1.2+)."""
    for name in ("brotli", "brotlicffi"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module.Decompressor, "can_accept_more_data"):
            return module
    return None


def _zstd_module() -> Any:
    for name in ("compression.zstd", "backports.zstd"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


@functools.cache
def _codecs() -> dict[str, Callable[[], _Codec]]:
    """Every coding the core can decode in bounded steps, by its Content-Encoding token."""
    codecs: dict[str, Callable[[], _Codec]] = {
        "gzip": lambda: _Zlib(gzip=True),
        "x-gzip": lambda: _Zlib(gzip=True),
        "deflate": lambda: _Zlib(gzip=False),
    }
    brotli = _brotli_module()
    if brotli is not None:
        codecs["br"] = lambda: _Brotli(brotli)
    zstd = _zstd_module()
    if zstd is not None:
        codecs["zstd"] = lambda: _Zstd(zstd)
    return codecs


@functools.cache
def accept_encoding() -> str:
    """The Accept-Encoding value the core sends: the codings it can decode, best first."""
    codecs = _codecs()
    return ", ".join(name for name in ("zstd", "br", "gzip", "deflate") if name in codecs)


class Decoder:
    """Decodes one body through its content codings, last applied first; bounded steps.

    A body the codecs reject raises NetworkError naming the coding and the request.
    """

    __slots__ = ("_codecs", "_coding", "_request")

    def __init__(self, codecs: list[_Codec], coding: str, request: Request | None) -> None:
        self._codecs = codecs
        self._coding = coding
        self._request = request

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decode one piece of the body: yields decoded pieces of about STEP bytes at most."""
        try:
            yield from self._through(0, data)
        except Exception as exc:
            raise self._error(exc) from exc

    def flush(self) -> Iterator[bytes]:
        """The decoded tail, once the whole body was fed."""
        try:
            for index, codec in enumerate(self._codecs):
                for piece in codec.flush():
                    yield from self._through(index + 1, piece)
        except Exception as exc:
            raise self._error(exc) from exc

    def _error(self, exc: Exception) -> NetworkError:
        request = self._request
        where = f" of {request.method} {request.url}" if request is not None else ""
        return NetworkError(
            f"cannot decode the {self._coding!r} response body{where}: {exc}", request=request
        )

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._codecs):
            yield data
            return
        for piece in self._codecs[index].feed(data):
            yield from self._through(index + 1, piece)

    def decode_all(self, body: bytes) -> bytes:
        """A whole body at once (no limit: the caller asked for all of it in memory)."""
        return b"".join([*self.feed(body), *self.flush()])


def decoder_for(content_encoding: str, request: Request | None = None) -> Decoder | None:
    """The Decoder for a Content-Encoding value, or None when there is nothing to decode.

    None too when a coding is not one the core decodes (the body is then handed
    over as it came, with its Content-Encoding header, as with decompress=False).
    """
    codecs = _codecs()
    chain: list[_Codec] = []
    for token in reversed(content_encoding.split(",")):
        name = token.strip().lower()
        if not name or name == "identity":
            continue
        factory = codecs.get(name)
        if factory is None:
            return None
        chain.append(factory())
    return Decoder(chain, content_encoding, request) if chain else None
