"""Redirect following, done by the pipeline so every transport behaves alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

from ._auth import strip_credentials
from ._exceptions import AxiosPythonError
from ._models import Request, Response
from ._multipart import MultipartStream
from ._prepare import strip_sensitive_headers, trusted

__all__ = ["REDIRECT_STATUSES", "is_redirect", "redirect_request"]

REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
_BODY_HEADERS: Final = ("content-type", "content-length", "transfer-encoding")


def is_redirect(response: Response) -> bool:
    """True for a 301/302/303/307/308 that names a Location."""
    return response.status_code in REDIRECT_STATUSES and "location" in response.headers


def redirect_request(
    request: Request, response: Response, config: Mapping[str, Any], home: str
) -> Request:
    """The request that follows ``response``'s Location.

    303 (and 301/302 after a POST) becomes a GET without body; 307/308 resend the
    body, which must be replayable. Sensitive headers are dropped when the target
    leaves ``home`` for an origin that is not in ``trusted_origins``.
    """
    # Credentials in a Location are dropped: a server must not choose them (nor show them).
    url = strip_credentials(urljoin(request.url, response.headers["location"].strip()))
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise AxiosPythonError(
            f"refusing to follow a redirect to {url!r}: only http and https are allowed",
            request=request,
            response=response,
        )
    method, content = request.method, request.content
    headers = request.headers.copy()
    status = response.status_code
    if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
        method, content = "GET", None
        for name in _BODY_HEADERS:
            headers.pop(name, None)
    elif (
        content is not None
        and not isinstance(content, bytes)
        and not (isinstance(content, MultipartStream) and content.replayable)
    ):
        raise AxiosPythonError(
            f"cannot follow the {status} redirect to {url}: the request body is a one-shot "
            "stream that was already sent; pass bytes or seekable files to allow it",
            request=request,
            response=response,
        )
    if not trusted(url, config, home):
        strip_sensitive_headers(headers, config)
    return Request(
        method,
        url,
        headers=headers,
        content=content,
        timeout=request.timeout,
        stream=request.stream,
        extensions=request.extensions,
    )
