"""The documentation site builds in strict mode, and every page under docs/ is in its nav.

Strict mode turns every warning into a failure: a link to a missing page or anchor,
a cross-reference or ``::: object`` the API reference cannot resolve, a snippet whose
file is gone, and a page left out of the nav (mkdocs.yml's ``validation`` section).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml

__all__: list[str] = []

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def _nav_pages(node: Any) -> Iterator[str]:
    """Every page path in mkdocs.yml's nav, however deeply its sections nest."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _nav_pages(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _nav_pages(value)


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once for this module with ``mkdocs build --strict`` into a temp dir."""
    site = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return site


def test_every_docs_page_is_in_the_nav() -> None:
    """A page added under docs/ must be added to mkdocs.yml's nav too, and no nav entry dangles."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    in_nav = list(_nav_pages(config["nav"]))
    pages = sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md"))
    assert sorted(set(pages) - set(in_nav)) == [], "add these pages to nav: in mkdocs.yml"
    assert sorted(set(in_nav) - set(pages)) == [], "mkdocs.yml's nav names missing pages"
    assert len(in_nav) == len(set(in_nav)), "a page is in mkdocs.yml's nav twice"


def test_site_builds_strictly_with_every_page(built_site: Path) -> None:
    """The strict build succeeds and writes one HTML page per docs page."""
    for page in DOCS.rglob("*.md"):
        relative = page.relative_to(DOCS).with_suffix("")  # use_directory_urls: a/b.md -> a/b/
        folder = relative.parent if relative.name == "index" else relative
        assert (built_site / folder / "index.html").is_file(), f"docs/{page} was not built"


def test_api_reference_documents_every_public_name(built_site: Path) -> None:
    """The API reference has an entry for every name in axios_python.__all__ with a docstring."""
    import axios_python

    html = (built_site / "reference" / "axios_python" / "index.html").read_text(encoding="utf-8")
    skipped = {"__version__", "hookimpl"}  # a string, and pluggy's marker (documented in hookspecs)
    missing = [
        name
        for name in axios_python.__all__
        if name not in skipped and f'id="axios_python.{name}"' not in html
    ]
    assert not missing, f"reference/axios_python.md does not render {missing}"


def test_api_reference_covers_every_distribution() -> None:
    """Each package under packages/*/src has a ``::: package`` entry in docs/reference/."""
    documented = {
        line.removeprefix(":::").strip().split(".")[0]
        for page in (DOCS / "reference").glob("*.md")
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.startswith(":::")
    }
    sources = ROOT.glob("packages/*/src/*")
    packages = {path.name for path in sources if path.is_dir() and path.name.isidentifier()}
    missing = sorted(packages - documented)
    assert not missing, f"add these to a page under docs/reference/ (and its nav): {missing}"


def test_example_plugin_page_includes_the_real_source(built_site: Path) -> None:
    """The example plugin page shows the files of examples/third-party-plugin, not a copy."""
    html = (built_site / "example-plugin" / "index.html").read_text(encoding="utf-8")
    text = unescape(re.sub(r"<[^>]+>", "", html))  # the code as a reader sees it
    assert "--8<--" not in text
    for line in ("class HmacPlugin:", "def test_", '[project.entry-points."axios_python.plugins"]'):
        assert line in text, f"example-plugin.md lost the file with {line!r}"
