"""AiohttpTransport: async requests on one aiohttp.ClientSession per event loop, no httpx."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import difflib
import inspect
import threading
import urllib.request
import weakref
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from ssl import SSLContext
from typing import Any

import aiohttp
from yarl import URL

from axios_python import (
    AsyncByteStream,
    BaseTransport,
    CancelToken,
    ConfigError,
    ConnectionOptions,
    ProtocolError,
    Request,
    Response,
    Timeout,
    TimeoutError,
)

from . import _direct
from ._errors import reraise
from ._headers import received
from ._protocol import install as install_protocol
from ._protocol import took_reused
from ._write import BUFFERED, WriteWatch, chunks_of

__all__ = ["AiohttpTransport"]

_CHUNK = 64 * 1024
_VERSIONS = {(1, 1): "HTTP/1.1", (1, 0): "HTTP/1.0"}  # aiohttp's HttpVersion is a tuple
_SKIP_AUTO_HEADERS = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")
# aiohttp labels a body-less POST/PUT/PATCH application/octet-stream unless told not to.
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_OWNED_OPTIONS = frozenset(
    {
        "connector",
        "timeout",
        "cookie_jar",
        "auto_decompress",
        "loop",
        "base_url",
        "raise_for_status",
    }
)


class AiohttpTransport(BaseTransport):
    """Sends async requests with aiohttp: one ClientSession (and pool) per running event loop.

    Pooled connections belong to the loop that opened them, so each loop gets
    its own session; ``aclose()`` closes the running loop's one. Bodies are
    handed over as received (the pipeline decodes them), cookies are not
    stored, redirects are left to the pipeline.

    Args:
        max_connections: connections open at once, all hosts together (aiohttp's
            ``TCPConnector(limit=...)``); 0 means no limit.
        max_connections_per_host: the same per (scheme, host, port); 0 means no limit.
        keepalive_expiry: seconds an idle connection stays in the pool.
        ssl: True (verify), False (do not verify) or an ``ssl.SSLContext``.
        **session_options: passed to ``aiohttp.ClientSession`` (``trust_env``,
            ``read_bufsize``, ``headers``...).

    Timeouts: ``connect`` bounds opening a connection (``sock_connect``), ``read``
    the wait for each piece of the response (``sock_read``), ``pool`` plus
    ``connect`` the wait for a free slot and the connect together (aiohttp's
    ``connect``, which covers both), and ``write`` the write of each body chunk
    (done here, aiohttp has none). Sync requests are not supported: pair it with
    a sync transport (``api.plugin("urllib3")``).
    """

    def __init__(
        self,
        *,
        max_connections: int = 100,
        max_connections_per_host: int = 0,
        keepalive_expiry: float = 15.0,
        ssl: Any = True,
        **session_options: Any,
    ) -> None:
        for name, value in (
            ("max_connections", max_connections),
            ("max_connections_per_host", max_connections_per_host),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"{name} must be an int >= 0 (got {value!r})")
        if isinstance(keepalive_expiry, bool) or not isinstance(keepalive_expiry, (int, float)):
            raise ConfigError(
                f"keepalive_expiry must be a number of seconds (got {keepalive_expiry!r})"
            )
        if keepalive_expiry <= 0:
            raise ConfigError(f"keepalive_expiry must be positive (got {keepalive_expiry!r})")
        if not isinstance(ssl, (bool, SSLContext, aiohttp.Fingerprint)):
            raise ConfigError(
                f"ssl must be True, False, an ssl.SSLContext or an aiohttp.Fingerprint "
                f"(got {type(ssl).__name__}: {ssl!r})"
            )
        _check_session_options(session_options)
        self._connector_options: dict[str, Any] = {
            "limit": max_connections,
            "limit_per_host": max_connections_per_host,
            "keepalive_timeout": float(keepalive_expiry),
            "ssl": ssl,
        }
        self._session_options = session_options
        # Past ClientSession._request (see _direct.py) unless options of the user's shape it.
        self._direct = _direct.AVAILABLE and not session_options
        self._own_ssl = ssl is not True
        self._own_limit = max_connections != 100
        self._connection = ConnectionOptions()
        self._configured: ConnectionOptions | None = None
        self._proxies: dict[str, tuple[str, dict[str, str]] | None] = {}
        self._env_proxy = _env_proxies()  # read once: the environment is not read per request
        self._sessions: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, aiohttp.ClientSession
        ] = weakref.WeakKeyDictionary()
        self._timeouts: dict[Timeout, aiohttp.ClientTimeout] = {}
        self._last_timeout: tuple[Timeout, aiohttp.ClientTimeout] | None = None
        self._last_session: tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession] | None = None
        self._lock = threading.Lock()
        self._closing: set[concurrent.futures.Future[None]] = set()

    def __repr__(self) -> str:
        limit = self._connector_options["limit"]
        return f"<AiohttpTransport max_connections={limit} sessions={len(self._sessions)}>"

    def configure(self, options: ConnectionOptions) -> None:
        """Map the client's connection options onto the connector and each request's proxy.

        ``http2`` and a ``max_keepalive_connections`` below ``max_connections``
        raise UnsupportedOptionError (aiohttp speaks HTTP/1.1 and keeps every
        idle connection until ``keepalive_expiry``).
        """
        if options.adopted(self._configured, "AiohttpTransport"):
            return
        given = options.given
        options.refuse("AiohttpTransport", http2=True, fewer_keepalive=True)
        connector = dict(self._connector_options)
        if "max_connections" in given:
            if self._own_limit and connector["limit"] != options.max_connections:
                raise ConfigError(
                    "AiohttpTransport(max_connections=...) and the client's 'max_connections' "
                    "differ; give it in one place only"
                )
            connector["limit"] = options.max_connections
        if given & {"verify", "cert"}:
            if self._own_ssl:
                raise ConfigError(
                    "AiohttpTransport(ssl=...) and the client's 'verify'/'cert' both choose "
                    "the certificates; give them in one place only"
                )
            context = options.ssl_context(env_free_default=True)
            connector["ssl"] = True if context is None else context
        elif not options.trust_env and not self._own_ssl:
            # aiohttp's own default still reads SSL_CERT_FILE / SSL_CERT_DIR (at import)
            connector["ssl"] = options.ssl_context(env_free_default=True)
        with self._lock:
            if self._sessions:
                raise ConfigError("connection options must be set before the first request")
            self._connector_options = connector
            self._connection = self._configured = options
            self._env_proxy = options.trust_env and _env_proxies()
            self._proxies.clear()

    def _proxy(self, url: str) -> tuple[str, dict[str, str]] | None:
        """(proxy URL, its headers) for ``url``'s origin, or None; looked up once per origin."""
        origin = url.split("/", 3)[:3]
        key = "/".join(origin)
        try:
            return self._proxies[key]
        except KeyError:
            proxy = self._connection.proxy_for(key + "/")
            found = None
            if proxy is not None:
                found = (
                    ConnectionOptions(proxy=proxy).proxy_url,
                    self._connection.proxy_headers(proxy),
                )
            if len(self._proxies) > 256:
                self._proxies.clear()
            self._proxies[key] = found
            return found

    # --- sessions -----------------------------------------------------------------------

    def _session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        last = self._last_session  # one tuple, read at once: safe across threads
        if last is not None and last[0] is loop and not last[1].closed:
            return last[1]  # most requests come from the loop the previous one came from
        session = self._sessions.get(loop)
        if session is None or session.closed:
            with self._lock:
                session = self._sessions.get(loop)
                if session is None or session.closed:
                    connector = aiohttp.TCPConnector(**self._connector_options)
                    install_protocol(connector)
                    session = aiohttp.ClientSession(
                        connector=connector,
                        cookie_jar=aiohttp.DummyCookieJar(),
                        auto_decompress=False,  # as received: the core decodes
                        timeout=aiohttp.ClientTimeout(),
                        **self._session_options,
                    )
                    # aiohttp resends an idempotent request once when the connection
                    # breaks; retries are the pipeline's (max_retries), so turn that off
                    # (the switch aiohttp's own test utilities use).
                    if hasattr(session, "_retry_connection"):
                        session._retry_connection = False
                    self._sessions[loop] = session
        # The session holds its loop already: remembering both keeps nothing alive longer.
        self._last_session = (loop, session)
        return session

    def _timeout(self, timeout: Timeout) -> aiohttp.ClientTimeout:
        last = self._last_timeout  # one tuple, read at once: safe across threads
        if last is not None and last[0] is timeout:
            return last[1]  # most requests share the client's Timeout object
        mapped = self._timeouts.get(timeout)
        if mapped is None:
            pool_and_connect = (
                None if timeout.pool is None else timeout.pool + (timeout.connect or 0.0)
            )
            mapped = aiohttp.ClientTimeout(
                total=None,
                connect=pool_and_connect,
                sock_connect=timeout.connect,
                sock_read=timeout.read,
            )
            if len(self._timeouts) > 64:
                self._timeouts.clear()
            self._timeouts[timeout] = mapped
        self._last_timeout = (timeout, mapped)
        return mapped

    # --- sending ------------------------------------------------------------------------

    async def send_async(self, request: Request) -> Response:
        """Send ``request`` on this loop's session; the body is read unless ``request.stream``."""
        session = self._session()
        headers = request.headers.multi_items()
        sent = request.headers
        # aiohttp adds Accept, Accept-Encoding, User-Agent and a Content-Type of its own
        # to a request that lacks them; the core decides the headers, so a removed one
        # stays removed.
        skip = (
            _SKIP_AUTO_HEADERS
            if "user-agent" not in sent
            or "accept" not in sent
            or "accept-encoding" not in sent
            or (
                "content-type" not in sent
                and (request.content is not None or request.method in _BODY_METHODS)
            )
            else None
        )
        data: Any = request.content
        watch: WriteWatch | None = None
        write = request.timeout.write
        if data is not None and not isinstance(data, bytes):
            if not isinstance(data, (Iterable, AsyncIterable)):
                raise ConfigError(
                    f"request content must be bytes or an iterable of bytes "
                    f"(got {type(data).__name__})",
                    request=request,
                )
            if write is not None:
                watch = _watch(write)
                data = watch.watch(chunks_of(data))
            elif not isinstance(data, AsyncIterable):
                data = chunks_of(data)
        elif data is not None and write is not None and len(data) > BUFFERED:
            watch = _watch(write)
            if "content-length" not in request.headers:
                headers.append(("Content-Length", str(len(data))))
            data = watch.watch(chunks_of(data))
        proxy = None
        if self._connection.proxy is not None or self._env_proxy:
            proxy = self._proxy(request.url)
            if proxy is not None and proxy[1] and request.url[:5].lower() == "http:":
                # Forwarded as is: aiohttp sends proxy_headers on a CONNECT only.
                headers.extend(proxy[1].items())
        try:
            try:
                url = URL(request.url)
                timeout = self._timeout(request.timeout)
                if proxy is None and self._direct:
                    raw = await _direct.send(
                        session, request.method, url, headers, data, timeout, skip
                    )
                else:
                    raw = await session.request(
                        request.method,
                        url,
                        headers=headers,
                        data=data,
                        timeout=timeout,
                        allow_redirects=False,
                        skip_auto_headers=skip,
                        proxy=None if proxy is None else proxy[0],
                        proxy_headers=None if proxy is None else proxy[1],
                    )
            except BaseException as exc:
                reraise(exc, request, reused=took_reused())
            if raw.status < 100:  # aiohttp reads "HTTP/1.1 099"; the other transports refuse it
                raw.close()
                raise ProtocolError(
                    f"malformed response to {request.method} {request.url}: status code "
                    f"{raw.status:03d} (expected 100 to 999)",
                    request=request,
                )
            response_headers = received(raw.raw_headers)
            version = _VERSIONS.get(raw.version) or f"HTTP/{raw.version[0]}.{raw.version[1]}"
            if request.stream:
                return Response.from_trusted(
                    raw.status,
                    response_headers,
                    request,
                    stream=_Stream(raw, request),
                    http_version=version,
                )
            try:
                body = await raw.read()
            except BaseException as exc:
                raw.close()
                reraise(exc, request)
            raw.release()
            return Response.from_trusted(
                raw.status, response_headers, request, content=body, http_version=version
            )
        except asyncio.CancelledError:
            if watch is None or not watch.fired or _cancelled_elsewhere():
                raise
            raise TimeoutError.exceeded(
                "write", request, watch.seconds, detail="a chunk of the body was not written"
            ) from None

    # --- lifecycle ----------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the running loop's session and its connections."""
        loop = asyncio.get_running_loop()
        with self._lock:
            session = self._sessions.pop(loop, None)
            self._last_session = None
        if session is not None:
            await session.close()
        self.close()

    def close(self) -> None:
        """Close the sessions of other event loops as far as can be done without awaiting.

        A session whose loop runs (in this or another thread) is closed by a task
        scheduled on that loop; one whose loop is stopped is closed by running
        that loop briefly. Prefer ``await aclose()`` in each loop.
        """
        with self._lock:
            sessions = list(self._sessions.items())
            self._sessions.clear()
            self._last_session = None
        for loop, session in sessions:
            if session.closed:
                continue
            if loop.is_closed():
                _close_orphan(session)
            elif loop.is_running():
                future = asyncio.run_coroutine_threadsafe(session.close(), loop)
                self._closing.add(future)
                future.add_done_callback(self._closing.discard)
            else:
                try:
                    loop.run_until_complete(session.close())
                except RuntimeError:  # another loop runs in this thread
                    _close_orphan(session)


