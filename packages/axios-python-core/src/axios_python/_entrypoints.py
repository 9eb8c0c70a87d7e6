"""Installed plugins: entry-point discovery, listing without importing, loading one by name.

A plugin distribution declares its factory in the ``axios_python.plugins`` group;
the entry-point name is the name users type::

    [project.entry-points."axios_python.plugins"]
    cache = "axios_python_cache:CachePlugin"

Listing reads metadata and parses the plugin's source with ``ast``; it imports
nothing, so a broken plugin shows up as a row, not as a crash.
"""

from __future__ import annotations

import ast
import difflib
import importlib.util
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.machinery import PathFinder
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from ._plugin_base import ADAPTED_HOOKS, Plugin
from ._plugin_errors import PluginConflictError, PluginImportError, PluginNotFoundError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = [
    "ENTRY_POINT_GROUP",
    "HOOK_NAMES",
    "OFFICIAL_DISTRIBUTIONS",
    "PluginInfo",
    "hooks_of",
    "list_plugins",
    "load_factory",
]

ENTRY_POINT_GROUP: Final = "axios_python.plugins"

# The hooks in axios_python.hookspecs (a test keeps the two in step); kept here so
# listing needs neither pluggy nor the hookspecs module.
HOOK_NAMES: Final = (
    "axios_before_send",
    "axios_cached_response",
    "axios_client_created",
    "axios_error",
    "axios_interrupted",
    "axios_request",
    "axios_response",
    "axios_transport",
)
# Plugin base-class methods and the hook each one feeds.
_METHOD_HOOKS: Final = {method: hook for hook, method in ADAPTED_HOOKS.items()}
_PLUGIN_BASES: Final = frozenset({"Plugin", "axios_python.Plugin", "object"})

# Names whose distributions the project publishes, for an install hint.
OFFICIAL_DISTRIBUTIONS: Final = {
    "cache": "axios-python-cache",
    "auth": "axios-python-auth",
    "logger": "axios-python-logger",
}


