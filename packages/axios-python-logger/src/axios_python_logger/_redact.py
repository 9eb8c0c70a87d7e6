"""Redaction: sensitive headers, query parameters and body fields never reach a log record.

Two layers. By name: header names in a set, and query/body field names that
contain a sensitive word (``access_token``, ``api_key``, ``client_secret``...).
By value: every secret found that way in a request (the token in an
Authorization header, a cookie value, an ``api_key`` parameter) is also scrubbed
wherever it appears verbatim, e.g. in a response body that echoes it back or in
an error message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final
from urllib.parse import quote, quote_plus, unquote_plus, urlsplit, urlunsplit

from axios_python import Headers
from axios_python.redaction import CREDENTIAL_HEADERS, MASK, SENSITIVE_PARAM_WORDS

__all__ = ["DEFAULT_HEADERS", "DEFAULT_PARAM_WORDS", "MASK", "Redactor"]

# The core's lists, so the plugin masks at least what the core does (and Set-Cookie).
DEFAULT_HEADERS: Final = CREDENTIAL_HEADERS | {"set-cookie"}
DEFAULT_PARAM_WORDS: Final = SENSITIVE_PARAM_WORDS
_REDACT_MARGIN: Final = 4096  # characters redacted past max_body: longer than any secret
_MIN_SECRET: Final = 4  # shorter values would scrub ordinary text; nothing that short is secret
_CREDENTIAL: Final = re.compile(r"(?i)\b(Bearer|Basic|Token)(\s+)[A-Za-z0-9\-._~+/]{8,}=*")


class Redactor:
    """Masks what a log line must not show; ``headers`` lower-case, ``words`` substrings."""

    def __init__(self, headers: Iterable[str], words: Iterable[str], max_body: int) -> None:
        self.headers = frozenset(h.lower() for h in headers)
        self.words = tuple(sorted({w.lower() for w in words}))
        self.max_body = max_body
        # In free text, a field named like a redacted header (Set-Cookie=...) is masked too.
        alternatives = sorted({*self.words, *self.headers}, key=len, reverse=True)
        names = "|".join(re.escape(w) for w in alternatives) or r"(?!x)x"
        # A name starts right after a delimiter and holds none, and its parts are bounded:
        # so each name is scanned once and a hostile body ("[[[[...", "tokentoken...")
        # costs linear time, not quadratic.
        part = r"[^\s=&#?\"'<>:,;(\[{}]{0,200}"
        # name=value (query strings, form bodies, text); name": "value" (JSON, plain or escaped).
        self._pair = re.compile(
            rf"(?i)(?<![^\s&?;#,(\[{{\"'])({part}(?:{names}){part})=([^&\s#\"',;]*)"
        )
        key = r'[^"\\]{0,200}'
        self._json = re.compile(
            rf'(?i)(\\?"{key}(?:{names}){key}\\?"\s*:\s*)(\\?")((?:[^"\\]|\\[^"])*)(\\?")'
        )

    # --- names ------------------------------------------------------------------------

    def sensitive_name(self, name: str) -> bool:
        """True for a query or body field named like a secret (substring, any case).

        A field named exactly like a redacted header (``cookie``, ``x-api-key``) counts too.
        """
        lowered = name.lower()
        return lowered in self.headers or any(word in lowered for word in self.words)

    def sensitive_header(self, name: str, extra: Iterable[str] = ()) -> bool:
        """True for a header in the redaction set or in the request's ``sensitive_headers``."""
        lowered = name.lower()
        return lowered in self.headers or lowered in extra

    # --- structured values ------------------------------------------------------------

    def header_map(self, headers: Headers, extra: Iterable[str] = ()) -> dict[str, str]:
        """Headers as a dict for a log record, sensitive values masked, repeats joined."""
        extra = frozenset(extra)
        result: dict[str, str] = {}
        for name, value in headers.multi_items():
            shown = MASK if self.sensitive_header(name, extra) else value
            result[name] = f"{result[name]}, {shown}" if name in result else shown
        return result

    def url(self, url: str) -> str:
        """``url`` with its password and sensitive query/fragment values masked."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return self._pair.sub(rf"\1={MASK}", url)
        netloc = parts.netloc
        if parts.password is not None:
            netloc = f"{parts.username or ''}:{MASK}@{netloc.rpartition('@')[2]}"
        return urlunsplit(
            (
                parts.scheme,
                netloc,
                parts.path,
                self._query(parts.query),
                self._query(parts.fragment),
            )
        )

    def _query(self, query: str) -> str:
        if "=" not in query:
            return query
        pieces = []
        for piece in query.split("&"):
            name, sep, _value = piece.partition("=")
            pieces.append(
                f"{name}={MASK}" if sep and self.sensitive_name(unquote_plus(name)) else piece
            )
        return "&".join(pieces)

    def structure(self, value: Any) -> Any:
        """A copy of a JSON-like value with fields named like secrets masked."""
        if isinstance(value, Mapping):
            return {
                str(k): MASK if self.sensitive_name(str(k)) else self.structure(v)
                for k, v in value.items()
            }
        if isinstance(value, (list, tuple)):
            return [self.structure(item) for item in value]
        return value

    # --- secrets by value -------------------------------------------------------------

    def secrets(
        self,
        headers: Headers | None = None,
        urls: Iterable[str] = (),
        bodies: Iterable[Any] = (),
        extra: Iterable[str] = (),
    ) -> frozenset[str]:
        """Every secret value carried by these headers, URLs and bodies."""
        found: set[str] = set()
        extra = frozenset(extra)
        if headers is not None:
            for name, value in headers.multi_items():
                if self.sensitive_header(name, extra):
                    found.update(_header_secrets(value))
        for url in urls:
            found.update(self._url_secrets(url))
        for body in bodies:
            try:
                self._body_secrets(body, found)
            except RecursionError:  # nested past the recursion limit: keep what was found
                continue
        return frozenset(s for s in found if len(s) >= _MIN_SECRET)

    def _url_secrets(self, url: str) -> set[str]:
        found: set[str] = set()
        try:
            parts = urlsplit(url)
        except ValueError:
            return found
        if parts.password:
            found.add(parts.password)
        for query in (parts.query, parts.fragment):
            for piece in query.split("&"):
                name, sep, value = piece.partition("=")
                if sep and value and self.sensitive_name(unquote_plus(name)):
                    found.update({value, unquote_plus(value)})
        return found

    def _body_secrets(self, body: Any, found: set[str]) -> None:
        if isinstance(body, Mapping):
            for key, value in body.items():
                if self.sensitive_name(str(key)):
                    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                        found.add(str(value))
                    else:
                        self._body_secrets(value, found)
                else:
                    self._body_secrets(value, found)
        elif isinstance(body, (list, tuple)):
            for item in body:
                self._body_secrets(item, found)
        elif isinstance(body, (str, bytes)):
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
            parsed = _maybe_json(text)
            if parsed is not None:
                self._body_secrets(parsed, found)
            else:
                for match in self._pair.finditer(text):
                    found.update({match.group(2), unquote_plus(match.group(2))})

    # --- text -------------------------------------------------------------------------

    def text(self, text: str, secrets: Iterable[str] = ()) -> str:
        """``text`` with secret-looking pairs and every known secret value masked."""
        for secret in sorted(secrets, key=len, reverse=True):
            for form in {secret, quote(secret, safe=""), quote_plus(secret), _json_form(secret)}:
                if len(form) >= _MIN_SECRET:
                    text = text.replace(form, MASK)
        text = self._json.sub(rf"\1\2{MASK}\4", text)
        text = self._pair.sub(rf"\1={MASK}", text)
        return _CREDENTIAL.sub(rf"\1\2{MASK}", text)

    def body(self, value: Any, secrets: Iterable[str] = ()) -> str:
        """A one-line, redacted, truncated rendering of a request or response body."""
        if value is None:
            return ""
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str):
            parsed = _maybe_json(value)
            if parsed is not None:
                value = parsed
        if isinstance(value, (Mapping, list, tuple)):
            try:
                text = json.dumps(self.structure(value), ensure_ascii=False, default=str)
            except RecursionError:
                text = "<body nested too deeply to show>"
        else:
            text = str(value)
        # Only what can be shown is redacted (plus a margin, so a secret that starts in
        # view is masked whole): the cost of a huge body is that of max_body characters.
        shown = text[: self.max_body + _REDACT_MARGIN]
        redacted = self.text(shown, secrets).replace("\r", "\\r").replace("\n", "\\n")
        if len(redacted) > self.max_body or len(shown) < len(text):
            total = len(text) if len(shown) < len(text) else len(redacted)
            redacted = f"{redacted[: self.max_body]}...[truncated, {total} chars]"
        return redacted


def _header_secrets(value: str) -> set[str]:
    found = {value}
    _scheme, space, credential = value.partition(" ")
    if space and credential:
        found.add(credential.strip())
    for cookie in value.split(";"):
        _name, sep, cookie_value = cookie.strip().partition("=")
        if sep and cookie_value:
            found.add(cookie_value)
    return found


def _maybe_json(text: str) -> Any:
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested past the recursion limit
        return None


def _json_form(secret: str) -> str:
    return json.dumps(secret, ensure_ascii=False)[1:-1]