def _check_session_options(options: dict[str, Any]) -> None:
    """Refuse options ClientSession would only reject when first used, or that we set."""
    owned = sorted(_OWNED_OPTIONS & set(options))
    if owned:
        raise ConfigError(
            f"AiohttpTransport sets {', '.join(owned)} itself (got {owned!r}); use "
            "max_connections, keepalive_expiry, ssl and the request's 'timeout' config"
        )
    known = sorted(set(inspect.signature(aiohttp.ClientSession.__init__).parameters) - {"self"})
    for name in options:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(
                f"AiohttpTransport got an unknown option {name!r}{hint} (expected "
                "max_connections, max_connections_per_host, keepalive_expiry, ssl "
                "or an aiohttp.ClientSession option)"
            )
    proxy = options.get("proxy")
    if proxy is not None and not isinstance(proxy, (str, URL)):
        raise ConfigError(f"proxy must be a URL string (got {type(proxy).__name__}: {proxy!r})")


def _env_proxies() -> bool:
    """True when the environment names a proxy (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY...)."""
    return bool(urllib.request.getproxies_environment())


def _watch(seconds: float) -> WriteWatch:
    task = asyncio.current_task()
    assert task is not None  # awaits always run in a task under asyncio
    return WriteWatch(seconds, task)


