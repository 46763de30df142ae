"""Conditional GET: validators computed in one cheap query, before any body is rendered.

A response of the API can change when any record it shows or nests changes, when a scheduled
record's go-live time passes, or when reference data is renamed. One query reads, for every
table behind the API:

* the newest history row id of each model with history (every save, change of related records
  and delete adds one; ids only grow, whatever the clocks of the servers say),
* the latest go-live time that has passed, per publishable model (evaluated by the database
  clock, like ``published()``),
* a digest of the small reference tables without history (provinces, regions, sources).

The ETag is a digest of that, of the representation (media type, language) and of who is
asking (the public, or one signed-in user); a detail's ETag also starts with the record's
version (and, for a signed-in reader, its working copy's), which is what ``If-Match``
compares. An unchanged register answers ``If-None-Match`` with 304 after that one query.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.db import connections, router
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from core.models import Publishable
from core.services import working_copy_of

TRACKED_APPS = ("core", "zones", "policies")
REFERENCE_TABLE_MODELS = ("zones.Province", "zones.Region", "core.Source")


@dataclass(frozen=True)
class DataVersion:
    digest: str
    last_modified: datetime | None


def _history_models():
    for model in apps.get_models():
        if (
            model._meta.app_label in TRACKED_APPS
            and hasattr(model._meta, "simple_history_manager_attribute")
            and not model._meta.proxy
        ):
            yield model


def _version_sql(connection) -> str:
    quote = connection.ops.quote_name
    columns = []
    for model in sorted(_history_models(), key=lambda m: m._meta.label):
        history = quote(model.history.model._meta.db_table)
        columns.append(f"(SELECT MAX(history_id) FROM {history})")
        columns.append(f"(SELECT MAX(history_date) FROM {history})")
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if issubclass(model, Publishable) and model._meta.app_label in TRACKED_APPS:
            table = quote(model._meta.db_table)
            columns.append(
                f"(SELECT MAX(go_live_at) FROM {table} WHERE go_live_at <= STATEMENT_TIMESTAMP())"
            )
    for label in REFERENCE_TABLE_MODELS:
        table = quote(apps.get_model(label)._meta.db_table)
        columns.append(f"(SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM {table} t)")
    return "SELECT " + ", ".join(columns)


_SQL_CACHE: dict[str, str] = {}


def data_version() -> DataVersion:
    """The register's data version, read where the request's other reads go: a public read
    from the replica (config.db_router), so that it describes the data the answer shows."""
    connection = connections[router.db_for_read(apps.get_model("zones", "Zone"))]
    if connection.alias not in _SQL_CACHE:
        _SQL_CACHE[connection.alias] = _version_sql(connection)
    with connection.cursor() as cursor:
        cursor.execute(_SQL_CACHE[connection.alias])
        row = cursor.fetchone()
    # The latest save, delete or go-live: when the data behind any answer last changed.
    times = [value for value in row if isinstance(value, datetime)]
    return DataVersion(
        digest=hashlib.sha256(repr(row).encode()).hexdigest(),
        last_modified=max(times) if times else None,
    )


def request_data_version(request) -> DataVersion:
    """The data version, read once per request, so that a list's ETag and its ``data_as_of``
    agree."""
    if not hasattr(request, "data_version"):
        request.data_version = data_version()
    return request.data_version


def data_as_of() -> datetime | None:
    """When the register's data last changed (the latest save, delete or go-live): the pages'
    "Data as of", the same moment as the API's Last-Modified and ``data_as_of``."""
    return data_version().last_modified


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
