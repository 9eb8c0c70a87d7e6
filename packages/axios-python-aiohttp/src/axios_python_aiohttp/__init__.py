"""axios-python-aiohttp: a fast async transport on aiohttp client sessions.

``api.plugin("aiohttp")`` (entry point ``aiohttp``) makes a client's async
requests use it; ``AxiosPython(config, transport=AiohttpTransport())`` works too.
"""

from ._plugin import AiohttpPlugin
from ._transport import AiohttpTransport

__all__ = ["AiohttpPlugin", "AiohttpTransport", "__version__"]

__version__ = "0.1.0"
