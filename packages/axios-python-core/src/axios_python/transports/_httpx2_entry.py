"""The ``httpx2`` plugin's entry point: importing it imports httpx2 itself.

``axios_python.transports.httpx2`` imports httpx2 lazily, so that module loads
without it; the entry point names this module instead, so that a missing httpx2
fails the import where plugin tooling looks: ``python -m axios_python plugins
--load`` lists the plugin as broken, naming the ``httpx2`` extra to install.
"""

from __future__ import annotations

import httpx2  # noqa: F401  # the reason this module exists: fail here when it is missing

from .httpx2 import Httpx2Plugin

__all__ = ["Httpx2Plugin"]
