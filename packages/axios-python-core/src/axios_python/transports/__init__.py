"""Transports: BaseTransport and the default httpx-backed implementation."""

from .base import BaseTransport
from .httpx import HttpxTransport

__all__ = ["BaseTransport", "HttpxTransport"]