@dataclass(frozen=True)
class PluginInfo:
    """One installed plugin entry point, as ``list_plugins()`` reports it.

    ``hooks`` is None when it cannot be known without importing the plugin
    (its factory is a function, or it inherits from a class defined elsewhere).
    """

    name: str
    value: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...] | None
    status: Literal["ok", "broken"]
    reason: str | None = None
    loaded: bool = field(default=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (what ``python -m axios_python plugins --json`` prints)."""
        return {
            "name": self.name,
            "entry_point": self.value,
            "distribution": self.distribution,
            "version": self.version,
            "hooks": list(self.hooks) if self.hooks is not None else None,
            "status": self.status,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class _Entry:
    point: EntryPoint
    distribution: str | None
    version: str | None

    def describe(self) -> str:
        if self.distribution is None:
            return "an unknown distribution"
        return f"{self.distribution} {self.version}"


def _scan() -> dict[str, list[_Entry]]:
    """Every entry point in the group, by name (a name with two entries is a conflict)."""
    from importlib.metadata import entry_points

    found: dict[str, list[_Entry]] = {}
    for point in entry_points(group=ENTRY_POINT_GROUP):
        dist = point.dist
        name = dist.metadata["Name"] if dist is not None else None
        version = dist.version if dist is not None else None
        entries = found.setdefault(point.name, [])
        if any(e.distribution == name and e.point.value == point.value for e in entries):
            continue  # the same distribution seen twice on sys.path
        entries.append(_Entry(point, name, version))
    return found


# --- loading one by name ---------------------------------------------------------------------


def load_factory(name: str) -> tuple[Callable[..., object], str | None, str | None]:
    """Import the one entry point called ``name``; return (factory, distribution, version).

    Raises PluginNotFoundError, PluginConflictError or PluginImportError, each
    with a message that says what to do.
    """
    found = _scan()
    entries = found.get(name)
    if not entries:
        raise PluginNotFoundError(_not_found_message(name, sorted(found)), plugin=name)
    if len(entries) > 1:
        raise PluginConflictError(
            _conflict_message(name, entries),
            plugin=name,
            distributions=tuple(e.distribution or "?" for e in entries),
        )
    entry = entries[0]
    try:
        factory = entry.point.load()
    except Exception as exc:
        advice = _install_advice(entry, exc) or (
            f"reinstall or upgrade {entry.distribution or 'it'}, or uninstall it"
        )
        raise PluginImportError(
            f"plugin {name!r} from {entry.describe()} failed to import "
            f"{entry.point.value!r}: {type(exc).__name__}: {exc}; {advice}",
            plugin=name,
            distribution=entry.distribution,
            version=entry.version,
        ) from exc
    if not callable(factory):
        raise PluginImportError(
            f"plugin {name!r} from {entry.describe()}: entry point {entry.point.value!r} "
            f"is a {type(factory).__name__}, expected a plugin class or factory",
            plugin=name,
            distribution=entry.distribution,
            version=entry.version,
        )
    return factory, entry.distribution, entry.version


_REQUIREMENT_NAME: Final = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_EXTRA_MARKER: Final = re.compile(r"""\bextra\s*==\s*['"]([^'"]+)['"]""")


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _install_advice(entry: _Entry, exc: BaseException) -> str | None:
    """What to install when the plugin cannot import because a module is not installed.

    Reads the plugin distribution's declared requirements (metadata only) for one
    named like the missing module: an optional extra's requirement gives
    ``pip install "dist[extra]"``, a required one ``pip install "requirement"``.
    None when the error is another one or the module is none of its requirements.
    """
    if not isinstance(exc, ModuleNotFoundError) or not exc.name or entry.distribution is None:
        return None
    from importlib.metadata import PackageNotFoundError, requires

    try:
        requirements = requires(entry.distribution) or []
    except PackageNotFoundError:
        return None
    missing = _normalized(exc.name.partition(".")[0])
    for requirement in requirements:
        spec, _, marker = requirement.partition(";")
        match = _REQUIREMENT_NAME.match(spec)
        if match is None or _normalized(match.group(1)) != missing:
            continue
        spec = spec.strip()
        extra = _EXTRA_MARKER.search(marker)
        if extra is None:
            return f'{entry.distribution} requires it: pip install "{spec}"'
        target = f"{entry.distribution}[{extra.group(1)}]"
        where = " ".join(_EXTRA_MARKER.sub("", marker).split())  # the other conditions, if any
        where = where.removeprefix("and ").removesuffix(" and")
        where = where.removeprefix("(").removesuffix(")") if where.count("(") == 1 else where
        only = f", only where {where}" if where else ""
        return f'it comes with the {extra.group(1)!r} extra: pip install "{target}" ({spec}{only})'
    return None


def _not_found_message(name: str, installed: list[str]) -> str:
    message = f"no plugin named {name!r} is installed"
    close = difflib.get_close_matches(name, installed, n=1, cutoff=0.6)
    if close:
        message += f"; did you mean {close[0]!r}?"
    listing = ", ".join(installed) if installed else "none"
    message += f" (installed plugins: {listing})"
    if name in OFFICIAL_DISTRIBUTIONS:
        message += f"; install it with: pip install {OFFICIAL_DISTRIBUTIONS[name]}"
    return message


def _conflict_message(name: str, entries: list[_Entry]) -> str:
    who = " and ".join(f"{e.describe()} ({e.point.value})" for e in entries)
    return (
        f"plugin name {name!r} is claimed by {len(entries)} distributions: {who}; "
        "uninstall all but one, or pass the plugin object itself to api.plugin()"
    )


# --- listing -----------------------------------------------------------------------------------


def list_plugins(*, load: bool = False) -> list[PluginInfo]:
    """Every installed plugin, sorted by name, without importing any of them.

    With ``load=True`` each plugin is imported (one at a time, failures caught)
    so that import errors show as ``broken`` and ``hooks`` comes from the real
    object.
    """
    infos: list[PluginInfo] = []
    for name, entries in sorted(_scan().items()):
        if len(entries) > 1:
            reason = _conflict_message(name, entries)
            infos.extend(_info(name, entry, None, "broken", reason) for entry in entries)
            continue
        infos.append(_inspect(name, entries[0], load=load))
    return infos


def _info(
    name: str,
    entry: _Entry,
    hooks: tuple[str, ...] | None,
    status: Literal["ok", "broken"],
    reason: str | None,
    loaded: bool = False,
) -> PluginInfo:
    return PluginInfo(
        name=name,
        value=entry.point.value,
        distribution=entry.distribution,
        version=entry.version,
        hooks=hooks,
        status=status,
        reason=reason,
        loaded=loaded,
    )


def _inspect(name: str, entry: _Entry, *, load: bool) -> PluginInfo:
    point = entry.point
    module, _, attr = point.value.partition(":")
    module, attr = module.strip(), attr.strip()
    if not module or not all(part.isidentifier() for part in module.split(".")):
        return _info(name, entry, None, "broken", f"malformed entry point {point.value!r}")
    if load or module in sys.modules:
        try:
            obj = point.load()
        except Exception as exc:
            return _info(name, entry, None, "broken", _import_failure(entry, exc), True)
        return _info(name, entry, hooks_of(obj), "ok", None, True)
    try:
        hooks = _static_hooks(module, attr.split(".")[0] if attr else None, depth=0)
    except _Broken as exc:
        return _info(name, entry, None, "broken", str(exc))
    except ModuleNotFoundError as exc:  # a module it imports unconditionally is not installed
        return _info(name, entry, None, "broken", _import_failure(entry, exc))
    return _info(name, entry, hooks, "ok", None)


def _import_failure(entry: _Entry, exc: BaseException) -> str:
    reason = f"{type(exc).__name__}: {exc}"
    advice = _install_advice(entry, exc)
    return f"{reason}; {advice}" if advice else reason


def hooks_of(obj: object) -> tuple[str, ...] | None:
    """The hooks a loaded plugin class or instance implements (None for a plain factory)."""
    cls = obj if isinstance(obj, type) else type(obj)
    if not isinstance(obj, type) and callable(obj) and not _has_hooks(cls):
        return None  # a factory function: what it builds is unknown until it is called
    hooks = {name for name in HOOK_NAMES if callable(getattr(cls, name, None))}
    if issubclass(cls, Plugin):
        for method, hook in _METHOD_HOOKS.items():
            inherited = getattr(cls, hook) is getattr(Plugin, hook)
            if inherited and getattr(cls, method) is getattr(Plugin, method):
                hooks.discard(hook)  # the adapter is registered only for overridden methods
    return tuple(sorted(hooks))


def _has_hooks(cls: type) -> bool:
    return any(callable(getattr(cls, name, None)) for name in HOOK_NAMES)


class _Broken(Exception):
    """The entry point cannot work; the message says why (listing shows it as broken)."""


def _find_source(module: str) -> Path | None:
    """Locate ``module``'s source file without importing it or its parents."""
    parts = module.split(".")
    top = sys.modules.get(parts[0])
    try:
        spec = top.__spec__ if top is not None else importlib.util.find_spec(parts[0])
    except (ImportError, ValueError) as exc:
        raise _Broken(f"cannot locate module {module!r}: {exc}") from None
    for index in range(1, len(parts)):
        if spec is None or not spec.submodule_search_locations:
            spec = None
            break
        spec = PathFinder.find_spec(".".join(parts[: index + 1]), spec.submodule_search_locations)
    if spec is None:
        raise _Broken(f"module {module!r} is not installed (not found on sys.path)")
    if spec.origin is None or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


def _static_hooks(module: str, attr: str | None, *, depth: int) -> tuple[str, ...] | None:
    """Read ``module``'s source and find the hooks class ``attr`` defines (None if unknowable)."""
    if attr is None or depth > 4:
        return None
    path = _find_source(module)
    if path is None:
        return None
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except SyntaxError as exc:
        raise _Broken(f"syntax error in {path}:{exc.lineno}: {exc.msg}") from None
    except OSError as exc:
        raise _Broken(f"cannot read {path}: {exc}") from None
    _check_imports(tree)
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    for node in reversed(tree.body):
        if isinstance(node, ast.ClassDef) and node.name == attr:
            return _class_hooks(node, classes)
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) == attr:
                    source = _resolve_import(module, path, node)
                    return _static_hooks(source, alias.name, depth=depth + 1)
        if _binds(node, attr):
            return None  # assigned or def'd: a factory, known only once loaded
    dynamic = any(
        (isinstance(node, ast.FunctionDef) and node.name == "__getattr__")
        or (isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names))
        for node in tree.body
    )
    if dynamic:
        return None
    raise _Broken(f"module {module!r} has no attribute {attr!r}")


