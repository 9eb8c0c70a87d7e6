"""Typed config: the keys, the library defaults, validation at the edge, and merging."""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import AsyncIterable, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, TypedDict, Union

from ._auth import BasicAuth, check_auth, split_credentials
from ._config_hints import foreign_key_hint
from ._connection_options import CONNECTION_KEYS, CertInput, VerifyInput
from ._cookies import CookieJar, check_cookies
from ._decoding import accept_encoding
from ._exceptions import ConfigError
from ._headers import Headers, HeadersInput
from ._multipart import FilesInput
from ._params import ParamsSerializer, check_serializer
from ._progress import ProgressCallback
from ._redact import CREDENTIAL_HEADERS
from ._repr import short_repr
from ._timeout import DEFAULT_TIMEOUT, MAX_SECONDS, Timeout, TimeoutInput
from ._urls import ParamsInput, check_controls, is_absolute, origin_of
from ._version import __version__

if sys.version_info >= (3, 11):
    from typing import Required
else:  # a dependency of the core on Python 3.10
    from typing_extensions import Required

if TYPE_CHECKING:
    from ._cancel import CancelToken
    from ._retry import RetryStrategy

__all__ = [
    "DEFAULT_ACCEPT",
    "DEFAULT_SENSITIVE_HEADERS",
    "INSTANCE_KEYS",
    "USER_AGENT",
    "VALID_KEYS",
    "AuthInput",
    "CookiesInput",
    "RequestConfig",
    "RequestOptions",
    "ResponseType",
    "Transform",
    "default_validate_status",
    "library_defaults",
    "merge_config",
    "method_name",
    "refuse_instance_key",
    "validate_options",
]

Transform = Callable[[Any, Headers], Any]
AuthInput = Union[BasicAuth, tuple[str, str], Mapping[str, str], None]
CookiesInput = Union[Mapping[str, str], bool, CookieJar, None]
"""``cookies``: cookies by name; for create() also True/False (the jar on or off) or a jar."""
"""``auth``: Basic credentials as a (username, password) pair, a mapping or a BasicAuth."""
ResponseType = Literal["json", "text", "bytes", "stream"]


class RequestOptions(TypedDict, total=False):
    """Every key accepted by create(config) and as a per-request keyword argument."""

    base_url: str | None
    headers: HeadersInput
    params: ParamsInput
    timeout: TimeoutInput
    json: Any
    data: Any
    files: FilesInput | None
    stream: bool
    follow_redirects: bool
    max_redirects: int
    validate_status: Callable[[int], bool] | None
    transform_request: Transform | Sequence[Transform] | None
    transform_response: Transform | Sequence[Transform] | None
    sensitive_headers: Iterable[str]  # added to DEFAULT_SENSITIVE_HEADERS (credentials)
    trusted_origins: Iterable[str]
    auth: AuthInput
    params_serializer: ParamsSerializer | None
    cookies: CookiesInput
    max_retries: int
    retry_strategy: RetryStrategy | None
    retry_methods: Iterable[str] | None
    retry_deadline: float | None
    cancel_token: CancelToken | None
    plugins: Mapping[str, Mapping[str, Any]]
    decompress: bool
    max_content_length: int | None
    max_body_length: int | None
    on_upload_progress: ProgressCallback | None
    on_download_progress: ProgressCallback | None
    response_type: ResponseType | None
    # create() only: they shape the connection pools (ConnectionOptions)
    proxy: str | None
    verify: VerifyInput
    cert: CertInput | None
    trust_env: bool
    http2: bool
    max_connections: int
    max_keepalive_connections: int | None


