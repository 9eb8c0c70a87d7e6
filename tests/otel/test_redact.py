"""url.full masking: the same values as the logger plugin masks, plus the semconv extras."""

from __future__ import annotations

import pytest
from axios_python_logger import LoggerPlugin
from axios_python_otel._redact import UrlRedactor
from hypothesis import given
from hypothesis import strategies as st

# URLs without a user name or a 'sig' key: there the two plugins must mask exactly alike.
SHARED = [
    "https://api.example.com/users/1",
    "https://api.example.com/search?q=otel&page=2",
    "https://api.example.com/x?token=abc&q=1",
    "https://api.example.com/x?access_token=abc&api_key=k&client_secret=s&password=p",
    "https://api.example.com/x?X-Amz-Signature=aa&X-Amz-Credential=bb",
    "https://api.example.com/x?AWSAccessKeyId=AKIA&Signature=zz&Expires=1",
    "https://api.example.com/x?X-Goog-Signature=gg&ok=1",
    "https://api.example.com/x?Token=UP&MyKey=1&keys=2",
    "https://api.example.com/x?cookie=c&x-api-key=k&authorization=a",
    "https://api.example.com/x?access%5Ftoken=enc&plain=1",
    "https://api.example.com/x?token=&empty",
    "https://api.example.com/x?token",
    "https://api.example.com/cb#access_token=frag&state=xyz",
    "https://api.example.com/x?a=1&a=2&secret_thing=3#k=v",
    "http://127.0.0.1:8080/path;params?password=hunter2",
    "https://[::1]:8443/x?key=v6",
    "http://[::1/x?token=broken-ipv6",
]


def _logger_url(url: str) -> str:
    return LoggerPlugin(redact_transport_logs=False).redactor.url(url)


@pytest.mark.parametrize("url", SHARED)
def test_masks_the_same_values_as_the_logger(url: str) -> None:
    """Same input, same masked positions; only the mask's spelling differs (semconv's)."""
    ours = UrlRedactor().url(url)
    assert ours.replace("REDACTED", "[REDACTED]") == _logger_url(url)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["q", "page", "token", "api_key", "Secret", "passwd", "id", "cookie"]),
            st.text(alphabet="abcXYZ019-_.~%", max_size=8),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_agrees_with_the_logger_on_generated_queries(pairs: list[tuple[str, str]]) -> None:
    """Any query built from common names: the logger and the plugin mask the same fields."""
    url = "https://api.example.com/x?" + "&".join(f"{k}={v}" for k, v in pairs)
    assert UrlRedactor().url(url).replace("REDACTED", "[REDACTED]") == _logger_url(url)


def test_extra_words_mask_more_fields_like_the_loggers_option() -> None:
    """redact_params= adds words, as LoggerPlugin(redact_params=...) does."""
    url = "https://api.example.com/x?session_id=1&q=2"
    logger = LoggerPlugin(redact_params=["session"], redact_transport_logs=False).redactor
    ours = UrlRedactor(["session"]).url(url)
    assert ours == "https://api.example.com/x?session_id=REDACTED&q=2"
    assert ours.replace("REDACTED", "[REDACTED]") == logger.url(url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:pw@h.example/x", "https://REDACTED:REDACTED@h.example/x"),
        ("https://ghp_tokenasuser@h.example/x", "https://REDACTED@h.example/x"),
        ("https://:pw@h.example/x", "https://REDACTED:REDACTED@h.example/x"),
        ("https://h.example/x?sig=abc&sv=2024", "https://h.example/x?sig=REDACTED&sv=2024"),
        ("https://h.example/x?SIG=abc", "https://h.example/x?SIG=REDACTED"),
        ("https://h.example/@me?design=1", "https://h.example/@me?design=1"),
    ],
)
def test_semconv_extras(url: str, expected: str) -> None:
    """The user name too (REDACTED:REDACTED@), and the 'sig' key (Azure SAS), as semconv asks."""
    assert UrlRedactor().url(url) == expected


def test_text_masks_every_url_in_a_message() -> None:
    """Error messages: each URL inside is masked, the rest of the text is kept."""
    message = (
        "GET https://u:pw@h.example/a?token=t1 failed after redirect to "
        "'http://other.example/b?api_key=k2&x=1': connection refused"
    )
    assert UrlRedactor().text(message) == (
        "GET https://REDACTED:REDACTED@h.example/a?token=REDACTED failed after redirect to "
        "'http://other.example/b?api_key=REDACTED&x=1': connection refused"
    )
