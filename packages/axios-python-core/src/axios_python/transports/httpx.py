"""HttpxTransport: the default transport, one httpx.Client and one AsyncClient per event loop."""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from types import ModuleType
from typing import Any, NoReturn

import httpx

from .._exceptions import AxiosPythonError, ConfigError, NetworkError, StreamError, TimeoutError
from .._headers import Headers
from .._models import AsyncByteStream, Request, Response, SyncByteStream
from .base import BaseTransport

__all__ = ["HttpxTransport"]


class HttpxTransport(BaseTransport):
    """Sends through httpx (or the API-compatible httpx2) with keep-alive connection pools.

    The sync side uses one ``httpx.Client`` directly, so no event loop is ever
    started for a sync request. The async side keeps one ``httpx.AsyncClient``
    per running event loop, because pooled connections belong to the loop that
    opened them. ``client_options`` go to both clients (``limits``, ``verify``,
    ``http2``, ``proxy``...); redirects are the pipeline's job and stay off here.
    """

    def __init__(self, *, module: ModuleType | None = None, **client_options: Any) -> None:
        self._httpx: Any = module if module is not None else httpx
        if client_options.pop("follow_redirects", False):
            raise ConfigError(
                "HttpxTransport never follows redirects itself; "
                "use the 'follow_redirects' config key instead"
            )
        self._options = client_options
        self._lock = threading.Lock()
        self._client: httpx.Client | None = None
        self._async_clients: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, httpx.AsyncClient
        ] = weakref.WeakKeyDictionary()
        self._errors = _ErrorMap(self._httpx)

    # --- sync -----------------------------------------------------------------

    def _sync_client(self) -> httpx.Client:
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._httpx.Client(follow_redirects=False, **self._options)
                client = self._client
        return client

    def send(self, request: Request) -> Response:
        """Send with the shared httpx.Client; the body is read unless ``request.stream``."""
        client = self._sync_client()
        content = request.content
        if content is not None and not isinstance(content, (bytes, Iterable)):
            raise ConfigError(
                "an async iterable body can only be sent with the async_ methods", request=request
            )
        outgoing = self._build(request, content)
        try:
            raw = client.send(outgoing, stream=True)
        except Exception as exc:
            self._errors.reraise(exc, request)
        try:
            headers = _headers(raw)
            if request.stream:
                return Response(
                    raw.status_code,
                    headers=headers,
                    stream=_SyncStream(raw, self._errors, request),
                    request=request,
                )
            try:
                body = raw.read()
            except Exception as exc:
                self._errors.reraise(exc, request)
        finally:
            if not request.stream:
                raw.close()
        return Response(raw.status_code, headers=headers, content=body, request=request)

    def close(self) -> None:
        """Close the sync pool; async pools are dropped (aclose() in a loop closes them)."""
        with self._lock:
            client, self._client = self._client, None
            self._async_clients.clear()
        if client is not None:
            client.close()

    # --- async ----------------------------------------------------------------

    def _async_client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._async_clients.get(loop)
        if client is None:
            with self._lock:
                for stale in [other for other in self._async_clients if other.is_closed()]:
                    del self._async_clients[stale]
                client = self._async_clients.get(loop)
                if client is None:
                    client = self._httpx.AsyncClient(follow_redirects=False, **self._options)
                    self._async_clients[loop] = client
        return client

    async def send_async(self, request: Request) -> Response:
        """Send with this loop's httpx.AsyncClient; the body is read unless ``request.stream``."""
        client = self._async_client()
        content = request.content
        if content is not None and not isinstance(content, bytes):
            content = _as_async_iterable(content)
        outgoing = self._build(request, content)
        try:
            raw = await client.send(outgoing, stream=True)
        except Exception as exc:
            self._errors.reraise(exc, request)
        try:
            headers = _headers(raw)
            if request.stream:
                return Response(
                    raw.status_code,
                    headers=headers,
                    stream=_AsyncStream(raw, self._errors, request),
                    request=request,
                )
            try:
                body = await raw.aread()
            except Exception as exc:
                self._errors.reraise(exc, request)
        finally:
            if not request.stream:
                await raw.aclose()
        return Response(raw.status_code, headers=headers, content=body, request=request)

    async def aclose(self) -> None:
        """Close the sync pool and this loop's async pool."""
        loop = asyncio.get_running_loop()
        with self._lock:
            client = self._async_clients.pop(loop, None)
        if client is not None:
            await client.aclose()
        self.close()

    # --- shared ---------------------------------------------------------------

    def _build(self, request: Request, content: Any) -> httpx.Request:
        headers = request.headers.multi_items()
        if "accept-encoding" not in request.headers:
            headers.append(("Accept-Encoding", _ACCEPT_ENCODING))
        try:
            return self._httpx.Request(  # type: ignore[no-any-return]
                request.method,
                request.url,
                headers=headers,
                content=content,
                extensions={"timeout": request.timeout.as_dict()},
            )
        except Exception as exc:
            self._errors.reraise(exc, request)


def _headers(raw: httpx.Response) -> Headers:
    return Headers.from_trusted(
        [(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw.headers.raw]
    )


def _accept_encoding() -> str:
    encodings = ["gzip", "deflate"]
    if _importable("brotli") or _importable("brotlicffi"):
        encodings.append("br")
    if _importable("zstandard"):
        encodings.append("zstd")
    return ", ".join(encodings)


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


_ACCEPT_ENCODING = _accept_encoding()


async def _as_async_iterable(content: Any) -> AsyncIterator[bytes]:
    if isinstance(content, AsyncIterable):
        async for chunk in content:
            yield chunk
    else:
        for chunk in content:
            yield chunk


class _ErrorMap:
    """Translates the httpx (or httpx2) exception tree into this library's errors."""

    def __init__(self, module: Any) -> None:
        self._m = module

    def reraise(self, exc: Exception, request: Request) -> NoReturn:
        m = self._m
        if isinstance(exc, AxiosPythonError):
            raise exc
        if isinstance(exc, m.TimeoutException):
            kind = type(exc).__name__.replace("Timeout", "").lower() or "request"
            raise TimeoutError(
                f"{kind} timeout for {request.method} {request.url}: {exc}", request=request
            ) from exc
        if isinstance(exc, (m.UnsupportedProtocol, m.InvalidURL)):
            raise ConfigError(f"cannot send to {request.url!r}: {exc}", request=request) from exc
        if isinstance(exc, m.StreamError):
            raise StreamError(str(exc), request=request) from exc
        if isinstance(exc, m.HTTPError):
            reason = str(exc) or type(exc).__name__
            raise NetworkError(
                f"{type(exc).__name__} for {request.method} {request.url}: {reason}",
                request=request,
            ) from exc
        if isinstance(exc, OSError):
            raise NetworkError(f"{request.method} {request.url}: {exc}", request=request) from exc
        raise exc


class _SyncStream(SyncByteStream):
    def __init__(self, raw: httpx.Response, errors: _ErrorMap, request: Request) -> None:
        self._raw = raw
        self._errors = errors
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._raw.iter_bytes()
        except Exception as exc:
            self._errors.reraise(exc, self._request)

    def close(self) -> None:
        self._raw.close()


class _AsyncStream(AsyncByteStream):
    def __init__(self, raw: httpx.Response, errors: _ErrorMap, request: Request) -> None:
        self._raw = raw
        self._errors = errors
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._raw.aiter_bytes():
                yield chunk
        except Exception as exc:
            self._errors.reraise(exc, self._request)

    async def aclose(self) -> None:
        await self._raw.aclose()
