"""When the register's data last changed: one cheap query, read before any answer is built.

An answer can change when any record it shows or nests changes, when a scheduled record's
go-live time passes, or when reference data is renamed. One query reads, for every table of the
public apps:

* the newest history row id of each model with history (every save, change of related records
  and delete adds one; ids only grow, whatever the clocks of the servers say),
* the latest go-live time that has passed, per publishable model (evaluated by the database
  clock, like ``published()``),
* a digest of the small reference tables without history (provinces, regions, sources).

The API's validators (``api.conditional``), the pages' "Data as of" and the page cache's
signals all start from here.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db import connections, router

from core.models import Publishable

# The apps whose records the public sees.
PUBLIC_APPS = ("core", "zones", "policies")
REFERENCE_TABLE_MODELS = ("zones.Province", "zones.Region", "core.Source")


@dataclass(frozen=True)
class DataVersion:
    digest: str
    last_modified: datetime | None


def _history_models():
    for model in apps.get_models():
        if (
            model._meta.app_label in PUBLIC_APPS
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
        if issubclass(model, Publishable) and model._meta.app_label in PUBLIC_APPS:
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
