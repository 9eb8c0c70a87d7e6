"""Keys other HTTP libraries use get an error naming our equivalent, not a list of every key."""

from __future__ import annotations

import pytest

import axios_python
from axios_python import AxiosPython, ConfigError
from axios_python._config import VALID_KEYS
from axios_python._config_hints import FOREIGN_KEYS

from ._support import Recorder

__all__: list[str] = []


def _message(config: dict[str, object]) -> str:
    with pytest.raises(ConfigError) as info:
        axios_python.create(config)  # type: ignore[arg-type]
    return str(info.value)


@pytest.mark.parametrize("key", sorted(FOREIGN_KEYS))
def test_foreign_key_names_our_equivalent(key: str) -> None:
    """Each key in the table gets its advice, which quotes every one of our keys it points at."""
    hint = FOREIGN_KEYS[key]
    for ours in hint.keys:
        assert f"'{ours}'" in hint.advice, f"the advice for {key!r} does not name {ours!r}"
    message = _message({key: 1})
    assert message.startswith(f"unknown config key {key!r} in create()")
    assert message.endswith(f": {hint.advice}")
    assert "valid keys are" not in message


@pytest.mark.parametrize("key", sorted(FOREIGN_KEYS))
def test_every_key_a_hint_names_is_one_of_ours(key: str) -> None:
    """A hint pointing at a key we renamed or removed would send the user astray: it fails here."""
    missing = [ours for ours in FOREIGN_KEYS[key].keys if ours not in VALID_KEYS]
    assert missing == [], f"the hint for {key!r} names {missing}, which are not config keys"


def test_the_table_never_shadows_one_of_our_keys() -> None:
    """A name that is a real key is validated as such; the table must not list it."""
    assert sorted(set(FOREIGN_KEYS) & VALID_KEYS) == []


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("allow_redirects", "use 'follow_redirects'"),
        ("retries", "use 'max_retries' (how many) and 'retry_strategy'"),
        ("Signal", "use 'cancel_token' with an axios_python.CancelToken"),
        ("transport", "pass create(config, transport=...)"),
        ("hooks", "api.interceptors.request.use"),
        ("httpsAgent", "options are keys here: 'max_connections'"),
        ("adapter", "a transport here: pass create(config, transport=...)"),
        ("pool_maxsize", "use 'max_connections'"),
        ("skip_auto_headers", "a default header set to None in 'headers' is not sent"),
        ("formSerializer", "give 'data' a mapping"),
    ],
)
def test_message_reads_as_advice(key: str, expected: str) -> None:
    """The message says what to write instead (the key's case does not matter)."""
    assert expected in _message({key: True})


def test_request_keyword_gets_the_hint_before_sending(recorder: Recorder) -> None:
    """A per-request keyword from another library is refused with the same advice."""
    api = AxiosPython({"base_url": "https://x.test"}, transport=recorder)
    with pytest.raises(ConfigError, match=r"'allow_redirects' in GET '/'.*'follow_redirects'"):
        api.get("/", allow_redirects=False)  # type: ignore[call-arg]
    assert recorder.requests == []


async def test_async_request_keyword_gets_the_hint(recorder: Recorder) -> None:
    """The async methods give the same advice."""
    api = AxiosPython({"base_url": "https://x.test"}, transport=recorder)
    with pytest.raises(ConfigError, match=r"'raise_for_status'.*'validate_status'"):
        await api.async_get("/", raise_for_status=True)  # type: ignore[call-arg]
    assert recorder.requests == []


@pytest.mark.parametrize("key", ["skip_auto_headers", "compress", "formSerializer", "connector"])
def test_a_misleading_nearest_key_is_replaced_by_advice(key: str) -> None:
    """Spelling alone would point these at a key that does something else (sensitive_headers,
    decompress, params_serializer, max_connections alone): the table answers first."""
    assert "did you mean" not in _message({key: 1})


@pytest.mark.parametrize("key", ["httpsAgent", "withCredentials", "xsrfHeaderName", "num_pools"])
def test_well_known_names_never_get_the_list_of_every_key(key: str) -> None:
    """Names a newcomer from Axios or urllib3 types are answered with advice, not a list."""
    assert "valid keys are" not in _message({key: 1})


def test_typo_still_gets_the_nearest_key() -> None:
    """A misspelling of one of our keys is not mistaken for another library's name."""
    assert _message({"folow_redirects": True}).endswith("did you mean 'follow_redirects'?")
