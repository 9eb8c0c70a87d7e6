"""``url.template``: the low-cardinality route of a request, for span names and metrics.

A template names its variable path segments in braces, as the HTTP semantic
conventions show (``/users/{id}/orders/{order}``); a request whose URL path
matches gets ``url.template`` and a span named ``GET /users/{id}/orders/{order}``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, Union
from urllib.parse import urlsplit

from axios_python import ConfigError
from axios_python.urls import is_absolute

__all__ = ["TemplateOption", "template_finder"]

TemplateOption = Union[Callable[[Mapping[str, Any]], Union[str, None]], Iterable[str], None]
Finder = Callable[[Mapping[str, Any]], Union[str, None]]

_log: Final = logging.getLogger("axios_python_otel")
_PLACEHOLDER: Final = re.compile(r"\{([^{}/]+)\}")


def template_finder(option: TemplateOption) -> Finder | None:
    """Turn the ``url_template`` option into a function of the request config, or None."""
    if option is None:
        return None
    if callable(option):
        return _checked(option)
    if isinstance(option, (str, bytes)) or not isinstance(option, Iterable):
        raise ConfigError(
            "OtelPlugin 'url_template' must be a list of templates like ['/users/{id}'] or a "
            f"function of the request config (got {option!r})"
        )
    compiled = [(_compile(template), template) for template in option]
    if not compiled:
        return None

    def find(config: Mapping[str, Any]) -> str | None:
        path = _path(config.get("url"))
        for pattern, template in compiled:
            if pattern.fullmatch(path):
                return template
        return None

    return find


def _compile(template: object) -> re.Pattern[str]:
    if not isinstance(template, str) or not template.startswith("/") or "?" in template:
        raise ConfigError(
            "OtelPlugin 'url_template' entries must be paths starting with '/', with "
            f"{{name}} for each variable segment, like '/users/{{id}}' (got {template!r})"
        )
    pattern, end = "", 0
    for match in _PLACEHOLDER.finditer(template):
        pattern += re.escape(template[end : match.start()]) + r"[^/]+"
        end = match.end()
    return re.compile(pattern + re.escape(template[end:]) + "/?")


def _path(url: object) -> str:
    """The path of a request's ``url`` as written (relative to base_url, or absolute)."""
    if not isinstance(url, str):
        return ""
    if is_absolute(url):
        try:
            return urlsplit(url).path or "/"
        except ValueError:
            return ""
    path = url.split("?", 1)[0].split("#", 1)[0]
    return path if path.startswith("/") else "/" + path


def _checked(function: Finder) -> Finder:
    """A user function whose failures are logged, never raised: telemetry never fails a request."""

    def find(config: Mapping[str, Any]) -> str | None:
        try:
            template: object = function(config)
        except Exception:
            _log.exception("OtelPlugin 'url_template' function %r failed", function)
            return None
        if template is not None and not isinstance(template, str):
            _log.warning(
                "OtelPlugin 'url_template' function %r returned %r; it must return a str "
                "like '/users/{id}' or None",
                function,
                template,
            )
            return None
        return template or None

    return find
