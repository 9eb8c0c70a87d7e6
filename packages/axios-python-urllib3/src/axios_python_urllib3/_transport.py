"""Urllib3Transport: synchronous requests straight on urllib3 connection pools, no httpx."""

from __future__ import annotations

import difflib
import functools
import inspect
import re
import threading
from collections.abc import AsyncIterable, Iterable, Iterator
from typing import Any

import urllib3
from urllib3 import BaseHTTPResponse, HTTPConnectionPool, HTTPHeaderDict, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.poolmanager import ProxyConfig
from urllib3.util import SKIP_HEADER, Retry, parse_url

from axios_python import (
    BaseTransport,
    ConfigError,
    ConnectionOptions,
    Headers,
    Request,
    Response,
    SyncByteStream,
    Timeout,
)

from ._connection import Call, HTTPPool, HTTPSPool, publish, took_reused
from ._errors import reraise

__all__ = ["Urllib3Transport"]

# scheme://authority, then the request target (path and query)
_SPLIT = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*://[^/?#]*)(.*)", re.DOTALL)
# Redirects and retries are the pipeline's job; urllib3 must never do either.
_NO_RETRIES = Retry(total=False, redirect=False, raise_on_redirect=False, raise_on_status=False)
_CHUNK = 64 * 1024
# The status line's version as http.client reads it (urllib3's version_string names the
# connection's own version, not the server's).
_VERSIONS = {10: "HTTP/1.0", 11: "HTTP/1.1", 20: "HTTP/2"}
_OWNED_OPTIONS = frozenset({"maxsize", "block", "timeout", "retries", "host", "port"})
# Pool options that choose which certificates are trusted or presented.
_TRUST_OPTIONS = frozenset(
    {"ssl_context", "ca_certs", "ca_cert_dir", "ca_cert_data", "cert_reqs", "cert_file", "key_file"}
)
DEFAULT_MAX_CONNECTIONS = 100


