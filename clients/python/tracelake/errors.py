"""The one error type of the client."""

import grpc


class TracelakeError(Exception):
    """A call to Tracelake failed. ``code`` is the gRPC status code (e.g. ``grpc.StatusCode.NOT_FOUND``),
    ``description`` the server's message; ``str()`` says what was attempted, then both."""

    _MAX_CONTEXT = 300

    def __init__(self, context, code, description):
        if len(context) > self._MAX_CONTEXT:  # e.g. a huge table name the server refused
            context = context[:self._MAX_CONTEXT] + "...(%d characters)" % len(context)
        self.code = code
        self.description = description
        name = code.name if isinstance(code, grpc.StatusCode) else str(code)
        super().__init__("%s: %s%s" % (context, name, ": " + description if description else ""))

    @classmethod
    def of(cls, context, error):
        """Wraps a grpc.RpcError (or anything else) with what was being attempted."""
        if isinstance(error, grpc.RpcError) and hasattr(error, "code"):
            return cls(context, error.code(), error.details())
        return cls(context, grpc.StatusCode.UNKNOWN, str(error))