class RequestConfig(TypedDict, total=False):
    """The merged, validated config one request runs with (what interceptors receive).

    ``headers`` is always a case-insensitive Headers owned by this request alone,
    ``timeout`` a Timeout; other keys keep the types of RequestOptions. Keys with a
    library default are ``Required``: ``config["headers"]`` type-checks everywhere,
    while a key without one (``json``, ``params``...) is read with ``config.get()``.
    """

    method: Required[str]
    url: Required[str]
    base_url: Required[str | None]
    headers: Required[Headers]
    params: ParamsInput
    timeout: Required[Timeout]
    json: Any
    data: Any
    files: FilesInput | None
    stream: Required[bool]
    follow_redirects: Required[bool]
    max_redirects: Required[int]
    validate_status: Required[Callable[[int], bool] | None]
    transform_request: Transform | Sequence[Transform] | None
    transform_response: Transform | Sequence[Transform] | None
    sensitive_headers: Required[frozenset[str]]
    trusted_origins: Required[frozenset[str]]
    auth: BasicAuth | None
    params_serializer: ParamsSerializer | None
    cookies: Mapping[str, str] | None
    max_retries: Required[int]
    retry_strategy: Required[RetryStrategy | None]
    retry_methods: Required[frozenset[str] | None]
    retry_deadline: Required[float | None]
    cancel_token: Required[CancelToken | None]
    plugins: Mapping[str, Mapping[str, Any]]
    decompress: bool
    max_content_length: int | None
    max_body_length: int | None
    on_upload_progress: ProgressCallback | None
    on_download_progress: ProgressCallback | None
    response_type: ResponseType | None


DEFAULT_SENSITIVE_HEADERS: Final = CREDENTIAL_HEADERS


def default_validate_status(status: int) -> bool:
    """Axios's default: only 2xx passes."""
    return 200 <= status < 300


USER_AGENT: Final = f"axios-python/{__version__}"
DEFAULT_ACCEPT: Final = "application/json, text/plain, */*"  # axios's default Accept


def library_defaults() -> dict[str, Any]:
    """A fresh copy of the library defaults (the bottom layer of every config)."""
    return {
        "method": "GET",
        "base_url": None,
        # Accept-Encoding names the codings the core decodes (transports never decode).
        "headers": Headers.from_trusted(
            [
                ("Accept", DEFAULT_ACCEPT),
                ("User-Agent", USER_AGENT),
                ("Accept-Encoding", accept_encoding()),
            ]
        ),
        "timeout": DEFAULT_TIMEOUT,
        "stream": False,
        "follow_redirects": True,
        "max_redirects": 20,
        "validate_status": default_validate_status,
        "sensitive_headers": DEFAULT_SENSITIVE_HEADERS,
        "trusted_origins": frozenset(),
        "max_retries": 0,
        "retry_strategy": None,
        "retry_methods": None,
        "retry_deadline": None,
        "cancel_token": None,
    }


# --- validation -----------------------------------------------------------------

Check = Callable[[str, Any], Any]


def _expect(what: str, *types: type) -> Check:
    def check(key: str, value: Any) -> Any:
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise ConfigError(f"{key!r} must be {what} (got {_show(value)})")
        return value

    return check


def _optional(check: Check) -> Check:
    def optional(key: str, value: Any) -> Any:
        return None if value is None else check(key, value)

    return optional


