"""The one request pipeline (DESIGN.md section 3) and its two drivers, sync and async.

The stages are written once, as generators that yield *effects* (send, sleep,
close, run middleware...). ``run_sync`` and ``run_async`` perform those effects
with blocking calls or awaits, so both paths run exactly the same logic.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import time
import weakref
from collections.abc import Awaitable, Callable, Generator, Mapping
from time import perf_counter
from typing import TYPE_CHECKING, Any, Union

from ._body import apply_transforms
from ._cancel import TaskInterrupt
from ._config import SENDABLE_METHODS, default_validate_status
from ._cookies import RequestCookies
from ._deadline import Deadline
from ._download import KEYS as DOWNLOAD_KEYS
from ._download import Receipt, decode_in_place, receipt_for, wrap
from ._exceptions import (
    AxiosPythonError,
    CancelError,
    HTTPStatusError,
    NetworkError,
    PluginError,
    RetryError,
    TimeoutError,
    TooManyRedirectsError,
)
from ._interceptors import (
    checked_config,
    checked_response,
    request_chain_flow,
    response_chain_flow,
    run_request_chain,
    run_response_chain,
)
from ._middleware import NextFn, SyncNextFn, async_chain, checked, sync_chain
from ._models import REDIRECT_STATUSES, Request, Response
from ._multipart import MultipartStream
from ._prepare import BODY_KEYS, check_pipeline_options, home_origin, prepare_request
from ._redirects import redirect_request
from ._retry import IDEMPOTENT_METHODS, ExponentialBackoff, RetryStrategy
from ._upload import KEYS as UPLOAD_KEYS
from ._upload import CountedBody, limit_upload

if TYPE_CHECKING:
    from ._cancel import CancelToken
    from ._client import AxiosPython
    from ._config import RequestConfig
    from .hookspecs import Resend

__all__ = ["Await", "Close", "Dispatch", "Read", "Sleep", "run_async", "run_sync"]

# The send effect is the prepared Request itself: a flow yields it and resumes with the
# transport's Response (no effect object per send).


class Sleep:
    """Effect: wait ``seconds`` (a retry back-off), cut short by cancellation."""

    __slots__ = ("seconds", "token")

    def __init__(self, seconds: float, token: CancelToken | None) -> None:
        self.seconds = seconds
        self.token = token


class Close:
    """Effect: release a response that will not be returned (a redirect or retried one)."""

    __slots__ = ("response",)

    def __init__(self, response: Response) -> None:
        self.response = response


class Read:
    """Effect: read a streamed response's body (an error response keeps its body)."""

    __slots__ = ("response",)

    def __init__(self, response: Response) -> None:
        self.response = response


class Await:
    """Effect: await a value a plugin hook returned; only the async path can."""

    __slots__ = ("awaitable", "source")

    def __init__(self, awaitable: Awaitable[Any], source: str) -> None:
        self.awaitable = awaitable
        self.source = source


class Dispatch:
    """Effect: run the middleware chain around dispatch_flow for ``config``.

    Only for a config that is not a plain dict (an interceptor may return any
    Mapping): a dict config is yielded as itself, no effect object per request.
    """

    __slots__ = ("config",)

    def __init__(self, config: RequestConfig) -> None:
        self.config = config


Effect = Union[Request, Sleep, Close, Read, Await, Dispatch, "RequestConfig"]
Flow = Generator[Effect, Any, Response]

_DEFAULT_STRATEGY = ExponentialBackoff()
_TRANSFER_KEYS = DOWNLOAD_KEYS | UPLOAD_KEYS
_BODY_AND_TRANSFER_KEYS = _TRANSFER_KEYS | BODY_KEYS


# --- stages 1-3 and 6-7 ---------------------------------------------------------------


