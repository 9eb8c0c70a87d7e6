"""``url.full`` without credentials: the logger plugin's masking rules, spelled the semconv way.

Plugins never import each other, so this is a small masker of its own that masks
what axios-python-logger masks (a test runs both on the same URLs): the password
in the userinfo, and query or fragment values whose name contains ``token``,
``key``, ``secret``, ``password`` or ``signature`` (or is a credential header's
name). On top of that, as the HTTP semantic conventions ask, the user name is
masked too, the query keys ``sig``, ``AWSAccessKeyId``, ``Signature`` and
``X-Goog-Signature`` always are, and the mask reads ``REDACTED``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from axios_python.redaction import CREDENTIAL_HEADERS, SENSITIVE_PARAM_WORDS

__all__ = ["DEFAULT_PARAM_WORDS", "REDACTED", "UrlRedactor"]

REDACTED: Final = "REDACTED"
# The core's definitions (as the logger plugin's): substrings of secret field names,
# and the credential headers, whose names also mark a query field as secret.
DEFAULT_PARAM_WORDS: Final = SENSITIVE_PARAM_WORDS
_HEADER_NAMES: Final = CREDENTIAL_HEADERS | {"set-cookie"}
# Query keys the HTTP semantic conventions redact by default (compared lower-cased).
_SEMCONV_KEYS: Final = frozenset({"awsaccesskeyid", "signature", "sig", "x-goog-signature"})
_URL_IN_TEXT: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>]+")
_PAIR_IN_TEXT: Final = re.compile(r"(?<![^\s&?;#])([^\s=&#?]+)=([^&\s#]*)")


class UrlRedactor:
    """Masks credentials in URLs; ``words`` are lower-case substrings of secret field names."""

    __slots__ = ("_words",)

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._words = tuple(sorted({*DEFAULT_PARAM_WORDS, *(w.lower() for w in words)}))

    def sensitive(self, name: str) -> bool:
        """True for a query or fragment field whose value must not be recorded."""
        lowered = unquote_plus(name).lower()
        return (
            lowered in _SEMCONV_KEYS
            or lowered in _HEADER_NAMES
            or any(word in lowered for word in self._words)
        )

    def url(self, url: str) -> str:
        """``url`` with its userinfo and secret query/fragment values replaced by REDACTED."""
        if "@" not in url and "=" not in url:
            return url  # nothing to mask: the common case, no parsing
        try:
            parts = urlsplit(url)
        except ValueError:  # e.g. an unclosed IPv6 bracket: mask pairs wherever they are
            return _PAIR_IN_TEXT.sub(self._pair, url)
        netloc = parts.netloc
        userinfo, at, host = netloc.rpartition("@")
        if at:
            masked = REDACTED if parts.password is None else f"{REDACTED}:{REDACTED}"
            netloc = f"{masked}@{host}" if userinfo else netloc
        return urlunsplit(
            (
                parts.scheme,
                netloc,
                parts.path,
                self._fields(parts.query),
                self._fields(parts.fragment),
            )
        )

    def text(self, text: str) -> str:
        """``text`` (an error message) with every URL in it masked."""
        return _URL_IN_TEXT.sub(lambda match: self.url(match.group(0)), text)

    def _fields(self, query: str) -> str:
        if "=" not in query:
            return query
        pieces = []
        for piece in query.split("&"):
            name, sep, _ = piece.partition("=")
            pieces.append(f"{name}={REDACTED}" if sep and self.sensitive(name) else piece)
        return "&".join(pieces)

    def _pair(self, match: re.Match[str]) -> str:
        name = match.group(1)
        return f"{name}={REDACTED}" if self.sensitive(name) else match.group(0)
