"""Config keys other HTTP libraries use, mapped to ours, for the unknown-key error message.

Someone coming from requests, httpx, aiohttp, urllib3 or Axios types the name they
know; the error then names our equivalent instead of listing every key. Only names
that are not our own keys belong here (a test keeps it that way). A camelCase Axios
name needs an entry only when spelling cannot find ours (``baseURL`` finds
``base_url``; ``httpsAgent`` finds nothing) or finds the wrong one.
"""

from __future__ import annotations

from typing import Final, NamedTuple

__all__ = ["FOREIGN_KEYS", "Hint", "foreign_key_hint"]


class Hint(NamedTuple):
    """What another library's key is called here: our ``keys`` and a sentence that names them."""

    keys: tuple[str, ...]  # our config keys the advice names (empty: not a config key here)
    advice: str


_RETRIES: Final = Hint(
    ("max_retries", "retry_strategy"),
    "use 'max_retries' (how many) and 'retry_strategy' (backoff and which statuses)",
)
_HOOKS: Final = Hint((), "use interceptors (api.interceptors.request.use) or middleware (api.use)")
_AGENT: Final = Hint(
    ("max_connections", "max_keepalive_connections", "verify", "cert"),
    "Node's agent options are keys here: 'max_connections', 'max_keepalive_connections', "
    "'verify', 'cert'",
)
_XSRF: Final = Hint(
    ("headers",), "a browser-only Axios option; send the token in 'headers' (or an interceptor)"
)
_ENCODING: Final = Hint(
    (), "set response.encoding (in a response interceptor, say) to choose how .text decodes"
)
_POOL_SIZE: Final = Hint(("max_connections",), "use 'max_connections', the pool's size")
_PROXY_AUTH: Final = Hint(
    ("proxy",),
    "put the credentials in the 'proxy' URL, as its user:password part; they are sent as "
    "Proxy-Authorization",
)

FOREIGN_KEYS: Final[dict[str, Hint]] = {
    "allow_redirects": Hint(
        ("follow_redirects",), "requests and aiohttp call it that; use 'follow_redirects'"
    ),
    "redirect": Hint(("follow_redirects",), "urllib3 calls it that; use 'follow_redirects'"),
    "limits": Hint(
        ("max_connections", "max_keepalive_connections"),
        "httpx's Limits is two keys here: 'max_connections' and 'max_keepalive_connections'",
    ),
    "proxies": Hint(("proxy",), "use 'proxy', one proxy URL for every request"),
    "verify_ssl": Hint(("verify",), "aiohttp's name; use 'verify'"),
    "ssl": Hint(
        ("verify", "cert"),
        "aiohttp's name; use 'verify' for the server's certificate, 'cert' for a client one",
    ),
    "ssl_context": Hint(("verify",), "use 'verify', which takes an ssl.SSLContext"),
    "ca_certs": Hint(("verify",), "urllib3's name; use 'verify' with the CA bundle's path"),
    "cert_reqs": Hint(("verify",), "urllib3's name; use 'verify' (True or False)"),
    "cert_file": Hint(("cert",), "urllib3's name; use 'cert' (a PEM path, or (cert, key))"),
    "key_file": Hint(("cert",), "urllib3's name; use 'cert' as a (cert, key) pair"),
    "cookie_jar": Hint(("cookies",), "aiohttp's name; use 'cookies'"),
    "retries": _RETRIES,
    "retry": _RETRIES,
    "raise_for_status": Hint(
        ("validate_status",),
        "a status that 'validate_status' rejects (by default any non-2xx) raises "
        "HTTPStatusError; validate_status=lambda status: True never raises",
    ),
    "signal": Hint(("cancel_token",), "use 'cancel_token' with an axios_python.CancelToken"),
    "preload_content": Hint(("stream",), "urllib3's name; 'stream': True means not preloading"),
    "decode_content": Hint(("decompress",), "urllib3's name; use 'decompress'"),
    "auto_decompress": Hint(("decompress",), "aiohttp's name; use 'decompress'"),
    "content": Hint(("data",), "httpx's name; use 'data', which takes str or bytes too"),
    "body": Hint(("data", "json"), "use 'data' (str, bytes, form fields) or 'json'"),
    "fields": Hint(("data", "files"), "urllib3's name; use 'data' for fields, 'files' for files"),
    "query": Hint(("params",), "use 'params' for the query string"),
    "user_agent": Hint(("headers",), "set it in 'headers': {'User-Agent': ...}"),
    "pool_timeout": Hint(("timeout",), "use 'timeout' with a 'pool' part: {'pool': seconds}"),
    "connect_timeout": Hint(("timeout",), "use 'timeout' with a 'connect' part"),
    "read_timeout": Hint(("timeout",), "use 'timeout' with a 'read' part"),
    "hooks": _HOOKS,  # requests
    "event_hooks": _HOOKS,  # httpx
    "transport": Hint((), "a transport is not a config key: pass create(config, transport=...)"),
    "mounts": Hint((), "pass create(config, transport=...), or load a transport plugin"),
    # Axios (JavaScript) names that spelling alone cannot map to ours
    "adapter": Hint((), "Axios's adapter is a transport here: pass create(config, transport=...)"),
    "httpAgent": _AGENT,
    "httpsAgent": _AGENT,
    "withCredentials": Hint(
        ("cookies",), "a browser option; here the client's jar sends cookies: use 'cookies'"
    ),
    "xsrfCookieName": _XSRF,
    "xsrfHeaderName": _XSRF,
    "withXSRFToken": _XSRF,
    "formSerializer": Hint(
        ("data", "files"),
        "give 'data' a mapping to send a form (url-encoded), add 'files' for multipart",
    ),
    "responseEncoding": _ENCODING,
    "default_encoding": _ENCODING,  # httpx
    # connection and pool settings of aiohttp, urllib3 and requests' HTTPAdapter
    "connector": Hint(
        ("max_connections", "max_keepalive_connections", "verify"),
        "aiohttp's connector settings are keys here: 'max_connections', "
        "'max_keepalive_connections', 'verify'",
    ),
    "maxsize": _POOL_SIZE,
    "pool_maxsize": _POOL_SIZE,
    "num_pools": _POOL_SIZE,
    "backoff_factor": Hint(
        ("retry_strategy",),
        "use 'retry_strategy', e.g. ExponentialBackoff(...), with 'max_retries'",
    ),
    "proxy_auth": _PROXY_AUTH,
    "proxy_headers": _PROXY_AUTH,
    "skip_auto_headers": Hint(
        ("headers",), "aiohttp's name; a default header set to None in 'headers' is not sent"
    ),
    "compress": Hint(
        ("data", "headers"),
        "aiohttp's name; compress the body yourself into 'data' and name the coding in "
        "'headers' ('Content-Encoding')",
    ),
    "trace_configs": Hint((), "use interceptors or a plugin; api.plugin('otel') traces requests"),
}


def foreign_key_hint(key: str) -> str | None:
    """The advice for another library's ``key`` (any case), or None when the table lacks it.

    That every key an advice names is one of ours is checked once, by the tests.
    """
    hint = FOREIGN_KEYS.get(key) or FOREIGN_KEYS.get(key.lower())
    return None if hint is None else hint.advice