def _non_negative_int(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{key!r} must be a non-negative int (got {_show(value)})")
    return value


def _headers(key: str, value: Any) -> Headers | list[tuple[str, str | None]]:
    """Headers of one layer; with a None value (a removal) the validated pairs are kept."""
    if value is None:
        return Headers()
    try:
        if isinstance(value, Headers):
            return value.copy()
        pairs = list(value.items() if isinstance(value, Mapping) else value)
        headers = Headers(pairs)
        if len(headers.multi_items()) < len(pairs):  # some values were None: keep them
            return pairs
        return headers
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{key!r} is invalid: {exc}") from None


def _timeout(key: str, value: Any) -> Timeout:
    try:
        return Timeout.of(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{key!r} is invalid: {exc}") from None


# RFC 9110 section 9: a method is a token (letters, digits and !#$%&'*+-.^_`|~).
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_STANDARD_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")
# Names already checked, to their upper-cased form: the same few arrive on every request.
_METHODS: dict[str, str] = {
    **{name: name for name in _STANDARD_METHODS},
    **{name.lower(): name for name in _STANDARD_METHODS},
}
_METHODS_MAX = 256
SENDABLE_METHODS: set[str] = set(_STANDARD_METHODS)
"""Methods already checked, as sent (upper-cased): prepare's test without a call."""


def method_name(value: object, key: str = "method") -> str:
    """``value`` as the method sent: any RFC 9110 token, upper-cased (``"m-search"`` -> M-SEARCH).

    Raises ConfigError for anything else (not a str, empty, a space or a control character).
    """
    if type(value) is str:
        known = _METHODS.get(value)
        if known is not None:
            return known
    if not isinstance(value, str) or not _TOKEN.fullmatch(value):
        raise ConfigError(
            f"{key!r} must be an HTTP method name, a token like 'GET', 'PROPFIND' or 'M-SEARCH' "
            f"(got {_show(value)})"
        )
    name = value.upper()
    if len(_METHODS) < _METHODS_MAX:
        _METHODS[value] = name
        SENDABLE_METHODS.add(name)
    return name


def _method(key: str, value: Any) -> str:
    return method_name(value, key)


def _str_set(lower: bool) -> Check:
    def check(key: str, value: Any) -> frozenset[str]:
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise ConfigError(f"{key!r} must be a collection of strings (got {_show(value)})")
        items = list(value)
        if not all(isinstance(item, str) for item in items):
            raise ConfigError(f"{key!r} must contain only strings (got {_show(value)})")
        return frozenset(item.lower() for item in items) if lower else frozenset(items)

    return check


def _sensitive_headers(key: str, value: Any) -> frozenset[str]:
    # Additive on purpose: naming one custom header must not un-protect the credentials.
    extra: frozenset[str] = _str_set(lower=True)(key, value)
    return DEFAULT_SENSITIVE_HEADERS | extra


def _origins(key: str, value: Any) -> frozenset[str]:
    origins = _str_set(lower=False)(key, value)
    normalized = set()
    for origin in origins:
        scheme, host, port = origin_of(origin)
        if not scheme or not host:
            raise ConfigError(
                f"{key!r} entries must be origins like 'https://api.example.com' (got {origin!r})"
            )
        normalized.add(f"{scheme}://{host}:{port}")
    return frozenset(normalized)


def _callable(key: str, value: Any) -> Any:
    if not callable(value):
        raise ConfigError(f"{key!r} must be callable (got {_show(value)})")
    return value


def _transforms(key: str, value: Any) -> Any:
    if value is None or callable(value):
        return value
    if isinstance(value, Sequence) and all(callable(item) for item in value):
        return list(value)
    raise ConfigError(f"{key!r} must be a callable or a list of callables (got {_show(value)})")


def _params(key: str, value: Any) -> Any:
    if value is None:
        return value
    if isinstance(value, str):
        return check_controls(repr(key), value)
    if isinstance(value, Mapping):
        return dict(value)  # a copy: later changes to the caller's dict must not leak in
    if isinstance(value, Iterable) and not isinstance(value, bytes):
        items = list(value)
        if all(isinstance(item, tuple) and len(item) == 2 for item in items):
            return items
    raise ConfigError(
        f"{key!r} must be a mapping, a list of (name, value) pairs or a query string "
        f"(got {_show(value)})"
    )


def _data(key: str, value: Any) -> Any:
    if value is None or isinstance(value, (str, bytes, Mapping, AsyncIterable, Iterable)):
        return value
    raise ConfigError(
        f"{key!r} must be a mapping (form fields), str, bytes or an iterable of bytes "
        f"(got {_show(value)})"
    )


def _files(key: str, value: Any) -> Any:
    if value is None or isinstance(value, Mapping):
        return value
    if isinstance(value, (list, tuple)) and all(
        isinstance(item, tuple) and len(item) == 2 for item in value
    ):
        return value
    raise ConfigError(f"{key!r} must be a mapping of field name to file (got {_show(value)})")


def _retry_strategy(key: str, value: Any) -> Any:
    from ._retry import RetryStrategy

    if value is not None and not isinstance(value, RetryStrategy):
        raise ConfigError(
            f"{key!r} must be a RetryStrategy such as ExponentialBackoff() (got {_show(value)})"
        )
    return value


def _byte_count(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{key!r} must be a positive number of bytes (got {_show(value)})")
    return value


_RESPONSE_TYPES: Final = ("json", "text", "bytes", "stream")


def _response_type(key: str, value: Any) -> Any:
    if value is not None and value not in _RESPONSE_TYPES:
        raise ConfigError(
            f"{key!r} must be one of {', '.join(map(repr, _RESPONSE_TYPES))} (got {_show(value)})"
        )
    return value


def _proxy(key: str, value: Any) -> Any:
    if value is None:
        return None
    from ._urls import origin_of

    scheme = value.split("://", 1)[0].lower() if isinstance(value, str) and "://" in value else ""
    if scheme not in ("http", "https"):
        raise ConfigError(
            f"{key!r} must be an http:// or https:// proxy URL like 'http://proxy.local:3128' "
            f"(got {_show_url(value)})"
        )
    try:
        origin_of(value)
    except ConfigError as exc:
        raise ConfigError(f"{key!r} is not a valid proxy URL: {exc}") from None
    return value


def _show_url(value: Any) -> str:
    """A proxy URL shown without its password."""
    if isinstance(value, str) and "@" in value:
        head, _, host = value.rpartition("@")
        return f"str: {head.split(':', 2)[0]}:...@{host}" if "://" in head else f"str: ...@{host}"
    return _show(value)


def _verify(key: str, value: Any) -> Any:
    import ssl

    if isinstance(value, (bool, str, ssl.SSLContext)):
        return value
    raise ConfigError(
        f"{key!r} must be True, False, a CA bundle path or an ssl.SSLContext (got {_show(value)})"
    )


def _cert(key: str, value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, tuple) and len(value) in (2, 3) and all(isinstance(v, str) for v in value):
        return value
    raise ConfigError(
        f"{key!r} must be a PEM file path, (cert, key) or (cert, key, password) "
        f"(got {_show(value)})"
    )


def _positive_int(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{key!r} must be a positive int (got {_show(value)})")
    return value


def _seconds(key: str, value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 < value <= MAX_SECONDS
    ):
        raise ConfigError(
            f"{key!r} must be a positive number of seconds, at most {MAX_SECONDS:,.0f} "
            f"(got {_show(value)})"
        )
    return float(value)


def _cancel_token(key: str, value: Any) -> Any:
    from ._cancel import CancelToken

    if value is not None and not isinstance(value, CancelToken):
        raise ConfigError(f"{key!r} must be a CancelToken (got {_show(value)})")
    return value


def _plugins(key: str, value: Any) -> Any:
    if not isinstance(value, Mapping) or not all(
        isinstance(name, str) and isinstance(options, Mapping) for name, options in value.items()
    ):
        raise ConfigError(
            f"{key!r} must map plugin names to option mappings, like "
            f"{{'cache': {{'ttl': 120}}}} (got {_show(value)})"
        )
    return value


def _anything(key: str, value: Any) -> Any:
    return value


_CHECKS: Final[dict[str, Check]] = {
    "method": _method,
    "url": _expect("a str", str),
    "base_url": _optional(_expect("a str like 'https://api.example.com/v1'", str)),
    "headers": _headers,
    "params": _params,
    "timeout": _timeout,
    "json": _anything,
    "data": _data,
    "files": _files,
    "stream": _expect("a bool", bool),
    "follow_redirects": _expect("a bool", bool),
    "max_redirects": _non_negative_int,
    "validate_status": _optional(_callable),
    "transform_request": _transforms,
    "transform_response": _transforms,
    "sensitive_headers": _sensitive_headers,
    "trusted_origins": _origins,
    "auth": check_auth,
    "params_serializer": check_serializer,
    "cookies": check_cookies,
    "max_retries": _non_negative_int,
    "retry_strategy": _retry_strategy,
    "retry_methods": _optional(_str_set(lower=False)),
    "retry_deadline": _optional(_seconds),
    "cancel_token": _cancel_token,
    "plugins": _plugins,
    "decompress": _expect("a bool", bool),
    "max_content_length": _optional(_byte_count),
    "max_body_length": _optional(_byte_count),
    "on_upload_progress": _optional(_callable),
    "on_download_progress": _optional(_callable),
    "response_type": _response_type,
    "proxy": _proxy,
    "verify": _verify,
    "cert": _cert,
    "trust_env": _expect("a bool", bool),
    "http2": _expect("a bool", bool),
    "max_connections": _positive_int,
    "max_keepalive_connections": _optional(_non_negative_int),
}

VALID_KEYS: Final = frozenset(_CHECKS)
INSTANCE_KEYS: Final = frozenset({"plugins", *CONNECTION_KEYS})
"""Keys of create() alone: plugins, and the connection options that shape the pools."""


def refuse_instance_key(key: object, where: str) -> None:
    """ConfigError when ``key`` belongs to the instance (create()), not to ``where``."""
    if key == "plugins":
        raise ConfigError(
            f"'plugins' is an instance setting, not for {where}: pass it to create() "
            "or call api.plugin() / api.unplugin()"
        )
    if key in CONNECTION_KEYS:
        raise ConfigError(
            f"{key!r} is an instance setting, not for {where}: it shapes the connection "
            "pools, so pass it to create() (one client per set of connection options)"
        )


def _instance_only(key: str, value: Any) -> Any:
    refuse_instance_key(key, "a request")
    return value  # pragma: no cover - refuse_instance_key always raises


# A request's own options: the same checks, but the instance's keys are refused.
_REQUEST_CHECKS: Final = {**_CHECKS, **dict.fromkeys(INSTANCE_KEYS, _instance_only)}


def validate_options(
    options: Mapping[str, Any], *, where: str, per_request: bool = False
) -> dict[str, Any]:
    """Check every key and value of ``options`` once; return them normalized.

    Raises ConfigError naming an unknown key (with the nearest valid key) or a
    value of the wrong type. ``where`` names the source in messages ("create()").
    ``per_request`` refuses the keys of create() alone (plugins, connection options).
    """
    if not isinstance(options, Mapping):
        raise ConfigError(
            f"the config for {where} must be a mapping of option names to values, like "
            f"{{'base_url': 'https://api.example.com', 'timeout': 5}} (got {_show(options)})"
        )
    checks = _REQUEST_CHECKS if per_request else _CHECKS
    normalized: dict[str, Any] = {}
    for key, value in options.items():
        check = checks.get(key)
        if check is None:
            raise ConfigError(_unknown_key_message(key, where))
        normalized[key] = check(key, value)
    if normalized.get("json") is not None and normalized.get("data") is not None:
        raise ConfigError(f"pass either 'json' or 'data' in {where}, not both")
    base_url = normalized.get("base_url")
    if base_url:
        check_controls("'base_url'", base_url)
        if "@" in base_url:  # credentials in base_url become the instance's auth
            normalized["base_url"], credentials = split_credentials(base_url)
            if credentials is not None:
                normalized.setdefault("auth", credentials)
        if not is_absolute(normalized["base_url"]):
            raise ConfigError(
                f"'base_url' must be absolute, like 'https://api.example.com/v1' "
                f"(got {normalized['base_url']!r})"
            )
    return normalized


def _unknown_key_message(key: object, where: str) -> str:
    message = f"unknown config key {key!r} in {where}"
    if isinstance(key, str):
        advice = foreign_key_hint(key)
        if advice is not None:
            return f"{message}: {advice}"
        close = difflib.get_close_matches(key, sorted(VALID_KEYS), n=1, cutoff=0.6)
        if not close:
            close = [k for k in sorted(VALID_KEYS) if k.replace("_", "") == key.lower()]
        if close:
            return f"{message}; did you mean {close[0]!r}?"
    return f"{message}; valid keys are: {', '.join(sorted(VALID_KEYS))}"


def _show(value: Any) -> str:
    return f"{type(value).__name__}: {short_repr(value)}"


# --- merging ----------------------------------------------------------------------


def merge_config(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Layer validated ``overrides`` on ``base``; the result owns its headers and params.

    Headers merge by name (case-insensitive); params merge by name when the base is
    a mapping and the override a mapping or a list of pairs (a query string replaces
    them); every other key in ``overrides`` replaces the base value.
    """
    merged = {**base, **overrides}  # one C-level build (dict() of Defaults costs twice as much)
    headers: Headers = base["headers"].copy()
    if "headers" in overrides:
        headers.update_from(overrides["headers"])
    merged["headers"] = headers
    base_params = base.get("params")
    if base_params is not None and isinstance(base_params, Mapping):  # no ABC check for None
        extra = overrides.get("params")
        if isinstance(extra, Mapping):
            merged["params"] = {**base_params, **extra}
        elif isinstance(extra, list):  # (name, value) pairs: their names replace the base's
            names = {name for name, _ in extra}
            kept = [(name, value) for name, value in base_params.items() if name not in names]
            merged["params"] = kept + extra
        elif "params" not in overrides:
            merged["params"] = dict(base_params)
    return merged


ConfigInput = Union[RequestOptions, Mapping[str, Any]]