def request_flow(
    client: AxiosPython, method: str, url: str, options: Mapping[str, Any], is_async: bool
) -> Flow:
    """Stages 1-7 for one request; every verb hands this flow to its driver directly.

    Stage 1 (the closed check and the config merge) runs at the flow's first step,
    which the driver takes at once: its errors reach the caller unchanged, before
    any hook. ``is_async`` says which driver runs the flow; plugin hooks are told,
    so a hook that needs I/O can return an awaitable only where it will be awaited.
    """
    if client._closed:
        raise client._closed_error()
    defaults = client._defaults
    config: RequestConfig
    if (
        not options
        and method in SENDABLE_METHODS
        and type(url) is str
        and "@" not in url
        and defaults.get("params") is None
    ):  # the usual request: merge_config's result built here, in one step (see _merged)
        merged = {**defaults, "method": method, "url": url, "headers": defaults["headers"].copy()}
        config = merged  # type: ignore[assignment]
    else:
        config = client._merged(method, url, options)
    response: Response | None = None
    error: Exception | None = None
    plugins = client._plugin_host
    started: float | None = None  # for the hooks that take it (plugins.timed)
    try:
        requests = client.interceptors.request
        if requests._snapshot:  # the tuple itself: no __bool__ call per request
            handlers = requests._fulfilled
            if handlers is not None:  # fulfilled handlers only: a bare loop, no chain call
                for handler in handlers:
                    result = handler(config)
                    if type(result) is not dict:
                        result = checked_config(result, handler)
                    config = result
            elif requests.is_async:
                config = yield from request_chain_flow(requests, config, is_async)
            else:
                config = run_request_chain(requests, config)
        if plugins is not None and plugins.timed:
            started = perf_counter()
        if plugins is not None and plugins.requests:
            results = plugins.request_hook(config, client, is_async)
            if results:  # awaitables to await (or a wrong value, refused there)
                yield from plugins.await_requests(results, config)
        if client._middleware:  # the driver runs the chain around dispatch_flow
            response = yield config if type(config) is dict else Dispatch(config)
        else:
            response = yield from dispatch_flow(client, config, is_async)
        if plugins is not None and plugins.responses:
            results = plugins.response_hook(response, config, client, is_async, started)
            if results:  # a replacement Response, or awaitables giving one
                response = yield from plugins.apply_responses(response, results)
    except Exception as exc:
        error = exc
        if isinstance(exc, AxiosPythonError) and exc.config is None:
            exc.config = dict(config)
        if plugins is not None:
            try:
                recovered = yield from plugins.error_hook(exc, config, is_async, started)
            except Exception as failed:  # a hook's own exception is the request's error now
                if isinstance(failed, AxiosPythonError) and failed.config is None:
                    failed.config = dict(config)
                error, recovered = failed, None
            if recovered is not None:
                response, error = recovered, None
    except BaseException as exc:  # a cancelled task, KeyboardInterrupt: no error hook for these
        if plugins is not None:
            plugins.interrupted_hook(exc, config, is_async)
        raise
    responses = client.interceptors.response
    if responses._snapshot:
        handlers = responses._fulfilled
        if handlers is not None and error is None:  # a bare loop (with an error: none runs)
            assert response is not None
            for handler in handlers:
                result = handler(response)
                if type(result) is not Response:
                    result = checked_response(result, handler)
                response = result
            return response
        if responses.is_async:
            return (yield from response_chain_flow(responses, response, error, is_async))
        return run_response_chain(responses, response, error)
    if error is not None:
        raise error
    assert response is not None
    return response


# --- stage 5: the retry loop around one attempt ----------------------------------------------


