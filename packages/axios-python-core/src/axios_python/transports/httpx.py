"""HttpxTransport: the default transport, one httpx.Client and one AsyncClient per event loop."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import ssl
import threading
import weakref
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from types import ModuleType
from typing import Any, NoReturn

import httpx

from .._cancel import CancelToken, TaskInterrupt
from .._connection_options import DEFAULT_MAX_CONNECTIONS, ConnectionOptions
from .._exceptions import (
    AxiosPythonError,
    ConfigError,
    NetworkError,
    ProtocolError,
    StreamError,
    TimeoutError,
)
from .._headers import Headers
from .._models import AsyncByteStream, Request, Response, SyncByteStream
from ._cancellation import REUSED_KEY, SLOT_KEY, CancelSlot, harden_client
from .base import BaseTransport

__all__ = ["HttpxTransport"]

# httpx.Client options the pipeline would silently bypass, and what to use instead.
_IGNORED = {
    "headers": "use the 'headers' config key",
    "cookies": "send cookies in the 'headers' config key (Cookie), which is kept to its origin",
    "params": "use the 'params' config key",
    "timeout": "use the 'timeout' config key",
    "base_url": "use the 'base_url' config key",
    "auth": "use the 'auth' config key (kept to its origin on redirects)",
    "default_encoding": "response.text follows the charset of Content-Type; use "
    "response_type='bytes' and decode the bytes yourself",
}


class HttpxTransport(BaseTransport):
    """Sends through httpx (or the API-compatible httpx2) with keep-alive connection pools.

    The sync side uses one ``httpx.Client`` directly, so no event loop is ever
    started for a sync request. The async side keeps one ``httpx.AsyncClient``
    per running event loop, because pooled connections belong to the loop that
    opened them. ``client_options`` go to both clients (``limits``, ``verify``,
    ``http2``, ``proxy``...), though the client's connection options (create()'s
    ``proxy``, ``verify``, ``max_connections``...) are the portable way; options the
    pipeline would bypass (``headers``, ``params``, ``timeout``, ``auth``...) raise
    ConfigError naming the config key to use. Redirects are the pipeline's job.
    By default as many connections are kept alive as may be open (100).

    A CancelToken in ``request.extensions["cancel_token"]`` is honoured in flight:
    a sync request blocked on a read, a write or a pool wait, or a streamed body
    being read, ends with CancelError and its connection is closed rather than
    pooled. (Async sends are interrupted by cancelling their task.)
    """

    def __init__(self, *, module: ModuleType | None = None, **client_options: Any) -> None:
        self._httpx: Any = module if module is not None else httpx
        if client_options.pop("follow_redirects", False):
            raise ConfigError(
                "HttpxTransport never follows redirects itself; "
                "use the 'follow_redirects' config key instead"
            )
        for name in _IGNORED.keys() & client_options.keys():
            raise ConfigError(
                f"HttpxTransport({name}=...) would be ignored: the pipeline builds every "
                f"request itself; {_IGNORED[name]}"
            )
        self._own = frozenset(client_options)  # the caller's choices, before our defaults
        self._configured: ConnectionOptions | None = None
        given = sorted(client_options)
        if "limits" not in client_options:
            # Keep as many idle connections as may be open: httpcore counts busy ones
            # against the keep-alive limit, and 20 (httpx's) churns at 32 threads.
            client_options["limits"] = self._httpx.Limits(
                max_connections=DEFAULT_MAX_CONNECTIONS,
                max_keepalive_connections=DEFAULT_MAX_CONNECTIONS,
            )
        if "verify" not in client_options and "cert" not in client_options:
            # Building a default SSL context costs ~90 ms; every client can share one.
            shared = _shared_ssl_context(self._httpx, client_options.get("trust_env", True))
            if shared is not None:
                client_options["verify"] = shared
        self._options = client_options
        self._lock = threading.Lock()
        self._client: httpx.Client | None = None
        self._sync_pools: list[Any] = []
        self._async_clients: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, httpx.AsyncClient
        ] = weakref.WeakKeyDictionary()
        self._errors = _ErrorMap(self._httpx)
        if given:
            # Options are checked by the library itself, now: the sync client is built here
            # (and kept), so limits=5 or a misspelt option fails at construction, not as a
            # raw AttributeError at the first request.
            try:
                self._sync_client()
            except Exception as exc:
                raise ConfigError(
                    f"HttpxTransport options {given} were refused by "
                    f"{self._httpx.__name__}.Client: {exc}"
                ) from exc

    def configure(self, options: ConnectionOptions) -> None:
        """Map the client's connection options onto httpx.Client / AsyncClient options.

        Raises ConfigError when HttpxTransport was also given the same httpx
        option, or when ``http2`` is asked for without the h2 package.
        """
        if options.adopted(self._configured, "HttpxTransport"):
            return
        given = options.given
        mapped: dict[str, Any] = {}
        if "proxy" in given:
            mapped["proxy"] = options.proxy
        if "trust_env" in given:
            mapped["trust_env"] = options.trust_env
        if given & {"verify", "cert"}:
            context = options.ssl_context()
            mapped["verify"] = context or _shared_ssl_context(self._httpx, options.trust_env)
        elif "trust_env" in given and "verify" not in self._own:
            mapped["verify"] = _shared_ssl_context(self._httpx, options.trust_env)
        if "http2" in given:
            if options.http2 and importlib.util.find_spec("h2") is None:
                raise ConfigError(
                    "'http2': True needs the h2 package, which is not installed; "
                    'run: pip install "httpx[http2]"'
                )
            mapped["http2"] = options.http2
        if given & {"max_connections", "max_keepalive_connections"}:
            mapped["limits"] = self._httpx.Limits(
                max_connections=options.max_connections,
                max_keepalive_connections=options.keepalive,
            )
        clash = sorted(self._own & (mapped.keys() | ({"verify"} if "cert" in given else set())))
        if clash:
            raise ConfigError(
                f"HttpxTransport({clash[0]}=...) and the client's connection options both set "
                f"{clash[0]!r}; give it in one place only"
            )
        with self._lock:
            if self._async_clients:
                raise ConfigError("connection options must be set before the first request")
            # A sync client built at construction (to check the options) is rebuilt with these.
            client, self._client, self._sync_pools = self._client, None, []
            self._options.update(mapped)
            self._configured = options
        if client is not None:
            client.close()

    # --- sync -----------------------------------------------------------------

    def _sync_client(self) -> httpx.Client:
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    created = self._httpx.Client(follow_redirects=False, **self._options)
                    _keep_no_cookies(created)
                    self._sync_pools = harden_client(created, sync=True)
                    self._client = created
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
        token = _token_of(request)
        slot: CancelSlot | None = None
        if token is not None:
            token.raise_if_cancelled()
            slot = CancelSlot(token, self._sync_pools)
        outgoing = self._build(request, content, slot)
        try:
            with _watching(slot):
                raw = client.send(outgoing, stream=True)
        except Exception as exc:
            if slot is not None:
                slot.release()
            self._errors.reraise(exc, request, token, reused=REUSED_KEY in outgoing.extensions)
        if request.stream:
            return _response(raw, request, stream=_SyncStream(raw, self._errors, request, slot))
        try:
            with _watching(slot):
                body = b"".join(raw.iter_raw())  # as received: the core decodes
        except Exception as exc:
            self._errors.reraise(exc, request, token)
        finally:
            if slot is not None:
                slot.release()
            raw.close()
        return _response(raw, request, content=body)

    def close(self) -> None:
        """Close the sync pool; async pools are dropped (aclose() in a loop closes them)."""
        with self._lock:
            client, self._client = self._client, None
            self._sync_pools = []
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
                    _keep_no_cookies(client)
                    harden_client(client, sync=False)
                    self._async_clients[loop] = client
        return client

    async def send_async(self, request: Request) -> Response:
        """Send with this loop's httpx.AsyncClient; the body is read unless ``request.stream``.

        Cancellation in flight is the caller's task being cancelled (the pipeline
        does that for a cancel token); the connection is then closed, not pooled.
        """
        client = self._async_client()
        content = request.content
        if content is not None and not isinstance(content, bytes):
            content = _as_async_iterable(content)
        token = _token_of(request)
        outgoing = self._build(request, content, None)
        try:
            raw = await client.send(outgoing, stream=True)
        except Exception as exc:
            self._errors.reraise(exc, request, token, reused=REUSED_KEY in outgoing.extensions)
        if request.stream:
            return _response(raw, request, stream=_AsyncStream(raw, self._errors, request, token))
        try:
            body = b"".join([chunk async for chunk in raw.aiter_raw()])
        except Exception as exc:
            self._errors.reraise(exc, request, token)
        finally:
            await raw.aclose()
        return _response(raw, request, content=body)

    async def aclose(self) -> None:
        """Close the sync pool and this loop's async pool."""
        loop = asyncio.get_running_loop()
        with self._lock:
            client = self._async_clients.pop(loop, None)
        if client is not None:
            await client.aclose()
        self.close()

    # --- shared ---------------------------------------------------------------

    def _build(self, request: Request, content: Any, slot: CancelSlot | None) -> httpx.Request:
        headers = request.headers.multi_items()
        extensions: dict[str, Any] = {"timeout": request.timeout.as_dict()}
        if slot is not None:
            extensions[SLOT_KEY] = slot
        try:
            return self._httpx.Request(  # type: ignore[no-any-return]
                request.method,
                request.url,
                headers=headers,
                content=content,
                extensions=extensions,
            )
        except Exception as exc:
            self._errors.reraise(exc, request)


