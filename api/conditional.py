"""Conditional requests of the API: ETags and Last-Modified from the register's data version
(``core.freshness``), computed in one cheap query before any body is rendered.

The ETag is a digest of the data version, of the representation (media type, language) and of
who is asking (the public, or one signed-in user); a detail's ETag also starts with the record's
version (and, for a signed-in reader, its working copy's), which is what ``If-Match``
compares. An unchanged register answers ``If-None-Match`` with 304 after that one query.
"""

import hashlib
import re

from django.conf import settings
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from core.freshness import DataVersion
from core.services import working_copy_of


def audience(request) -> str:
    """Who the representation was made for: every anonymous client gets the same one."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "public"


def make_etag(request, version: DataVersion, *, media_type: str, record_version=None) -> str:
    """The ETag of a representation; ``record_version`` (see ``edit_version``) names the version
    of the record a write based on it must still find."""
    material = "|".join([version.digest, media_type or "", get_language() or "", audience(request)])
    digest = hashlib.sha256(material.encode()).hexdigest()[:32]
    if record_version is not None:
        return f'"v{record_version}-{digest}"'
    return f'"{digest}"'


_ETAG_VERSION = re.compile(r'^(?:W/)?"v(\d+(?:\.\d+)?)-[0-9a-f]+"$')


def edit_version(record, *, signed_in: bool) -> str:
    """The version a write must be based on: the record's, and for a signed-in reader of a
    record with a working copy, the working copy's too ("5.8"), since writes change that."""
    working_copy = working_copy_of(record) if signed_in else None
    if working_copy is None:
        return str(record.version)
    return f"{record.version}.{working_copy.version}"


def versions_in_if_match(header: str) -> set[str] | None:
    """The versions (as ``edit_version`` writes them) named by an If-Match header; None for
    ``*`` (any version will do)."""
    versions = set()
    for part in header.split(","):
        part = part.strip()
        if part == "*":
            return None
        match = _ETAG_VERSION.match(part)
        if match:
            versions.add(match.group(1))
    return versions


def apply_cache_headers(request, response) -> None:
    """Shared caches may keep public reads for a short while; signed-in reads stay private."""
    if response.status_code not in (200, 304) or request.method not in ("GET", "HEAD"):
        response["Cache-Control"] = "no-store"
        return
    if audience(request) == "public":
        response["Cache-Control"] = f"public, max-age={settings.API_CACHE_MAX_AGE}"
    else:
        response["Cache-Control"] = "private, no-store"
    patch_vary_headers(response, ("Accept", "Accept-Language", "Authorization", "Cookie"))


def set_validators(response, etag: str, version: DataVersion) -> None:
    response["ETag"] = etag
    if version.last_modified is not None:
        response["Last-Modified"] = http_date(version.last_modified.timestamp())
