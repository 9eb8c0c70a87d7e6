"""Build plugin distributions into wheels and install them, so entry points are tested for real.

The example plugin (examples/third-party-plugin) is installed into the running
environment, as CI must do; the deliberately broken fixtures go to a separate
``--target`` site directory that only the tests that ask for it put on sys.path.
Builds are offline (no build isolation: hatchling comes from the dev env) and
cached by a digest of the sources, under a file lock so parallel runs agree.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib
import importlib.metadata
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "EXAMPLE",
    "EXAMPLE_DISTRIBUTION",
    "FIXTURES",
    "ensure_example_installed",
    "ensure_fixture_site",
]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "third-party-plugin"
EXAMPLE_DISTRIBUTION = "axios-python-hmac"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Written into the broken fixture at build time, so no linter ever parses it.
_SYNTAX_ERROR = '"""A syntax error on purpose."""\n\nclass Plugin(:\n    pass\n'
_SKIP = shutil.ignore_patterns("__pycache__", ".pytest_cache", "build", "dist", "*.egg-info")


def _digest(*projects: Path) -> str:
    sha = hashlib.sha256(_SYNTAX_ERROR.encode())
    for project in projects:
        for path in sorted(project.rglob("*")):
            if (
                path.is_file()
                and "__pycache__" not in path.parts
                and ".pytest_cache" not in path.parts
            ):
                sha.update(str(path.relative_to(project)).encode())
                sha.update(path.read_bytes())
    return sha.hexdigest()[:16]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")


def _build_wheel(project: Path, out: Path, extra_files: dict[str, str] | None = None) -> Path:
    """Copy ``project`` aside (plus ``extra_files``) and build its wheel into ``out``."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / project.name
        shutil.copytree(project, source, ignore=_SKIP)
        for relative, text in (extra_files or {}).items():
            (source / relative).write_text(text)
        _pip(
            "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out), str(source)
        )
    (wheel,) = out.glob("*.whl")
    return wheel


def ensure_example_installed(cache: Path) -> str:
    """Build and pip-install the example plugin into this interpreter; return its version."""
    digest = _digest(EXAMPLE)
    prefix = hashlib.sha256(sys.prefix.encode()).hexdigest()[:8]
    marker = cache / f"example-{digest}-{prefix}.installed"
    # One lock per environment: two checkouts may share it (and pip must not race).
    with _locked(Path(tempfile.gettempdir()) / f"axios-python-env-{prefix}.lock"):
        if not marker.exists() or not _installed(EXAMPLE_DISTRIBUTION):
            out = cache / f"example-{digest}"
            shutil.rmtree(out, ignore_errors=True)
            wheel = _build_wheel(EXAMPLE, out)
            _pip("install", "--no-deps", "--no-index", "--force-reinstall", str(wheel))
            marker.write_text(str(wheel))
    importlib.invalidate_caches()
    return importlib.metadata.version(EXAMPLE_DISTRIBUTION)


def _installed(distribution: str) -> bool:
    try:
        importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def ensure_fixture_site(cache: Path) -> Path:
    """Build the fixture distributions and install them into a site directory; return it."""
    broken, twin = FIXTURES / "broken-dist", FIXTURES / "twin-dist"
    site = cache / f"fixture-site-{_digest(broken, twin)}"
    with _locked(cache / "install.lock"):
        if not (site / ".complete").exists():
            shutil.rmtree(site, ignore_errors=True)
            wheels = site.with_name(site.name + "-wheels")
            shutil.rmtree(wheels, ignore_errors=True)
            syntax = {"src/axios_python_testfixture_broken/syntax.py": _SYNTAX_ERROR}
            built = [
                _build_wheel(broken, wheels / "broken", syntax),
                _build_wheel(twin, wheels / "twin"),
            ]
            _pip(
                "install",
                "--no-deps",
                "--no-index",
                "--no-compile",
                "--target",
                str(site),
                *map(str, built),
            )
            (site / ".complete").write_text("ok")
    return site
