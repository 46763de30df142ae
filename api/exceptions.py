"""Every API error in one JSON shape, whoever raised it:

    {"error": {"code": "invalid_parameter", "message": "…", "details": {"page": ["…"]}}}

``code`` is stable and machine-readable; ``message`` is for people and follows the request's
language; ``details`` names the parameters or fields at fault, when there are any.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from core.services import StaleVersionError


class InvalidParameters(exceptions.ValidationError):
    """A query parameter has a value the API cannot use; ``detail`` maps each to its messages."""

    default_code = "invalid_parameter"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy(
        "The record has changed since you read it. Read it again and reapply your change."
    )
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = gettext_lazy(
        "Send the ETag you read in an If-Match header (or the record's version in the body), "
        "so that nobody's change is overwritten unseen."
    )
    default_code = "precondition_required"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "request_too_large"


class TooManyValues(exceptions.APIException):
    """More query parameters (or form fields) than DATA_UPLOAD_MAX_NUMBER_FIELDS."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "too_many_values"

    def __init__(self):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        super().__init__(_("Give at most %(limit)s values.") % {"limit": limit})


class StateConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The record is not in a state that allows this.")
    default_code = "invalid_state"


def error_body(code: str, message: str, details=None) -> dict:
    error = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"error": error}


def _normalise(exc):
    """Turn Django's and the services' exceptions into REST framework ones."""
    if isinstance(exc, Http404):
        return exceptions.NotFound(_("Nothing is published at this address."))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, TooManyFieldsSent):
        return TooManyValues()
    if isinstance(exc, StaleVersionError):
        return PreconditionFailed(str(exc))
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return StateConflict(" ".join(exc.messages))
    return exc


def _message(exc, details) -> str:
    if isinstance(exc, InvalidParameters):
        return _("These query parameters have values the API cannot use: %(names)s.") % {
            "names": ", ".join(details)
        }
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(details, dict) and details:
            return _("The data sent is not valid: see the details for each field.")
        return _("The data sent is not valid.")
    detail = exc.detail
    if isinstance(detail, list | dict):
        return _("The request could not be completed.")
    return str(detail)


def _codes(exc) -> str:
    if isinstance(exc, InvalidParameters):
        return "invalid_parameter"
    if isinstance(exc, exceptions.ValidationError):
        return "invalid_data"
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _details(exc):
    if not isinstance(exc, exceptions.ValidationError):
        return None
    detail = exc.detail
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    return detail


def api_exception_handler(exc, context):
    exc = _normalise(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    details = _details(exc)
    response.data = error_body(_codes(exc), _message(exc, details or {}), details)
    return response


def json_error(status_code: int, code: str, message: str) -> JsonResponse:
    """The same shape for errors that happen outside a REST framework view."""
    response = JsonResponse(error_body(code, message), status=status_code)
    response["Cache-Control"] = "no-store"
    return response
