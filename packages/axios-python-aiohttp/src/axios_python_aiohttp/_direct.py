"""Send a request on a session's connector directly, without ``ClientSession._request``.

``_request`` does a browser's work per request (cookie jar, redirects, auth,
netrc, proxies from the environment, traces, a total timer, resends) that the
pipeline does itself or this transport turns off; skipping it saves about a
quarter of aiohttp's CPU per request. What remains is the same sequence
``_request`` runs: build the ClientRequest, take a connection, set the response
parameters, send, read the head, close the body payload.

Used only where it is the same request: a session without options of the
user's (``AiohttpTransport(**session_options)`` may set headers, tracing,
middlewares...), no proxy, and an aiohttp whose internals have the shape
checked once below (``AVAILABLE``); anything else goes through ``session.request``.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import aiohttp
from aiohttp import payload
from aiohttp.client_proto import ResponseHandler
from aiohttp.client_reqrep import ClientRequest, ClientResponse
from aiohttp.helpers import TimerNoop
from yarl import URL

__all__ = ["AVAILABLE", "send"]

_NO_TIMER = TimerNoop()  # no total timer: the pipeline enforces timeout.total itself
_NO_BODY_METHODS = frozenset({"HEAD"})  # a response to these has no body, whatever it says


def _available() -> bool:
    """True when this aiohttp takes the calls below and ``_request`` would pass the same values.

    The response parameters left out (buffer and line sizes) default to the
    session's own defaults; a version where they differ sends through the session.
    """
    try:
        request = inspect.signature(ClientRequest.__init__).parameters
        params = inspect.signature(ResponseHandler.set_response_params).parameters
        session = inspect.signature(aiohttp.ClientSession.__init__).parameters
        connect = inspect.signature(aiohttp.TCPConnector.connect).parameters
    except (TypeError, ValueError):  # pragma: no cover - a compiled or reshaped aiohttp
        return False
    request_args = {"headers", "skip_auto_headers", "data", "loop", "response_class"}
    takes = (
        request_args | {"timer", "session", "ssl", "traces"} <= set(request)
        and {"req", "traces", "timeout"} <= set(connect)
        and {"timer", "skip_payload", "read_until_eof", "auto_decompress", "read_timeout"}
        <= set(params)
    )
    same_defaults = all(
        name in session and params[name].default == session[name].default
        for name in ("read_bufsize", "max_line_size", "max_field_size", "max_headers")
        if name in params
    )
    closes = inspect.iscoroutinefunction(getattr(payload.Payload, "close", None))
    return takes and same_defaults and closes and hasattr(ClientRequest, "_body")


AVAILABLE = _available()


async def send(
    session: aiohttp.ClientSession,
    method: str,
    url: URL,
    headers: Any,
    data: Any,
    timeout: aiohttp.ClientTimeout,
    skip_auto_headers: Any,
) -> ClientResponse:
    """What ``session.request(...)`` does for this transport's requests."""
    connector = session.connector
    if connector is None:  # closed from another thread since the transport picked it
        raise RuntimeError("Session is closed")  # what session.request raises
    if url.scheme not in connector.allowed_protocol_schema_set:
        raise aiohttp.NonHttpUrlClientError(url)
    if not url.raw_host:
        raise aiohttp.InvalidUrlClientError(url)
    traces: list[Any] = []
    request = ClientRequest(
        method,
        url,
        headers=headers,
        skip_auto_headers=skip_auto_headers,
        data=data,
        loop=asyncio.get_running_loop(),
        response_class=ClientResponse,
        timer=_NO_TIMER,
        session=session,
        ssl=True,  # the connector's own TLS settings
        traces=traces,
    )
    try:
        try:
            conn = await connector.connect(request, traces=traces, timeout=timeout)
        except asyncio.TimeoutError as exc:
            raise aiohttp.ConnectionTimeoutError(
                f"Connection timeout to host {request.url}"
            ) from exc
        protocol = conn.protocol
        assert protocol is not None
        protocol.set_response_params(
            timer=_NO_TIMER,
            skip_payload=request.method in _NO_BODY_METHODS,
            read_until_eof=True,
            auto_decompress=False,  # as received: the core decodes
            read_timeout=timeout.sock_read,
        )
        try:
            response = await request.send(conn)
            try:
                await response.start(conn)
            except BaseException:
                response.close()
                raise
        except BaseException:
            conn.close()
            raise
    except BaseException:
        # A bare OSError stays one (the session would wrap it in ClientOSError): the
        # transport maps both to NetworkError, a reset or broken pipe as unanswered.
        if request._body is not None:
            await request._body.close()
        raise
    if request._body is not None:
        await request._body.close()
    return response
