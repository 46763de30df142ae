"""Structured logs: one JSON object per line, each carrying the request id of its request.

Nothing here reads headers, cookies or bodies, so none can leak; the scrubber is a second line of
defence against a library that puts a credential into a message (a DSN with a password, an
``Authorization`` value in an exception).
"""

import contextvars
import datetime
import json
import logging
import re

# Set by operations.middleware.RequestLogMiddleware for the length of a request.
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)

REDACTED = "[redacted]"
SECRET_PATTERNS = [
    # An Authorization scheme followed by something as long as a credential.
    (re.compile(r"(?i)\b(token|bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{16,}"), rf"\1\2{REDACTED}"),
    # key=value or "key": "value" where the key names a secret.
    (
        re.compile(
            r"(?i)(\b[\w-]*(?:password|passwd|secret|token|api[_-]?key|sessionid|csrftoken|"
            r"authorization)[\w-]*[\"']?\s*[:=]\s*[\"']?)([^\s\"'&,;]+)"
        ),
        rf"\1{REDACTED}",
    ),
    # user:password@ in a URL.
    (re.compile(r"(://[^:/\s@]+:)([^@\s]+)(@)"), rf"\1{REDACTED}\3"),
]

# Attributes every LogRecord has; anything else was passed in ``extra`` and is kept.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


def scrub(text: str) -> str:
    for pattern, replacement in SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request being served, if any."""

    def filter(self, record):
        if getattr(record, "request_id", None) is None:
            # Django logs a response's status after the middleware has finished, but hands
            # the request along.
            request = getattr(record, "request", None)
            record.request_id = request_id_var.get() or getattr(request, "request_id", None)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            # Django attaches the request and the socket to some records; never serialise those.
            if key not in _STANDARD_ATTRIBUTES and key not in {"request", "socket", "server_time"}:
                entry[key] = value if isinstance(value, (str, int, float, bool)) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return scrub(json.dumps(entry, ensure_ascii=False, default=str))
