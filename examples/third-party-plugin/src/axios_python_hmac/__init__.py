"""axios-python-hmac: sign every request with an HMAC of method, url and timestamp."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from axios_python.hookspecs import hookimpl

if TYPE_CHECKING:
    from axios_python import AxiosPython, RequestConfig

__all__ = ["HmacPlugin", "sign", "verify"]

__version__ = "0.1.0"


def sign(
    secret: str | bytes, method: str, url: str, timestamp: str, algorithm: str = "sha256"
) -> str:
    """The hex signature of ``METHOD\\nURL\\nTIMESTAMP`` under ``secret``."""
    key = secret.encode() if isinstance(secret, str) else secret
    message = f"{method.upper()}\n{url}\n{timestamp}".encode()
    return hmac.new(key, message, algorithm).hexdigest()


def verify(
    secret: str | bytes,
    method: str,
    url: str,
    timestamp: str,
    signature: str,
    *,
    max_age: float = 300.0,
    algorithm: str = "sha256",
    now: float | None = None,
) -> bool:
    """True when ``signature`` is valid and ``timestamp`` is at most ``max_age`` seconds old."""
    try:
        age = (time.time() if now is None else now) - int(timestamp)
    except ValueError:
        return False
    if not 0 <= age <= max_age:
        return False
    expected = sign(secret, method, url, timestamp, algorithm)
    return hmac.compare_digest(expected, signature)


class HmacPlugin:
    """Adds ``X-Timestamp`` and a signature header to every request.

    ``secret`` is required; ``header`` names the signature header and
    ``algorithm`` is any name ``hashlib`` knows. ``clock`` (seconds since the
    epoch) is there for tests.
    """

    name = "hmac"

    def __init__(
        self,
        secret: str | bytes,
        *,
        header: str = "X-Signature",
        algorithm: str = "sha256",
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not secret:
            raise ValueError("HmacPlugin needs a non-empty 'secret'")
        if algorithm not in hashlib.algorithms_available:
            raise ValueError(
                f"'algorithm' must be a hashlib algorithm such as 'sha256' (got {algorithm!r})"
            )
        self._secret = secret
        self._header = header
        self._algorithm = algorithm
        self._clock = clock

    @hookimpl
    def axios_request(self, config: RequestConfig, client: AxiosPython) -> None:
        """Sign the request after the interceptors have shaped it."""
        timestamp = str(int(self._clock()))
        signature = sign(self._secret, config["method"], config["url"], timestamp, self._algorithm)
        config["headers"]["X-Timestamp"] = timestamp
        config["headers"][self._header] = signature
