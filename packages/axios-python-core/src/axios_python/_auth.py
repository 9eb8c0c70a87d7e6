"""Basic auth: the ``auth`` config key, and credentials taken out of a URL before anyone sees it."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import unquote

from ._exceptions import ConfigError
from ._urls import Origin, origin_of

__all__ = ["BasicAuth", "URLCredentials", "check_auth", "split_credentials", "strip_credentials"]

# scheme:// (or the // of a network-path reference), authority, then path, query, fragment
_AUTHORITY: Final = re.compile(r"((?:[A-Za-z][A-Za-z0-9+.\-]*:)?//)([^/?#]*)(.*)", re.DOTALL)


class BasicAuth:
    """HTTP Basic credentials (RFC 7617): ``auth=BasicAuth("user", "pass")`` or a tuple.

    The ``Authorization`` value is built once, here; ``repr()`` never shows the
    password, so a logged config or error does not leak it.
    """

    __slots__ = ("header", "password", "username")

    def __init__(self, username: str, password: str) -> None:
        for name, value in (("username", username), ("password", password)):
            if not isinstance(value, str):
                raise ConfigError(f"'auth' {name} must be a str (got {type(value).__name__})")
            if _CONTROL.search(value):
                raise ConfigError(f"'auth' {name} must not contain control characters")
        if ":" in username:
            raise ConfigError(
                f"'auth' username must not contain ':' (got {username!r}); Basic auth "
                "separates the username from the password with it"
            )
        try:
            token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        except UnicodeEncodeError:
            raise ConfigError("'auth' credentials must be valid Unicode text") from None
        self.username = username
        self.password = password
        self.header = f"Basic {token}"

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password='[redacted]')"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BasicAuth):
            return NotImplemented
        return (self.username, self.password) == (other.username, other.password)

    def __hash__(self) -> int:
        return hash((self.username, self.password))


class URLCredentials(BasicAuth):
    """Basic credentials written into a request's URL: they belong to that URL's ``origin``.

    On an instance with a base_url, credentials are not sent to another origin;
    these came with the URL itself, so that origin (and only that one) gets them.
    """

    __slots__ = ("origin",)

    def __init__(self, username: str, password: str, origin: Origin) -> None:
        super().__init__(username, password)
        self.origin = origin


_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


def check_auth(key: str, value: Any) -> BasicAuth | None:
    """The ``auth`` config value as BasicAuth: from a (username, password) pair or a mapping.

    The error never quotes the value: it holds a password.
    """
    if value is None or isinstance(value, BasicAuth):
        return value
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return BasicAuth(value[0], value[1])
    if isinstance(value, Mapping) and set(value) == {"username", "password"}:
        return BasicAuth(value["username"], value["password"])
    shape = f"a {type(value).__name__}"
    if isinstance(value, (tuple, list)):
        shape += f" of {len(value)} items"
    elif isinstance(value, Mapping):
        shape += f" with keys {sorted(map(str, value))!r}"
    raise ConfigError(
        f"{key!r} must be a (username, password) tuple, a mapping with 'username' and "
        f"'password', or a BasicAuth (got {shape})"
    )


def split_credentials(url: str, *, pinned: bool = False) -> tuple[str, BasicAuth | None]:
    """``url`` without its ``user:password@`` part, and those credentials (None if it had none).

    ``https://ada:s%40cret@host/x`` gives ``("https://host/x", BasicAuth("ada", "s@cret"))``.
    ``pinned`` (a request's URL) gives URLCredentials for the URL's origin instead.
    A URL without ``@`` costs one substring test.
    """
    if "@" not in url:
        return url, None
    clean, userinfo = _split(url)
    if not userinfo:
        return clean, None
    username, _, password = (unquote(part) for part in userinfo.partition(":"))
    if pinned:
        return clean, URLCredentials(username, password, origin_of(clean))
    return clean, BasicAuth(username, password)


def strip_credentials(url: str) -> str:
    """``url`` without a ``user:password@`` part, dropped unused (a redirect's Location)."""
    return _split(url)[0] if "@" in url else url


def _split(url: str) -> tuple[str, str | None]:
    match = _AUTHORITY.match(url)
    if match is None or "@" not in match.group(2):
        return url, None  # the "@" is in the path or query
    scheme, authority, rest = match.groups()
    userinfo, _, host = authority.rpartition("@")
    return scheme + host + rest, userinfo
