"""Interceptors: Axios-style request and response handler chains run in registration order."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar

from ._exceptions import InterceptorError
from ._models import Response

if TYPE_CHECKING:
    from ._config import RequestConfig

__all__ = ["InterceptorManager", "Interceptors", "run_request_chain", "run_response_chain"]

T = TypeVar("T")
Rejected = Callable[[Exception], Any]


class InterceptorManager(Generic[T]):
    """An ordered set of (fulfilled, rejected) handlers; ``use`` returns an id for ``eject``."""

    __slots__ = ("_handlers", "_next_id", "_snapshot", "_what")

    def __init__(self, what: str) -> None:
        self._what = what
        self._handlers: dict[int, tuple[Callable[[T], T] | None, Rejected | None]] = {}
        self._next_id = 0
        # The handlers in run order, rebuilt on every change: requests read it as is.
        self._snapshot: tuple[tuple[Callable[[T], T] | None, Rejected | None], ...] = ()

    def use(
        self, fulfilled: Callable[[T], T] | None = None, rejected: Rejected | None = None
    ) -> int:
        """Register handlers; they run after those registered earlier. Returns the id."""
        if fulfilled is None and rejected is None:
            raise TypeError(f"{self._what} interceptor needs a fulfilled or rejected handler")
        for role, handler in (("fulfilled", fulfilled), ("rejected", rejected)):
            if handler is not None and not callable(handler):
                raise TypeError(f"{self._what} interceptor {role} handler must be callable")
            if inspect.iscoroutinefunction(handler):
                raise TypeError(
                    f"{self._what} interceptor {role} handler {_name(handler)} is async def; "
                    "interceptors are synchronous, so do async work in middleware (api.use)"
                )
        handler_id = self._next_id
        self._next_id += 1
        self._handlers[handler_id] = (fulfilled, rejected)
        self._snapshot = tuple(self._handlers.values())
        return handler_id

    def eject(self, handler_id: int) -> bool:
        """Remove the handlers registered under ``handler_id``; False if it was not there."""
        removed = self._handlers.pop(handler_id, None) is not None
        self._snapshot = tuple(self._handlers.values())
        return removed

    def clear(self) -> None:
        """Remove every handler."""
        self._handlers.clear()
        self._snapshot = ()

    def __len__(self) -> int:
        return len(self._handlers)

    def __bool__(self) -> bool:
        return bool(self._snapshot)

    def handlers(self) -> tuple[tuple[Callable[[T], T] | None, Rejected | None], ...]:
        """A snapshot of the handlers in run order (safe to iterate while others register)."""
        return self._snapshot


class Interceptors:
    """``api.interceptors.request`` and ``api.interceptors.response``."""

    __slots__ = ("request", "response")

    def __init__(self) -> None:
        self.request: InterceptorManager[RequestConfig] = InterceptorManager("request")
        self.response: InterceptorManager[Response] = InterceptorManager("response")


def run_request_chain(
    manager: InterceptorManager[RequestConfig], config: RequestConfig
) -> RequestConfig:
    """Run request interceptors in order; a rejected handler sees the previous one's error."""
    error: Exception | None = None
    for fulfilled, rejected in manager.handlers():
        if error is None:
            if fulfilled is None:
                continue
            try:
                config = _config(fulfilled(config), fulfilled, "the config")
            except Exception as exc:
                error = exc
        elif rejected is not None:
            try:
                config = _config(rejected(error), rejected, "a config")
                error = None
            except Exception as exc:
                error = exc
    if error is not None:
        raise error
    return config


def run_response_chain(
    manager: InterceptorManager[Response],
    response: Response | None,
    error: Exception | None,
) -> Response:
    """Run response interceptors in order over a response or an error (Axios promise semantics).

    ``fulfilled`` gets the response; when it raises, later ``rejected`` handlers
    get the error. ``rejected`` may recover by returning a Response, or re-raise.
    """
    for fulfilled, rejected in manager.handlers():
        if error is None:
            if fulfilled is None or response is None:
                continue
            try:
                response = _response(fulfilled(response), fulfilled, "the response")
            except Exception as exc:
                error = exc
        elif rejected is not None:
            try:
                response = _response(rejected(error), rejected, "a response")
                error = None
            except Exception as exc:
                error = exc
    if error is not None:
        raise error
    if response is None:
        raise InterceptorError("the response chain ended without a response")
    return response


def _config(result: Any, handler: Callable[..., Any], expected: str) -> RequestConfig:
    if type(result) is dict or isinstance(result, Mapping):  # the dict test skips the ABC
        return result  # type: ignore[return-value]
    _refuse(result, handler, "request", f"{expected} (a dict)")


def _response(result: Any, handler: Callable[..., Any], expected: str) -> Response:
    if type(result) is Response or isinstance(result, Response):
        return result
    _refuse(result, handler, "response", f"{expected} (an axios_python.Response)")


def _refuse(result: Any, handler: Callable[..., Any], stage: str, expected: str) -> NoReturn:
    name = _name(handler)
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if close is not None:
            close()  # never awaited: close it so Python does not warn about it later
        raise InterceptorError(
            f"{stage} interceptor {name} returned an awaitable; interceptors are synchronous, "
            "so do async work in middleware (api.use)"
        )
    if result is None:
        raise InterceptorError(
            f"{stage} interceptor {name} returned None; it must return {expected} "
            "(did you forget a 'return'?)"
        )
    shown = repr(result)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    raise InterceptorError(
        f"{stage} interceptor {name} returned {type(result).__name__} ({shown}); "
        f"it must return {expected}"
    )


def _name(handler: Callable[..., Any]) -> str:
    return getattr(handler, "__qualname__", None) or repr(handler)
