"""python -m axios_python plugins [--json] [--load], run as a user would, in a new process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from axios_python.__main__ import main


def _cli(*args: str, site: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "axios_python", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        check=False,
    )


def _rows(output: str) -> dict[str, Any]:
    return {row["name"]: row for row in json.loads(output) if row["name"].startswith("fixture-")}


def test_table_lists_ok_and_broken_plugins(fixture_site: Path) -> None:
    """The table shows one line per plugin and a reason line under each broken one."""
    done = _cli("plugins", site=fixture_site)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["NAME", "DISTRIBUTION", "VERSION", "STATUS", "HOOKS"]
    healthy = next(line for line in lines if line.startswith("fixture-healthy "))
    assert healthy.split() == [
        "fixture-healthy",
        "axios-python-testfixture-broken",
        "1.2.3",
        "ok",
        "axios_request",
    ]
    factory = next(line for line in lines if line.startswith("fixture-factory "))
    assert factory.endswith("ok      unknown until loaded")
    missing = lines.index(next(line for line in lines if line.startswith("fixture-missing ")))
    assert lines[missing + 1].startswith(
        "    reason: module 'axios_python_testfixture_broken.nowhere'"
    )


def test_json_output(fixture_site: Path) -> None:
    """--json prints a list of objects with name, distribution, version, hooks, status, reason."""
    done = _cli("plugins", "--json", site=fixture_site)
    assert done.returncode == 0, done.stderr
    rows = _rows(done.stdout)
    assert rows["fixture-syntax"]["status"] == "broken"
    assert rows["fixture-healthy"] == {
        "name": "fixture-healthy",
        "entry_point": "axios_python_testfixture_broken.healthy:HealthyPlugin",
        "distribution": "axios-python-testfixture-broken",
        "version": "1.2.3",
        "hooks": ["axios_request"],
        "status": "ok",
        "reason": None,
    }


def test_load_reports_import_errors(fixture_site: Path) -> None:
    """--load imports each plugin; one that fails to import is broken, the others still list."""
    done = _cli("plugins", "--json", "--load", site=fixture_site)
    assert done.returncode == 0, done.stderr
    rows = _rows(done.stdout)
    assert rows["fixture-explodes"]["status"] == "broken"
    assert (
        "axios_python_testfixture_dependency_that_is_not_installed"
        in rows["fixture-explodes"]["reason"]
    )
    assert rows["fixture-healthy"]["status"] == "ok"


def test_load_reports_a_missing_optional_dependency(fixture_site: Path) -> None:
    """plugins --load: a plugin whose extra is not installed is broken: name, distribution, fix."""
    done = _cli("plugins", "--load", site=fixture_site)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    row = next(index for index, line in enumerate(lines) if line.startswith("fixture-extra "))
    assert lines[row].split()[:4] == [
        "fixture-extra",
        "axios-python-testfixture-broken",
        "1.2.3",
        "broken",
    ]
    assert lines[row + 1].startswith("    reason: ModuleNotFoundError: ")
    assert 'pip install "axios-python-testfixture-broken[speed]"' in lines[row + 1]


def test_import_survives_broken_plugins(fixture_site: Path) -> None:
    """import axios_python works with broken plugins installed, and imports none of them."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, axios_python; axios_python.list_plugins(); "
            "print(sorted(m for m in sys.modules if m.startswith('axios_python_testfixture')))",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": str(fixture_site)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_empty_listing_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no plugins installed the table says so and how to get one."""
    monkeypatch.setattr("axios_python.__main__.list_plugins", lambda load=False: [])
    assert main(["plugins"]) == 0
    assert "No plugins installed" in capsys.readouterr().out


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    """Without a command the usage is printed and the exit status is 2."""
    assert main([]) == 2
    assert "plugins" in capsys.readouterr().out
