"""Packaging smoke test: build every wheel, install them into fresh venvs, run the spec there.

    python scripts/wheel_smoke.py [--keep] [--workdir DIR]

1. Builds a wheel for every distribution under packages/ (``pip wheel --no-deps``).
2. Venv A gets ``axios-python-core axios-python-cache`` from those wheels only
   (their third-party requirements come from the package index first), then
   runs the spec's cache example, by name and by class, against the echo server.
3. Venv B gets ``axios-python`` alone the same way and runs the spec's quick start
   and plugin examples (auth, cache, logger, a custom Plugin) against it.
4. Venv C gets ``axios-python-core axios-python-otel`` (so opentelemetry-api and no
   SDK) and checks that ``api.plugin("otel")`` passes a caller's trace context on.

The echo server is examples/echo_server.py run by path with the venv's Python;
nothing from the repository is importable inside the venvs. Only the standard
library is used. Exit status 0 means every check passed; a required
distribution missing from packages/ is reported by name.

The same file, run as ``VENV_PYTHON wheel_smoke.py --inside {cache,full} URL``,
is the program that runs inside a venv.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

__all__ = ["REQUIRED", "build_wheels", "main"]

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "packages"
ECHO_SERVER = ROOT / "examples" / "echo_server.py"
# Distribution name -> directory under packages/; all must exist for the smoke test.
REQUIRED = {
    "axios-python-core": "axios-python-core",
    "axios-python-cache": "axios-python-cache",
    "axios-python-auth": "axios-python-auth",
    "axios-python-logger": "axios-python-logger",
    "axios-python-otel": "axios-python-otel",
    "axios-python": "axios-python",
}
OURS = re.compile(r"^axios[-_.]python(?:$|[-_.])", re.IGNORECASE)


class SmokeError(Exception):
    """A step failed; the message says which and why."""


def _log(message: str) -> None:
    print(f"[wheel-smoke] {message}", flush=True)


def _run(command: Sequence[str | Path], *, cwd: Path | None = None, quiet: bool = False) -> str:
    """Run a command; raise SmokeError with its output when it fails."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SmokeError(
            f"command failed with exit status {result.returncode}: "
            f"{' '.join(map(str, command))}\n--- stdout ---\n{result.stdout}"
            f"\n--- stderr ---\n{result.stderr}"
        )
    if not quiet and result.stdout.strip():
        print(result.stdout.rstrip(), flush=True)
    return result.stdout


# --- building -------------------------------------------------------------------------


def _check_required() -> None:
    missing = [
        f"{name} (expected packages/{folder}/pyproject.toml)"
        for name, folder in REQUIRED.items()
        if not (PACKAGES / folder / "pyproject.toml").is_file()
    ]
    if missing:
        raise SmokeError("required distributions are missing: " + "; ".join(missing))


def _can_build_in_place() -> bool:
    """True when hatchling is importable here, so builds need no isolated env (no network)."""
    try:
        import hatchling  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    except ImportError:
        return False
    return True


def build_wheels(dest: Path) -> list[Path]:
    """Build one wheel per packages/* distribution into ``dest``; return their paths."""
    _check_required()
    projects = sorted(p.parent for p in PACKAGES.glob("*/pyproject.toml"))
    isolation = [] if not _can_build_in_place() else ["--no-build-isolation"]
    base: list[str | Path] = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        *isolation,
        "-w",
        dest,
    ]

    def build(project: Path) -> None:
        _run([*base, project], quiet=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(build, projects))
    wheels = sorted(dest.glob("*.whl"))
    _log(f"built {len(wheels)} wheels: {', '.join(w.name for w in wheels)}")
    if len(wheels) != len(projects):
        raise SmokeError(f"expected {len(projects)} wheels in {dest}, found {len(wheels)}")
    return wheels


def third_party_requirements(wheels: Sequence[Path]) -> list[str]:
    """Every Requires-Dist of ``wheels`` that is not one of ours and not behind an extra."""
    found: set[str] = set()
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
            text = archive.read(metadata).decode("utf-8")
        for line in text.splitlines():
            if not line.startswith("Requires-Dist:"):
                continue
            requirement = line.partition(":")[2].strip()
            if "extra ==" in requirement or OURS.match(requirement):
                continue
            found.add(requirement)
    return sorted(found)


def _wheel_names(wheels: Sequence[Path]) -> dict[str, Path]:
    """Distribution name (dashes) -> wheel file."""
    names = {}
    for wheel in wheels:
        name = wheel.name.split("-")[0].replace("_", "-").lower()
        names[name] = wheel
    return names


