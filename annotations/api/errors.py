"""API errors that a person can read: field errors for 400, reasons for 403/409/412.

The services raise Django's own exceptions (``PermissionDenied`` with the reason,
``ValidationError`` with the fields); this handler, the project's one
(``REST_FRAMEWORK["EXCEPTION_HANDLER"]``), turns them into DRF's answers, so no view
translates them itself.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    status_code: int = status.HTTP_409_CONFLICT  # an int, so PreconditionFailed may say 412
    default_detail = (
        "This claim changed since you loaded it. Reload it and apply your change again."
    )
    default_code = "conflict"

    def __init__(self, detail=None, code=None, current=None):
        super().__init__(detail, code)
        self.current = current


class PreconditionFailed(Conflict):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def exception_handler(exc, context):
    if isinstance(exc, DjangoPermissionDenied):
        # DRF's own translation drops the reason the service gave.
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = exc.message_dict
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, Conflict) and exc.current is not None:
        response.data = {"detail": str(exc.detail), "current": exc.current}
    return response
