"""The tour (examples/tour.py) runs from start to end and shows every section."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import tour

__all__: list[str] = []

ROOT = Path(__file__).resolve().parent.parent
TOUR = ROOT / "examples" / "tour.py"

# The sections issue 2 asks the tour to show; more may follow, but none of these may go.
REQUIRED_TITLES = [
    "Module-level helpers",
    "Instances and isolation",
    "Config precedence and validation",
    "Interceptors",
    "Middleware",
    "Responses and streaming",
    "Uploads",
    "Errors",
    "Redirects",
    "Credentials stay home",
    "A custom transport",
    "Async and concurrency",
    "Retries",
    "Cancellation",
    "Plugins",
    "Fast transports by name",
]


def _run_tour(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the tour in a fresh interpreter, as `python scripts/dev.py tour` does."""
    return subprocess.run(
        [sys.executable, str(TOUR), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )


def finding(stdout: str, label: str) -> str:
    """The value the tour printed for ``label`` (``show`` pads labels to 34 characters)."""
    prefix = f"  {label:<34} "
    for line in stdout.splitlines():
        if line.startswith(prefix):
            return line[len(prefix) :].strip()
    raise AssertionError(f"the tour printed no finding {label!r}")


@pytest.fixture(scope="module")
def full_tour() -> subprocess.CompletedProcess[str]:
    """One run of the whole tour, shared by the tests that read its output."""
    return _run_tour()


def test_tour_runs_every_section_and_exits_zero(
    full_tour: subprocess.CompletedProcess[str],
) -> None:
    """The whole tour exits 0, prints each section header in order and finishes."""
    result = full_tour
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    titles = [item.title for item in tour.SECTIONS]
    assert set(REQUIRED_TITLES) <= set(titles)
    positions = []
    for number, title in enumerate(titles, start=1):
        header = f"== {number}. {title} =="
        assert header in result.stdout, f"missing section header {header!r}"
        positions.append(result.stdout.index(header))
    assert positions == sorted(positions)
    assert result.stdout.rstrip().endswith("Tour complete.")


def test_tour_shows_that_isolation_and_credential_rules_hold(
    full_tour: subprocess.CompletedProcess[str],
) -> None:
    """The tour's printed findings match what the library promises, not just any output."""
    result = full_tour
    assert result.returncode == 0, result.stderr
    assert finding(result.stdout, "github sent X-Only-GitHub") == "yes"
    assert finding(result.stdout, "stripe sent X-Only-GitHub") == "None"
    assert finding(result.stdout, "module helper sent X-Only-GitHub") == "None"
    assert finding(result.stdout, "home origin got Authorization") == "Bearer secret"
    assert finding(result.stdout, "foreign origin got Authorization") == "None"
    assert finding(result.stdout, "foreign origin got X-Api-Key") == "None"
    assert finding(result.stdout, "after a redirect to it") == "None"
    assert finding(result.stdout, "trusted origin got Authorization") == "Bearer secret"
    assert finding(result.stdout, "requests the server saw for it") == "0"


def test_tour_shows_plugins_by_name_working(full_tour: subprocess.CompletedProcess[str]) -> None:
    """The plugins section really serves the second GET from the cache and redacts secrets."""
    result = full_tour
    assert result.returncode == 0, result.stderr
    assert finding(result.stdout, "plugin('cache'): from_cache") == "False then True"
    assert finding(result.stdout, "origin requests for /cache/60") == "1"
    assert finding(result.stdout, "plugins={'auth': ...} sent") == "Bearer t-1"
    assert "s3cret" not in result.stdout
    assert "PluginNotFoundError" in finding(result.stdout, "plugin('cahce')")
    assert finding(result.stdout, "sync request, urllib3") == "{'via': 'urllib3'}"
    assert finding(result.stdout, "async request, aiohttp") == "{'via': 'aiohttp'}"


def test_tour_rejects_an_unknown_section_name() -> None:
    """Asking for a section that does not exist lists the valid names and exits 2."""
    result = _run_tour("no-such-section")
    assert result.returncode == 2
    assert "helpers" in result.stdout


def test_tour_shows_cancellation_reaching_requests_in_flight(
    full_tour: subprocess.CompletedProcess[str],
) -> None:
    """The cancellation section cancels in flight, shares a token and fails fast when cancelled."""
    assert full_tour.returncode == 0, full_tour.stderr
    cancelled = finding(full_tour.stdout, "sync GET /delay/5, cancelled")
    assert cancelled.startswith("CancelError('user navigated away') after ")
    assert finding(full_tour.stdout, "server saw the client go away") == "True"
    shared = "['CancelError', 'CancelError', 'CancelError']"
    assert finding(full_tour.stdout, "one token, 3 async requests") == shared
    fast = "CancelError('too late'), 0 requests sent"
    assert finding(full_tour.stdout, "already-cancelled token") == fast
    assert finding(full_tour.stdout, "the instance still works") == "200"