def dispatch_flow(client: AxiosPython, config: RequestConfig, is_async: bool) -> Flow:
    """Prepare the request, run attempts until one is final, then check the status.

    Each attempt re-runs exactly: the cancellation check, the ``axios_cached_response``
    hook and the transport send (following redirects). Stages before this one
    (interceptors, ``axios_request``, middleware) ran once and do not re-run.
    One generator per dispatch; a CancelError names the request.
    """
    # One cheap test (dict keys against a small set) for a request using none of them.
    plain = config.keys().isdisjoint(_BODY_AND_TRANSFER_KEYS)
    request = prepare_request(config, plain)
    # Read once, used after the response; a bad value fails now, before anything is sent.
    validate = config.get("validate_status")
    transforms = config.get("transform_response")
    if (
        (validate is not default_validate_status and validate is not None)
        or transforms is not None
        or type(config.get("max_redirects", 0)) is not int
    ):  # the usual values pass without a call
        check_pipeline_options(config, validate, transforms)
    token = config.get("cancel_token")
    if token is not None:
        request.extensions["cancel_token"] = token  # transports use it to abort in flight
    wants_stream = request.stream
    receipt: Receipt | None = None
    if not plain and not config.keys().isdisjoint(_TRANSFER_KEYS):
        receipt = receipt_for(config, is_async)
        if receipt is not None:
            if receipt.response_type == "stream":
                request.stream = wants_stream = True
            elif receipt.reads_itself:
                request.stream = True  # the core reads the body itself, as it arrives
        if not config.keys().isdisjoint(UPLOAD_KEYS):
            limit_upload(request, config, is_async)
    try:
        max_retries = config.get("max_retries", 0)
        strategy: RetryStrategy | None = None
        if max_retries and _may_retry(request, config):
            strategy = config.get("retry_strategy") or _DEFAULT_STRATEGY
        budget = config.get("retry_deadline")
        deadline = None if budget is None else time.monotonic() + budget
        total = request.timeout.total
        plugins = client._plugin_host
        jar = client._cookie_jar
        extra_cookies = config.get("cookies")
        cookies: RequestCookies | None = None  # built only once cookies are involved
        retries = 0
        previous: Response | Exception | None = None  # the outcome a retry answers
        resend: Resend | None = None  # why the next send happens again: "retry", "unanswered"
        dropped_once = False
        while True:
            if token is not None:
                token.raise_if_cancelled()
            if cookies is None and (extra_cookies or (jar is not None and jar._cookies)):
                cookies = RequestCookies(jar, extra_cookies, request)
            if cookies is not None:
                cookies.apply(request)  # before the cache and the plugins see the request
            guard = None
            if total is not None or deadline is not None:
                guard = _guard(request, token, total, deadline, budget)
            kept = False  # True once a streamed body owns the guard (it lets go when closed)
            try:
                response = None
                if plugins is not None and plugins.lookups:
                    response = plugins.cached_response_hook(request, config, client, is_async)
                    if response is not None and type(response) is not Response:
                        response = yield from plugins.await_cached(response)
                if response is None:
                    if plugins is not None and plugins.sends:
                        pending = plugins.send_hook(
                            request, resend, previous, config, client, is_async
                        )
                        if pending:
                            yield from plugins.await_sends(pending)
                    started = perf_counter()
                    response = yield request
                    response._elapsed = perf_counter() - started
                    # One lower-cased name index for the Set-Cookie and Content-Encoding
                    # tests (C-level list scans, no method calls).
                    names = response.headers._lowered
                    if names is None:
                        names = response.headers._names
                    if cookies is not None or "set-cookie" in names:
                        cookies = cookies or RequestCookies(jar, extra_cookies, request)
                        cookies.store(request, response)
                    # The status test first: a final response makes no property call.
                    if (
                        response.status_code in REDIRECT_STATUSES
                        and response.is_redirect
                        and config.get("follow_redirects", True)
                    ):
                        response = yield from _follow_redirects(
                            request, response, config, client, is_async, cookies
                        )
                        names = response.headers._names
                    if response._content is not None:
                        if (receipt is None or receipt.decompress) and "content-encoding" in names:
                            decode_in_place(response, request)
                    elif receipt is not None or guard is not None or "content-encoding" in names:
                        release = guard.release if guard is not None else None
                        try:
                            wrap(response, request, receipt, guard, release)
                        except BaseException:
                            yield Close(response)
                            raise
                        kept = wants_stream and guard is not None
                        if not wants_stream:
                            yield Read(response)
            except (NetworkError, TimeoutError) as exc:
                if exc.request is None:
                    exc.request = request
                if token is not None and token.is_cancelled:
                    raise token.error() from exc
                if (
                    isinstance(exc, NetworkError)
                    and exc.unanswered
                    and not dropped_once
                    and _may_resend(request, config)
                ):
                    dropped_once = True  # a kept-alive connection the server had dropped: once more
                    resend, previous = "unanswered", exc
                    continue
                wait = _next_wait(strategy, retries, max_retries, exc, deadline)
                if wait is None:
                    if _gave_up(strategy, retries, max_retries, exc):
                        raise _exhausted(retries, max_retries, exc, config, budget) from exc
                    raise
                _rewind(request, exc)
                retries += 1
                resend, previous = "retry", exc
                if wait > 0:
                    yield Sleep(wait, token)
                continue
            finally:
                if guard is not None and not kept:
                    guard.release()
            if token is not None and token.is_cancelled:
                if not response.is_closed:
                    yield Close(response)  # a transport that could not abort: drop what came back
                raise token.error()
            if strategy is None:
                break
            wait = _next_wait(strategy, retries, max_retries, response, deadline)
            if wait is None:
                break
            if not response.is_closed:
                yield Close(response)
            _rewind(request, response)
            retries += 1
            resend, previous = "retry", response
            if wait > 0:
                yield Sleep(wait, token)
        if total is not None or deadline is not None:
            _restore_token(request, token)
        response.config = dict(config)
        response.retries = retries
        if receipt is not None and receipt.response_type is not None:
            _apply_response_type(response, receipt.response_type, is_async)
        if not wants_stream and transforms is not None:
            response.data = apply_transforms(
                transforms, response.data, response.headers, "transform_response"
            )
        status = response.status_code
        # The default rule (2xx passes) is tested inline: no call per request.
        if validate is not None and not (
            200 <= status < 300 if validate is default_validate_status else validate(status)
        ):
            if not response.is_closed:
                yield Read(response)
            sent = response.request or request  # the last hop's, after redirects
            status_error = HTTPStatusError(
                f"HTTP {response.status_code} {response.reason_phrase} for "
                f"{sent.method} {response.url}",
                response=response,
                config=response.config,
                request=request,
            )
            if _gave_up(strategy, retries, max_retries, response):
                raise _exhausted(
                    retries, max_retries, status_error, config, budget
                ) from status_error
            raise status_error
        return response
    except CancelError as exc:
        if exc.request is None:
            exc.request = request
        raise