# httpcore's words for a connection closed before any response: a NetworkError, not malformed.
_NO_RESPONSE = "Server disconnected without sending a response"


def _keep_no_cookies(client: Any) -> None:
    """Cookies are the pipeline's (its jar, or none with ``cookies: False``).

    httpx's client would store every Set-Cookie in a jar of its own that nothing
    reads, growing with each new cookie, at a parse per response.
    """
    client.cookies.extract_cookies = _store_nothing


def _store_nothing(response: object) -> None:
    """httpx's ``Cookies.extract_cookies``, for a client whose cookies the pipeline handles."""


def _token_of(request: Request) -> CancelToken | None:
    token = request.extensions.get("cancel_token")
    return token if isinstance(token, CancelToken) else None


def _watching(slot: CancelSlot | None) -> contextlib.AbstractContextManager[None]:
    return contextlib.nullcontext() if slot is None else slot.active()


_ssl_lock = threading.Lock()
_ssl_contexts: dict[tuple[str, bool], ssl.SSLContext] = {}


def _shared_ssl_context(module: Any, trust_env: bool) -> ssl.SSLContext | None:
    """The module's default verifying SSL context, built once per process and reused."""
    create = getattr(module, "create_ssl_context", None)
    if create is None:
        return None
    key = (module.__name__, bool(trust_env))
    with _ssl_lock:
        context = _ssl_contexts.get(key)
        if context is None:
            context = _ssl_contexts[key] = create(trust_env=trust_env)
        return context


