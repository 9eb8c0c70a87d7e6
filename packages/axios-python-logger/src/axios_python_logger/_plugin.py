"""LoggerPlugin: one structured stdlib-logging record per request, response and error."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from axios_python import (
    AxiosPythonError,
    ConfigError,
    Headers,
    Response,
    StreamError,
)
from axios_python.hookspecs import hookimpl

from ._redact import DEFAULT_HEADERS, DEFAULT_PARAM_WORDS, Redactor
from ._transport_logs import install as install_transport_filter
from ._urls import full_url

if TYPE_CHECKING:
    from axios_python import AxiosPython, RequestConfig

__all__ = ["LoggerPlugin"]

_TEXT_TYPES: Final = ("text/", "json", "xml", "x-www-form-urlencoded", "javascript", "yaml")


class LoggerPlugin:
    """Log every request and response of a client through the ``logging`` module.

    One line per request and per response at ``level``; failures (a status
    rejected by ``validate_status``, a timeout, a network error...) at
    ``error_level``, which is WARNING or above. Each record carries the fields in
    ``record.http`` (method, url, status, elapsed_ms, from_cache, retries...) for
    JSON formatters. Credentials are masked: the headers in ``redact_headers``
    (Authorization, Cookie, Set-Cookie, X-Api-Key... plus any header the request
    marks sensitive), query and body fields named like ``redact_params``, and
    those secrets' values wherever they show up again. Bodies are cut at
    ``max_body_length`` characters. With ``redact_transport_logs`` (default) the
    same masking applies to what httpx, httpcore and urllib3 log themselves::

        api.plugin(LoggerPlugin(level=logging.INFO, log_headers=False, log_body=True))
    """

    def __init__(
        self,
        level: int | str = logging.INFO,
        log_headers: bool = False,
        log_body: bool = False,
        logger: str | logging.Logger = "axios_python",
        *,
        error_level: int | str = logging.WARNING,
        redact_headers: Iterable[str] = (),
        redact_params: Iterable[str] = (),
        max_body_length: int = 1000,
        redact_transport_logs: bool = True,
    ) -> None:
        self.level = _level(level, "level")
        self.error_level = _level(error_level, "error_level")
        if self.error_level < logging.WARNING:
            raise ConfigError(
                "LoggerPlugin 'error_level' must be WARNING or above "
                f"(got {logging.getLevelName(self.error_level)})"
            )
        flags = (
            ("log_headers", log_headers),
            ("log_body", log_body),
            ("redact_transport_logs", redact_transport_logs),
        )
        for option, value in flags:
            if not isinstance(value, bool):
                raise ConfigError(f"LoggerPlugin {option!r} must be a bool (got {value!r})")
        self.log_headers = log_headers
        self.log_body = log_body
        if isinstance(logger, str):
            logger = logging.getLogger(logger)
        self.logger = logger
        if (
            isinstance(max_body_length, bool)
            or not isinstance(max_body_length, int)
            or max_body_length < 0
        ):
            raise ConfigError(
                "LoggerPlugin 'max_body_length' must be a non-negative int "
                f"(got {max_body_length!r})"
            )
        self.redactor = Redactor(
            DEFAULT_HEADERS | set(_strings(redact_headers, "redact_headers")),
            (*DEFAULT_PARAM_WORDS, *_strings(redact_params, "redact_params")),
            max_body_length,
        )
        if redact_transport_logs:
            install_transport_filter(self.redactor)

    @property
    def logger(self) -> logging.Logger:
        """The logger the records go to; assigning another one applies from the next request."""
        return self._logger

    @logger.setter
    def logger(self, value: logging.Logger) -> None:
        if not isinstance(value, logging.Logger):
            raise ConfigError(
                f"LoggerPlugin 'logger' must be a logger name or a logging.Logger (got {value!r})"
            )
        self._logger = value
        # logging's own memo of isEnabledFor answers (cleared in place on every level
        # change and logging.disable()): the hooks take a remembered False from it
        # without a call. Only for a Logger that does not decide itself; otherwise, or
        # if logging ever drops the memo, the empty dict sends every check to isEnabledFor.
        memo = getattr(value, "_cache", None)
        plain = type(value).isEnabledFor is logging.Logger.isEnabledFor
        self._enabled: dict[int, bool] = memo if plain and isinstance(memo, dict) else {}

    def __repr__(self) -> str:
        return (
            f"LoggerPlugin(level={logging.getLevelName(self.level)}, "
            f"log_headers={self.log_headers}, log_body={self.log_body}, "
            f"logger={self.logger.name!r})"
        )

    # --- hooks ------------------------------------------------------------------------

    @hookimpl(trylast=True)
    def axios_request(self, config: RequestConfig, client: AxiosPython) -> None:
        """Log the request as sent: after every other plugin changed it (trylast).

        Nothing is kept per request (the core gives the response and error hooks
        the start time), so a disabled logger costs one level check: logging's
        remembered "no" is read without a call; anything else asks isEnabledFor.
        """
        if self._enabled.get(self.level) is False or not self._logger.isEnabledFor(self.level):
            return
        method = config.get("method", "GET")
        url = full_url(config, client)
        fields: dict[str, Any] = {"event": "request", "method": method, "url": self._url(url)}
        message = f"HTTP request {method} {fields['url']}"
        if self.log_headers:
            fields["request_headers"] = self.redactor.header_map(
                config["headers"], config.get("sensitive_headers", ())
            )
            message += f" headers={fields['request_headers']}"
        if self.log_body:
            secrets = self._config_secrets(config, url)
            fields["request_body"] = self._request_body(config, secrets)
            message += f" body={fields['request_body']}"
        self.logger.log(self.level, message, extra={"http": fields})

    @hookimpl(trylast=True)
    def axios_response(
        self,
        response: Response,
        config: RequestConfig,
        client: AxiosPython,
        is_async: bool,
        started: float | None,
    ) -> None:
        """Log the response with status, time (since ``started``), cache and retry information."""
        if self._enabled.get(self.level) is False or not self._logger.isEnabledFor(self.level):
            return  # as in axios_request
        method = config.get("method") or response.request_method or "GET"
        fields = self._response_fields(response, method, started)
        status = f"{fields['status']} {fields['reason']}".rstrip()
        source = "cache hit" if fields["from_cache"] else "network"
        message = (
            f"HTTP response {method} {fields['url']} -> {status} "
            f"in {fields['elapsed_ms']:.1f} ms [{source}, retries: {fields['retries']}]"
        )
        if self.log_headers:
            fields["response_headers"] = self.redactor.header_map(response.headers)
            message += f" headers={fields['response_headers']}"
        if self.log_body:
            secrets = self._config_secrets(config, full_url(config, client), response)
            fields["response_body"] = self._response_body(response, secrets)
            message += f" body={fields['response_body']}"
        self.logger.log(self.level, message, extra={"http": fields})

    @hookimpl(tryfirst=True)
    def axios_error(
        self,
        error: Exception,
        config: RequestConfig,
        client: AxiosPython,
        is_async: bool,
        started: float | None,
    ) -> None:
        """Log a failure at ``error_level`` (first, so a plugin that recovers cannot hide it)."""
        if not self.logger.isEnabledFor(self.error_level):
            return None
        method = config.get("method", "GET")
        response = error.response if isinstance(error, AxiosPythonError) else None
        url = full_url(config, client)
        secrets = self._config_secrets(config, url, response)
        if response is not None:
            fields = self._response_fields(response, method, started)
        else:
            request = error.request if isinstance(error, AxiosPythonError) else None
            fields = {
                "event": "error",
                "method": method,
                "url": self._url(request.url if request is not None else url),
                "status": None,
                "elapsed_ms": _ms(started),
            }
        fields["event"] = "error"
        fields["error_type"] = type(error).__name__
        fields["error"] = self.redactor.text(str(error), secrets)
        outcome = f"-> {fields['status']} {fields.get('reason', '')}".rstrip()
        if response is None:
            outcome = f"failed: {fields['error_type']}: {fields['error']}"
        message = f"HTTP error {method} {fields['url']} {outcome}"
        if fields.get("elapsed_ms") is not None:
            message += f" in {fields['elapsed_ms']:.1f} ms"
        if response is not None and self.log_headers:
            fields["response_headers"] = self.redactor.header_map(response.headers)
        if response is not None and self.log_body:
            fields["response_body"] = self._response_body(response, secrets)
            message += f" body={fields['response_body']}"
        self.logger.log(self.error_level, message, extra={"http": fields})
        return None

    # --- helpers ----------------------------------------------------------------------

    def _url(self, url: str) -> str:
        return self.redactor.url(url)

    def _response_fields(
        self, response: Response, method: str, started: float | None
    ) -> dict[str, Any]:
        elapsed = _ms(started)
        if elapsed is None:
            elapsed = response.elapsed.total_seconds() * 1000
        return {
            "event": "response",
            "method": method,
            "url": self._url(response.url),
            "status": response.status_code,
            "reason": response.reason_phrase,
            "elapsed_ms": round(elapsed, 3),
            "from_cache": bool(response.from_cache),
            "retries": response.retries,
        }

    def _config_secrets(
        self, config: Mapping[str, Any], url: str, response: Response | None = None
    ) -> frozenset[str]:
        """Secret values this request carries, to scrub wherever they show up again."""
        headers = Headers(config.get("headers"))
        urls = [url]
        if response is not None and response.request is not None:
            for name, value in response.request.headers.multi_items():
                headers.add(name, value)
            urls.append(response.request.url)
        bodies = [config.get("json"), config.get("data"), config.get("params")]
        return self.redactor.secrets(
            headers, urls, [b for b in bodies if b is not None], config.get("sensitive_headers", ())
        )

    def _request_body(self, config: Mapping[str, Any], secrets: frozenset[str]) -> str:
        if config.get("files"):
            files = config["files"]
            names = list(files) if isinstance(files, Mapping) else [name for name, _ in files]
            return f"<multipart files: {', '.join(map(str, names))}>"
        if config.get("json") is not None:
            return self.redactor.body(config["json"], secrets)
        data = config.get("data")
        if data is None or isinstance(data, (str, bytes, Mapping)):
            return self.redactor.body(data, secrets)
        return "<stream>"

    def _response_body(self, response: Response, secrets: frozenset[str]) -> str:
        try:
            content = response.content
        except StreamError:
            return "<stream, not read>"
        content_type = response.headers.get("content-type", "").lower()
        if content and content_type and not any(t in content_type for t in _TEXT_TYPES):
            return f"<{len(content)} bytes of {content_type.split(';')[0]}>"
        text = content.decode(response.encoding, errors="replace")
        return self.redactor.body(text, secrets)


def _ms(started: float | None) -> float | None:
    if started is None:
        return None
    return round((time.perf_counter() - started) * 1000, 3)


def _level(value: Any, option: str) -> int:
    if isinstance(value, bool):
        value = repr(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        level = logging.getLevelName(value.upper())
        if isinstance(level, int):
            return level
    raise ConfigError(
        f"LoggerPlugin {option!r} must be a logging level like logging.INFO or 'INFO' "
        f"(got {value!r})"
    )


def _strings(values: Iterable[str], option: str) -> list[str]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ConfigError(f"LoggerPlugin {option!r} must be a list of str (got {values!r})")
    items = list(values)
    if not all(isinstance(item, str) and item for item in items):
        raise ConfigError(f"LoggerPlugin {option!r} must contain non-empty str (got {items!r})")
    return items
