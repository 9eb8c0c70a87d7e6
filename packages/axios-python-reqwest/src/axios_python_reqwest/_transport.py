"""ReqwestTransport: sync and async requests on pyreqwest (Rust reqwest and hyper), no httpx."""

from __future__ import annotations

import inspect
import threading
from collections.abc import AsyncIterable, Callable, Iterable
from typing import Any, Final, TypeVar

from pyreqwest.client import Client, ClientBuilder, SyncClient, SyncClientBuilder
from pyreqwest.http import HeaderMap
from pyreqwest.request import RequestBuilder, SyncRequestBuilder
from pyreqwest.response import BaseResponse

from axios_python import (
    BaseTransport,
    CancelToken,
    ConfigError,
    ConnectionOptions,
    Headers,
    ProtocolError,
    Request,
    Response,
    Timeout,
)

from ._calls import Calls
from ._errors import reraise
from ._headers import HeaderMaps
from ._options import CertInput, ClientSettings, Phases, VerifyInput
from ._slots import Slots
from ._streams import AsyncStream, SyncStream

__all__ = ["ReqwestTransport"]

C = TypeVar("C", SyncClient, Client)

# Clients kept per distinct (connect, read, write) timeouts; the oldest is dropped past this.
_MAX_CLIENTS = 8


