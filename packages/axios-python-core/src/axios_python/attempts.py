"""One more attempt of a request, for a plugin hook that must send it again itself.

What a retry re-runs, and only that: the request is prepared from ``config``
(the request's final config, as the hooks receive it), the
``axios_cached_response`` and ``axios_before_send`` hooks run, then the
transport, redirects, decoding, ``transform_response`` and ``validate_status``
(an HTTPStatusError is raised as usual). What runs once per request does not run
again: request interceptors, ``axios_request`` hooks, middleware,
``axios_response`` / ``axios_error`` hooks and response interceptors, since the
caller's request is still going through them. So a response interceptor that
unwraps ``data`` sees the repeated response once, as part of the request that
asked for it. The cache plugin uses it to repeat a request unconditionally when
a 304 selects nothing it stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from ._pipeline import dispatch_flow, run_async, run_sync

if TYPE_CHECKING:
    from ._client import AxiosPython
    from ._config import RequestConfig
    from ._models import Response

__all__ = ["async_send_attempt", "send_attempt"]


def send_attempt(client: AxiosPython, config: Mapping[str, Any]) -> Response:
    """Send one more attempt of the request ``config`` describes, blocking (the sync path)."""
    return run_sync(client, dispatch_flow(client, cast("RequestConfig", dict(config)), False))


async def async_send_attempt(client: AxiosPython, config: Mapping[str, Any]) -> Response:
    """Async twin of send_attempt(), on the running event loop."""
    flow = dispatch_flow(client, cast("RequestConfig", dict(config)), True)
    return await run_async(client, flow)