def _cancelled_elsewhere() -> bool:
    """After our own cancel: True if the task was cancelled by someone else too (3.11+)."""
    task = asyncio.current_task()
    uncancel = getattr(task, "uncancel", None)
    return uncancel is not None and uncancel() > 0


def _close_orphan(session: aiohttp.ClientSession) -> None:
    # The loop is gone, so its transports are dead; mark the connector closed so
    # neither it nor the session reports itself unclosed when collected.
    connector = session.connector
    if connector is not None and not connector.closed:
        connector._close()


class _Stream(AsyncByteStream):
    """A response body read as it arrives; aclose() frees the connection (closing it if unread).

    A CancelToken on the request closes the response from its loop while the body
    is being read, so a pending read ends at once and raises CancelError.
    """

    def __init__(self, raw: aiohttp.ClientResponse, request: Request) -> None:
        self._raw = raw
        self._request = request
        self._token: CancelToken | None = request.extensions.get("cancel_token")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        token = self._token
        unregister = _watch_token(token, self._raw) if token is not None else None
        try:
            async for chunk in self._raw.content.iter_chunked(_CHUNK):
                yield chunk
        except BaseException as exc:
            self._raw.close()
            if token is not None and token.is_cancelled and isinstance(exc, Exception):
                token.raise_if_cancelled()
            reraise(exc, self._request)
        finally:
            if unregister is not None:
                unregister()

    async def aclose(self) -> None:
        # release() keeps a fully read connection and closes one with unread bytes.
        self._raw.release()


def _watch_token(token: CancelToken, raw: aiohttp.ClientResponse) -> Callable[[], None]:
    """Close ``raw`` on its loop when ``token`` is cancelled (from any thread)."""
    loop = asyncio.get_running_loop()

    def on_cancel(_reason: str | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: nothing reads any more
            loop.call_soon_threadsafe(raw.close)

    return token.on_cancel(on_cancel)
