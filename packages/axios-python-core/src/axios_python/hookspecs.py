"""The hooks a plugin may implement, one by one (pluggy project ``axios_python``).

A plugin is any object with methods named after these hooks; it needs to
implement only the hooks it uses. As in pytest, the ``hookimpl`` marker is
optional (it carries options such as ``tryfirst``), and the ``axios_`` prefix
is reserved: a method named ``axios_*`` that is no hook is refused. Hooks are called
synchronously on both paths and never do network I/O themselves. A hook that
needs I/O on the async path (an async token provider, a Redis lookup) returns an
awaitable; the async driver awaits it, and the sync driver raises PluginError
naming the coroutine. The request hooks receive ``is_async`` (True when the
async driver runs the request), so a hook can return an awaitable only where it
will be awaited and do blocking work otherwise.

Order: pluggy calls the most recently registered plugin first; mark an
implementation ``@hookimpl(tryfirst=True)`` or ``trylast=True`` to pin it.
An implementation may take any subset of the hook's arguments. The simpler
``axios_python.Plugin`` base class (on_request / on_response / on_error) is
an adapter onto axios_request / axios_response / axios_error. The author guide
is docs/plugins.md.

Example::

    from axios_python.hookspecs import hookimpl

    class StampPlugin:
        @hookimpl
        def axios_request(self, config, client):
            config["headers"]["X-Stamp"] = "1"
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Final, Literal

import pluggy

if TYPE_CHECKING:
    from ._client import AxiosPython
    from ._config import RequestConfig
    from ._models import Request, Response
    from .transports.base import BaseTransport

__all__ = [
    "PROJECT_NAME",
    "Resend",
    "axios_before_send",
    "axios_cached_response",
    "axios_client_created",
    "axios_error",
    "axios_interrupted",
    "axios_request",
    "axios_response",
    "axios_transport",
    "hookimpl",
    "hookspec",
]

PROJECT_NAME: Final = "axios_python"

hookspec: Final = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl: Final = pluggy.HookimplMarker(PROJECT_NAME)

# Why a request is sent again (axios_before_send): a retry of a failed attempt, or a redirect hop.
Resend = Literal["retry", "redirect", "unanswered"]


@hookspec(historic=True)
def axios_client_created(client: AxiosPython) -> None:
    """Called once when the plugin is registered on ``client`` (historic: late plugins see it too).

    Use it to keep a reference to the client or to read its defaults. Return
    value ignored. Since 0.1.0.
    """


@hookspec
def axios_request(
    config: RequestConfig, client: AxiosPython, is_async: bool
) -> Awaitable[None] | None:
    """Called for every request after the request interceptors, before middleware (stage 3).

    Edit ``config`` in place (headers, params, url...) and return None; any
    other return value is a PluginError. Every implementation runs. May
    return an awaitable when ``is_async`` is True (its result is ignored).
    Since 0.1.0.
    """


@hookspec(firstresult=True)
def axios_cached_response(
    request: Request, config: RequestConfig, client: AxiosPython, is_async: bool
) -> Response | Awaitable[Response | None] | None:
    """Called before each attempt is sent (inside the retry loop, stage 5).

    Return a Response to answer without the network (a cache hit); the first
    non-None result wins and the transport is skipped (the response is still
    status-validated and passed to axios_response). ``request`` is the
    prepared request (final URL and headers). A returned awaitable counts as
    the result even if it resolves to None. ``is_async`` tells which driver
    runs the request (an awaitable is only allowed when True). Since 0.1.0.
    """


@hookspec
def axios_before_send(
    request: Request,
    resend: Resend | None,
    previous: Response | Exception | None,
    config: RequestConfig,
    client: AxiosPython,
    is_async: bool,
) -> Awaitable[None] | None:
    """Called each time a prepared request is about to go to the transport (stage 5).

    Once per physical send: the first send of an attempt that no
    ``axios_cached_response`` answered, each retry, and each redirect hop.
    ``resend`` is None for the first send of the request, ``"retry"`` when an
    earlier attempt failed, ``"redirect"`` for a hop to ``previous``'s Location,
    ``"unanswered"`` when a kept-alive connection was dropped before any response
    and the request goes once more (``previous`` is that NetworkError);
    ``previous`` is what made this send necessary (the retried Response or
    exception, the redirect Response, already closed), or None. Edit
    ``request.headers`` in place (the last word on what is sent: trace context,
    a signature over the final URL) and return None; on the async path an
    awaitable is awaited. Every implementation runs. Since 0.1.0.
    """


@hookspec
def axios_interrupted(
    error: BaseException, config: RequestConfig, client: AxiosPython, is_async: bool
) -> None:
    """Called when a BaseException that is not an Exception stops a request.

    Its asyncio task was cancelled, KeyboardInterrupt, or the driver closed the
    flow: neither ``axios_response`` nor ``axios_error`` follows, so release
    here what ``axios_request`` set up (a span, a timer, a counter). It may also
    come for a request whose ``axios_request`` never ran (an interruption during
    the request interceptors), and is not called while ``axios_error`` hooks
    run. The return value is ignored and ``error`` goes on; an exception raised
    here is reported as a RuntimeWarning, never raised. Every implementation
    runs. Since 0.1.0.
    """


@hookspec
def axios_response(
    response: Response,
    config: RequestConfig,
    client: AxiosPython,
    is_async: bool,
    started: float | None,
) -> Response | Awaitable[Response | None] | None:
    """Called for every successful response, before the response interceptors (stage 6).

    Edit ``response`` in place, or return a Response to replace it (when several
    replace it, the one called last wins). Every implementation runs. Not called
    for a response that failed ``validate_status``: that one reaches
    ``axios_error`` as an HTTPStatusError. ``started`` is ``time.perf_counter()``
    taken once per request just before the ``axios_request`` hooks, so
    ``perf_counter() - started`` is the whole request's time, retries, back-off
    waits and redirects included. The core reads the clock only while some
    implementation takes ``started``, so a plugin timing requests keeps no
    per-request state of its own. Since 0.1.0.
    """


@hookspec(firstresult=True)
def axios_error(
    error: Exception,
    config: RequestConfig,
    client: AxiosPython,
    is_async: bool,
    started: float | None,
) -> Response | Awaitable[Response | None] | None:
    """Called when any stage failed, before the rejected response interceptors (stage 7).

    Return a Response to recover (the first non-None result wins; the response
    interceptors then see it as a success), or None to let the error continue.
    An exception the hook raises becomes the request's error (its ``__context__``
    is the original one): the rejected response interceptors see it.
    ``error.response`` is set for HTTPStatusError. ``started`` is as for
    ``axios_response``, or None for a failure before the ``axios_request`` hooks
    (in a request interceptor). Since 0.1.0.
    """


@hookspec(firstresult=True)
def axios_transport(client: AxiosPython, kind: Literal["sync", "async"]) -> BaseTransport | None:
    """Called when plugins change, once per side: return the transport for ``kind``.

    Return None to keep the default for that side, so a transport plugin may
    supply only the sync or only the async sender. Never called per request,
    nor when the client was created with an explicit ``transport=`` (which
    wins). A transport that cannot serve ``kind`` is refused at registration.
    Since 0.1.0.
    """
