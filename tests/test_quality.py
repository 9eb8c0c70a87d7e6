"""The house rules as tests: ruff lint, ruff format and mypy --strict stay clean repo-wide."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["ruff", "check", "."], id="ruff-check"),
        pytest.param(["ruff", "format", "--check", "."], id="ruff-format"),
        pytest.param(["mypy"], id="mypy-strict"),
        # axios-python-reqwest needs Python 3.11+ (pyreqwest does): check it as such too.
        pytest.param(
            ["mypy", "--python-version", "3.11", "packages/axios-python-reqwest/src"],
            id="mypy-strict-reqwest-3.11",
        ),
    ],
)
def test_tool_is_clean(command: list[str]) -> None:
    """The tool reports nothing on the repository (configuration in pyproject.toml)."""
    done = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