class Urllib3Transport(BaseTransport):
    """Sends synchronous requests on urllib3 connection pools, one pool per origin (sync only).

    About twice the requests per second of httpx for small requests (benchmarks/), because
    nothing goes through httpx's front end. Keep-alive connections are reused
    per origin (scheme, host, port).

    Args:
        max_connections: connections per origin, at most (the pool size). With
            ``pool_block`` (the default) a request waits up to the ``pool``
            timeout for a free one, then raises TimeoutError.
        pool_block: False lets a busy origin open extra connections that are
            closed after use instead of waiting.
        **pool_options: passed to ``urllib3.HTTPConnectionPool`` /
            ``HTTPSConnectionPool`` (``ssl_context``, ``ca_certs``, ``cert_reqs``,
            ``socket_options``, ``source_address``...).

    Timeouts map one to one: ``connect``, ``read``, ``write`` (while the body is
    sent) and ``pool`` (waiting for a free connection). Async requests are not
    supported: pair it with an async transport (``api.plugin("aiohttp")``).
    """

    def __init__(
        self, *, max_connections: int | None = None, pool_block: bool = True, **pool_options: Any
    ) -> None:
        if max_connections is not None:
            if isinstance(max_connections, bool) or not isinstance(max_connections, int):
                raise ConfigError(f"max_connections must be an int (got {max_connections!r})")
            if max_connections < 1:
                raise ConfigError(f"max_connections must be at least 1 (got {max_connections!r})")
        _check_pool_options(pool_options)
        self._own_max = max_connections
        self._max_connections = max_connections or DEFAULT_MAX_CONNECTIONS
        self._block = pool_block
        # TLS options go to HTTPS pools only: an http:// pool would refuse them.
        tls_only = _tls_only_options()
        self._options = {k: v for k, v in pool_options.items() if k not in tls_only}
        self._tls_options = {k: v for k, v in pool_options.items() if k in tls_only}
        self._connection = ConnectionOptions()  # trust_env: proxies from the environment
        self._configured: ConnectionOptions | None = None
        self._pools: dict[str, HTTPConnectionPool] = {}
        self._timeouts: dict[Timeout, urllib3.Timeout] = {}
        self._last_timeout: tuple[Timeout, urllib3.Timeout] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"<Urllib3Transport max_connections={self._max_connections} pools={len(self._pools)}>"
        )

    def configure(self, options: ConnectionOptions) -> None:
        """Map the client's connection options onto urllib3 pools, or refuse what it cannot do.

        ``http2`` and a ``max_keepalive_connections`` below ``max_connections``
        raise UnsupportedOptionError (urllib3 speaks HTTP/1.1 here and keeps every
        connection of a pool alive); the limit is per origin.
        """
        if options.adopted(self._configured, "Urllib3Transport"):
            return
        given = options.given
        options.refuse("Urllib3Transport", http2=True, fewer_keepalive=True)
        if "max_connections" in given:
            if self._own_max not in (None, options.max_connections):
                raise ConfigError(
                    "Urllib3Transport(max_connections=...) and the client's 'max_connections' "
                    "differ; give it in one place only"
                )
            self._max_connections = options.max_connections
        tls: dict[str, Any] = {}
        if given & {"verify", "cert"}:
            clash = sorted(self._tls_options.keys() & _TRUST_OPTIONS)
            if clash:
                raise ConfigError(
                    f"Urllib3Transport({clash[0]}=...) and the client's 'verify'/'cert' both "
                    "choose the certificates; give them in one place only"
                )
            context = options.ssl_context(env_free_default=True)
            if context is not None:
                tls["ssl_context"] = context
        elif not options.trust_env and not self._tls_options.keys() & _TRUST_OPTIONS:
            # urllib3's own default would still read SSL_CERT_FILE / SSL_CERT_DIR
            tls["ssl_context"] = options.ssl_context(env_free_default=True)
        with self._lock:
            if self._pools:
                raise ConfigError("connection options must be set before the first request")
            self._tls_options.update(tls)
            self._connection = self._configured = options

    # --- pools --------------------------------------------------------------------------

    def _pool_for(self, origin: str, request: Request) -> HTTPConnectionPool:
        pool = self._pools.get(origin)
        if pool is not None:
            return pool
        with self._lock:
            pool = self._pools.get(origin)
            if pool is None:
                pool = self._new_pool(origin, request)
                self._pools[origin] = pool
        return pool

    def _new_pool(self, origin: str, request: Request) -> HTTPConnectionPool:
        try:
            parsed = parse_url(origin)
        except Exception as exc:
            reraise(exc, request, None)
        scheme = (parsed.scheme or "").lower()
        if scheme not in ("http", "https") or not parsed.host:
            raise ConfigError(
                f"cannot send to {request.url!r}: expected an http:// or https:// URL with a host",
                request=request,
            )
        options = dict(self._options)
        if scheme == "https":
            options.update(self._tls_options)
        proxy = self._connection.proxy_for(origin + "/")
        host, port = parsed.host, parsed.port
        forward = False
        if proxy is not None:
            # https://: a CONNECT tunnel from the origin's pool; http://: requests in
            # absolute form to the proxy, one pool for every origin it serves.
            proxied = parse_url(proxy)
            proxy_url = parse_url(f"{proxied.scheme}://{proxied.host}:{proxied.port or 80}")
            options["_proxy"] = proxy_url
            options["_proxy_headers"] = self._connection.proxy_headers(proxy)
            options["_proxy_config"] = ProxyConfig(None, False, None, None)
            if scheme == "http":
                forward = True
                host, port, scheme = proxy_url.host, proxy_url.port, proxy_url.scheme or "http"
        cls = HTTPSPool if scheme == "https" else HTTPPool
        pool = cls(
            host,
            port,
            maxsize=self._max_connections,
            block=self._block,
            retries=_NO_RETRIES,
            **options,
        )
        pool._axios_forward = forward  # type: ignore[attr-defined]
        return pool

    def _timeout(self, timeout: Timeout) -> urllib3.Timeout:
        last = self._last_timeout  # one tuple, read at once: safe across threads
        if last is not None and last[0] is timeout:
            return last[1]  # most requests share the client's Timeout object
        mapped = self._timeouts.get(timeout)
        if mapped is None:
            mapped = urllib3.Timeout(connect=timeout.connect, read=timeout.read)
            if len(self._timeouts) > 64:
                self._timeouts.clear()
            self._timeouts[timeout] = mapped
        self._last_timeout = (timeout, mapped)
        return mapped

    # --- sending ------------------------------------------------------------------------

    def send(self, request: Request) -> Response:
        """Send ``request`` and return its Response; the body is read unless ``request.stream``."""
        match = _SPLIT.match(request.url)
        if match is None:
            raise ConfigError(
                f"cannot send to {request.url!r}: expected an absolute http(s) URL",
                request=request,
            )
        origin, target = match.groups()
        if not target.startswith("/"):
            target = "/" + target
        if "#" in target:
            target = target.partition("#")[0]
        pool = self._pool_for(origin, request)
        forward: bool = pool._axios_forward  # type: ignore[attr-defined]
        if forward:
            target = origin + target  # absolute form, for the proxy
        content = request.content
        if content is not None and not isinstance(content, (bytes, Iterable)):
            if isinstance(content, AsyncIterable):
                raise ConfigError(
                    "Urllib3Transport cannot send an async iterable body; "
                    "use the async_ methods with an async transport, or pass bytes or an iterable",
                    request=request,
                )
            raise ConfigError(
                f"request content must be bytes or an iterable of bytes "
                f"(got {type(content).__name__})",
                request=request,
            )
        headers = _headers(request.headers)
        timeout = request.timeout
        token = request.extensions.get("cancel_token")
        call: Call | None = None
        if token is not None or timeout.write != timeout.connect:
            call = Call(token, timeout.write, keep_write=timeout.write == timeout.connect)
            publish(call)
        try:
            raw = pool.urlopen(
                request.method,
                target,
                body=content,
                headers=headers,
                retries=_NO_RETRIES,
                redirect=False,
                assert_same_host=not forward,
                timeout=self._timeout(timeout),
                pool_timeout=timeout.pool,  # type: ignore[arg-type]  # floats work
                preload_content=not request.stream,
                decode_content=False,  # as received: the core decodes
            )
        except BaseException as exc:
            if call is not None:
                call.detach()
            reraise(exc, request, call, reused=took_reused())
        finally:
            if call is not None:
                publish(None)
        response_headers = Headers.from_trusted(_header_pairs(raw.headers))
        if request.stream:
            return Response(
                raw.status,
                headers=response_headers,
                stream=_Stream(raw, request, call),
                request=request,
                http_version=_VERSIONS.get(raw.version, "HTTP/1.1"),
            )
        if call is not None:
            call.detach()
        return Response(
            raw.status,
            headers=response_headers,
            content=raw.data,
            request=request,
            http_version=_VERSIONS.get(raw.version, "HTTP/1.1"),
        )

    def close(self) -> None:
        """Close every pool and its idle connections; the transport stays usable afterwards."""
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()