class ReqwestTransport(BaseTransport):
    """Sends sync and async requests with pyreqwest, a binding of Rust's reqwest and hyper.

    One pyreqwest client per side (sync, async) and per distinct set of connect,
    read and write timeouts, each with its own keep-alive pool; one async client
    serves every event loop. Bodies are handed over as received (the pipeline
    decodes them); redirects, cookies and retries are left to the pipeline.
    pyreqwest does not say whether a pooled connection was reused, so a request
    the server drops unanswered is never flagged ``unanswered`` (not resent).

    Args:
        max_connections: requests in flight at once, per side, all hosts
            together (None: no limit). A request waits up to its ``pool``
            timeout for a free slot, then raises TimeoutError.
        max_keepalive_connections: idle connections kept per host (None: no limit).
        keepalive_expiry: seconds an idle connection stays in the pool (None:
            pyreqwest's 90 s).
        verify: True (pyreqwest's trusted roots), False (do not verify), a CA
            bundle file, or an ``ssl.SSLContext`` whose CA certificates are
            trusted in addition.
        cert: a client certificate: one PEM file with certificate and key, or a
            (certificate file, key file) pair.
        proxy: a proxy URL for every request (``http://user:pass@host:port``).
        trust_env: False ignores HTTP_PROXY / HTTPS_PROXY / NO_PROXY.
        http2: True lets HTTPS connections negotiate HTTP/2.
        configure: a function given each pyreqwest client builder before the
            transport's own settings are applied, for pyreqwest options not
            listed here (``lambda b: b.resolve("api.test", "127.0.0.1", 8080)``).

    Timeouts: ``connect`` bounds opening a connection (TCP and TLS); ``read``
    the wait for the response head, counted from the start of the request,
    and then each wait for a piece of the body; ``write`` the time sent data
    may stay unacknowledged (TCP_USER_TIMEOUT, Linux only); ``pool`` the wait
    for a free slot. A CancelToken cannot abort a pyreqwest request in flight:
    the caller gets CancelError at once and the request is abandoned, ending
    when its response head arrives or a timeout fires (see the docs).
    """

    def __init__(
        self,
        *,
        max_connections: int | None = 100,
        max_keepalive_connections: int | None = None,
        keepalive_expiry: float | None = None,
        verify: VerifyInput = True,
        cert: CertInput = None,
        proxy: str | None = None,
        trust_env: bool = True,
        http2: bool = False,
        configure: Callable[[Any], Any] | None = None,
    ) -> None:
        if max_connections is not None and (
            isinstance(max_connections, bool)
            or not isinstance(max_connections, int)
            or max_connections < 1
        ):
            raise ConfigError(
                f"max_connections must be an int >= 1 or None (got {max_connections!r})"
            )
        args = locals()
        self._args = {name: args[name] for name in _CONNECTION_ARGS}
        self._configured: ConnectionOptions | None = None
        self._settings = ClientSettings(
            verify=verify,
            cert=cert,
            proxy=proxy,
            trust_env=trust_env,
            http2=http2,
            max_keepalive_connections=max_keepalive_connections,
            keepalive_expiry=keepalive_expiry,
            configure=configure,
        )
        self._max_connections = max_connections
        self._sync_slots = Slots(max_connections)
        self._async_slots = Slots(max_connections)
        self._sync_clients: dict[Phases, SyncClient] = {}
        self._async_clients: dict[Phases, Client] = {}
        self._last_sync: tuple[Timeout, SyncClient] | None = None
        self._last_async: tuple[Timeout, Client] | None = None
        self._lock = threading.Lock()
        self._calls = Calls()
        self._header_maps = HeaderMaps()

    def configure(self, options: ConnectionOptions) -> None:
        """Take the client's connection options: they are this transport's own arguments.

        An argument also given to ReqwestTransport with another value is a ConfigError.
        """
        if options.adopted(self._configured, "ReqwestTransport"):
            return
        args = dict(self._args)
        defaults = _defaults()
        for name in options.given:
            value = getattr(options, name)
            if args[name] != defaults[name] and args[name] != value:
                raise ConfigError(
                    f"ReqwestTransport({name}=...) and the client's {name!r} differ; "
                    "give it in one place only"
                )
            args[name] = value
        with self._lock:
            if self._sync_clients or self._async_clients:
                raise ConfigError("connection options must be set before the first request")
        configure = self._settings._configure
        self.__init__(configure=configure, **args)  # type: ignore[misc]
        self._configured = options

    def __repr__(self) -> str:
        return (
            f"<ReqwestTransport max_connections={self._max_connections} "
            f"clients={len(self._sync_clients) + len(self._async_clients)}>"
        )

    # --- clients ------------------------------------------------------------------------

    def _sync_client(self, timeout: Timeout) -> SyncClient:
        last = self._last_sync  # one tuple, read at once: safe across threads
        if last is not None and last[0] is timeout:
            return last[1]  # most requests share the client's Timeout object
        client = self._client(self._sync_clients, timeout, self._build_sync)
        self._last_sync = (timeout, client)
        return client

    def _async_client(self, timeout: Timeout) -> Client:
        last = self._last_async
        if last is not None and last[0] is timeout:
            return last[1]
        client = self._client(self._async_clients, timeout, self._build_async)
        self._last_async = (timeout, client)
        return client

    def _build_sync(self, phases: Phases) -> SyncClient:
        return self._settings.apply(SyncClientBuilder(), phases).build()

    def _build_async(self, phases: Phases) -> Client:
        return self._settings.apply(ClientBuilder(), phases).build()

    def _client(
        self, clients: dict[Phases, C], timeout: Timeout, build: Callable[[Phases], C]
    ) -> C:
        phases = (timeout.connect, timeout.read, timeout.write)
        found = clients.get(phases)
        if found is not None:
            return found
        with self._lock:
            found = clients.get(phases)
            if found is not None:
                return found
            client = build(phases)
            if len(clients) >= _MAX_CLIENTS:
                # Dropped, not closed: requests in flight on it finish; its idle
                # connections close when it is collected.
                del clients[next(iter(clients))]
            clients[phases] = client
        return client

    # --- sync ---------------------------------------------------------------------------

    def send(self, request: Request) -> Response:
        """Send ``request`` from sync code; the body is read unless ``request.stream``."""
        content = request.content
        if content is not None and not isinstance(content, (bytes, Iterable)):
            if isinstance(content, AsyncIterable):
                raise ConfigError(
                    "ReqwestTransport cannot send an async iterable body from sync code; "
                    "use the async_ methods, or pass bytes or an iterable of bytes",
                    request=request,
                )
            raise _bad_content(content, request)
        token: CancelToken | None = request.extensions.get("cancel_token")
        try:
            builder = _prepare(
                self._sync_client(request.timeout).request, request, content, self._header_maps
            )
        except ValueError as exc:
            reraise(exc, request)
        slots = self._sync_slots
        slots.take(request, token)
        try:
            if request.stream:
                context = builder.streamed_read_buffer_limit(0).build_streamed()
                if token is None:
                    streamed = context.__enter__()
                else:
                    streamed = self._calls.run(
                        context.__enter__, token, lambda _raw: context.__exit__(None, None, None)
                    )
                stream = SyncStream(context, streamed, request, slots.release, self._calls)
                return _response(streamed, request, stream=stream)
            consumed = builder.build()
            raw = consumed.send() if token is None else self._calls.run(consumed.send, token, _drop)
            response = _response(raw, request, content=bytes(raw.bytes()))
        except BaseException as exc:
            slots.release()
            reraise(exc, request, token)
        slots.release()
        return response

    def close(self) -> None:
        """Close every client: idle connections go, requests still in flight end with an error.

        The transport stays usable: the next request builds new clients.
        """
        with self._lock:
            sync_clients = list(self._sync_clients.values())
            self._sync_clients.clear()
            self._async_clients.clear()  # closing needs a loop: dropped, they close when collected
            self._last_sync = self._last_async = None
        for client in sync_clients:
            client.close()
        self._calls.close()
        self._header_maps.clear()

    # --- async --------------------------------------------------------------------------

    async def send_async(self, request: Request) -> Response:
        """Send ``request`` from async code; the body is read unless ``request.stream``.

        Cancelling the task (what a CancelToken does through the pipeline) raises
        at once; pyreqwest finishes the request on its own (see the class docs).
        """
        content = request.content
        if content is not None and not isinstance(content, (bytes, Iterable, AsyncIterable)):
            raise _bad_content(content, request)
        try:
            builder = _prepare(
                self._async_client(request.timeout).request, request, content, self._header_maps
            )
        except ValueError as exc:
            reraise(exc, request)
        slots = self._async_slots
        if not slots.try_take():
            await slots.take_async(request)
        try:
            if request.stream:
                context = builder.streamed_read_buffer_limit(0).build_streamed()
                streamed = await context.__aenter__()
                stream = AsyncStream(context, streamed, request, slots.release)
                return _response(streamed, request, stream=stream)
            raw = await builder.build().send()
            body = bytes(await raw.bytes())
        except BaseException as exc:
            slots.release()
            reraise(exc, request, request.extensions.get("cancel_token"))
        slots.release()
        return _response(raw, request, content=body)

    async def aclose(self) -> None:
        """Close every client, sync and async."""
        with self._lock:
            async_clients = list(self._async_clients.values())
            self._async_clients.clear()
        for client in async_clients:
            await client.close()
        self.close()