def _guard(
    request: Request,
    token: CancelToken | None,
    total: float | None,
    deadline: float | None,
    budget: float | None,
) -> Deadline:
    """This attempt's Deadline, at whichever comes first: its total or the retry deadline."""
    now = time.monotonic()
    if total is not None and (deadline is None or now + total <= deadline):
        guard = Deadline(request, token, now + total, "total", total)
    else:
        assert deadline is not None
        assert budget is not None
        guard = Deadline(request, token, deadline, "retry_deadline", budget)
    request.extensions["cancel_token"] = guard  # the transport aborts the attempt with it
    return guard


def _restore_token(request: Request, token: CancelToken | None) -> None:
    """Put the caller's token back where the attempts' own tokens were."""
    if token is None:
        request.extensions.pop("cancel_token", None)
    else:
        request.extensions["cancel_token"] = token


def _apply_response_type(response: Response, response_type: str, is_async: bool) -> None:
    """Make ``response.data`` what ``response_type`` asks for, whatever the Content-Type."""
    if response_type == "stream":
        response.data = response.aiter_bytes() if is_async else response.iter_bytes()
    elif response_type == "bytes":
        response.data = response.content
    elif response_type == "text":
        response.data = response.text
    else:
        content = response.content
        try:
            response.data = jsonlib.loads(content) if content.strip() else None
        except ValueError as exc:
            raise AxiosPythonError(
                f"response_type is 'json' but the body of {response.request_method} "
                f"{response.url} is not JSON: {exc}",
                request=response.request,
                response=response,
            ) from exc


def _next_wait(
    strategy: RetryStrategy | None,
    retries: int,
    max_retries: int,
    outcome: Response | BaseException,
    deadline: float | None,
) -> float | None:
    """Seconds to wait before the next attempt, or None when ``outcome`` is final."""
    if strategy is None or retries >= max_retries or not strategy.is_retryable(outcome):
        return None
    wait = strategy.delay(retries + 1, outcome)
    if deadline is not None and time.monotonic() + wait >= deadline:
        return None  # the next attempt could not even start before the deadline
    return wait


def _gave_up(
    strategy: RetryStrategy | None,
    retries: int,
    max_retries: int,
    outcome: Response | BaseException,
) -> bool:
    """True when ``outcome`` was retryable but attempts or the deadline ran out."""
    if strategy is None or not strategy.is_retryable(outcome):
        return False  # final on its own merits: raised as it is
    return retries > 0 or retries < max_retries  # the latter: stopped by the deadline


