"""The documentation cannot rot: its examples run, its links resolve, its lists stay complete.

Convention: a ```python block preceded by the line ``<!-- runnable -->`` is a whole
script. It runs as ``__main__`` in a fresh namespace, with examples/ on the path (so
it can start ``EchoServer`` from examples/echo_server.py) and a scratch working
directory; it must finish without raising (the examples check themselves with
``assert``). Every other ```python block must at least compile.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import axios_python

__all__: list[str] = []

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PACKAGE = ROOT / "packages" / "axios-python-core" / "src" / "axios_python"
MARKER = "<!-- runnable -->"

# Pages written by this task; each must carry at least one runnable example.
OWN_PAGES = [
    "index.md",
    "instances.md",
    "config.md",
    "interceptors.md",
    "middleware.md",
    "responses.md",
    "uploads-and-streaming.md",
    "transfer.md",
    "cookies.md",
    "errors.md",
    "transports.md",
    "security.md",
    "architecture.md",
]

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"\]\(([^)\s]+)\)")
# A pymdownx.snippets line (``--8<-- "path"``): the site shows that file, relative to ROOT.
_SNIPPET = re.compile(r'^--8<-- "([^"]+)"\s*$', re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """One fenced python block of a markdown file."""

    path: Path
    line: int
    code: str
    runnable: bool

    @property
    def id(self) -> str:
        """A readable test id: file and line."""
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def markdown_files() -> list[Path]:
    """README.md, the core's PyPI README and every page under docs/."""
    files = [ROOT / "README.md", ROOT / "packages" / "axios-python-core" / "README.md"]
    files += sorted(DOCS.glob("**/*.md"))
    return [path for path in files if path.exists()]


def python_blocks(path: Path) -> list[Block]:
    """The ```python blocks of ``path``, each marked runnable or not."""
    text = path.read_text(encoding="utf-8")
    blocks = []
    for match in _FENCE.finditer(text):
        if match.group(1) != "python":
            continue
        before = text[: match.start()].rstrip().rsplit("\n", 1)[-1].strip()
        line = text.count("\n", 0, match.start()) + 1
        code = _SNIPPET.sub(
            lambda m: (ROOT / m.group(1)).read_text(encoding="utf-8"), match.group(2)
        )
        blocks.append(Block(path, line, code, before == MARKER))
    return blocks


ALL_BLOCKS = [block for path in markdown_files() for block in python_blocks(path)]
RUNNABLE = [block for block in ALL_BLOCKS if block.runnable]


@pytest.mark.parametrize("block", RUNNABLE, ids=[block.id for block in RUNNABLE])
def test_runnable_example_runs(
    block: Block,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A block marked runnable runs as a script against the local echo server without error."""
    monkeypatch.chdir(tmp_path)  # files an example writes land in a scratch directory
    code = compile(block.code, block.id, "exec")
    exec(code, {"__name__": "__main__", "__file__": str(tmp_path / "example.py")})
    capsys.readouterr()  # what the example printed is for readers, not for the test


@pytest.mark.parametrize("block", ALL_BLOCKS, ids=[block.id for block in ALL_BLOCKS])
def test_every_python_block_compiles(block: Block) -> None:
    """Even an illustrative block (placeholder hosts, not run) is valid Python."""
    compile(block.code, block.id, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


@pytest.mark.parametrize("page", OWN_PAGES)
def test_every_page_has_a_runnable_example(page: str) -> None:
    """Each user guide page exists and shows at least one example that really runs."""
    path = DOCS / page
    assert path.exists(), f"docs/{page} is missing"
    assert any(block.runnable for block in python_blocks(path)), f"docs/{page}: no runnable block"


def test_relative_links_resolve() -> None:
    """Every relative link in the README and docs points at a file that exists."""
    broken = []
    for path in markdown_files():
        for target in _LINK.findall(path.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                continue
            resolved = (path.parent / target.split("#", 1)[0]).resolve()
            if not resolved.exists():
                broken.append(f"{path.relative_to(ROOT)} -> {target}")
    assert not broken, f"broken links: {broken}"


def test_readme_and_index_link_every_docs_page() -> None:
    """No page is orphaned: README.md and docs/index.md link each one."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    pages = {path.name for path in DOCS.glob("*.md")} | set(OWN_PAGES)
    for page in sorted(pages - {"index.md"}):
        assert f"(docs/{page}" in readme, f"README.md does not link docs/{page}"
        assert f"({page}" in index, f"docs/index.md does not link {page}"


def test_readme_gives_the_two_commands() -> None:
    """The README names exactly the tour and test commands of scripts/dev.py."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = set(re.findall(r"python scripts/dev\.py \w+", readme))
    assert commands == {"python scripts/dev.py tour", "python scripts/dev.py test"}
    assert (ROOT / "scripts" / "dev.py").exists()


def test_config_page_documents_every_key() -> None:
    """docs/config.md has a row for every key RequestOptions accepts."""
    text = (DOCS / "config.md").read_text(encoding="utf-8")
    options = axios_python.RequestOptions
    keys = options.__required_keys__ | options.__optional_keys__
    missing = sorted(key for key in keys if f"| `{key}`" not in text)
    assert not missing, f"docs/config.md does not document {missing}"


def test_errors_page_documents_every_exception() -> None:
    """docs/errors.md names every public exception class."""
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    exceptions = [
        name
        for name in axios_python.__all__
        if isinstance(getattr(axios_python, name), type)
        and issubclass(getattr(axios_python, name), axios_python.AxiosPythonError)
    ]
    missing = [name for name in exceptions if f"`{name}`" not in text]
    assert not missing, f"docs/errors.md does not document {missing}"


def test_architecture_module_map_lists_every_module() -> None:
    """docs/architecture.md mentions every module of the core package (the map stays true)."""
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    modules = sorted(
        path.relative_to(PACKAGE.parent).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "__pycache__" not in path.parts
    )
    missing = [module for module in modules if f"`{module}`" not in text]
    assert not missing, f"add these to the module map in docs/architecture.md: {missing}"
