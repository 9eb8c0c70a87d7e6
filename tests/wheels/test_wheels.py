"""scripts/wheel_smoke.py: build every wheel, install into fresh venvs, run the spec there."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import _scripts
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "wheel_smoke.py"


def load_script() -> ModuleType:
    return _scripts.load_script("wheel_smoke")


@pytest.mark.timeout(600)
def test_wheels_install_and_run_the_spec_examples(tmp_path: Path) -> None:
    """core+cache, axios-python alone and core+otel, installed from wheels, run their examples."""
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=580,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    for line in (
        "installed axios-python-cache==0.1.0, axios-python-core==0.1.0",
        "ok: api.plugin('cache', ttl=120) serves the repeated GET from the cache",
        "ok: AuthPlugin/LoggerPlugin say which distribution to install",
        "ok: without httpx2, plugins --load lists httpx2 as broken and names the extra",
        "installed axios-python==0.1.0, axios-python-auth==0.1.0, axios-python-cache==0.1.0, "
        "axios-python-core==0.1.0, axios-python-logger==0.1.0",
        "ok: quick start, module-level get",
        "ok: LoggerPlugin logs requests and responses, secrets redacted",
        "ok: CorrelationIdPlugin(Plugin)",
        "ok: api.plugin('auth' / 'cache' / 'logger') by name",
        "installed axios-python-core==0.1.0, axios-python-otel==0.1.0",
        "ok: api.plugin('otel') on opentelemetry-api alone passes the trace context on",
        "all smoke tests passed",
    ):
        assert line in output, output


def test_a_missing_required_distribution_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a required packages/<name> is absent, the script says which, before building."""
    smoke = load_script()
    monkeypatch.setitem(smoke.REQUIRED, "axios-python-nope", "axios-python-nope")
    with pytest.raises(smoke.SmokeError, match=r"axios-python-nope \(expected packages/"):
        smoke.build_wheels(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_third_party_requirements_leave_out_ours_and_extras(tmp_path: Path) -> None:
    """Only other projects' requirements go to the index; ours come from the wheels."""
    wheel = tmp_path / "demo-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(
            "demo-0.1.0.dist-info/METADATA",
            "Metadata-Version: 2.3\nName: demo\nVersion: 0.1.0\n"
            "Requires-Dist: axios-python-core<0.2,>=0.1\n"
            "Requires-Dist: httpx<1,>=0.27\n"
            "Requires-Dist: redis>=5; extra == 'redis'\n"
            "Requires-Dist: typing-extensions>=4.7; python_version < '3.11'\n",
        )
    assert load_script().third_party_requirements([wheel]) == [
        "httpx<1,>=0.27",
        "typing-extensions>=4.7; python_version < '3.11'",
    ]