def _follow_redirects(
    request: Request,
    response: Response,
    config: RequestConfig,
    client: AxiosPython,
    is_async: bool,
    cookies: RequestCookies | None,
) -> Flow:
    """From a redirect ``response`` to ``request``, follow Location until a final response.

    Each hop is sent with the cookies that match its URL, including those the
    previous hops set (``cookies`` is None while no cookie is involved).
    """
    plugins = client._plugin_host
    history: list[Response] = []
    home: str | None = None
    max_redirects = config.get("max_redirects", 20)
    while True:
        if len(history) >= max_redirects:
            yield Close(response)
            raise TooManyRedirectsError(
                f"exceeded max_redirects={max_redirects} "
                f"following {request.method} {history[0].url if history else request.url}",
                request=request,
                response=response,
            )
        if home is None:
            home = home_origin(config, request.url)
        next_request = redirect_request(request, response, config, home)
        if not response.is_closed:
            yield Close(response)
        history.append(response)
        request = next_request
        if cookies is not None:
            cookies.apply(request)
        if plugins is not None and plugins.sends:
            pending = plugins.send_hook(request, "redirect", response, config, client, is_async)
            if pending:
                yield from plugins.await_sends(pending)
        started = perf_counter()
        response = yield request
        response._elapsed = perf_counter() - started
        if cookies is not None or "set-cookie" in response.headers:
            cookies = cookies or RequestCookies(client._cookie_jar, config.get("cookies"), request)
            cookies.store(request, response)
        if not response.is_redirect:
            break
    response.history = history
    return response


def _may_resend(request: Request, config: RequestConfig) -> bool:
    """An unanswered request may go once more: idempotent (as for retries) and body replayable."""
    return _replayable(request.content) and _may_retry(request, config)


def _replayable(content: object) -> bool:
    """True when a request body can be sent a second time."""
    if content is None or isinstance(content, (bytes, list, tuple)):
        return True
    return isinstance(content, (MultipartStream, CountedBody)) and content.replayable


def _may_retry(request: Request, config: RequestConfig) -> bool:
    """Idempotent methods (or ``retry_methods``) retry; so does a request with Idempotency-Key."""
    if "idempotency-key" in request.headers:
        return True
    methods = config.get("retry_methods")
    if methods is not None:
        return request.method in {m.upper() for m in methods}
    return request.method in IDEMPOTENT_METHODS


def _rewind(request: Request, last: Response | AxiosPythonError) -> None:
    """Refuse, with a reason, to retry a request whose body cannot be sent a second time."""
    if _replayable(request.content):
        return
    outcome = f"HTTP {last.status_code}" if isinstance(last, Response) else str(last)
    error = AxiosPythonError(
        f"cannot retry {request.method} {request.url} after {outcome}: its body is a "
        "one-shot stream (a generator or a file object) that cannot be sent again; "
        "pass bytes, or files that can seek, to allow retries",
        request=request,
        response=last if isinstance(last, Response) else last.response,
    )
    if isinstance(last, Response):
        raise error
    raise error from last


def _exhausted(
    retries: int,
    max_retries: int,
    last: AxiosPythonError,
    config: RequestConfig,
    budget: float | None,
) -> RetryError:
    attempts = retries + 1
    why = f"after {attempts} attempt{'s' if attempts > 1 else ''} ({retries} retries)"
    if retries < max_retries:
        why += f": retry_deadline of {budget:g}s reached"
    return RetryError(
        f"gave up {why}; last error: {last}",
        attempts=attempts,
        config=dict(config),
        request=last.request,
        response=last.response,
    )


# --- drivers -----------------------------------------------------------------------------------


