"""Request-level operations: request ids and the access log, oversized bodies, database outages;
and the language of the addresses that have no language prefix."""

import logging
import re
import time
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.functional import LazyObject, empty

from operations import errors
from operations.logs import request_id_var

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy or a client may hand us as a request id: short, printable, no spaces or quotes,
# so it can go into a header and a log line as it is. Anything else is replaced.
WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,127}")
MAX_LOGGED_PATH = 500

# Addresses outside the language prefixes whose language is the reader's choice (the language
# cookie, else the browser's Accept-Language): the newsroom and the API. The public pages take
# theirs from the address (English at the root, Chinese under /zh-hans/).
FOLLOW_READER_LANGUAGE = ("/admin/", "/api/")

access_log = logging.getLogger("core.requests")
error_log = logging.getLogger("core.errors")


class RequestLogMiddleware:
    """One structured log line per request, and a request id on the request, the response and
    every log record written while it is served.

    It goes first in MIDDLEWARE so that it times and ids everything, redirects and refusals too.
    Only the method, path, status, timing and ids are logged: no query string, header, cookie or
    body, so no credential can reach the log.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if WELL_FORMED_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            self.log(request, response, started)
            return response
        finally:
            request_id_var.reset(token)

    def log(self, request, response, started):
        status = response.status_code
        fields = {
            "method": request.method[:16],
            "path": request.path[:MAX_LOGGED_PATH],
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        }
        # Only if authentication already ran: looking the user up here would cost a query.
        user = logged_user(request)
        if user is not None and user.is_authenticated:
            fields["user_id"] = user.pk
        level = logging.ERROR if status >= 500 else logging.INFO
        access_log.log(level, "%s %s %s", fields["method"], fields["path"], status, extra=fields)


def logged_user(request):
    """The user the request was served for, if anyone looked it up: the session's (cached by
    AuthenticationMiddleware once read) or the API's (set by REST framework from a token)."""
    user = request.__dict__.get("user")
    if isinstance(user, LazyObject):
        user = getattr(request, "_cached_user", None) if user._wrapped is empty else user._wrapped
    return user


class RequestSizeLimitMiddleware:
    """Refuse a body larger than we would read with 413, from its Content-Length, unread.

    Form fields and JSON may be up to DATA_UPLOAD_MAX_MEMORY_SIZE; multipart bodies, which carry
    attachments, up to MAX_REQUEST_BODY_SIZE. Django alone would answer 400, and only once a view
    read the body; DRF's parsers read JSON without Django's check at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads an invalid length as no body, and so do we.
        if request.content_type == "multipart/form-data":
            limit = settings.MAX_REQUEST_BODY_SIZE
        else:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return errors.request_too_large(request, limit)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """While the database is unreachable, answer 503 with Retry-After instead of a 500.

    The connection health checks (CONN_HEALTH_CHECKS) reconnect by themselves once the server is
    back; until then clients and load balancers learn it is temporary.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        error_log.error("database unavailable: %s", type(exception).__name__, exc_info=exception)
        response = errors.service_unavailable(request)
        # Logged above with its traceback; Django's own "Service Unavailable" line would repeat it.
        response._has_been_logged = True
        return response


class ReaderLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except that the newsroom and the API follow the reader's language.

    With ``prefix_default_language=False`` Django gives every address without a prefix the
    default language, so an editor whose browser asks for Chinese would always get English.
    """

    def process_request(self, request):
        super().process_request(request)
        if request.path_info.startswith(FOLLOW_READER_LANGUAGE):
            translation.activate(translation.get_language_from_request(request, check_path=False))
            request.LANGUAGE_CODE = translation.get_language()
