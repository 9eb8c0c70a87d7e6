"""The distribution's version, in lockstep with axios-python-core."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