B = TypeVar("B", SyncRequestBuilder, RequestBuilder)

_CONNECTION_ARGS = (
    "max_connections",
    "max_keepalive_connections",
    "verify",
    "cert",
    "proxy",
    "trust_env",
    "http2",
    "keepalive_expiry",
)


def _defaults() -> dict[str, Any]:
    """ReqwestTransport's own defaults for the connection arguments."""
    parameters = inspect.signature(ReqwestTransport.__init__).parameters
    return {name: parameters[name].default for name in _CONNECTION_ARGS}


def _prepare(start: Callable[[str, str], B], request: Request, content: Any, maps: HeaderMaps) -> B:
    """A pyreqwest request builder for ``request``: method, URL, headers and body."""
    builder = start(request.method, request.url)
    headers = request.headers.multi_items()
    if headers:
        builder = builder.headers(maps.of(headers))
    if isinstance(content, bytes):
        builder = builder.body_bytes(content)
    elif content is not None:
        builder = builder.body_stream(content)
    return builder


def _response(
    raw: BaseResponse,
    request: Request,
    *,
    content: bytes | None = None,
    stream: SyncStream | AsyncStream | None = None,
) -> Response:
    """Our Response for pyreqwest's: status, headers and version, with a body or a stream."""
    try:
        headers = Headers.from_trusted(*_received(raw.headers))
    except ValueError as exc:  # pyreqwest cannot hand over a value that is not visible ASCII
        raise ProtocolError(
            f"response to {request.method} {request.url} has a header with bytes outside "
            "visible ASCII (raw UTF-8, for instance), which the reqwest transport cannot read",
            request=request,
        ) from exc
    version = raw.version
    return Response.from_trusted(
        raw.status,
        headers,
        request,
        content=content,
        stream=stream,
        # pyreqwest says "HTTP/2.0"; every other transport (and httpx) says "HTTP/2".
        http_version=_VERSIONS.get(version, version),
    )


def _received(raw: HeaderMap) -> tuple[list[tuple[str, str]], list[str]]:
    """pyreqwest's response headers as (name, value) pairs, in its order, repeats kept;
    and the names alone, in step (hyper's names are lower-cased: the core's index).

    One call builds them all (``dict_multi_value``; iterating ``items()`` costs a
    call and an object per header and an exception at the end). Both list a
    name's values together, in the order the names first came.
    """
    found = raw.dict_multi_value()
    if len(found) == len(raw):  # no repeated field: every value is one str
        return list(found.items()), list(found)  # type: ignore[arg-type]
    items: list[tuple[str, str]] = []
    names: list[str] = []
    for name, value in found.items():
        if type(value) is str:
            items.append((name, value))
            names.append(name)
        else:
            items.extend((name, each) for each in value)
            names.extend(name for _ in value)
    return items, names


_VERSIONS: Final = {"HTTP/2.0": "HTTP/2", "HTTP/3.0": "HTTP/3"}


def _drop(_raw: object) -> None:
    """A response whose request was abandoned: its body was read, its connection went back."""


def _bad_content(content: object, request: Request) -> ConfigError:
    return ConfigError(
        f"request content must be bytes or an iterable of bytes (got {type(content).__name__})",
        request=request,
    )
