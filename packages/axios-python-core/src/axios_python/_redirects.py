"""Redirect following, done by the pipeline so every transport behaves alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote, urljoin, urlsplit

from ._auth import URLCredentials, strip_credentials
from ._exceptions import AxiosPythonError
from ._models import Request, Response
from ._multipart import MultipartStream
from ._prepare import pin_url_credentials, strip_sensitive_headers, trusted
from ._urls import has_controls, normalize_path

__all__ = ["location_url", "redirect_request"]

_BODY_HEADERS: Final = ("content-type", "content-length", "transfer-encoding")
# Every printable ASCII character and space: only bytes above 0x7F get percent-encoded.
_KEEP: Final = "".join(chr(code) for code in range(0x20, 0x7F))


def redirect_request(
    request: Request, response: Response, config: Mapping[str, Any], home: str
) -> Request:
    """The request that follows ``response``'s Location.

    303 (and 301/302 after a POST) becomes a GET without body; 307/308 resend the
    body, which must be replayable. Sensitive headers are dropped when the target
    leaves ``home`` for an origin that is not in ``trusted_origins``.
    """
    # Credentials in a Location are dropped: a server must not choose them (nor show them).
    location = location_url(response.headers["location"])
    url = normalize_path(strip_credentials(urljoin(request.url, location)))
    problem = None
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        problem = "only http and https are allowed"
    elif has_controls(url):
        problem = "it contains control characters"
    if problem is not None:
        raise AxiosPythonError(
            f"refusing to follow a redirect to {url!r}: {problem}",
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
    auth = config.get("auth")
    if type(auth) is URLCredentials:
        pin_url_credentials(headers, auth, url)
    return Request(
        method,
        url,
        headers=headers,
        content=content,
        timeout=request.timeout,
        stream=request.stream,
        extensions=request.extensions,
    )


def location_url(value: str) -> str:
    """A Location header value as a URL, its non-ASCII bytes percent-encoded as browsers do.

    Transports hand header bytes over decoded as latin-1, so ``/café`` sent as raw
    UTF-8 arrives as ``/cafÃ©``: its latin-1 bytes are that UTF-8, and ``/caf%C3%A9``
    is followed. Text that is not such a round trip is encoded as UTF-8.
    """
    location = value.strip()
    if location.isascii():
        return location
    try:
        raw = location.encode("latin-1")
        raw.decode("utf-8")
    except UnicodeError:
        raw = location.encode("utf-8")
    return quote(raw, safe=_KEEP)