# --- venvs ----------------------------------------------------------------------------


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def make_venv(venv: Path, wheels: dict[str, Path], wanted: Sequence[str], wheel_dir: Path) -> Path:
    """A fresh venv with ``wanted`` installed from ``wheel_dir`` only (deps from the index)."""
    _run([sys.executable, "-m", "venv", "--clear", "--without-pip", venv])
    python = _venv_python(venv)
    pip: list[str | Path] = [sys.executable, "-m", "pip", "--python", python, "install", "--quiet"]
    closure = _closure(wheels, wanted)
    requirements = third_party_requirements([wheels[name] for name in closure])
    _log(f"{venv.name}: third-party requirements from the index: {', '.join(requirements)}")
    _run([*pip, *requirements], quiet=True)
    # Ours only from the freshly built wheels: no index, nothing else to choose from.
    _run([*pip, "--no-index", "--find-links", wheel_dir, *wanted], quiet=True)
    listing = _run([*pip[:-2], "list", "--format=json"], quiet=True)
    installed = {p["name"].lower(): p["version"] for p in json.loads(listing)}
    ours = {name: version for name, version in installed.items() if OURS.match(name)}
    _log(f"{venv.name}: installed {', '.join(f'{n}=={v}' for n, v in sorted(ours.items()))}")
    if set(ours) != set(closure):
        raise SmokeError(f"{venv.name}: expected exactly {sorted(closure)}, got {sorted(ours)}")
    return python


def _closure(wheels: dict[str, Path], wanted: Sequence[str]) -> list[str]:
    """``wanted`` plus the distributions of ours they depend on (from wheel metadata)."""
    todo, seen = list(wanted), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in wheels:
            raise SmokeError(f"no wheel was built for {name}")
        seen.add(name)
        with zipfile.ZipFile(wheels[name]) as archive:
            metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
            text = archive.read(metadata).decode("utf-8")
        for line in text.splitlines():
            if line.startswith("Requires-Dist:"):
                requirement = line.partition(":")[2].strip()
                match = OURS.match(requirement)
                if match and "extra ==" not in requirement:
                    todo.append(re.split(r"[\s<>=!~;\[(]", requirement)[0].lower())
    return sorted(seen)


def run_inside(python: Path, scenario: str, workdir: Path) -> None:
    """Start the echo server with the venv's Python and run ``scenario`` in that venv."""
    # Copy this file out of the repository so nothing of the checkout is on sys.path.
    program = workdir / "smoke_inside.py"
    shutil.copyfile(Path(__file__), program)
    with _echo_server(python) as url:
        _run([python, "-I", program, "--inside", scenario, url], cwd=workdir)


