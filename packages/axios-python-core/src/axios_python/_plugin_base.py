"""Plugin: the simple base class from the README, adapted onto the pluggy hooks.

Override only what you need; the plugin manager registers a hook for a method
only when a subclass overrides it, so an unused method costs nothing per
request. A subclass may also implement raw ``axios_*`` hooks with ``hookimpl``.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeVar, cast

from ._exceptions import PluginError
from ._headers import Headers
from ._models import Response

if TYPE_CHECKING:
    from ._client import AxiosPython
    from ._config import RequestConfig

__all__ = ["ADAPTED_HOOKS", "Plugin"]

_T = TypeVar("_T")
_R = TypeVar("_R")


class Plugin:
    """Base class for simple plugins: override ``on_request``, ``on_response`` or ``on_error``.

    Each method may be ``def`` or ``async def`` (an ``async def`` one serves only
    the ``async_`` methods). ``name`` is the name the client registers it under
    (default: the class name), which ``api.unplugin(name)`` takes::

        class CorrelationIdPlugin(Plugin):
            def on_request(self, config):
                config["headers"]["X-Correlation-Id"] = str(uuid.uuid4())
                return config

        api.plugin(CorrelationIdPlugin())
    """

    name: ClassVar[str | None] = None

    def on_request(self, config: dict[str, Any]) -> dict[str, Any] | None:
        """Edit the request config (after the request interceptors) and return it.

        Returning a different mapping replaces the config's contents; returning
        None keeps the config as edited in place.
        """
        return config

    def on_response(self, response: Response) -> Response | None:
        """Inspect or edit a successful response; return it (or another Response to replace it)."""
        return response

    def on_error(self, error: Exception) -> Response | None:
        """Return a Response to recover from ``error``, or None to let it propagate."""
        return None

    # --- the adapters the plugin manager registers as hooks -----------------------------------

    def axios_request(self, config: RequestConfig, client: AxiosPython) -> Awaitable[None] | None:
        """Hook adapter: run on_request and apply what it returned to ``config``."""
        # on_request may be async def in a subclass, whatever the base signature says.
        result: object = self.on_request(config)  # type: ignore[arg-type]
        if inspect.isawaitable(result):
            return Then(result, lambda value: _apply_config(self, config, value))
        _apply_config(self, config, result)
        return None

    def axios_response(
        self, response: Response, config: RequestConfig, client: AxiosPython
    ) -> Response | Awaitable[Response | None] | None:
        """Hook adapter: run on_response; its Response (if any) replaces the response."""
        result: object = self.on_response(response)
        if inspect.isawaitable(result):
            return Then(result, lambda value: _check_response(self, "on_response", value))
        return _check_response(self, "on_response", result)

    def axios_error(
        self, error: Exception, config: RequestConfig, client: AxiosPython
    ) -> Response | Awaitable[Response | None] | None:
        """Hook adapter: run on_error; a Response recovers the request."""
        result: object = self.on_error(error)
        if inspect.isawaitable(result):
            return Then(result, lambda value: _check_response(self, "on_error", value))
        return _check_response(self, "on_error", result)


# Which adapter each on_* method feeds; the manager registers an adapter only when
# the subclass overrides its method.
ADAPTED_HOOKS: Final[Mapping[str, str]] = {
    "axios_request": "on_request",
    "axios_response": "on_response",
    "axios_error": "on_error",
}


class Then(Awaitable[_R]):
    """An awaitable that awaits ``inner`` and passes the result to ``then``.

    It keeps the inner coroutine's ``__qualname__`` so an error about it (an
    ``async def`` method used on the sync path) names the user's method, and
    ``close()`` closes the inner coroutine so no "never awaited" warning follows.
    """

    def __init__(self, inner: Awaitable[_T], then: Callable[[_T], _R]) -> None:
        self._inner = inner
        self._then = then
        self.__qualname__ = getattr(inner, "__qualname__", type(inner).__qualname__)

    def __await__(self) -> Generator[Any, None, _R]:
        value = yield from self._inner.__await__()
        return self._then(value)

    def close(self) -> None:
        """Close the inner coroutine without running it."""
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


def _apply_config(plugin: Plugin, config: RequestConfig, result: object) -> None:
    if result is None or result is config:
        return
    if not isinstance(result, Mapping):
        raise PluginError(
            f"{type(plugin).__name__}.on_request must return the config mapping or None "
            f"(got {type(result).__name__}: {result!r:.80})"
        )
    replacement = dict(result)
    headers = replacement.get("headers")
    if not isinstance(headers, Headers):
        replacement["headers"] = Headers(headers)
    target = cast("dict[str, Any]", config)
    target.clear()
    target.update(replacement)


def _check_response(plugin: Plugin, method: str, result: object) -> Response | None:
    if result is None or isinstance(result, Response):
        return result
    raise PluginError(
        f"{type(plugin).__name__}.{method} must return a Response or None "
        f"(got {type(result).__name__}: {result!r:.80})"
    )
