"""Taking and reading public versions.

A record's public version changes when it is first published, when a working copy is published
or its scheduled time passes, when a publisher edits the live row, on a revert and on a
withdrawal. The services call ``note_public_version`` at those points; the version is taken once
the transaction commits, so it holds the record with all its links and parts as saved. Taking a
version is idempotent: if nothing the public sees has changed, no new number is given.
"""

import datetime
import json
import logging
import re

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.utils import timezone, translation
from modeltranslation.translator import NotRegistered, translator

from core.models import PublicVersion, Publishable, Status

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "zh-hans")
# Workflow and derived values: not what a reader of the record sees.
HIDDEN_FIELDS = frozenset(
    {"status", "go_live_at", "version", "created_at", "updated_at", "search_vector", "name_pinyin"}
)
AS_OF_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")


def note_public_version(record, *, public_from=None) -> None:
    """Take ``record``'s public version once the current transaction commits."""
    model, pk = type(record), record.pk
    if not hasattr(model, "version_parts"):
        return
    transaction.on_commit(
        lambda: take_public_version(model, pk, public_from=public_from), robust=True
    )


def _translated_names(model) -> set[str]:
    try:
        return set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return set()


def _in_languages(read) -> dict:
    """{"en": …, "zh-hans": …}: ``read()`` called with each language active."""
    values = {}
    for language in LANGUAGES:
        with translation.override(language):
            values[language] = read()
    return values


def _label(obj) -> dict:
    label = _in_languages(lambda: str(obj))
    slug = getattr(obj, "slug", None)
    if slug:
        label["slug"] = slug
    return label


def _public(queryset):
    model = queryset.model
    if issubclass(model, Publishable) or hasattr(queryset, "published"):
        return queryset.published()
    return queryset


def public_fields(model) -> list[models.Field]:
    """The fields a version keeps, in the model's order (one per translated pair)."""
    translated_columns = {
        f"{name}_{language.replace('-', '_')}"
        for name in _translated_names(model)
        for language in LANGUAGES
    }
    names = {field.name for field in model._meta.concrete_fields}
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key
        and field.name not in HIDDEN_FIELDS
        and field.name not in translated_columns
        and not (field.name.endswith("_precision") and field.name[: -len("_precision")] in names)
        and not (isinstance(field, models.ForeignKey) and field.related_model is ContentType)
    ]


def _field_value(obj, field):
    value = getattr(obj, field.attname)
    if value is None or value == "":
        return None
    if isinstance(field, models.ForeignKey):
        related = getattr(obj, field.name)
        if isinstance(related, Publishable) and related.status != Status.PUBLISHED:
            return None
        return _label(related)
    if field.choices:
        return _in_languages(lambda: str(getattr(obj, f"get_{field.name}_display")()))
    if isinstance(field, models.DateField):
        precision = getattr(obj, f"{field.name}_precision", None)
        text = value.isoformat()
        text = {"month": text[:7], "year": text[:4]}.get(precision, text)
        return {"en": text, "zh-hans": text}
    if field.name in _translated_names(type(obj)):
        return {
            language: getattr(obj, f"{field.name}_{language.replace('-', '_')}") or ""
            for language in LANGUAGES
        }
    text = str(value)
    return {"en": text, "zh-hans": text}


def _fields(obj) -> dict:
    values = {}
    for field in public_fields(type(obj)):
        value = _field_value(obj, field)
        if value is not None:
            values[field.name] = value
    for field in type(obj)._meta.many_to_many:
        linked = _public(getattr(obj, field.name).all())
        labels = sorted((_label(item) for item in linked), key=lambda label: label["en"])
        if labels:
            values[field.name] = labels
    return values


def snapshot_of(record) -> dict:
    """What the public sees of ``record``, as JSON values (see ``PublicVersion``)."""
    snapshot = {
        "title": _in_languages(lambda: str(record)),
        "slug": getattr(record, "slug", ""),
        "fields": _fields(record),
        "parts": {},
    }
    for name in getattr(type(record), "version_parts", ()):
        parts = _public(getattr(record, name).all())
        if "position" in {field.name for field in parts.model._meta.concrete_fields}:
            parts = parts.order_by("position", "pk")
        parent = type(record)._meta.get_field(name).field.name
        rows = []
        for part in parts:
            fields = _fields(part)
            fields.pop(parent, None)
            rows.append(fields)
        snapshot["parts"][name] = rows
    # Stored as JSON: compare and keep the same plain values.
    return json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder))


def changed_fields(before: dict | None, after: dict) -> list[str]:
    """The names of the fields and parts that differ between two snapshots."""
    if before is None:
        return []
    names = []
    for key in ("fields", "parts"):
        old, new = before.get(key, {}), after.get(key, {})
        names += [name for name in {**old, **new} if old.get(name) != new.get(name)]
    return names