@contextmanager
def _echo_server(python: Path) -> Iterator[str]:
    process = subprocess.Popen(
        [str(python), "-u", str(ECHO_SERVER), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        if match is None:
            raise SmokeError(f"echo server did not start: {line!r}")
        yield match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- what runs inside the venvs ---------------------------------------------------------


def _expect(condition: object, message: str) -> None:
    """Raise SmokeError with ``message`` unless ``condition`` holds (asserts vanish under -O)."""
    if not condition:
        raise SmokeError(message)


def _inside_checks_install(expected: Sequence[str]) -> None:
    import importlib.metadata

    import axios_python

    here = Path(axios_python.__file__).resolve()
    if not here.is_relative_to(Path(sys.prefix).resolve()) or "site-packages" not in here.parts:
        raise SmokeError(f"axios_python was imported from {here}, not from this venv's wheels")
    names = sorted(e.name for e in importlib.metadata.entry_points(group="axios_python.plugins"))
    official = {"cache", "auth", "logger"}
    if {n for n in names if n in official} != set(expected):
        raise SmokeError(f"entry points {names}; of the official plugins expected {expected}")
    print(f"ok: axios_python {axios_python.__version__} from {here.parent}; plugins {names}")


def _inside_cache(url: str) -> None:
    """Venv with core + cache only: the spec's cache example, by name and by class."""
    import axios_python

    _inside_checks_install(["cache"])

    api = axios_python.create({"base_url": url})
    api.plugin("cache", ttl=120)
    first = api.get("/get", params={"q": "python"})
    second = api.get("/get", params={"q": "python"})
    _expect(not first.from_cache, "first GET must reach the server")
    _expect(second.from_cache, "second identical GET must come from the cache")
    _expect(second.json() == first.json(), "the cached body differs from the first one")
    print("ok: api.plugin('cache', ttl=120) serves the repeated GET from the cache")

    from axios_python import CachePlugin

    api = axios_python.create({"base_url": url})
    api.plugin(
        CachePlugin(
            ttl=120,
            max_size=256,
        )
    )
    api.get("/anything/item")
    _expect(api.get("/anything/item").from_cache, "CachePlugin did not serve the repeated GET")
    api.post("/anything/item", json={"changed": True})
    _expect(not api.get("/anything/item").from_cache, "POST must invalidate the cached GET")
    print("ok: CachePlugin(ttl=120, max_size=256); POST invalidates the URL")

    for name, distribution in (
        ("AuthPlugin", "axios-python-auth"),
        ("LoggerPlugin", "axios-python-logger"),
    ):
        try:
            getattr(axios_python, name)
        except ImportError as exc:
            _expect(distribution in str(exc), f"the ImportError should name {distribution}: {exc}")
        else:
            raise SmokeError(f"{name} imported although {distribution} is not installed")
    print("ok: AuthPlugin/LoggerPlugin say which distribution to install")

    # httpx2 is an optional extra of the core, not installed here: the plugin is broken.
    listing = subprocess.run(
        [sys.executable, "-m", "axios_python", "plugins", "--load"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.splitlines()
    rows = [i for i, line in enumerate(listing) if line.startswith("httpx2 ")]
    _expect(len(rows) == 1, f"plugins --load should list httpx2 once: {listing}")
    row = rows[0]
    _expect(
        listing[row].split()[1:4] == ["axios-python-core", axios_python.__version__, "broken"]
        and 'pip install "axios-python-core[httpx2]"' in listing[row + 1],
        f"plugins --load should list httpx2 as broken, naming the extra: {listing[row : row + 2]}",
    )
    try:
        axios_python.create().plugin("httpx2")
    except axios_python.PluginError as exc:
        _expect("axios-python-core[httpx2]" in str(exc), f"the error should name the extra: {exc}")
    else:
        raise SmokeError("api.plugin('httpx2') worked although httpx2 is not installed")
    print("ok: without httpx2, plugins --load lists httpx2 as broken and names the extra")


def _inside_full(url: str) -> None:
    """Venv with axios-python alone: the spec's quick start and plugins examples."""
    import asyncio
    import io
    import logging
    import uuid

    import axios_python

    _inside_checks_install(["auth", "cache", "logger"])

    # Quick start: one-off request.
    response = axios_python.get(f"{url}/get", params={"q": "python"})
    _expect(response.status_code == 200, f"status {response.status_code}, expected 200")
    _expect(response.ok is True, "response.ok is not True")
    _expect(response.json()["args"] == {"q": "python"}, f"args sent: {response.json()['args']}")
    print("ok: quick start, module-level get")

    # Quick start: a configured instance.
    api = axios_python.create(
        {
            "base_url": f"{url}/anything/v1",
            "timeout": 15,
            "headers": {
                "X-App-Version": "2.0",
                "Accept": "application/json",
            },
        }
    )
    response = api.get("/users", params={"page": 1})
    body = response.json()
    _expect(body["path"] == "/anything/v1/users", f"path {body['path']!r} under base_url")
    _expect(body["args"] == {"page": "1"}, f"params sent as {body['args']}")
    _expect(body["headers"].get("X-App-Version") == "2.0", f"headers sent: {body['headers']}")
    print("ok: quick start, create() with base_url, timeout and headers")

    # Quick start: sync or async.
    api = axios_python.create({"base_url": url})

    async def main() -> object:
        response = await api.async_get("/delay/0")
        return response.data

    data = asyncio.run(main())
    _expect(isinstance(data, dict) and data["path"] == "/delay/0", f"async data: {data!r}")
    print("ok: quick start, async_get under asyncio.run")

    # Plugins: auth.
    from axios_python import AuthPlugin

    def sent_auth(api: axios_python.AxiosPython) -> object:
        return api.get("/get").json()["headers"].get("Authorization")

    api = axios_python.create({"base_url": url})
    api.plugin(AuthPlugin(scheme="Bearer", token="super-secret-key"))
    _expect(sent_auth(api) == "Bearer super-secret-key", "AuthPlugin(token=...) sent no token")

    class Vault:
        def get_secret(self, name: str) -> str:
            return f"rotated-{name}"

    vault = Vault()
    api = axios_python.create({"base_url": url})
    api.plugin(
        AuthPlugin(
            scheme="Bearer",
            token_provider=lambda: vault.get_secret("api-token"),
        )
    )
    _expect(sent_auth(api) == "Bearer rotated-api-token", "token_provider was not used")
    print("ok: AuthPlugin with token and with token_provider")

    # Plugins: cache.
    from axios_python import CachePlugin

    api = axios_python.create({"base_url": url})
    api.plugin(
        CachePlugin(
            ttl=120,
            max_size=256,
        )
    )
    api.get("/get")
    _expect(api.get("/get").from_cache, "CachePlugin did not serve the repeated GET")
    print("ok: CachePlugin(ttl=120, max_size=256)")

    # Plugins: logger (secrets stay out of the output).
    from axios_python import LoggerPlugin

    stream = io.StringIO()
    logging.basicConfig(level=logging.DEBUG, stream=stream)
    api = axios_python.create({"base_url": url})
    api.plugin(AuthPlugin(scheme="Bearer", token="super-secret-key"))
    api.plugin(
        LoggerPlugin(
            level=logging.INFO,
            log_headers=False,
            log_body=True,
        )
    )
    api.get("/get", params={"access_token": "query-secret-value"})
    output = stream.getvalue()
    _expect("HTTP request GET" in output, f"no request line logged: {output}")
    _expect("HTTP response GET" in output, f"no response line logged: {output}")
    for secret in ("super-secret-key", "query-secret-value"):
        _expect(secret not in output, f"{secret!r} reached the log: {output}")
    print("ok: LoggerPlugin logs requests and responses, secrets redacted")

    # Writing custom plugins: the spec's CorrelationIdPlugin.
    from axios_python import Plugin

    class CorrelationIdPlugin(Plugin):
        """Attaches a unique X-Correlation-Id header to every outgoing request."""

        def on_request(self, config: dict) -> dict:  # type: ignore[type-arg]
            config["headers"]["X-Correlation-Id"] = str(uuid.uuid4())
            return config

        def on_response(self, response: axios_python.Response) -> axios_python.Response:
            cid = response.headers.get("X-Correlation-Id")
            response.correlation_id = cid  # type: ignore[attr-defined]
            return response

    api = axios_python.create({"base_url": url})
    api.plugin(CorrelationIdPlugin())
    sent = api.get("/get").json()["headers"]["X-Correlation-Id"]
    _expect(uuid.UUID(sent).version == 4, f"X-Correlation-Id {sent!r} is not a uuid4")
    print("ok: CorrelationIdPlugin(Plugin)")

    # All three by name, on one instance.
    api = axios_python.create({"base_url": url})
    api.plugin("auth", token="by-name").plugin("cache", ttl=120).plugin("logger")
    _expect(sent_auth(api) == "Bearer by-name", "api.plugin('auth', token=...) sent no token")
    print("ok: api.plugin('auth' / 'cache' / 'logger') by name")


def _inside_otel(url: str) -> None:
    """Venv with core + otel only: the plugin by name on opentelemetry-api, without an SDK."""
    import importlib.metadata

    from opentelemetry import context, trace
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

    import axios_python

    _inside_checks_install([])
    installed = {d.metadata["Name"].lower() for d in importlib.metadata.distributions()}
    _expect("opentelemetry-api" in installed, "opentelemetry-api was not installed")
    _expect("opentelemetry-sdk" not in installed, "the SDK came along; only the API may")
    api = axios_python.create({"base_url": url}).plugin("otel")
    parent = SpanContext(0x1234, 0x5678, is_remote=True, trace_flags=TraceFlags(1))
    token = context.attach(trace.set_span_in_context(NonRecordingSpan(parent)))
    try:
        sent = api.get("/get").json()["headers"].get("traceparent")
    finally:
        context.detach(token)
    expected = f"00-{0x1234:032x}-{0x5678:016x}-01"
    _expect(sent == expected, f"traceparent sent: {sent!r}, expected {expected!r}")
    print("ok: api.plugin('otel') on opentelemetry-api alone passes the trace context on")


INSIDE = {"cache": _inside_cache, "full": _inside_full, "otel": _inside_otel}


# --- entry point ----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Build, install and smoke-test; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--inside", choices=sorted(INSIDE), help=argparse.SUPPRESS)
    parser.add_argument("url", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help="where to put wheels and venvs (temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    options = parser.parse_args(argv)
    try:
        if options.inside:
            INSIDE[options.inside](options.url)
            return 0
        return _orchestrate(options.workdir, options.keep)
    except (SmokeError, AssertionError) as exc:
        print(f"[wheel-smoke] FAILED: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 1


def _orchestrate(workdir: Path | None, keep: bool) -> int:
    started = time.monotonic()
    root = workdir or Path(tempfile.mkdtemp(prefix="axios-wheel-smoke-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        wheel_dir = root / "wheels"
        wheel_dir.mkdir(exist_ok=True)
        for old in wheel_dir.glob("*.whl"):
            old.unlink()
        wheels = _wheel_names(build_wheels(wheel_dir))
        plans = [
            ("venv-core-cache", ["axios-python-core", "axios-python-cache"], "cache"),
            ("venv-axios-python", ["axios-python"], "full"),
            ("venv-core-otel", ["axios-python-core", "axios-python-otel"], "otel"),
        ]
        for name, wanted, scenario in plans:
            venv = root / name
            python = make_venv(venv, wheels, wanted, wheel_dir)
            _log(f"{name}: running the {scenario!r} smoke test")
            run_inside(python, scenario, root)
        _log(f"all smoke tests passed in {time.monotonic() - started:.1f} s")
        return 0
    finally:
        if keep:
            _log(f"kept {root}")
        elif workdir is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
