"""Interceptors: Axios-style request and response handler chains run in registration order."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any, Final, Generic, NamedTuple, NoReturn, TypeVar, Union

from ._exceptions import InterceptorError
from ._models import Response

if TYPE_CHECKING:
    from ._config import RequestConfig

__all__ = [
    "InterceptorManager",
    "Interceptors",
    "checked_config",
    "checked_response",
    "request_chain_flow",
    "response_chain_flow",
    "run_request_chain",
    "run_response_chain",
]

T = TypeVar("T")
Rejected = Callable[[Exception], Any]
Entry = tuple[
    Union[Callable[..., Any], None], Union[Rejected, None], Union[Callable[[Any], bool], None], bool
]
"""(fulfilled, rejected, run_when, True when either handler is async def)."""
ChainFlow = Generator[Any, Any, Any]  # yields Await effects (see _pipeline) on the async path


class InterceptorManager(Generic[T]):
    """An ordered set of (fulfilled, rejected) handlers; ``use`` returns an id for ``eject``.

    A handler may be ``async def``: it runs on the async path (``await
    api.async_get(...)``) and is a clear InterceptorError on the sync path.
    """

    __slots__ = ("_entries", "_fulfilled", "_next_id", "_snapshot", "_what", "is_async")

    def __init__(self, what: str) -> None:
        self._what = what
        self._entries: dict[int, Entry] = {}
        self._next_id = 0
        # The entries in run order, rebuilt on every change: requests read it as is.
        self._snapshot: tuple[Entry, ...] = ()
        # The fulfilled handlers alone while that is all there is (no rejected handler,
        # no run_when, none async def): the chain is then a bare loop over them.
        self._fulfilled: tuple[Callable[..., Any], ...] | None = ()
        # True while an async def handler is registered: the chain then runs as a flow
        # that can await; without one it is a plain loop (no cost for sync-only users).
        self.is_async = False

    def use(
        self,
        fulfilled: Callable[[T], T | Awaitable[T]] | None = None,
        rejected: Rejected | None = None,
        *,
        run_when: Callable[[T], bool] | None = None,
    ) -> int:
        """Register handlers; they run after those registered earlier. Returns the id.

        ``run_when`` (request interceptors, axios's ``runWhen``) is called with the
        config the handler would get; when it returns False the interceptor is
        skipped for that request, both handlers.
        """
        if fulfilled is None and rejected is None:
            raise TypeError(f"{self._what} interceptor needs a fulfilled or rejected handler")
        for role, handler in (("fulfilled", fulfilled), ("rejected", rejected)):
            if handler is not None and not callable(handler):
                raise TypeError(f"{self._what} interceptor {role} handler must be callable")
        if run_when is not None:
            if self._what != "request":
                raise TypeError("run_when applies to request interceptors (axios's runWhen)")
            if not callable(run_when) or inspect.iscoroutinefunction(run_when):
                raise TypeError(
                    f"run_when must be a plain function of the config returning a bool "
                    f"(got {_name(run_when) if callable(run_when) else repr(run_when)})"
                )
        awaits = inspect.iscoroutinefunction(fulfilled) or inspect.iscoroutinefunction(rejected)
        handler_id = self._next_id
        self._next_id += 1
        self._entries[handler_id] = (fulfilled, rejected, run_when, awaits)
        self._changed()
        return handler_id

    def eject(self, handler_id: int) -> bool:
        """Remove the handlers registered under ``handler_id``; False if it was not there."""
        removed = self._entries.pop(handler_id, None) is not None
        self._changed()
        return removed

    def clear(self) -> None:
        """Remove every handler."""
        self._entries.clear()
        self._changed()

    def _changed(self) -> None:
        self._snapshot = tuple(self._entries.values())
        self.is_async = any(entry[3] for entry in self._snapshot)
        plain = all(
            f is not None and r is None and w is None and not a for f, r, w, a in self._snapshot
        )
        fulfilled = [entry[0] for entry in self._snapshot if entry[0] is not None]
        self._fulfilled = tuple(fulfilled) if plain else None

    def __len__(self) -> int:
        return len(self._entries)

    def __bool__(self) -> bool:
        return bool(self._snapshot)

    def handlers(self) -> tuple[tuple[Callable[..., Any] | None, Rejected | None], ...]:
        """A snapshot of the (fulfilled, rejected) pairs in run order."""
        return tuple((entry[0], entry[1]) for entry in self._snapshot)


class Interceptors:
    """``api.interceptors.request`` and ``api.interceptors.response``."""

    __slots__ = ("request", "response")

    def __init__(self) -> None:
        self.request: InterceptorManager[RequestConfig] = InterceptorManager("request")
        self.response: InterceptorManager[Response] = InterceptorManager("response")


def run_request_chain(
    manager: InterceptorManager[RequestConfig], config: RequestConfig
) -> RequestConfig:
    """Run request interceptors in order; a rejected handler sees the previous one's error.

    With fulfilled handlers only (``manager._fulfilled``), the pipeline runs them
    itself in a bare loop, checking each result with ``checked_config``.
    """
    result: RequestConfig = _run_plain(manager._snapshot, config, None, _REQUEST)
    return result


def request_chain_flow(
    manager: InterceptorManager[RequestConfig], config: RequestConfig, is_async: bool
) -> Generator[Any, Any, RequestConfig]:
    """run_request_chain for a manager with async def handlers: their results are awaited."""
    result: RequestConfig = yield from _run_flow(
        manager._snapshot, config, None, _REQUEST, is_async
    )
    return result


def run_response_chain(
    manager: InterceptorManager[Response],
    response: Response | None,
    error: Exception | None,
) -> Response:
    """Run response interceptors in order over a response or an error (Axios promise semantics).

    ``fulfilled`` gets the response; when it raises, later ``rejected`` handlers
    get the error. ``rejected`` may recover by returning a Response, or re-raise.
    """
    return _ended(_run_plain(manager._snapshot, response, error, _RESPONSE))


def response_chain_flow(
    manager: InterceptorManager[Response],
    response: Response | None,
    error: Exception | None,
    is_async: bool,
) -> Generator[Any, Any, Response]:
    """run_response_chain for a manager with async def handlers."""
    return _ended((yield from _run_flow(manager._snapshot, response, error, _RESPONSE, is_async)))


class _Stage(NamedTuple):
    """What a chain passes along: its name, the result check, and what each handler returns."""

    name: str
    check: Callable[[Any, Callable[..., Any], str], Any]
    fulfilled_returns: str
    rejected_returns: str
    expected: type  # what passes ``check`` without calling it


def _ended(response: Response | None) -> Response:
    if response is None:
        raise InterceptorError("the response chain ended without a response")
    return response


def _run_plain(
    entries: tuple[Entry, ...], value: Any, error: Exception | None, stage: _Stage
) -> Any:
    """The chain as a plain loop (no handler is async def)."""
    _, check, fulfilled_returns, rejected_returns, expected = stage
    for fulfilled, rejected, run_when, _ in entries:
        # run_when false skips both handlers (axios): an error passes such an entry by.
        if run_when is not None and not _wanted(run_when, value):
            continue
        if error is None:
            if fulfilled is None or value is None:
                continue
            try:
                result = fulfilled(value)
                # The usual result (a dict, a Response) passes without a call.
                value = (
                    result
                    if type(result) is expected
                    else check(result, fulfilled, fulfilled_returns)
                )
            except Exception as exc:
                error = exc
        elif rejected is not None:
            try:
                value = check(rejected(error), rejected, rejected_returns)
                error = None
            except Exception as exc:
                error = exc
    if error is not None:
        raise error
    return value


def _run_flow(
    entries: tuple[Entry, ...],
    value: Any,
    error: Exception | None,
    stage: _Stage,
    is_async: bool,
) -> ChainFlow:
    """The chain as a flow: what an ``async def`` handler returns is awaited (an Await effect)."""
    from ._pipeline import Await  # the pipeline imports this module: import it when run

    for fulfilled, rejected, run_when, awaits in entries:
        if run_when is not None and not _wanted(run_when, value):
            continue  # both handlers skipped, as in _run_plain
        if error is None:
            if fulfilled is None or value is None:
                continue
            handler, argument, returns = fulfilled, value, stage.fulfilled_returns
        elif rejected is not None:
            handler, argument, returns = rejected, error, stage.rejected_returns
        else:
            continue
        try:
            is_coroutine = awaits and inspect.iscoroutinefunction(handler)
            if is_coroutine and not is_async:
                raise InterceptorError(
                    f"{stage.name} interceptor {_name(handler)} is async def, so it runs on "
                    "the async path only (await api.async_get() and the other async_ "
                    "methods); for sync calls register a def interceptor"
                )
            result = handler(argument)
            if is_coroutine:
                result = yield Await(result, f"{stage.name} interceptor {_name(handler)}")
            value = stage.check(result, handler, returns)
            error = None
        except Exception as exc:
            error = exc
    if error is not None:
        raise error
    return value


def _wanted(run_when: Callable[[Any], bool], config: Any) -> bool:
    """run_when's answer; a predicate that fails is an InterceptorError naming it."""
    try:
        return bool(run_when(config))
    except Exception as exc:
        raise InterceptorError(f"run_when predicate {_name(run_when)} raised {exc!r}") from exc


def checked_config(result: Any, handler: Callable[..., Any]) -> RequestConfig:
    """What a fulfilled request handler returned, if a config; else an error naming it."""
    return _config(result, handler, _REQUEST.fulfilled_returns)


def checked_response(result: Any, handler: Callable[..., Any]) -> Response:
    """What a fulfilled response handler returned, if a Response; else an error naming it."""
    return _response(result, handler, _RESPONSE.fulfilled_returns)


def _config(result: Any, handler: Callable[..., Any], expected: str) -> RequestConfig:
    if type(result) is dict or isinstance(result, Mapping):  # the dict test skips the ABC
        return result  # type: ignore[return-value]
    _refuse(result, handler, "request", f"{expected} (a dict)")


def _response(result: Any, handler: Callable[..., Any], expected: str) -> Response:
    if type(result) is Response or isinstance(result, Response):
        return result
    _refuse(result, handler, "response", f"{expected} (an axios_python.Response)")


_REQUEST: Final = _Stage("request", _config, "the config", "a config", dict)
_RESPONSE: Final = _Stage("response", _response, "the response", "a response", Response)


def _refuse(result: Any, handler: Callable[..., Any], stage: str, expected: str) -> NoReturn:
    name = _name(handler)
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if close is not None:
            close()  # never awaited: close it so Python does not warn about it later
        raise InterceptorError(
            f"{stage} interceptor {name} returned an awaitable but is not async def; make "
            "it async def (it then runs on the async path), or return the value itself"
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
