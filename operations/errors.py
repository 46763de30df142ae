"""Error answers that must not depend on the database or on templates: they are given when a
request is refused before it reaches a view, or when the database is unreachable.

Under ``/api/`` they use the API's error shape, ``{"error": {"code": ..., "message": ...}}``;
elsewhere a small self-contained HTML page.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.csp import CSP, build_policy
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"

PAGE = """<!doctype html>
<html lang="{language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body><main><h1>{title}</h1><p>{message}</p></main></body>
</html>
"""


def with_policy(response):
    """The Content-Security-Policy for an answer made above ContentSecurityPolicyMiddleware (a
    413, the 400 for a host we do not serve), so that it carries the policy all the same."""
    if settings.SECURE_CSP and CSP.HEADER_ENFORCE not in response:
        response[CSP.HEADER_ENFORCE] = build_policy(settings.SECURE_CSP)
    return response


def error_response(request, *, status, code, title, message):
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
        return with_policy(response)
    page = PAGE.format(
        language=escape(get_language() or "en"), title=escape(title), message=escape(message)
    )
    return with_policy(HttpResponse(page, status=status, content_type="text/html; charset=utf-8"))


def request_too_large(request, limit=None):
    if limit:
        message = _("The request body is larger than the %(limit)s this address accepts.") % {
            "limit": filesizeformat(limit)
        }
    else:
        message = _("The request body is larger than this address accepts.")
    return error_response(
        request,
        status=413,
        code="request_too_large",
        title=_("Request too large"),
        message=message,
    )


def service_unavailable(request):
    response = error_response(
        request,
        status=503,
        code="service_unavailable",
        title=_("Temporarily unavailable"),
        message=_("The register cannot reach its database just now. Please try again shortly."),
    )
    response["Retry-After"] = "5"
    return response


def too_many_values(request):
    """More query parameters or form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS: a 400 that says
    so, rather than Django's bare "Bad Request"."""
    return error_response(
        request,
        status=400,
        code="too_many_values",
        title=_("The request could not be completed."),
        message=_("Give at most %(limit)s values.")
        % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS},
    )


def bad_request(request, exception):
    """handler400: Django reports a body over DATA_UPLOAD_MAX_MEMORY_SIZE as a 400; it is a 413.

    Most oversized bodies are refused earlier, from their Content-Length, by
    ``operations.middleware.RequestSizeLimitMiddleware``; this catches the form fields of a
    multipart body, which are only counted while it is parsed. Too many parameters or fields is
    a 400 that says so.
    """
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if isinstance(exception, TooManyFieldsSent):
        return too_many_values(request)
    return with_policy(defaults.bad_request(request, exception))
