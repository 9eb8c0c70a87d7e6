"""Tests for axios-python-hmac, using the fixtures axios_python.testing provides."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axios_python_hmac import HmacPlugin, sign, verify

import axios_python
from axios_python import AxiosPython
from axios_python.testing import HookRecorder, MockTransport


def test_signs_each_request(
    axios_plugin_client: Callable[..., AxiosPython], axios_mock: MockTransport
) -> None:
    """Every request carries a timestamp and a signature the server can verify."""
    route = axios_mock.get("/orders", json=[])
    api = axios_plugin_client(HmacPlugin(secret="s3cret", clock=lambda: 1_700_000_000))
    api.get("/orders")
    headers = route.calls[0].headers
    assert headers["X-Timestamp"] == "1700000000"
    assert verify(
        "s3cret",
        "GET",
        "/orders",
        headers["X-Timestamp"],
        headers["X-Signature"],
        now=1_700_000_001,
    )


def test_runs_only_the_request_hook(
    axios_plugin_client: Callable[..., AxiosPython],
    axios_mock: MockTransport,
    axios_hook_recorder: HookRecorder,
) -> None:
    """The plugin implements axios_request and nothing else."""
    axios_mock.post("/pay", json={"ok": True})
    api = axios_plugin_client(HmacPlugin(secret=b"k"))
    api.post("/pay", json={"amount": 1})
    axios_hook_recorder.assert_ran("axios_request", plugin="hmac", times=1)
    axios_hook_recorder.assert_not_ran("axios_response", plugin="hmac")


def test_custom_header_and_algorithm(
    axios_plugin_client: Callable[..., AxiosPython], axios_mock: MockTransport
) -> None:
    """header= and algorithm= change where and how the signature is written."""
    route = axios_mock.delete("/items/1", status=204)
    api = axios_plugin_client(
        HmacPlugin(secret="k", header="X-Sig", algorithm="sha512", clock=lambda: 5)
    )
    api.delete("/items/1")
    assert route.calls[0].headers["X-Sig"] == sign("k", "DELETE", "/items/1", "5", "sha512")


def test_rejects_a_stale_or_forged_signature() -> None:
    """verify() refuses an old timestamp and a signature made with another secret."""
    good = sign("k", "GET", "/a", "100")
    assert verify("k", "GET", "/a", "100", good, now=150)
    assert not verify("k", "GET", "/a", "100", good, now=1000)
    assert not verify("other", "GET", "/a", "100", good, now=150)


def test_bad_options_are_refused() -> None:
    """An empty secret or an unknown algorithm fails when the plugin is built."""
    with pytest.raises(ValueError, match="secret"):
        HmacPlugin(secret="")
    with pytest.raises(ValueError, match="'md55'"):
        HmacPlugin(secret="k", algorithm="md55")


def test_loads_by_name_when_installed(axios_mock: MockTransport) -> None:
    """Once installed, the entry point makes api.plugin('hmac', ...) work."""
    route = axios_mock.get("/ping", json={})
    api = axios_python.create({"base_url": "https://api.test"}, transport=axios_mock)
    api.plugin("hmac", secret="k")
    api.get("/ping")
    assert "X-Signature" in route.calls[0].headers
