"""AxiosPython: one isolated client per external service, with sync and async_ methods."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ._auth import split_credentials
from ._body import as_form
from ._config import (
    SENDABLE_METHODS,
    RequestConfig,
    RequestOptions,
    library_defaults,
    merge_config,
    method_name,
    validate_options,
)
from ._connection_options import CONNECTION_KEYS, ConnectionOptions
from ._cookies import CookieJar, jar_for
from ._defaults import Defaults
from ._exceptions import ClientClosedError, ConfigError
from ._interceptors import Interceptors
from ._middleware import Middleware, MiddlewareEntry, as_entry
from ._models import Response
from ._pipeline import request_flow, run_async, run_sync
from ._redact import install_log_filter
from ._urls import build_url
from .transports.base import BaseTransport

if TYPE_CHECKING:
    from typing_extensions import Self, Unpack

    from ._pipeline import _Chains
    from ._plugins import PluginHost

__all__ = ["AxiosPython", "create"]

_NO_OPTIONS = ConnectionOptions()


class AxiosPython:
    """An HTTP client instance: its own defaults, interceptors, middleware, plugins and pools.

    Nothing mutable is shared between instances, so a header one instance's
    interceptor adds never reaches another. Every verb has an ``async_`` twin
    with the same signature::

        api = AxiosPython({"base_url": "https://api.example.com", "timeout": 5})
        api.get("/users", params={"page": 1})
        await api.async_get("/users", params={"page": 1})
    """

    def __init__(
        self,
        config: RequestOptions = {},  # noqa: B006  # never mutated: validated into a new dict
        *,
        transport: BaseTransport | None = None,
    ) -> None:
        install_log_filter()  # the HTTP libraries' own log records get secrets masked too
        options = validate_options({} if config is None else config, where="create()")
        self._defaults = Defaults(merge_config(library_defaults(), options))
        self.interceptors = Interceptors()
        self._middleware: tuple[MiddlewareEntry, ...] = ()
        self._chains: _Chains | None = None  # _middleware composed, built at first use
        if transport is not None and not isinstance(transport, BaseTransport):
            raise ConfigError(f"transport must be a BaseTransport (got {transport!r})")
        self._transport = transport
        self._default_transport: BaseTransport | None = None
        self._lock = threading.Lock()
        # None while no plugin is registered: the pipeline then makes no hook calls.
        self._plugin_host: PluginHost | None = None
        self._plugin_transports: tuple[BaseTransport | None, BaseTransport | None] = (None, None)
        self._plugin_lock = threading.RLock()
        self._closed = False
        # The jar (None: cookies are not kept) is the instance's; not a per-request setting.
        self._cookie_jar = jar_for(
            dict.pop(self._defaults, "cookies", True), options.get("base_url")
        )
        # Connection options shape the pools: the instance's, never one request's.
        self._connection: ConnectionOptions | None = None
        if not CONNECTION_KEYS.isdisjoint(options):
            self._connection = ConnectionOptions.from_config(options)
            for key in CONNECTION_KEYS:
                dict.pop(self._defaults, key, None)
            if transport is not None:
                transport.configure(self._connection)
            else:  # built now, so an option it cannot honour fails here, at create()
                self._fallback_transport()
        # Declared plugins are registered now; they are not a per-request setting.
        dict.pop(self._defaults, "plugins", None)
        for name, plugin_options in options.get("plugins", {}).items():
            self.plugin(name, **plugin_options)

    def __repr__(self) -> str:
        return f"<AxiosPython base_url={self._defaults.get('base_url')!r}>"

    @property
    def defaults(self) -> dict[str, Any]:
        """This instance's defaults, live: what you change applies to the requests after it.

        ``api.defaults["headers"]["Authorization"] = "Bearer x"`` (the token set after
        login) and ``api.defaults["timeout"] = 5`` work as in axios; a value is
        validated when it is set (ConfigError naming the key). Each instance has its
        own, starting as the library defaults overlaid with the create() config.
        """
        return self._defaults

    @defaults.setter
    def defaults(self, value: Mapping[str, Any]) -> None:
        """Replace every default at once, validated like create() input (also ``|=``)."""
        if value is not self._defaults:
            self._defaults.replace(value)

    @property
    def cookies(self) -> CookieJar | None:
        """This instance's cookie jar (None when created with ``"cookies": False``).

        Every response's Set-Cookie is stored in it, redirect hops included, and
        its matching cookies go with every later request (standard domain, path,
        secure and expiry rules), never to another domain.
        """
        return self._cookie_jar

    # --- composition --------------------------------------------------------------------

    def use(self, middleware: Middleware) -> Self:
        """Add a middleware (``def`` or ``async def``); the first added is the outermost."""
        entry = as_entry(middleware)
        with self._lock:
            self._middleware = (*self._middleware, entry)
        return self

    # --- plugins ------------------------------------------------------------------------

    def plugin(self, plugin: str | object, /, **options: Any) -> Self:
        """Register a plugin on this instance only: an installed plugin's name, or an object.

        ``api.plugin("cache", ttl=120)`` loads the ``cache`` entry point, builds it
        with the options and registers it; ``api.plugin(CachePlugin(ttl=120))``
        registers a built one. Raises a PluginError subclass that says what to do
        when the name is unknown, fails to import, is taken, or rejects an option.
        """
        from ._plugins import add_plugin

        add_plugin(self, plugin, options)
        return self

    def unplugin(self, plugin: str | object, /) -> Self:
        """Remove a plugin from this instance, by name or by the registered object."""
        from ._plugins import remove_plugin

        remove_plugin(self, plugin)
        return self

    @property
    def plugin_names(self) -> tuple[str, ...]:
        """The names of the plugins registered on this instance, oldest first."""
        host = self._plugin_host
        return tuple(host.names) if host is not None else ()

    # --- transports ---------------------------------------------------------------------

    def _fallback_transport(self) -> BaseTransport:
        if self._default_transport is None:
            with self._lock:
                if self._default_transport is None:
                    from .transports.httpx import HttpxTransport

                    transport = HttpxTransport()
                    if self._connection is not None:
                        transport.configure(self._connection)
                    self._default_transport = transport
        return self._default_transport

    @property
    def connection_options(self) -> ConnectionOptions:
        """The connection options create() was given (proxy, verify, pool limits...)."""
        return self._connection or _NO_OPTIONS

    def _configure(self, transports: tuple[BaseTransport | None, ...]) -> None:
        """Hand this client's connection options to transports a plugin supplies."""
        if self._connection is not None:
            for transport in transports:
                if transport is not None:
                    transport.configure(self._connection)

    # An explicit transport= wins, then one a plugin supplies for that side, then httpx.
    # Checked on every attempt: a retry after close() must not reopen a pool.
    @property
    def _sync_transport(self) -> BaseTransport:
        if self._closed:
            raise self._closed_error()
        return self._transport or self._plugin_transports[0] or self._fallback_transport()

    @property
    def _async_transport(self) -> BaseTransport:
        if self._closed:
            raise self._closed_error()
        return self._transport or self._plugin_transports[1] or self._fallback_transport()

    # --- requests -----------------------------------------------------------------------

    def _merged(self, method: str, url: str, options: Mapping[str, Any]) -> RequestConfig:
        """Stage 1: this instance's defaults with ``options`` validated and layered on top.

        request_flow builds the usual request's config itself (no options, no
        userinfo, no params in the defaults: the same dict merge_config gives).
        """
        if not isinstance(url, str):
            raise ConfigError(f"url must be a str (got {type(url).__name__}: {url!r})")
        credentials = None
        if "@" in url:  # user:password@ leaves the URL before anything (even an error) shows it
            url, credentials = split_credentials(url, pinned=True)
        if not options:  # the usual call: nothing to validate
            # A verb's own method name is already checked: no call for it.
            name = method if method in SENDABLE_METHODS else method_name(method)
            overrides: dict[str, Any] = {"method": name, "url": url}
            if credentials is not None:
                overrides["auth"] = credentials
            return merge_config(self._defaults, overrides)  # type: ignore[return-value]
        overrides = validate_options(options, where=f"{method} {url!r}", per_request=True)
        if "cookies" in overrides and not isinstance(overrides["cookies"], (Mapping, type(None))):
            raise ConfigError(
                "per request, 'cookies' is a mapping of cookie names to values; the jar is "
                "switched on or off (True/False) or given in create()"
            )
        if credentials is not None:
            overrides.setdefault("auth", credentials)  # an explicit auth= wins
        overrides["method"] = method_name(method)
        overrides["url"] = url
        return merge_config(self._defaults, overrides)  # type: ignore[return-value]

    def request(self, method: str, url: str, **options: Unpack[RequestOptions]) -> Response:
        """Send a request through the whole pipeline and return its Response."""
        return run_sync(self, request_flow(self, method, url, options, False))

    async def async_request(
        self, method: str, url: str, **options: Unpack[RequestOptions]
    ) -> Response:
        """Async twin of request()."""
        return await run_async(self, request_flow(self, method, url, options, True))

    def get_uri(self, url: str = "", **options: Unpack[RequestOptions]) -> str:
        """The URL a request would go to (axios's getUri): ``url`` under base_url, with params.

        ``options`` are layered on the defaults as for a request (params merge, and
        ``params_serializer`` applies); credentials in a URL are left out. Sends nothing.
        """
        config = self._merged("GET", url, options)
        return build_url(
            config.get("base_url"),
            config["url"],
            config.get("params"),
            config.get("params_serializer"),
        )

    def get(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """GET ``url``."""
        return run_sync(self, request_flow(self, "GET", url, options, False))

    def post(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """POST to ``url`` (body from ``json``, ``data`` or ``files``)."""
        return run_sync(self, request_flow(self, "POST", url, options, False))

    def put(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """PUT to ``url``."""
        return run_sync(self, request_flow(self, "PUT", url, options, False))

    def patch(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """PATCH ``url``."""
        return run_sync(self, request_flow(self, "PATCH", url, options, False))

    def delete(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """DELETE ``url``."""
        return run_sync(self, request_flow(self, "DELETE", url, options, False))

    def head(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """HEAD ``url``."""
        return run_sync(self, request_flow(self, "HEAD", url, options, False))

    def options(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """OPTIONS ``url``."""
        return run_sync(self, request_flow(self, "OPTIONS", url, options, False))

    def post_form(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """POST ``data`` fields (and any ``files``) as multipart/form-data (axios's postForm)."""
        return run_sync(self, request_flow(self, "POST", url, as_form(options), False))

    def put_form(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """PUT ``data`` fields (and any ``files``) as multipart/form-data (axios's putForm)."""
        return run_sync(self, request_flow(self, "PUT", url, as_form(options), False))

    def patch_form(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """PATCH ``data`` fields (and any ``files``) as multipart/form-data (axios's patchForm)."""
        return run_sync(self, request_flow(self, "PATCH", url, as_form(options), False))

    async def async_get(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """Async twin of get()."""
        return await run_async(self, request_flow(self, "GET", url, options, True))

    async def async_post(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """Async twin of post()."""
        return await run_async(self, request_flow(self, "POST", url, options, True))

    async def async_put(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """Async twin of put()."""
        return await run_async(self, request_flow(self, "PUT", url, options, True))

    async def async_patch(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """Async twin of patch()."""
        return await run_async(self, request_flow(self, "PATCH", url, options, True))

    async def async_delete(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """Async twin of delete()."""
        return await run_async(self, request_flow(self, "DELETE", url, options, True))

    async def async_head(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """Async twin of head()."""
        return await run_async(self, request_flow(self, "HEAD", url, options, True))

    async def async_options(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """Async twin of options()."""
        return await run_async(self, request_flow(self, "OPTIONS", url, options, True))

    async def async_post_form(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """Async twin of post_form()."""
        return await run_async(self, request_flow(self, "POST", url, as_form(options), True))

    async def async_put_form(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """Async twin of put_form()."""
        return await run_async(self, request_flow(self, "PUT", url, as_form(options), True))

    async def async_patch_form(self, url: str, **options: Unpack[RequestOptions]) -> Response:
        """Async twin of patch_form()."""
        return await run_async(self, request_flow(self, "PATCH", url, as_form(options), True))

    # --- lifecycle ----------------------------------------------------------------------

    def _transports(self) -> list[BaseTransport]:
        """Every transport this client may have opened connections on, each once.

        Includes a plugin's transport shadowed by a newer plugin's: it served
        requests before the newer one came, so it may still hold connections.
        """
        host = self._plugin_host
        supplied = host.supplied_transports() if host is not None else []
        found: list[BaseTransport] = []
        for t in (self._transport, *self._plugin_transports, *supplied, self._default_transport):
            if t is not None and all(t is not seen for seen in found):
                found.append(t)
        return found

    @property
    def is_closed(self) -> bool:
        """True once close() or aclose() was called: the client sends no more requests."""
        return self._closed

    def _closed_error(self) -> ClientClosedError:
        return ClientClosedError(
            f"this client (base_url={self._defaults.get('base_url')!r}) is closed: close(), "
            "aclose() or the end of its with block closed it for good; "
            "create a new one with axios_python.create()"
        )

    def close(self) -> None:
        """Close the connection pools this instance opened; later requests raise ClientClosedError.

        Calling it again is harmless, and so is aclose() after it (which also closes
        the running loop's async pool).
        """
        self._closed = True
        for transport in self._transports():
            transport.close()

    async def aclose(self) -> None:
        """Close every pool, including the running loop's async one; see close()."""
        self._closed = True
        for transport in self._transports():
            await transport.aclose()

    def __enter__(self) -> Self:
        if self._closed:
            raise self._closed_error()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        if self._closed:
            raise self._closed_error()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def create(
    config: RequestOptions = {},  # noqa: B006  # never mutated: validated into a new dict
    *,
    transport: BaseTransport | None = None,
) -> AxiosPython:
    """Create an isolated client instance with ``config`` as its defaults.

    ``config`` is typed as the RequestOptions TypedDict, so mypy and pyright report
    a misspelt key or a wrong value type in a dict literal. A config built at run
    time (read from a file) is checked when the client is created; annotate it as
    ``RequestOptions`` or ``cast()`` it for the type checker.
    """
    return AxiosPython(config, transport=transport)
