"""Developer entry point: ``python scripts/dev.py {test,tour,lint,bench,docs} [ARGS...]``.

The first run creates a tools virtualenv in ``.tools/`` at the repository root and
installs a pinned hatch into it; every run then calls ``hatch run <command> ARGS...``,
which uses the workspace environment defined in the root pyproject.toml. Only the
standard library is used, so a fresh clone with Python 3.10+ and pip is enough.
``python scripts/dev.py hatch ARGS...`` runs that hatch directly; ``docs`` serves the
documentation site and ``docs --build`` writes it to site/.
"""

# No ``from __future__`` import and nothing version-specific before the check below:
# an older Python must get as far as printing a clear message.
import os
import platform
import subprocess
import sys
from pathlib import Path

__all__ = ["HATCH_VERSION", "main"]

MIN_PYTHON = (3, 10)
if sys.version_info[:2] < MIN_PYTHON:
    sys.stderr.write(
        "scripts/dev.py needs Python 3.10 or newer, but was started with Python "
        + platform.python_version()
        + " ("
        + sys.executable
        + ").\nRun it with a newer interpreter, for example: python3.12 scripts/dev.py test\n"
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
    if command == "docs" and "--build" in rest:
        command, rest = "docs-build", [arg for arg in rest if arg != "--build"]
    # "--" keeps hatch from reading any of the forwarded arguments as its own.
    return _run([str(hatch), "run", command, "--", *rest])


if __name__ == "__main__":
    raise SystemExit(main())
