"""Options refused with clear errors, the plugin found by name, the meta extra."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from axios_python_otel import OtelPlugin
from axios_python_otel._origins import OriginSet

import axios_python
from axios_python import ConfigError, PluginOptionsError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"propagate_to": "https://api.example.com"}, r"list of origins.*got 'https://api"),
        ({"propagate_to": ["api.example.com"]}, r"must be origins.*got 'api.example.com'"),
        ({"propagate_to": ["https://api.example.com/v1"]}, r"no path.*got 'https://api.ex"),
        ({"propagate_to": ["ftp://files.example.com"]}, r"http or https.*got 'ftp://"),
        ({"propagate_to": ["https://u:p@api.example.com"]}, r"credentials"),
        ({"propagate_to": [42]}, r"str origins \(got 42\)"),
        ({"url_template": "/users/{id}"}, r"list of templates.*got '/users/\{id\}'"),
        ({"url_template": ["users/{id}"]}, r"starting with '/'.*got 'users/\{id\}'"),
        ({"url_template": [7]}, r"got 7"),
        ({"redact_params": "session"}, r"'redact_params' must be a list of str \(got 'session'\)"),
        ({"redact_params": [""]}, r"non-empty str \(got \[''\]\)"),
        ({"known_methods": "GET"}, r"'known_methods' must be a list.*got 'GET'"),
        ({"tracer_provider": object()}, r"'tracer_provider' must be a TracerProvider"),
        ({"meter_provider": "global"}, r"'meter_provider' must be a MeterProvider.*'global'"),
        ({"propagator": "b3"}, r"'propagator' must be a TextMapPropagator \(got 'b3'\)"),
    ],
)
def test_bad_options_say_what_was_expected(options: dict[str, Any], message: str) -> None:
    """Each bad option is a ConfigError that quotes the value and says what is expected."""
    with pytest.raises(ConfigError, match=message):
        OtelPlugin(**options)


def test_options_by_name_are_checked_too() -> None:
    """api.plugin('otel', ...) with an unknown option names the valid ones."""
    api = axios_python.create({"base_url": "http://127.0.0.1:9"})
    with pytest.raises(PluginOptionsError, match=r"no option 'propagate'.*'propagate_to'"):
        api.plugin("otel", propagate=["x"])


def test_origin_sets_match_exact_origins_and_subdomains() -> None:
    """Exact origins (default ports filled in) and scheme://*.domain for subdomains."""
    origins = OriginSet(["https://api.example.com", "http://*.internal.example:8080"])
    assert "https://api.example.com/x?y=1" in origins
    assert "https://API.example.com:443/" in origins
    assert "http://api.example.com/" not in origins  # another scheme is another origin
    assert "https://api.example.com:8443/" not in origins
    assert "http://a.internal.example:8080/x" in origins
    assert "http://a.b.internal.example:8080/x" in origins
    assert "http://internal.example:8080/x" not in origins  # the apex is not a subdomain
    assert "http://evilinternal.example:8080/x" not in origins
    assert "http://a.internal.example/x" not in origins  # port 80, not 8080
    assert "not a url" not in origins


def test_repr_shows_where_context_goes() -> None:
    """The repr says which origins receive the trace context."""
    assert repr(OtelPlugin()) == "OtelPlugin(propagate_to=all origins)"
    assert repr(OtelPlugin(propagate_to=["https://a.example"])) == (
        "OtelPlugin(propagate_to=['https://a.example'])"
    )


def test_listed_by_the_plugins_command() -> None:
    """python -m axios_python plugins --json lists otel with its distribution and hooks."""
    done = subprocess.run(
        [sys.executable, "-m", "axios_python", "plugins", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    rows = {row["name"]: row for row in json.loads(done.stdout)}
    assert rows["otel"]["distribution"] == "axios-python-otel"
    assert rows["otel"]["version"] == "0.1.0"
    assert rows["otel"]["hooks"] == [
        "axios_before_send",
        "axios_error",
        "axios_interrupted",
        "axios_request",
        "axios_response",
    ]


def test_is_an_extra_of_the_meta_distribution_in_lockstep() -> None:
    """pip install "axios-python[otel]" brings axios-python-otel at the same version.

    Read from the meta package's pyproject.toml: an editable install keeps the extras
    it had when the environment was made.
    """
    otel = importlib.metadata.metadata("axios-python-otel")
    assert otel["Version"] == axios_python.__version__
    meta = (ROOT / "packages" / "axios-python" / "pyproject.toml").read_text()
    extras = meta.partition("[project.optional-dependencies]")[2].partition("\n[")[0]
    assert f'otel = ["axios-python-otel=={otel["Version"]}"]' in extras.splitlines()
    assert f'version = "{otel["Version"]}"' in meta.splitlines()
    requires = [re.split(r"[<>=!~; ]", r)[0] for r in otel.get_all("Requires-Dist", [])]
    assert requires == ["axios-python-core", "opentelemetry-api"]  # the API only, never the SDK


def test_public_face() -> None:
    """The package exports exactly its documented names, at the lockstep version."""
    import axios_python_otel

    assert axios_python_otel.__all__ == [
        "DEFAULT_PARAM_WORDS",
        "REDACTED",
        "SCOPE",
        "OtelPlugin",
        "__version__",
    ]
    assert all(hasattr(axios_python_otel, name) for name in axios_python_otel.__all__)
    assert axios_python_otel.__version__ == importlib.metadata.version("axios-python-otel")
    assert axios_python_otel.__version__ == axios_python.__version__
