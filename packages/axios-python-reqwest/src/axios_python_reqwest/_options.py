"""The transport's connection options, checked once and applied to every pyreqwest client builder.

A pyreqwest client fixes its connect and read timeouts (and the write limit,
TCP_USER_TIMEOUT) when it is built, so the transport builds one client per
distinct set of those three; everything else here is the same for all of them.
"""

from __future__ import annotations

import os
import re
import ssl
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar, Union

from pyreqwest.client import BaseClientBuilder, SyncClientBuilder
from pyreqwest.proxy import ProxyBuilder

from axios_python import ConfigError, UnsupportedOptionError

__all__ = ["Builder", "CertInput", "ClientSettings", "Phases", "VerifyInput"]

Builder = TypeVar("Builder", bound=BaseClientBuilder)
Phases = tuple[Union[float, None], Union[float, None], Union[float, None]]  # connect, read, write
VerifyInput = Union[bool, str, "os.PathLike[str]", ssl.SSLContext]
CertInput = Union[str, "os.PathLike[str]", tuple[Union[str, "os.PathLike[str]"], ...], None]

_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)
# TCP_USER_TIMEOUT, pyreqwest's only hold on a stalled write, exists on Linux only.
_KERNEL_WRITE_TIMEOUT = sys.platform.startswith("linux")


class ClientSettings:
    """Everything a pyreqwest client of this transport is built with, except its timeouts."""

    def __init__(
        self,
        *,
        verify: VerifyInput,
        cert: CertInput,
        proxy: str | None,
        trust_env: bool,
        http2: bool,
        max_keepalive_connections: int | None,
        keepalive_expiry: float | None,
        configure: Callable[[Any], Any] | None,
    ) -> None:
        self._roots, self._insecure = _trust(verify)
        self._identity = _identity(cert)
        if proxy is not None and not isinstance(proxy, str):
            raise ConfigError(f"proxy must be a URL string (got {proxy!r})")
        self._proxy = proxy
        self._trust_env = _flag("trust_env", trust_env)
        self._http2 = _flag("http2", http2)
        self._max_idle = _count("max_keepalive_connections", max_keepalive_connections)
        if keepalive_expiry is not None and (
            isinstance(keepalive_expiry, bool)
            or not isinstance(keepalive_expiry, (int, float))
            or keepalive_expiry <= 0
        ):
            raise ConfigError(
                f"keepalive_expiry must be a positive number of seconds or None "
                f"(got {keepalive_expiry!r})"
            )
        self._keepalive = keepalive_expiry
        if configure is not None and not callable(configure):
            raise ConfigError(f"configure must be a callable taking a builder (got {configure!r})")
        self._configure = configure
        self._check()

    def _check(self) -> None:
        """Feed the certificates and the proxy to a builder now, so bad ones fail at once."""
        try:
            self._apply_fixed(SyncClientBuilder())
        except ValueError as exc:
            raise ConfigError(f"pyreqwest refused an option: {exc}") from exc

    def apply(self, builder: Builder, phases: Phases) -> Builder:
        """``builder`` configured for this transport, with ``phases`` (connect, read, write)."""
        connect, read, write = phases
        if self._configure is not None:
            builder = self._configure(builder)
        builder = self._apply_fixed(builder)
        if connect is not None:
            builder = builder.connect_timeout(timedelta(seconds=connect))
        if read is not None:
            builder = builder.read_timeout(timedelta(seconds=read))
        if write is not None and _KERNEL_WRITE_TIMEOUT:
            builder = builder.tcp_user_timeout(timedelta(seconds=write))
        return builder

    def _apply_fixed(self, builder: Builder) -> Builder:
        # Redirects, cookies and retries are the pipeline's; pyreqwest must do none of them.
        builder = builder.follow_redirects(False).referer(False).default_cookie_store(False)
        # Bodies go to the pipeline as received: it decodes them (the transport contract).
        builder = builder.gzip(False).brotli(False).deflate(False).zstd(False)
        # reqwest always sends a User-Agent: without one in the request, send it empty
        # rather than pyreqwest's own (a removed User-Agent must not name a library).
        builder = builder.user_agent("")
        for root in self._roots:
            builder = builder.add_root_certificate_der(root)
        if self._insecure:
            builder = builder.danger_accept_invalid_certs(True)
        if self._identity is not None:
            builder = builder.identity_pem(self._identity)
        if self._proxy is not None:
            builder = builder.proxy(ProxyBuilder.all(self._proxy))
        elif not self._trust_env:
            builder = builder.no_proxy()  # no HTTP_PROXY / HTTPS_PROXY from the environment
        if self._http2:
            builder = builder.http2(True)
        if self._max_idle is not None:
            builder = builder.pool_max_idle_per_host(self._max_idle)
        if self._keepalive is not None:
            builder = builder.pool_idle_timeout(timedelta(seconds=self._keepalive))
        return builder


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be True or False (got {value!r})")
    return value


