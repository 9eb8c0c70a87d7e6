"""Header values for tokens and basic auth, and checks that never echo a secret."""

from __future__ import annotations

import base64
import re
from typing import Any, Final

from axios_python import PluginError

__all__ = ["basic_value", "check_header_name", "check_scheme", "check_token", "render"]

_TOKEN_CHARS: Final = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def check_token(value: Any, source: str) -> str:
    """Return ``value`` if it is a usable token; the error describes it without showing it."""
    if not isinstance(value, str) or not value:
        shown = "an empty str" if value == "" else type(value).__name__
        raise PluginError(f"AuthPlugin {source} must be a non-empty str (got {shown})")
    if any(c in value for c in "\r\n\0"):
        raise PluginError(
            f"AuthPlugin {source} must not contain CR, LF or NUL "
            f"(got a str of {len(value)} characters; value hidden)"
        )
    return value


def check_scheme(value: Any) -> str | None:
    """Return a scheme like 'Bearer', or None/'' for a bare token (e.g. an X-Api-Key header)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _TOKEN_CHARS.match(value):
        raise PluginError(
            f"AuthPlugin 'scheme' must be a single word like 'Bearer' or 'Token', or None "
            f"for a bare token (got {value!r})"
        )
    return value


def check_header_name(value: Any) -> str:
    """Return a valid header name like 'Authorization' or 'X-Api-Key'."""
    if not isinstance(value, str) or not _TOKEN_CHARS.match(value):
        raise PluginError(
            f"AuthPlugin 'header' must be a header name like 'Authorization' (got {value!r})"
        )
    return value


def render(scheme: str | None, token: str) -> str:
    """The header value for ``token``: ``'Bearer abc'``, or the bare token without a scheme."""
    return f"{scheme} {token}" if scheme else token


def basic_value(username: Any, password: Any) -> str:
    """``Basic base64(username:password)`` (RFC 7617, UTF-8)."""
    if not isinstance(username, str) or not isinstance(password, str):
        raise PluginError(
            "AuthPlugin basic auth needs username= and password= as str (got "
            f"username: {type(username).__name__}, password: {type(password).__name__})"
        )
    if ":" in username:
        raise PluginError("AuthPlugin 'username' must not contain ':' (RFC 7617)")
    if any(c in username + password for c in "\r\n\0"):
        raise PluginError("AuthPlugin username and password must not contain CR, LF or NUL")
    raw = f"{username}:{password}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")