def _check_imports(tree: ast.Module) -> None:
    """Raise ModuleNotFoundError for a module the source imports at top level that is absent.

    Only unconditional imports count: one under ``try``, ``if`` or in a function
    may be optional, so it is not checked.
    """
    for node in tree.body:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module]
        else:
            continue
        for top in {name.partition(".")[0] for name in names}:
            if not _importable(top):
                raise ModuleNotFoundError(f"No module named {top!r}", name=top)


def _importable(top: str) -> bool:
    if top in sys.modules:
        return sys.modules[top] is not None  # None there blocks the import
    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


def _binds(node: ast.stmt, name: str) -> bool:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return node.name == name
    if isinstance(node, ast.Import):
        return any((a.asname or a.name.split(".")[0]) == name for a in node.names)
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign):
        targets = [node.target]
    return any(isinstance(t, ast.Name) and t.id == name for t in targets)


def _resolve_import(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _class_hooks(node: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> tuple[str, ...] | None:
    hooks: set[str] = set()
    for cls in _class_chain(node, classes):
        if cls is None:
            return None  # inherits from a class defined elsewhere
        for item in cls.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if item.name in HOOK_NAMES:
                    hooks.add(item.name)
                elif item.name in _METHOD_HOOKS:
                    hooks.add(_METHOD_HOOKS[item.name])
    return tuple(sorted(hooks))


def _class_chain(
    node: ast.ClassDef, classes: dict[str, ast.ClassDef]
) -> Iterator[ast.ClassDef | None]:
    seen: set[str] = set()
    pending = [node]
    while pending:
        cls = pending.pop()
        if cls.name in seen:
            continue
        seen.add(cls.name)
        yield cls
        for base in cls.bases:
            text = ast.unparse(base)
            if text in _PLUGIN_BASES:
                continue
            if text in classes:
                pending.append(classes[text])
            else:
                yield None
