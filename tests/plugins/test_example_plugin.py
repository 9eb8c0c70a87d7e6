"""The example third-party plugin, built into a wheel and installed for real."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from echo_server import EchoServer

import axios_python

from ._install import EXAMPLE, EXAMPLE_DISTRIBUTION


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_fresh_interpreter_uses_the_plugin_by_name(example_plugin: str, server: EchoServer) -> None:
    """A new Python process loads 'hmac' through its entry point and signs a real request."""
    from axios_python_hmac import verify  # importable once the fixture installed it

    done = _run(
        f"""
        import json, axios_python
        api = axios_python.create({{"base_url": {server.url!r}}})
        api.plugin("hmac", secret="s3cret")
        print(json.dumps(api.get("/headers").data["headers"]))
        """
    )
    assert done.returncode == 0, done.stderr
    headers = json.loads(done.stdout)
    assert verify("s3cret", "GET", "/headers", headers["X-Timestamp"], headers["X-Signature"])


def test_declared_in_create_config(example_plugin: str, server: EchoServer) -> None:
    """create({'plugins': {'hmac': {...}}}) loads and configures it in this process too."""
    from axios_python_hmac import verify

    api = axios_python.create({"base_url": server.url, "plugins": {"hmac": {"secret": "k"}}})
    headers = api.get("/headers").data["headers"]
    assert api.plugin_names == ("hmac",)
    assert verify("k", "GET", "/headers", headers["X-Timestamp"], headers["X-Signature"])


def test_listed_with_distribution_version_and_hooks(example_plugin: str) -> None:
    """The listing command shows the installed wheel: distribution, version, hooks, ok."""
    done = _run(
        "import runpy, sys; sys.argv = ['x', 'plugins', '--json']; "
        "runpy.run_module('axios_python', run_name='__main__')"
    )
    assert done.returncode == 0, done.stderr
    (row,) = [r for r in json.loads(done.stdout) if r["name"] == "hmac"]
    assert row == {
        "name": "hmac",
        "entry_point": "axios_python_hmac:HmacPlugin",
        "distribution": EXAMPLE_DISTRIBUTION,
        "version": example_plugin,
        "hooks": ["axios_request"],
        "status": "ok",
        "reason": None,
    }


def test_its_own_test_suite_passes(example_plugin: str) -> None:
    """The example's tests (using axios_python.testing via -p) pass against the installed wheel."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=EXAMPLE,
        capture_output=True,
        # Only the plugins the run asks for (-p / pytest_plugins): faster, and proves it.
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 passed" in done.stdout


def test_installed_is_not_enabled(example_plugin: str) -> None:
    """Installing a plugin changes nothing until a client asks for it by name."""
    api = axios_python.create()
    assert api.plugin_names == ()
    assert api._plugin_host is None
