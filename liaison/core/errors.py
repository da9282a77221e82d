"""Refusals of the service layer, shared by every area.

A service refuses with one of these and a message in the user's language; pages show the
message, the API answers `{"detail": message}` with the error's status. `field`, when
given, names the input it is about as a path into it (`summary`, `decisions.0.responsible`),
so that a page can show the message next to what was typed.
"""


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(ServiceError):
    """The input is wrong: the person can correct it and try again."""

    status = 400


class NotAllowed(ServiceError):
    """The person may not do this."""

    status = 403


class WrongState(ServiceError):
    """The object's state does not allow it now (someone else may have acted first)."""

    status = 409
