"""ConnectionOptions: how a client's connections are made, for its transports to map or refuse.

``proxy``, ``verify``, ``cert``, ``trust_env``, ``http2``, ``max_connections``
and ``max_keepalive_connections`` are create() keys: they shape connection
pools, so they belong to the instance, never to one request. The client hands
them to each transport it uses (``BaseTransport.configure``), once, in this
neutral form; each transport maps them onto its library or raises
UnsupportedOptionError naming itself and the option.
"""

from __future__ import annotations

import base64
import os
import ssl
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Union

from ._exceptions import ConfigError, UnsupportedOptionError

__all__ = ["CONNECTION_KEYS", "CertInput", "ConnectionOptions", "VerifyInput"]

CONNECTION_KEYS: Final = frozenset(
    {
        "proxy",
        "verify",
        "cert",
        "trust_env",
        "http2",
        "max_connections",
        "max_keepalive_connections",
    }
)

VerifyInput = Union[bool, str, ssl.SSLContext]
CertInput = Union[str, tuple[str, str], tuple[str, str, str]]

DEFAULT_MAX_CONNECTIONS: Final = 100


@dataclass(frozen=True)
class ConnectionOptions:
    """A client's connection options, validated; ``given`` names those the config set.

    ``proxy``: a proxy URL for every request; user:password in it become a
    Proxy-Authorization header (``proxy_url`` is the URL without them).
    ``verify``: True (the transport's default trust store), False (no
    verification), a CA bundle file or directory, or an ``ssl.SSLContext``.
    ``cert``: a client certificate: one PEM file with the key, ``(cert, key)``
    or ``(cert, key, password)``. ``trust_env``: read HTTP_PROXY / HTTPS_PROXY
    / ALL_PROXY / NO_PROXY and SSL_CERT_FILE / SSL_CERT_DIR. ``http2``: offer
    HTTP/2 where the transport can. ``max_connections``: connections open at
    once; ``max_keepalive_connections``: idle ones kept (default: as many as
    ``max_connections``, so a busy pool never closes connections it will reuse).
    """

    proxy: str | None = None
    verify: VerifyInput = True
    cert: CertInput | None = None
    trust_env: bool = True
    http2: bool = False
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    max_keepalive_connections: int | None = None
    given: frozenset[str] = field(default=frozenset(), compare=False)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ConnectionOptions:
        """The options among validated ``config`` (other keys are ignored)."""
        chosen = {key: config[key] for key in CONNECTION_KEYS if key in config}
        options = cls(**chosen, given=frozenset(chosen))
        keepalive = options.max_keepalive_connections
        if keepalive is not None and keepalive > options.max_connections:
            raise ConfigError(
                f"'max_keepalive_connections' ({keepalive}) cannot be more than "
                f"'max_connections' ({options.max_connections})"
            )
        if options.cert is not None and isinstance(options.verify, ssl.SSLContext):
            raise ConfigError(
                "'cert' cannot be combined with an SSLContext in 'verify': load the client "
                "certificate into that context (context.load_cert_chain(...)) instead"
            )
        if options.cert is not None or isinstance(options.verify, str):
            options.ssl_context()  # a missing or bad file fails here, at create()
        return options

    def __repr__(self) -> str:
        shown = ", ".join(f"{key}={self._shown(key)!r}" for key in sorted(self.given))
        return f"ConnectionOptions({shown})"

    def _shown(self, key: str) -> Any:
        value = getattr(self, key)
        if key == "proxy" and value is not None:
            return self.proxy_url + (" (with credentials)" if self.proxy_auth else "")
        return value

    def adopted(self, configured: ConnectionOptions | None, transport: str) -> bool:
        """For a transport's configure(): True when it already has these very options.

        Raises ConfigError when it was configured with other ones (one transport,
        one set of connection options: give each client its own transport).
        """
        if configured is None:
            return False
        if configured == self:
            return True
        raise ConfigError(
            f"this {transport} already serves a client with other connection options; "
            "give each client its own transport"
        )

    def refuse(self, transport: str, *, http2: bool = False, fewer_keepalive: bool = False) -> None:
        """Raise UnsupportedOptionError for what ``transport`` cannot do.

        ``http2``: it speaks HTTP/1.1 only. ``fewer_keepalive``: it keeps every
        pooled connection alive, so fewer idle than open connections is refused.
        """
        if http2 and self.http2:
            raise UnsupportedOptionError(
                transport, "http2", "it speaks HTTP/1.1 only; use httpx, httpx2 or reqwest"
            )
        if (
            fewer_keepalive
            and "max_keepalive_connections" in self.given
            and self.keepalive != self.max_connections
        ):
            raise UnsupportedOptionError(
                transport,
                "max_keepalive_connections",
                "it keeps every pooled connection alive: leave it out or make it equal to "
                "max_connections",
            )

    @property
    def keepalive(self) -> int:
        """Idle connections kept: ``max_keepalive_connections``, else ``max_connections``."""
        keepalive = self.max_keepalive_connections
        return self.max_connections if keepalive is None else keepalive

    # --- proxy ------------------------------------------------------------------------

    @property
    def proxy_url(self) -> str:
        """The proxy URL without user:password ("" when there is no proxy)."""
        return _without_userinfo(self.proxy) if self.proxy else ""

    @property
    def proxy_auth(self) -> tuple[str, str] | None:
        """The proxy's (user, password), percent-decoded, or None."""
        return _userinfo(self.proxy) if self.proxy else None

    def proxy_headers(self, proxy: str | None = None) -> dict[str, str]:
        """Proxy-Authorization for ``proxy`` (default: the configured one), if it has userinfo."""
        auth = _userinfo(proxy) if proxy is not None else self.proxy_auth
        if auth is None:
            return {}
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        return {"Proxy-Authorization": f"Basic {token}"}

    def proxy_for(self, url: str) -> str | None:
        """The proxy URL (userinfo included) a request to ``url`` goes through, or None.

        An explicit ``proxy`` serves every request; otherwise, with ``trust_env``,
        the environment's proxy for the URL's scheme unless NO_PROXY exempts the host.
        """
        if self.proxy is not None:
            return self.proxy
        if not self.trust_env:
            return None
        proxies = urllib.request.getproxies_environment()
        parts = urllib.parse.urlsplit(url)
        proxy = proxies.get(parts.scheme.lower()) or proxies.get("all")
        bypass = getattr(urllib.request, "proxy_bypass_environment")  # noqa: B009 (no stub)
        if not proxy or bypass(parts.netloc, proxies):
            return None
        return proxy if "://" in proxy else f"http://{proxy}"

    # --- TLS --------------------------------------------------------------------------

    def ssl_context(self, *, env_free_default: bool = False) -> ssl.SSLContext | None:
        """The SSLContext ``verify`` and ``cert`` ask for, or None for the transport's default.

        ``env_free_default``: with ``trust_env=False``, a context of the default CAs
        instead of None, for a transport whose own default reads SSL_CERT_FILE and
        SSL_CERT_DIR anyway. Raises ConfigError when a CA or certificate file cannot
        be loaded.
        """
        verify, cert = self.verify, self.cert
        if isinstance(verify, ssl.SSLContext):
            return verify
        if verify is True and cert is None:
            return _default_trust(False) if env_free_default and not self.trust_env else None
        try:
            if isinstance(verify, str):
                if os.path.isdir(verify):
                    context = ssl.create_default_context(capath=verify)
                else:
                    context = ssl.create_default_context(cafile=verify)
            else:
                context = _default_trust(self.trust_env)
                if verify is False:
                    context.check_hostname = False
                    context.verify_mode = ssl.CERT_NONE
            if cert is not None:
                if isinstance(cert, str):
                    context.load_cert_chain(cert)
                elif len(cert) == 2:
                    context.load_cert_chain(cert[0], cert[1])
                else:
                    context.load_cert_chain(cert[0], cert[1], cert[2])
        except (OSError, ssl.SSLError) as exc:
            what = "'cert'" if cert is not None and not isinstance(exc, FileNotFoundError) else None
            raise ConfigError(
                f"cannot load {what or _which_file(verify, cert, exc)}: {exc}"
            ) from exc
        return context


