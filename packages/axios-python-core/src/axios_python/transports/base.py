"""BaseTransport: the one seam between the pipeline and an HTTP library."""

from __future__ import annotations

from .._connection_options import ConnectionOptions
from .._exceptions import UnsupportedOptionError, UnsupportedRequestError
from .._models import Request, Response

__all__ = ["BaseTransport"]


class BaseTransport:
    """Sends one prepared Request and returns a Response; override ``send``, ``send_async`` or both.

    The contract (docs/transports.md has it in full). A transport:

    - never follows redirects, retries or validates statuses, and adds no
      headers beyond framing (Host, Content-Length / Transfer-Encoding): the
      pipeline does all that the same way for every transport;
    - hands the body over as it came off the wire, still encoded: it never
      decodes Content-Encoding (the pipeline decodes, bounds and counts it, and
      sends Accept-Encoding itself); when ``request.stream`` is true (the
      caller's stream=True, or the pipeline wanting to read the body itself) it
      returns a Response whose body is a byte stream, and closing that stream
      with bytes unread closes the connection rather than pooling it;
    - honours ``request.timeout``'s connect / read / write / pool phases
      (``total`` is the pipeline's) and aborts the request when the CancelToken
      in ``request.extensions["cancel_token"]`` is cancelled, while sending,
      waiting for a pool slot or reading a streamed body, raising what
      ``token.raise_if_cancelled()`` raises (CancelError, or TimeoutError for a
      deadline: that is how the pipeline enforces ``total``);
    - maps its library's failures to TimeoutError (``TimeoutError.exceeded``
      names the phase and its limit) and NetworkError, setting
      ``unanswered=True`` when a kept-alive connection was closed or reset
      before any response arrived, and lets an AxiosPythonError raised by the
      request body (a size limit, a progress callback) through unchanged.

    Example::

        class Canned(BaseTransport):
            def send(self, request: Request) -> Response:
                return Response(200, data={"url": request.url}, request=request)

            async def send_async(self, request: Request) -> Response:
                return self.send(request)
    """

    def send(self, request: Request) -> Response:
        """Send ``request`` from synchronous code."""
        raise UnsupportedRequestError(
            f"{type(self).__name__} does not support synchronous requests; "
            "use the async_ methods or a transport that implements send()"
        )

    async def send_async(self, request: Request) -> Response:
        """Send ``request`` from async code."""
        raise UnsupportedRequestError(
            f"{type(self).__name__} does not support async requests; "
            "use the sync methods or a transport that implements send_async()"
        )

    @property
    def supports_sync(self) -> bool:
        """True when this transport implements ``send``."""
        return type(self).send is not BaseTransport.send

    @property
    def supports_async(self) -> bool:
        """True when this transport implements ``send_async``."""
        return type(self).send_async is not BaseTransport.send_async

    def configure(self, options: ConnectionOptions) -> None:
        """Adopt a client's connection options (create()'s proxy, verify, pool limits...).

        Called once per client, before its first request, with the options the
        client's config set (``options.given``). Map each onto the library, or
        raise UnsupportedOptionError naming the transport and the option; this
        default takes none. Called again with equal options, do nothing.
        """
        if options.given:
            raise UnsupportedOptionError(
                type(self).__name__,
                sorted(options.given)[0],
                "this transport takes no connection options",
            )

    def close(self) -> None:
        """Release connections held for synchronous requests."""

    async def aclose(self) -> None:
        """Release every connection, sync and async."""
        self.close()
