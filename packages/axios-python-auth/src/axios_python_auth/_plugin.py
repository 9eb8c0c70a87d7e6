"""AuthPlugin: credentials on every request to the client's own origin, and nowhere else."""

from __future__ import annotations

import contextvars
import inspect
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

from axios_python import HTTPStatusError, PluginError, Response
from axios_python.hookspecs import hookimpl

from ._credentials import basic_value, check_header_name, check_scheme, check_token, render
from ._origins import origin_of, parse_origins, target_and_home
from ._refresh import Refresher, TokenSource
from ._replay import replay_options

if TYPE_CHECKING:
    from axios_python import AxiosPython, RequestConfig

__all__ = ["AuthPlugin"]

T = TypeVar("T")

_NONE: Final[frozenset[str]] = frozenset()

# Set while a request is being replayed after a refresh, so its own 401 is final.
_REPLAYING: Final[contextvars.ContextVar[bool]] = contextvars.ContextVar(
    "axios_python_auth_replaying", default=False
)


class AuthPlugin:
    """Add an ``Authorization`` header (or another one) to the client's requests.

    Exactly one credential source: a static ``token``, a ``token_provider``
    called for every request (sync, or async on the async path), or basic auth
    with ``username`` and ``password``. With ``refresh``, a 401 makes the plugin
    fetch a new token (once, however many requests failed together) and replay
    the request once with it.

    Credentials only go to the client's ``base_url`` origin and to the origins in
    ``allowed_origins``; the header is marked sensitive, so the core drops it on
    a redirect to any other origin. Nothing here ever prints a credential::

        api.plugin(AuthPlugin(scheme="Bearer", token="s3cret"))
        api.plugin("auth", token_provider=lambda: vault.get("api-token"), refresh=renew)

    Option errors are PluginError (not ValueError) and never quote a credential.
    """

    #: The name it registers under, as when loaded by name: ``api.unplugin("auth")``.
    name: Final = "auth"

    def __init__(
        self,
        *,
        scheme: str | None = "Bearer",
        token: str | None = None,
        token_provider: TokenSource | None = None,
        username: str | None = None,
        password: str | None = None,
        refresh: TokenSource | None = None,
        header: str = "Authorization",
        allowed_origins: Iterable[str] = (),
    ) -> None:
        given = [
            name
            for name, present in (
                ("token", token is not None),
                ("token_provider", token_provider is not None),
                ("username/password", username is not None or password is not None),
            )
            if present
        ]
        if len(given) != 1:
            raise PluginError(
                "AuthPlugin needs exactly one of token=, token_provider= or username= with "
                f"password= (got {', '.join(given) if given else 'none'})"
            )
        self._header = check_header_name(header)
        self._lowered = self._header.lower()
        self._names = frozenset({self._lowered})
        self._origins = parse_origins(allowed_origins, "allowed_origins")
        self._provider: TokenSource | None = None
        self._static: str | None = None
        self._basic = username is not None or password is not None
        if self._basic:
            if scheme not in ("Bearer", "Basic"):
                raise PluginError(
                    f"AuthPlugin basic auth always uses the 'Basic' scheme (got scheme={scheme!r})"
                )
            if refresh is not None:
                raise PluginError("AuthPlugin 'refresh' works with tokens, not with basic auth")
            self._scheme: str | None = "Basic"
            self._static = basic_value(username, password)
        else:
            self._scheme = check_scheme(scheme)
            if token is not None:
                self._static = render(self._scheme, check_token(token, "'token'"))
            else:
                self._provider = _check_callable(token_provider, "token_provider")
        self._refresher: Refresher | None = None
        if refresh is not None:
            scheme_ = self._scheme
            self._refresher = Refresher(
                _check_callable(refresh, "refresh"), lambda t: render(scheme_, t)
            )
        # The header value when it never changes (no provider, no refresh): set as is.
        self._fixed = self._static if self._refresher is None else None

    def __repr__(self) -> str:
        if self._basic:
            source = "basic"
        elif self._provider is not None:
            source = f"token_provider={_name(self._provider)}"
        else:
            source = "token=<hidden>"
        parts = [f"scheme={self._scheme!r}", source, f"header={self._header!r}"]
        if self._refresher is not None:
            parts.append(f"refresh={_name(self._refresher._refresh)}")
        if self._origins:
            parts.append(f"allowed_origins={sorted(self._origins)!r}")
        return f"AuthPlugin({', '.join(parts)})"

    @property
    def refresh_count(self) -> int:
        """How many times ``refresh`` has been called."""
        return self._refresher.calls if self._refresher is not None else 0

    # --- hooks ------------------------------------------------------------------------

    @hookimpl
    def axios_client_created(self, client: AxiosPython) -> None:
        """Refuse a client on which the credentials would have no home."""
        if self._home(client) is None and not self._origins:
            raise PluginError(
                "AuthPlugin has no origin to send credentials to: create the client with a "
                "base_url, or pass allowed_origins=['https://api.example.com']"
            )

    @hookimpl
    def axios_request(
        self, config: RequestConfig, client: AxiosPython, is_async: bool
    ) -> Awaitable[None] | None:
        """Add the credential header when the request goes to an allowed origin."""
        headers = config["headers"]
        if headers.has_any(self._names):
            return None  # an explicit per-request credential wins, wherever it goes
        home_url = client.defaults.get("base_url")
        url = config.get("url")
        if config.get("base_url") is home_url and type(url) is str and "://" not in url:
            # The usual request, a relative url under the client's own base_url: home.
            origin = home = origin_of(home_url) if isinstance(home_url, str) else None
            if origin is None:
                return None
        else:
            origin, home = target_and_home(config, home_url)
            if origin is None or (origin != home and origin not in self._origins):
                return None
        if origin != home or self._lowered not in config.get("sensitive_headers", _NONE):
            self._protect(config, origin, home)
        if self._fixed is not None:
            headers[self._header] = self._fixed
            return None
        if self._provider is None:
            latest = self._refresher.latest if self._refresher is not None else None
            headers[self._header] = render(self._scheme, latest) if latest else self._static
            return None
        result = self._provider()
        if not inspect.isawaitable(result):
            headers[self._header] = render(self._scheme, check_token(result, _provided()))
            return None
        if not is_async:
            _close(result)
            raise PluginError(
                f"AuthPlugin token_provider {_name(self._provider)} is async (it returned an "
                "awaitable), which needs the async path: use the async_ methods "
                "(await api.async_get(...)) or pass a sync token_provider"
            )
        scheme, name = self._scheme, self._header

        def apply(token: object) -> None:
            headers[name] = render(scheme, check_token(token, _provided()))

        return _Then(result, apply)

    @hookimpl
    def axios_error(
        self, error: Exception, config: RequestConfig, client: AxiosPython, is_async: bool
    ) -> Response | Awaitable[Response | None] | None:
        """On a 401 to an allowed origin: refresh once (shared) and replay the request once."""
        if self._refresher is None or _REPLAYING.get():
            return None
        if not isinstance(error, HTTPStatusError) or error.response.status_code != 401:
            return None
        sent = self._sent_value(error, client)
        if sent is None:
            return None
        method, url = config["method"], config["url"]
        # Check the body can be resent before spending a refresh on it.
        if replay_options(config, self._header, sent) is None:
            return None
        if is_async:
            return self._replay_async(sent, method, url, config, client)
        token = self._refresher.renew_sync(sent)
        options = replay_options(config, self._header, render(self._scheme, token))
        assert options is not None
        reset = _REPLAYING.set(True)
        try:
            return client.request(method, url, **options)
        except HTTPStatusError:
            return None  # refused again: the original 401 goes on to the interceptors
        finally:
            _REPLAYING.reset(reset)

    # --- helpers ----------------------------------------------------------------------

    async def _replay_async(
        self, sent: str, method: str, url: str, config: Mapping[str, Any], client: AxiosPython
    ) -> Response | None:
        assert self._refresher is not None
        token = await self._refresher.renew_async(sent)
        options = replay_options(config, self._header, render(self._scheme, token))
        assert options is not None
        reset = _REPLAYING.set(True)
        try:
            return await client.async_request(method, url, **options)
        except HTTPStatusError:
            return None  # refused again: the original 401 goes on to the interceptors
        finally:
            _REPLAYING.reset(reset)

    @staticmethod
    def _home(client: AxiosPython) -> str | None:
        """The origin of the client's base_url now (api.defaults is live; origin_of is cached)."""
        base_url = client.defaults.get("base_url")
        return origin_of(base_url) if isinstance(base_url, str) else None

    def _protect(self, config: RequestConfig, origin: str, home: str | None) -> None:
        """Mark the header sensitive (dropped on cross-origin redirects) and trust ``origin``."""
        name = self._lowered
        sensitive = config.get("sensitive_headers", _NONE)
        if name not in sensitive:
            config["sensitive_headers"] = frozenset(sensitive) | {name}
        if origin != home:
            # An allowed origin reached by absolute URL: without this the core would strip
            # every sensitive header from the request, ours included.
            trusted = config.get("trusted_origins", _NONE)
            if origin not in trusted:
                config["trusted_origins"] = frozenset(trusted) | {origin}

    def _sent_value(self, error: HTTPStatusError, client: AxiosPython) -> str | None:
        """The credential the 401'd request carried, if it went to an allowed origin."""
        response = error.response
        request = response.request or error.request
        if request is None:
            return None
        origin = origin_of(response.url or request.url)
        if origin is None or (origin != self._home(client) and origin not in self._origins):
            return None
        return request.headers.get(self._header)


class _Then(Generic[T]):
    """An awaitable that awaits ``inner`` then applies ``then``; close() closes ``inner``."""

    __slots__ = ("_inner", "_then")

    def __init__(self, inner: Awaitable[Any], then: Callable[[Any], T]) -> None:
        self._inner = inner
        self._then = then

    def __await__(self) -> Generator[Any, None, T]:
        value = yield from self._inner.__await__()
        return self._then(value)

    def close(self) -> None:
        """Close the wrapped coroutine so an unused one does not warn 'never awaited'."""
        _close(self._inner)


def _check_callable(value: Any, option: str) -> TokenSource:
    if not callable(value):
        raise PluginError(
            f"AuthPlugin {option!r} must be a callable returning a token "
            f"(got {type(value).__name__})"
        )
    function: TokenSource = value
    return function


def _provided() -> str:
    return "token_provider() result"


def _close(awaitable: object) -> None:
    close = getattr(awaitable, "close", None)
    if callable(close):
        close()


def _name(function: object) -> str:
    return getattr(function, "__qualname__", None) or type(function).__name__