def _count(name: str, value: object) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ConfigError(f"{name} must be an int >= 0 or None (got {value!r})")
    return value


def _trust(verify: object) -> tuple[list[bytes], bool]:
    """The extra root certificates (DER) to trust, and whether to skip verification."""
    if verify is True:
        return [], False
    if verify is False:
        return [], True
    if isinstance(verify, ssl.SSLContext):
        if verify.verify_mode == ssl.CERT_NONE:
            return [], True
        if not verify.check_hostname:
            raise ConfigError(
                "an ssl.SSLContext with check_hostname=False cannot be mapped onto pyreqwest "
                "(it always checks the host name); pass verify=False to skip verification"
            )
        return list(verify.get_ca_certs(binary_form=True)), False
    if isinstance(verify, (str, os.PathLike)):
        return [ssl.PEM_cert_to_DER_cert(pem.decode()) for pem in _pem_certs(verify)], False
    raise ConfigError(
        f"verify must be True, False, a CA bundle path or an ssl.SSLContext (got {verify!r})"
    )


def _pem_certs(path: str | os.PathLike[str]) -> list[bytes]:
    """The PEM certificates of a CA bundle file, or of every file in a CA directory."""
    where = Path(path)
    try:
        if where.is_dir():  # an OpenSSL CA directory (c_rehash): one certificate per file
            data = b"\n".join(
                entry.read_bytes() for entry in sorted(where.iterdir()) if entry.is_file()
            )
        else:
            data = where.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the CA bundle {os.fspath(path)!r}: {exc}") from exc
    certs = _PEM_CERT.findall(data)
    if not certs:
        raise ConfigError(f"no PEM certificate in the CA bundle {os.fspath(path)!r}")
    return certs


def _identity(cert: object) -> bytes | None:
    """The client certificate and key as one PEM (pyreqwest's identity)."""
    if cert is None:
        return None
    if isinstance(cert, (str, os.PathLike)):
        paths: tuple[object, ...] = (cert,)
    elif isinstance(cert, tuple) and len(cert) == 2:
        paths = cert
    elif isinstance(cert, tuple) and len(cert) == 3:
        raise UnsupportedOptionError(
            "ReqwestTransport",
            "cert",
            "pyreqwest cannot load an encrypted private key (a key password); decrypt the key "
            "(openssl pkey -in key.pem -out plain-key.pem) or use another transport",
        )
    else:
        raise ConfigError(
            "cert must be a PEM file holding the certificate and its key, or a "
            f"(certificate file, key file) pair (got {cert!r}; encrypted keys are not supported)"
        )
    parts = []
    for path in paths:
        if not isinstance(path, (str, os.PathLike)):
            raise ConfigError(f"cert files must be paths (got {path!r})")
        try:
            parts.append(Path(path).read_bytes())
        except OSError as exc:
            raise ConfigError(f"cannot read the client certificate {path!s}: {exc}") from exc
    return b"\n".join(parts)
