"""axios-python-urllib3: a fast synchronous transport on urllib3 connection pools.

``api.plugin("urllib3")`` (entry point ``urllib3``) makes a client's sync
requests use it; ``AxiosPython(config, transport=Urllib3Transport())`` works too.
"""

from ._plugin import Urllib3Plugin
from ._transport import Urllib3Transport

__all__ = ["Urllib3Plugin", "Urllib3Transport", "__version__"]

__version__ = "0.1.0"