def _response(raw: httpx.Response, request: Request, **body: Any) -> Response:
    """Our Response for ``raw``: its status, headers and version, and ``content`` or ``stream``."""
    return Response.from_trusted(
        raw.status_code, _headers(raw), request, http_version=raw.http_version, **body
    )


def _headers(raw: httpx.Response) -> Headers:
    return Headers.from_trusted(
        [(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw.headers.raw]
    )


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

    def reraise(
        self,
        exc: Exception,
        request: Request,
        token: CancelToken | None = None,
        *,
        reused: bool = False,
    ) -> NoReturn:
        """Raise our error for ``exc``.

        ``reused``: the send failed before the response head arrived, on a
        kept-alive connection (so a close or reset there means "unanswered").
        """
        m = self._m
        if isinstance(exc, AxiosPythonError):
            raise exc
        if token is not None and token.is_cancelled:
            # Whatever broke (a socket we shut down, a refused pool wait), the cause is this.
            error = token._abort_error()
            error.request = request
            raise error from exc
        if isinstance(exc, m.TimeoutException):
            phase = type(exc).__name__.replace("Timeout", "").lower()
            if phase not in ("connect", "read", "write", "pool"):
                raise TimeoutError(
                    f"timeout for {request.method} {request.url}: {exc}", request=request
                ) from exc
            raise TimeoutError.exceeded(phase, request) from exc
        if isinstance(exc, (m.UnsupportedProtocol, m.InvalidURL)):
            raise ConfigError(f"cannot send to {request.url!r}: {exc}", request=request) from exc
        if isinstance(exc, m.StreamError):
            raise StreamError(str(exc), request=request) from exc
        if isinstance(exc, m.RemoteProtocolError) and not str(exc).startswith(_NO_RESPONSE):
            raise ProtocolError(
                f"malformed response to {request.method} {request.url}: {exc}", request=request
            ) from exc
        if isinstance(exc, m.HTTPError):
            reason = str(exc) or type(exc).__name__
            raise NetworkError(
                f"{type(exc).__name__} for {request.method} {request.url}: {reason}",
                request=request,
                unanswered=reused and self._closed_early(exc),
            ) from exc
        if isinstance(exc, OSError):
            raise NetworkError(f"{request.method} {request.url}: {exc}", request=request) from exc
        raise exc

    def _closed_early(self, exc: Exception) -> bool:
        """The server closed or reset the connection instead of answering (not a bad answer)."""
        m = self._m
        if isinstance(exc, (m.ReadError, m.WriteError)):
            return True
        return isinstance(exc, m.RemoteProtocolError) and "without sending a response" in str(exc)


class _SyncStream(SyncByteStream):
    """A streamed httpx body; reads stay cancellable through the request's slot."""

    def __init__(
        self, raw: httpx.Response, errors: _ErrorMap, request: Request, slot: CancelSlot | None
    ) -> None:
        self._raw = raw
        self._errors = errors
        self._request = request
        self._slot = slot

    def __iter__(self) -> Iterator[bytes]:
        slot = self._slot
        token = None if slot is None else slot.token
        try:
            if slot is None:
                yield from self._raw.iter_raw()  # as received: the core decodes
                return
            chunks = self._raw.iter_raw()
            while True:
                slot.token.raise_if_cancelled()
                with slot.active():  # never across the yield: the caller's code runs there
                    chunk = next(chunks, b"")
                if not chunk:
                    return
                yield chunk
        except Exception as exc:
            self._errors.reraise(exc, self._request, token)

    def close(self) -> None:
        if self._slot is not None:
            self._slot.release()  # before the connection can go back to the pool
        self._raw.close()


class _AsyncStream(AsyncByteStream):
    """A streamed httpx body; each read is interrupted by the request's token."""

    def __init__(
        self,
        raw: httpx.Response,
        errors: _ErrorMap,
        request: Request,
        token: CancelToken | None,
    ) -> None:
        self._raw = raw
        self._errors = errors
        self._request = request
        self._token = token

    async def __aiter__(self) -> AsyncIterator[bytes]:
        token = self._token
        try:
            if token is None:
                async for chunk in self._raw.aiter_raw():
                    yield chunk
                return
            chunks = self._raw.aiter_raw()
            while True:
                with TaskInterrupt(token):  # never across the yield: the caller's code runs there
                    chunk = await anext(chunks, b"")
                if not chunk:
                    return
                yield chunk
        except Exception as exc:
            self._errors.reraise(exc, self._request, token)

    async def aclose(self) -> None:
        await self._raw.aclose()
