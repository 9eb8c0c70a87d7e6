"""axios-python: an Axios-style HTTP client with interceptors, middleware and plugins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._auth import BasicAuth
from ._cancel import CancelToken
from ._client import AxiosPython, create
from ._config import RequestConfig, RequestOptions
from ._connection_options import ConnectionOptions
from ._cookies import CookieJar
from ._entrypoints import PluginInfo, list_plugins
from ._exceptions import (
    AxiosPythonError,
    CancelError,
    ClientClosedError,
    ConfigError,
    ContentTooLargeError,
    HTTPStatusError,
    InterceptorError,
    NetworkError,
    PluginError,
    ProtocolError,
    RetryError,
    StreamError,
    TimeoutError,
    TooManyRedirectsError,
    UnsupportedOptionError,
    UnsupportedRequestError,
)
from ._headers import Headers
from ._helpers import (
    async_delete,
    async_get,
    async_head,
    async_options,
    async_patch,
    async_patch_form,
    async_post,
    async_post_form,
    async_put,
    async_put_form,
    async_request,
    delete,
    get,
    get_uri,
    head,
    options,
    patch,
    patch_form,
    post,
    post_form,
    put,
    put_form,
    request,
)
from ._models import AsyncByteStream, Request, Response, SyncByteStream
from ._plugin_base import Plugin
from ._plugin_errors import (
    PluginConflictError,
    PluginImportError,
    PluginNotFoundError,
    PluginOptionsError,
    PluginRegisteredError,
)
from ._progress import ProgressEvent
from ._retry import ExponentialBackoff, FixedBackoff, LinearBackoff, RetryStrategy
from ._timeout import Timeout
from ._version import __version__
from .transports import BaseTransport, HttpxTransport

if TYPE_CHECKING:
    # The official plugins resolve lazily at run time (__getattr__ below); type checkers
    # see the real classes, so `from axios_python import AuthPlugin` is typed, not Any.
    from axios_python_auth import AuthPlugin as AuthPlugin
    from axios_python_cache import CachePlugin as CachePlugin
    from axios_python_logger import LoggerPlugin as LoggerPlugin

    from .hookspecs import hookimpl

__all__ = [
    "AsyncByteStream",
    "AxiosPython",
    "AxiosPythonError",
    "BaseTransport",
    "BasicAuth",
    "CancelError",
    "CancelToken",
    "ClientClosedError",
    "ConfigError",
    "ConnectionOptions",
    "ContentTooLargeError",
    "CookieJar",
    "ExponentialBackoff",
    "FixedBackoff",
    "HTTPStatusError",
    "Headers",
    "HttpxTransport",
    "InterceptorError",
    "LinearBackoff",
    "NetworkError",
    "Plugin",
    "PluginConflictError",
    "PluginError",
    "PluginImportError",
    "PluginInfo",
    "PluginNotFoundError",
    "PluginOptionsError",
    "PluginRegisteredError",
    "ProgressEvent",
    "ProtocolError",
    "Request",
    "RequestConfig",
    "RequestOptions",
    "Response",
    "RetryError",
    "RetryStrategy",
    "StreamError",
    "SyncByteStream",
    "Timeout",
    "TimeoutError",
    "TooManyRedirectsError",
    "UnsupportedOptionError",
    "UnsupportedRequestError",
    "__version__",
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
    "create",
    "delete",
    "get",
    "get_uri",
    "head",
    "hookimpl",
    "list_plugins",
    "options",
    "patch",
    "patch_form",
    "post",
    "post_form",
    "put",
    "put_form",
    "request",
]

# Official plugins live in their own distributions; resolve them on first use so
# importing axios_python never imports (or requires) any of them.
_OFFICIAL_PLUGINS = {
    "CachePlugin": ("axios_python_cache", "axios-python-cache"),
    "AuthPlugin": ("axios_python_auth", "axios-python-auth"),
    "LoggerPlugin": ("axios_python_logger", "axios-python-logger"),
}


def __getattr__(name: str) -> Any:
    if name in _OFFICIAL_PLUGINS:
        module_name, distribution = _OFFICIAL_PLUGINS[name]
        import importlib

        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            raise ImportError(
                f"{name} is provided by the {distribution} distribution, which is not "
                f"installed; run: pip install {distribution}  (or: pip install axios-python)",
                name=name,
            ) from None
        return getattr(module, name)
    if name == "hookimpl":  # imports pluggy, so only when a plugin author asks for it
        from .hookspecs import hookimpl

        return hookimpl
    raise AttributeError(f"module 'axios_python' has no attribute {name!r}")