def run_sync(client: AxiosPython, flow: Flow) -> Response:
    """Drive ``flow`` with blocking calls; never starts an event loop."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            effect = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            result: Response = stop.value
            return result
        value = error = None
        try:
            if type(effect) is Request:  # a send, performed without a dispatch call
                value = client._sync_transport.send(effect)
            elif type(effect) is dict or type(effect) is Dispatch:  # run the middleware
                config = effect if type(effect) is dict else effect.config  # type: ignore[union-attr]
                value = _chains(client).sync(config)
            else:
                value = _perform_sync(client, effect)
        except BaseException as exc:  # delivered into the flow, which decides
            error = exc


def _perform_sync(client: AxiosPython, effect: Effect) -> Any:
    """The rarer effects (run_sync performs sends and Dispatch itself)."""
    if isinstance(effect, Close):
        effect.response.close()
        return None
    if isinstance(effect, Read):
        return effect.response.read()
    if isinstance(effect, Sleep):
        if effect.token is None:
            time.sleep(effect.seconds)
        elif effect.token.wait(effect.seconds):
            raise effect.token.error()
        return None
    if isinstance(effect, Await):
        close = getattr(effect.awaitable, "close", None)
        if close is not None:
            close()
        raise PluginError(
            f"{effect.source} returned an awaitable during a sync request; "
            "use the async_ methods, or make the hook return a plain value on the sync path"
        )
    raise AssertionError(f"unknown effect {effect!r}")  # pragma: no cover


async def run_async(client: AxiosPython, flow: Flow) -> Response:
    """Drive ``flow`` with awaits on the running event loop."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            effect = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            result: Response = stop.value
            return result
        value = error = None
        try:
            # The common effect is awaited here: one coroutine less per request.
            if type(effect) is Request and "cancel_token" not in effect.extensions:
                if client._closed:  # _async_transport, inline: checked on every attempt
                    raise client._closed_error()
                transport = (
                    client._transport
                    or client._plugin_transports[1]
                    or client._fallback_transport()
                )
                value = await transport.send_async(effect)
            elif type(effect) is dict or type(effect) is Dispatch:  # run the middleware
                chains = client._chains
                if chains is None or chains.middleware is not client._middleware:
                    chains = _chains(client)
                config = effect if type(effect) is dict else effect.config  # type: ignore[union-attr]
                value = await chains.outermost(config, chains.async_)
                if type(value) is not Response:  # the outermost middleware's result
                    value = checked(value, chains.middleware[0][0])
            else:
                value = await _perform_async(client, effect)
        except BaseException as exc:  # delivered into the flow, which decides
            error = exc


async def _perform_async(client: AxiosPython, effect: Effect) -> Any:
    """The rarer effects: a send with a CancelToken, Close, Read, Sleep, Await."""
    if isinstance(effect, Request):
        token = effect.extensions.get("cancel_token")
        if token is None:
            return await client._async_transport.send_async(effect)
        with TaskInterrupt(token):  # cancelling the token cancels this task's send
            return await client._async_transport.send_async(effect)
    if isinstance(effect, Close):
        await effect.response.aclose()
        return None
    if isinstance(effect, Read):
        return await effect.response.aread()
    if isinstance(effect, Sleep):
        await _sleep_async(effect.seconds, effect.token)
        return None
    if isinstance(effect, Await):
        return await effect.awaitable
    raise AssertionError(f"unknown effect {effect!r}")  # pragma: no cover


class _Chains:
    """A client's middleware composed once per side around dispatch_flow (stage 4).

    On the async side the driver awaits ``outermost(config, async_)``: an ``async
    def`` first middleware is called so, with the rest of the chain, one call less
    per request (the driver checks what it returns); otherwise ``async_`` is the
    whole chain and ``outermost`` just calls it.
    """

    __slots__ = ("async_", "middleware", "outermost", "sync")

    def __init__(self, client: AxiosPython) -> None:
        # A weak reference: the client keeps its chains, which must not keep it alive.
        ref = weakref.ref(client)

        def dispatch_sync(ctx: RequestConfig) -> Response:
            owner = ref()
            assert owner is not None  # the client is alive while it sends
            return run_sync(owner, dispatch_flow(owner, ctx, False))

        def dispatch_async(ctx: RequestConfig) -> Awaitable[Response]:
            owner = ref()
            assert owner is not None
            return run_async(owner, dispatch_flow(owner, ctx, True))

        chain = self.middleware = client._middleware
        self.sync: SyncNextFn = sync_chain(chain, dispatch_sync)
        self.outermost: Callable[[RequestConfig, NextFn], Awaitable[Response]] = _through
        if chain and chain[0][1]:  # async def: the driver calls it (one call less)
            self.outermost = chain[0][0]
            chain = chain[1:]
        self.async_: NextFn = async_chain(chain, dispatch_async)


def _through(config: RequestConfig, chain: NextFn) -> Awaitable[Response]:
    """The outermost step when the first middleware is a ``def``: ``chain`` (its link) does all."""
    return chain(config)


def _chains(client: AxiosPython) -> _Chains:
    """The client's composed chains, rebuilt when its middleware changed (api.use)."""
    chains = client._chains
    if chains is None or chains.middleware is not client._middleware:
        chains = client._chains = _Chains(client)
    return chains


async def _sleep_async(seconds: float, token: CancelToken | None) -> None:
    if token is None:
        await asyncio.sleep(seconds)
        return
    with TaskInterrupt(token):
        await asyncio.sleep(seconds)
