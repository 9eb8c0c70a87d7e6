"""Secrets out of what we print: error messages, repr(Request), the HTTP libraries' logs.

A URL password and the value of a query parameter named like a credential
(``api_key``, ``access_token``, ``client_secret``, ``X-Amz-Signature``...) are
shown as ``[REDACTED]``; the request itself is never changed. The HTTP libraries
underneath log URLs and headers themselves (httpx at INFO; httpcore, urllib3 and,
over HTTP/2, hpack at DEBUG), so a filter on their loggers masks those records
too, whether or not the LoggerPlugin is used.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Final

__all__ = [
    "CREDENTIAL_HEADERS",
    "LIBRARY_LOGGERS",
    "MASK",
    "SENSITIVE_PARAM_WORDS",
    "header_value_pattern",
    "install_log_filter",
    "mask_text",
]

CREDENTIAL_HEADERS: Final = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "x-api-key",
        "api-key",
        "x-auth-token",
        "x-access-token",
    }
)
"""Request headers that carry credentials: the default ``sensitive_headers`` (lower-case),
also masked by ``repr(Headers)`` (with Set-Cookie)."""

MASK: Final = "[REDACTED]"
SENSITIVE_PARAM_WORDS: Final = ("token", "key", "secret", "password", "signature")
"""A query parameter whose name contains one of these (any case) has its value masked."""

LIBRARY_LOGGERS: Final = (
    "httpx",
    "httpx2",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
    "httpcore2.connection",
    "httpcore2.http11",
    "httpcore2.http2",
    "httpcore2.proxy",
    "httpcore2.socks",
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.response",
    "urllib3.util.retry",
    "aiohttp.client",
    "aiohttp.internal",
    "hpack.hpack",  # HTTP/2 (httpx, httpx2): every header field it encodes or decodes
    "hpack.table",
)
"""The loggers the transports' libraries write to (a filter only sees its own logger's records)."""

_WORDS = "|".join(SENSITIVE_PARAM_WORDS)
# name=value after ? & or ;, the name holding a sensitive word; parts are bounded and
# exclude the delimiters, so any text is scanned in linear time.
_PAIR = re.compile(
    rf"(?i)([?&;][^\s=&#?;\"'<>]{{0,200}}(?:{_WORDS})[^\s=&#?;\"'<>]{{0,200}}=)[^&#\s\"'<>]+"
)
# scheme://user:password@ or //user:password@ (a network-path reference) -- the password
_USERINFO = re.compile(r"(?i)((?:\b[a-z][a-z0-9+.\-]{0,30}:)?//[^/\s:@]{0,200}:)[^/\s@]{1,200}(@)")


def header_value_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """Finds the value of a header named in ``names`` (any case) where a library logs it.

    httpcore logs ``(b'name', b'value')``; hpack ``b'name'=b'value'`` and
    ``b'name': b'value'``. Substitute ``rf"\\1\\2{MASK}\\2"`` to mask the value.
    """
    alternatives = "|".join(re.escape(name) for name in sorted(names))
    return re.compile(
        rf"(?i)(b?['\"](?:{alternatives})['\"](?:,\s*|=|:\s*)b?)(['\"])(?:(?!\2)[^\\]|\\.)*\2"
    )


_HEADER_VALUE = header_value_pattern(CREDENTIAL_HEADERS | {"set-cookie"})
# hpack's dumps of a whole encoded or received header block: every header is in those bytes
_HEADER_BLOCK_DUMPS: Final = frozenset({"Encoded header block to %s", "Decoding %s"})


def mask_text(text: str) -> str:
    """``text`` with URL passwords, credential-named query values and header values masked."""
    if "=" in text:
        text = _PAIR.sub(rf"\1{MASK}", text)
    if "@" in text:
        text = _USERINFO.sub(rf"\1{MASK}\2", text)
    if "'" in text or '"' in text:
        text = _HEADER_VALUE.sub(rf"\1\2{MASK}\2", text)
    return text


class _LibraryLogFilter(logging.Filter):
    """Rewrites a library's log record when its message shows a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg in _HEADER_BLOCK_DUMPS:
            record.args = (MASK,)
            return True
        try:
            text = record.getMessage()
        except Exception:  # a broken record is the logging module's to report
            return True
        masked = mask_text(text)
        if masked != text:
            record.msg, record.args = masked, None
        return True


_installed = False
_install_lock = threading.Lock()


def install_log_filter() -> None:
    """Put the masking filter on every library logger, once per process."""
    global _installed
    if _installed:
        return
    with _install_lock:
        if not _installed:
            log_filter = _LibraryLogFilter()
            for name in LIBRARY_LOGGERS:
                logging.getLogger(name).addFilter(log_filter)
            _installed = True