@transaction.atomic
def take_public_version(model, pk, *, public_from=None) -> PublicVersion | None:
    """Record the public version of ``model`` ``pk`` as it stands; see the module docstring."""
    record = model._base_manager.select_for_update().filter(pk=pk).first()
    if record is None:
        return None
    versions = PublicVersion.objects.for_record(record).select_for_update().order_by("-number")
    latest = versions.first()
    now = timezone.now()
    if record.status != Status.PUBLISHED:
        if record.status == Status.WITHDRAWN:
            _note_withdrawal(versions, now)
        return None
    moment = public_from or max(now, record.go_live_at or now)
    snapshot = snapshot_of(record)
    if latest is not None and latest.public_from > now:
        # Scheduled and not yet public: the version to come is replaced, not added to.
        previous = versions.filter(number__lt=latest.number).first()
        latest.snapshot, latest.public_from = snapshot, moment
        latest.changed = changed_fields(previous.snapshot if previous else None, snapshot)
        latest.save()
        return latest
    if latest is not None and latest.withdrawn_at is None and latest.snapshot == snapshot:
        return latest
    return PublicVersion.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=pk,
        number=latest.number + 1 if latest else 1,
        public_from=moment,
        snapshot=snapshot,
        changed=changed_fields(latest.snapshot if latest else None, snapshot),
    )


def _note_withdrawal(versions, now) -> None:
    versions.filter(public_from__gt=now).delete()
    current = versions.filter(public_from__lte=now).first()
    if current is not None and current.withdrawn_at is None:
        current.withdrawn_at = now
        current.save(update_fields=["withdrawn_at"])


def first_publication_times(model, using=DEFAULT_DB_ALIAS) -> dict:
    """Record pk -> the first time its history shows it published (django-simple-history)."""
    history = getattr(model, "history", None)
    if history is None:
        return {}
    rows = (
        history.using(using)
        .filter(status=Status.PUBLISHED)
        .values("id")
        .annotate(first=models.Min("history_date"))
        .values_list("id", "first")
    )
    return dict(rows)


def versioned_models() -> list:
    """The models whose records have public versions: those naming their ``version_parts``."""
    return [model for model in apps.get_models() if hasattr(model, "version_parts")]


def take_missing_versions(models_with_versions=None, using=DEFAULT_DB_ALIAS) -> int:
    """Give version 1 to every published record without a version; how many were given.

    It is public from its go-live time, else its first publication in the history, else its
    last change. Reads the database ``using`` (the one just migrated), never a replica.
    """
    taken = 0
    for model in models_with_versions or versioned_models():
        versioned = (
            PublicVersion.objects.using(using)
            .filter(content_type=ContentType.objects.db_manager(using).get_for_model(model))
            .values("object_id")
        )
        missing = (
            model._base_manager.using(using)
            .filter(status=Status.PUBLISHED)
            .exclude(pk__in=versioned)
        )
        if not missing.exists():
            continue
        first_published = first_publication_times(model, using)
        # Only the three values each record needs are read, a chunk at a time, so that a
        # register of any size is versioned in flat memory; each version is taken on its own.
        rows = missing.order_by("pk").values_list("pk", "go_live_at", "updated_at")
        for pk, go_live_at, updated_at in rows.iterator(chunk_size=2000):
            since = go_live_at or first_published.get(pk) or updated_at
            take_public_version(model, pk, public_from=since)
            taken += 1
    return taken


def parse_as_of(text: str) -> datetime.datetime:
    """The end of the day ``YYYY-MM-DD`` in the site's time zone; ValueError if it is no date."""
    if not AS_OF_PATTERN.fullmatch(text or ""):
        raise ValueError(text)
    day = datetime.date.fromisoformat(text)
    end = datetime.datetime.combine(day, datetime.time.max)
    return timezone.make_aware(end, timezone.get_default_timezone())


def public_versions(record):
    return PublicVersion.objects.for_record(record).published().order_by("number")


def version_as_of(record, moment) -> PublicVersion | None:
    """The version the public saw at ``moment``: the last to become public by then."""
    return public_versions(record).filter(public_from__lte=moment).order_by("-number").first()


MAX_VERSION_NUMBER = 2**31 - 1


def public_version(record, number) -> PublicVersion | None:
    """Version ``number`` (an int or its digits) if it is published; None for any other."""
    number = int(number) if str(number).isdigit() and len(str(number)) <= 10 else 0
    if not 1 <= number <= MAX_VERSION_NUMBER:
        return None
    return public_versions(record).filter(number=number).first()


def versioned_record(model, slug: str):
    """The record at ``slug`` if the public has seen a version of it (whatever it is now)."""
    record = model._base_manager.filter(slug=slug).first()
    if record is None or not public_versions(record).exists():
        return None
    return record


def take_missing_versions_after_migrate(**kwargs) -> None:
    """post_migrate: records published before versions were kept get their version 1."""
    take_missing_versions(using=kwargs.get("using", DEFAULT_DB_ALIAS))
