"""Module-level helpers (``axios_python.get(...)``) on a lazily created default instance."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ._client import AxiosPython
from ._models import Response

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._config import RequestOptions

__all__ = [
    "async_delete",
    "async_get",
    "async_head",
    "async_options",
    "async_patch",
    "async_patch_form",
    "async_post",
    "async_post_form",
    "async_put",
    "async_put_form",
    "async_request",
    "default_client",
    "delete",
    "get",
    "get_uri",
    "head",
    "options",
    "patch",
    "patch_form",
    "post",
    "post_form",
    "put",
    "put_form",
    "request",
]

_lock = threading.Lock()
_default: AxiosPython | None = None


def default_client() -> AxiosPython:
    """The instance behind the module-level helpers, created on first use."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                # Cookies are not kept between calls (like requests.get and httpx.get): the
                # default instance serves every caller in the process, and one caller's
                # session must never reach another. Redirect hops of one call share them.
                _default = AxiosPython({"cookies": False})
    return _default


def request(method: str, url: str, **options: Unpack[RequestOptions]) -> Response:
    """Send a one-off request with the default instance."""
    return default_client().request(method, url, **options)


def get(url: str, **options: Unpack[RequestOptions]) -> Response:
    """GET with the default instance."""
    return default_client().request("GET", url, **options)


def post(url: str, **options: Unpack[RequestOptions]) -> Response:
    """POST with the default instance."""
    return default_client().request("POST", url, **options)


def put(url: str, **options: Unpack[RequestOptions]) -> Response:
    """PUT with the default instance."""
    return default_client().request("PUT", url, **options)


def patch(url: str, **options: Unpack[RequestOptions]) -> Response:
    """PATCH with the default instance."""
    return default_client().request("PATCH", url, **options)


def delete(url: str, **options: Unpack[RequestOptions]) -> Response:
    """DELETE with the default instance."""
    return default_client().request("DELETE", url, **options)


def head(url: str, **options: Unpack[RequestOptions]) -> Response:
    """HEAD with the default instance."""
    return default_client().request("HEAD", url, **options)


def options(url: str, **options: Unpack[RequestOptions]) -> Response:
    """OPTIONS with the default instance."""
    return default_client().request("OPTIONS", url, **options)


def get_uri(url: str = "", **options: Unpack[RequestOptions]) -> str:
    """The URL a request with the default instance would go to (axios.getUri)."""
    return default_client().get_uri(url, **options)


def post_form(url: str, **options: Unpack[RequestOptions]) -> Response:
    """POST a multipart/form-data form with the default instance (axios.postForm)."""
    return default_client().post_form(url, **options)


def put_form(url: str, **options: Unpack[RequestOptions]) -> Response:
    """PUT a multipart/form-data form with the default instance (axios.putForm)."""
    return default_client().put_form(url, **options)


def patch_form(url: str, **options: Unpack[RequestOptions]) -> Response:
    """PATCH a multipart/form-data form with the default instance (axios.patchForm)."""
    return default_client().patch_form(url, **options)


async def async_request(method: str, url: str, **options: Unpack[RequestOptions]) -> Response:
    """Async twin of request()."""
    return await default_client().async_request(method, url, **options)


async def async_get(url: str, **options: Unpack[RequestOptions]) -> Response:
    """Async twin of get()."""
    return await default_client().async_request("GET", url, **options)


async def async_post(url: str, **options: Unpack[RequestOptions]) -> Response:
    """Async twin of post()."""
    return await default_client().async_request("POST", url, **options)


async def async_put(url: str, **options: Unpack[RequestOptions]) -> Response:
    """Async twin of put()."""
    return await default_client().async_request("PUT", url, **options)


async def async_patch(url: str, **options: Unpack[RequestOptions]) -> Response:
    """Async twin of patch()."""
    return await default_client().async_request("PATCH", url, **options)


async def async_delete(url: str, **options: Unpack[RequestOptions]) -> Response:
    """Async twin of delete()."""
    return await default_client().async_request("DELETE", url, **options)


async def async_head(url: str, **options: Unpack[RequestOptions]) -> Response:
    """Async twin of head()."""
    return await default_client().async_request("HEAD", url, **options)


async def async_options(url: str, **options: Unpack[RequestOptions]) -> Response:
    """Async twin of options()."""
    return await default_client().async_request("OPTIONS", url, **options)


async def async_post_form(url: str, **options: Unpack[RequestOptions]) -> Response:
    """Async twin of post_form()."""
    return await default_client().async_post_form(url, **options)


async def async_put_form(url: str, **options: Unpack[RequestOptions]) -> Response:
    """Async twin of put_form()."""
    return await default_client().async_put_form(url, **options)


async def async_patch_form(url: str, **options: Unpack[RequestOptions]) -> Response:
    """Async twin of patch_form()."""
    return await default_client().async_patch_form(url, **options)
