"""``python -m axios_python plugins [--json] [--load]``: list the installed plugins.

Without ``--load`` nothing is imported: hooks come from reading each plugin's
source, and a plugin that cannot be found or parsed is listed as broken.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from ._entrypoints import ENTRY_POINT_GROUP, PluginInfo, list_plugins
from ._version import __version__

__all__ = ["main"]

_UNKNOWN_HOOKS = "unknown until loaded"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m axios_python", description="axios-python command line."
    )
    parser.add_argument("--version", action="version", version=f"axios-python {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    plugins = commands.add_parser(
        "plugins",
        help="list installed plugins",
        description=f"List the plugins installed in the {ENTRY_POINT_GROUP!r} entry-point group.",
    )
    plugins.add_argument("--json", action="store_true", help="print JSON instead of a table")
    plugins.add_argument(
        "--load",
        action="store_true",
        help="import each plugin (in isolation) to confirm it loads and read its hooks",
    )
    args = parser.parse_args(argv)
    if args.command != "plugins":
        parser.print_help()
        return 2
    infos = list_plugins(load=args.load)
    if args.json:
        print(json.dumps([info.to_dict() for info in infos], indent=2))
    else:
        print(_table(infos))
    return 0


def _table(infos: list[PluginInfo]) -> str:
    if not infos:
        return (
            f"No plugins installed (entry-point group {ENTRY_POINT_GROUP!r}); "
            "try: pip install axios-python-cache"
        )
    header = ("NAME", "DISTRIBUTION", "VERSION", "STATUS", "HOOKS")
    rows = [
        (
            info.name,
            info.distribution or "?",
            info.version or "?",
            info.status,
            ", ".join(info.hooks) if info.hooks is not None else _UNKNOWN_HOOKS,
        )
        for info in infos
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
    lines = []
    for row, info in zip((header, *rows), (None, *infos), strict=True):
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
        if info is not None and info.reason:
            lines.append(f"    reason: {info.reason}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