def _check_pool_options(options: dict[str, Any]) -> None:
    """Refuse options urllib3 would only reject at the first connection, or that we set."""
    owned = sorted(_OWNED_OPTIONS & set(options))
    if owned:
        raise ConfigError(
            f"Urllib3Transport sets {', '.join(owned)} itself (got {owned!r}); use "
            "max_connections, pool_block and the request's 'timeout' config instead"
        )
    known = _known_pool_options()
    for name in options:
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(
                f"Urllib3Transport got an unknown option {name!r}{hint} (expected "
                "max_connections, pool_block or an urllib3 HTTPSConnectionPool option)"
            )


@functools.cache
def _known_pool_options() -> frozenset[str]:
    names: set[str] = set()
    for target in (HTTPSConnectionPool.__init__, HTTPSConnection.__init__):
        names.update(inspect.signature(target).parameters)
    # Pool-wide headers would be ignored (every request passes its own); proxies need
    # urllib3's ProxyManager, which this transport does not use.
    unsupported = {"headers", "proxy", "proxy_config", "_proxy", "_proxy_headers"}
    return frozenset(names - {"self", "args", "kwargs", "conn_kw"} - unsupported - _OWNED_OPTIONS)


@functools.cache
def _tls_only_options() -> frozenset[str]:
    """Options HTTPS pools take and plain HTTP pools refuse (ssl_context, ca_certs...)."""
    plain: set[str] = set()
    for target in (HTTPConnectionPool.__init__, HTTPConnection.__init__):
        plain.update(inspect.signature(target).parameters)
    return _known_pool_options() - plain


def _headers(headers: Headers) -> Any:
    pairs = headers.multi_items()
    # The core decides the headers; urllib3 would add its own User-Agent and
    # http.client an "Accept-Encoding: identity" otherwise.
    if "user-agent" not in headers:
        pairs.append(("User-Agent", SKIP_HEADER))
    if "accept-encoding" not in headers:
        pairs.append(("Accept-Encoding", SKIP_HEADER))
    plain = dict(pairs)
    if len(plain) == len(pairs):
        return plain
    repeated = HTTPHeaderDict()
    repeated.extend(pairs)
    return repeated


def _header_pairs(headers: HTTPHeaderDict) -> list[tuple[str, str]]:
    """The response's (name, value) pairs, repeats apart, in the order ``items()`` gives.

    HTTPHeaderDict keeps ``{lowered: [name, value, value...]}`` in ``_container``;
    reading it directly is about 3x faster than its generic ``items()``. Any other
    shape (a future urllib3) takes the public road.
    """
    container = getattr(headers, "_container", None)
    if type(container) is not dict:
        return list(headers.items())
    return [(entry[0], value) for entry in container.values() for value in entry[1:]]


class _Stream(SyncByteStream):
    """A response body read from the socket as it arrives; close() frees the pool slot."""

    def __init__(self, raw: BaseHTTPResponse, request: Request, call: Call | None) -> None:
        self._raw = raw
        self._request = request
        self._call = call
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        raw = self._raw
        try:
            # read1 hands over what has arrived (up to _CHUNK) instead of waiting for a
            # full _CHUNK, so a slow body streams and reports progress as it comes; for
            # chunked bodies it also goes through http.client's chunk parsing (strict, see
            # _strict.py), not urllib3's lenient one. It returns b"" at the end. Bytes as
            # received: the core decodes.
            yield from iter(functools.partial(raw.read1, _CHUNK, decode_content=False), b"")
        except BaseException as exc:
            call = self._call
            self.close()
            reraise(exc, self._request, call)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._call is not None:
            self._call.detach()
        raw = self._raw
        # A fully read body already went back to the pool; otherwise the connection
        # holds unread bytes, so close it and return its (now empty) slot.
        raw.close()
        raw.release_conn()