def _default_trust(trust_env: bool) -> ssl.SSLContext:
    """A verifying SSLContext with the default CAs; without ``trust_env``, none from the env.

    OpenSSL reads SSL_CERT_FILE and SSL_CERT_DIR whenever it loads its default
    paths, so without ``trust_env`` its compiled-in paths are loaded by name, or
    certifi's bundle where there are none (as httpx does).
    """
    if trust_env:
        return ssl.create_default_context()
    paths = ssl.get_default_verify_paths()
    cafile = paths.openssl_cafile if os.path.isfile(paths.openssl_cafile) else None
    capath = paths.openssl_capath if os.path.isdir(paths.openssl_capath) else None
    if cafile is None and capath is None:
        import certifi

        cafile = certifi.where()
    return ssl.create_default_context(cafile=cafile, capath=capath)


def _which_file(verify: VerifyInput, cert: CertInput | None, exc: BaseException) -> str:
    missing = getattr(exc, "filename", None)
    if isinstance(verify, str) and (missing is None or missing == verify):
        return f"the CA bundle in 'verify' ({verify!r})"
    return f"the client certificate in 'cert' ({missing or cert!r})"


def _without_userinfo(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _userinfo(url: str) -> tuple[str, str] | None:
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return None
    user = urllib.parse.unquote(parts.username or "")
    return user, urllib.parse.unquote(parts.password or "")
