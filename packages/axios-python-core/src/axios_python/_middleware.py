"""Middleware: Express-style wrappers around dispatch; ``def`` and ``async def`` on both paths."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import inspect
import queue
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Union

from ._exceptions import InterceptorError
from ._models import Response

if TYPE_CHECKING:
    from ._config import RequestConfig

__all__ = [
    "Middleware",
    "MiddlewareEntry",
    "NextFn",
    "SyncNextFn",
    "as_entry",
    "async_chain",
    "checked",
    "sync_chain",
]

NextFn = Callable[["RequestConfig"], Awaitable["Response"]]
SyncNextFn = Callable[["RequestConfig"], "Response"]
Middleware = Union[
    Callable[["RequestConfig", NextFn], Awaitable["Response"]],
    Callable[["RequestConfig", SyncNextFn], "Response"],
]
MiddlewareEntry = tuple[Callable[..., Any], bool]


def as_entry(middleware: Middleware) -> MiddlewareEntry:
    """Validate a middleware once and remember whether it is ``async def``."""
    if not callable(middleware):
        raise TypeError(f"middleware must be callable (got {middleware!r})")
    call = getattr(middleware, "__call__", None)  # noqa: B004 - objects with async __call__
    is_async = inspect.iscoroutinefunction(middleware) or inspect.iscoroutinefunction(call)
    return (middleware, is_async)


def sync_chain(chain: tuple[MiddlewareEntry, ...], innermost: SyncNextFn) -> SyncNextFn:
    """Compose ``chain`` around ``innermost`` once, for the sync path; call it per request.

    Async middleware is driven without an event loop: it may only await next_fn.
    """
    call = innermost
    for middleware, is_async in reversed(chain):
        call = _sync_link(middleware, is_async, call)
    return call


def _sync_link(middleware: Callable[..., Any], is_async: bool, inner: SyncNextFn) -> SyncNextFn:
    # The usual outcome (a Response) is tested inline; _checked explains anything else.
    if not is_async:

        def link(ctx: RequestConfig) -> Response:
            result = middleware(ctx, inner)
            return result if type(result) is Response else checked(result, middleware)

        return link

    async def next_fn(next_ctx: RequestConfig) -> Response:
        return inner(next_ctx)

    def drive_link(ctx: RequestConfig) -> Response:
        coroutine = middleware(ctx, next_fn)
        try:
            coroutine.send(None)
        except StopIteration as stop:  # it only awaited next_fn: done without a loop
            result = stop.value
            return result if type(result) is Response else checked(result, middleware)
        except RuntimeError as exc:
            # asyncio.sleep() and friends fail this way when no loop runs in this thread.
            if "no running event loop" not in str(exc):
                raise
            raise InterceptorError(_needs_loop(middleware)) from exc
        coroutine.close()
        raise InterceptorError(_needs_loop(middleware))

    return drive_link


def async_chain(chain: tuple[MiddlewareEntry, ...], innermost: NextFn) -> NextFn:
    """Compose ``chain`` around ``innermost`` once, for the async path; await it per request.

    A ``def`` middleware runs on a thread of its own (see _ElasticPool). Each link
    checks what its middleware returns, so a wrong value names the middleware
    that returned it (the pipeline calls an ``async def`` outermost one itself and
    checks its result there, see _pipeline._Chains).
    """
    call = innermost
    for middleware, is_async in reversed(chain):
        call = _async_link(middleware, is_async, call)
    return call


def _async_link(middleware: Callable[..., Any], is_async: bool, inner: NextFn) -> NextFn:
    if is_async:

        async def link(ctx: RequestConfig) -> Response:
            result = await middleware(ctx, inner)
            return result if type(result) is Response else checked(result, middleware)

        return link

    async def thread_link(ctx: RequestConfig) -> Response:
        loop = asyncio.get_running_loop()

        def blocking_next(next_ctx: RequestConfig) -> Response:
            return asyncio.run_coroutine_threadsafe(_awaited(inner(next_ctx)), loop).result()

        return checked(await _in_own_thread(middleware, ctx, blocking_next), middleware)

    return thread_link


async def _awaited(awaitable: Awaitable[Response]) -> Response:
    return await awaitable


Job = Callable[[], Callable[[], None]]


class _ElasticPool:
    """Daemon threads that are reused when idle and added when all are busy.

    Not a bounded pool (asyncio.to_thread): each ``def`` middleware blocks its thread
    until the inner chain answers, so with nested ones and enough concurrent requests
    every thread of a bounded pool would wait for work queued behind it: a deadlock.
    Reusing idle threads avoids paying a thread start (~90 us) per call.
    """

    def __init__(self, idle_seconds: float = 30.0) -> None:
        self._lock = threading.Lock()
        self._jobs: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self._idle = 0  # threads waiting for a job that no submit() has claimed yet
        self._idle_seconds = idle_seconds

    def submit(self, job: Job) -> None:
        """Run ``job`` on an idle thread, or on a new one when none is idle.

        ``job`` returns a callable that hands its result over; it is called once the
        thread counts as idle again, so whoever the result wakes can reuse the thread.
        """
        with self._lock:
            if self._idle:
                self._idle -= 1
                self._jobs.put(job)
                return
        threading.Thread(
            target=self._work, args=(job,), name="axios-python-middleware", daemon=True
        ).start()

    def _work(self, job: Job) -> None:
        while True:
            hand_over = job()
            with self._lock:
                self._idle += 1
            hand_over()
            try:
                job = self._jobs.get(timeout=self._idle_seconds)
            except queue.Empty:
                with self._lock:
                    if self._idle:  # nobody claimed this thread: let it go
                        self._idle -= 1
                        return
                job = self._jobs.get()  # claimed just as the wait timed out: its job is queued


_POOL = _ElasticPool()


async def _in_own_thread(func: Callable[..., Any], *args: Any) -> Any:
    """Await ``func(*args)`` run on a middleware thread, with the caller's contextvars."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()
    context = contextvars.copy_context()

    def run() -> Callable[[], None]:
        try:
            result = context.run(func, *args)
        except BaseException as exc:  # handed to the awaiting coroutine
            return functools.partial(_deliver, loop, future, None, exc)
        return functools.partial(_deliver, loop, future, result, None)

    _POOL.submit(run)
    return await future


def _deliver(
    loop: asyncio.AbstractEventLoop,
    future: asyncio.Future[Any],
    result: Any,
    error: BaseException | None,
) -> None:
    def settle() -> None:
        if future.done():  # the awaiting task was cancelled meanwhile
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    # RuntimeError: the loop closed while the middleware ran, so nobody is waiting.
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(settle)


def _needs_loop(middleware: Callable[..., Any]) -> str:
    return (
        f"async middleware {_name(middleware)} awaited something that needs an event loop "
        "during a sync request; on the sync path an async middleware may only await next_fn "
        "(use the async_ methods, or a plain def middleware, for real async work)"
    )


def checked(result: Any, middleware: Callable[..., Any]) -> Response:
    """``result`` if it is a Response; else an InterceptorError naming ``middleware``."""
    if not isinstance(result, Response):
        raise InterceptorError(
            f"middleware {_name(middleware)} returned {type(result).__name__}; it must return "
            "the Response from next_fn(ctx) or one it built (did you forget a 'return'?)"
        )
    return result


def _name(middleware: Callable[..., Any]) -> str:
    return getattr(middleware, "__qualname__", None) or repr(middleware)
