"""The version shared by every axios-python distribution (they release in lockstep)."""

__all__ = ["__version__"]

__version__ = "0.1.0"
