"""Writes with rules: moving a record through the workflow, saving without overwriting a
colleague's newer version, reverting to an earlier version and importing. Used by the admin, the
importer and the API alike, so the rules live here and nowhere else.

The rules, in one place:

- Editors (change permission) create and change records and submit drafts for review.
- Publishers (``publish_<model>`` permission) also publish, schedule and withdraw.
- A record that is public (or scheduled) and is changed by someone who may not publish goes back
  to review: it leaves the public site until a publisher publishes it again, so nothing an
  editor writes reaches the public unreviewed. The same holds for changes to a document's parts
  (directives, principles, relations, attachments) and for a revert.
- A save based on an older version than the stored one is refused, and nothing is written.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from core.models import Publishable, Status

# Set only by the workflow functions below, never by a form, an import row or a revert.
WORKFLOW_FIELDS = frozenset({"status", "go_live_at"})
# Kept by the database or derived on save; a revert leaves them alone.
DERIVED_FIELDS = frozenset({"version", "created_at", "updated_at", "search_vector", "name_pinyin"})


class StaleVersionError(Exception):
    """The record changed since the editor loaded it; nothing was saved."""

    def __init__(self, current: Publishable, expected_version: int | None = None):
        self.current = current
        self.expected_version = expected_version
        super().__init__(
            _("Someone else saved this record (now version %(version)s) after you opened it.")
            % {"version": current.version}
        )


def publish_permission(model) -> str:
    opts = model._meta
    return f"{opts.app_label}.publish_{opts.model_name}"


def change_permission(model) -> str:
    opts = model._meta
    return f"{opts.app_label}.change_{opts.model_name}"


def can_publish(user, model) -> bool:
    return user is not None and user.has_perm(publish_permission(model))


def is_public_or_scheduled(status) -> bool:
    return status == Status.PUBLISHED


def _require(user, permission: str):
    if user is None or not user.has_perm(permission):
        raise PermissionDenied(_("You are not allowed to do this."))


def _lock(record: Publishable) -> Publishable:
    return type(record)._base_manager.select_for_update().get(pk=record.pk)


def _check_version(current: Publishable, expected_version: int | None):
    if expected_version is not None and current.version != expected_version:
        raise StaleVersionError(current, expected_version)


def _apply_editor_rules(record: Publishable, stored: Publishable | None, user) -> None:
    """Keep a non-publisher's save inside the workflow (see the module docstring)."""
    if user is None or can_publish(user, type(record)):
        return
    stored_status = stored.status if stored is not None else Status.DRAFT
    stored_go_live = stored.go_live_at if stored is not None else None
    allowed = {Status.DRAFT, Status.REVIEW, stored_status}
    if record.status not in allowed or record.go_live_at != stored_go_live:
        raise PermissionDenied(_("Only a publisher can publish, schedule or withdraw."))
    if is_public_or_scheduled(stored_status):
        record.status = Status.REVIEW


@transaction.atomic
def record_save(*, record: Publishable, expected_version: int | None, user=None):
    """Save unless the stored version differs from the one the editor started from.

    The row is locked while comparing, so two simultaneous saves cannot both pass the check. With
    ``user``, the workflow rules apply: an editor's change to a public record sends it back to
    review (``record.status`` tells the caller).
    """
    stored = None
    if record.pk is not None and not record._state.adding:
        stored = _lock(record)
        _check_version(stored, expected_version)
    _apply_editor_rules(record, stored, user)
    record.save()
    return record


@transaction.atomic
def record_submit(*, record: Publishable, user, expected_version: int | None = None) -> Publishable:
    """An editor hands a draft to the publishers."""
    _require(user, change_permission(type(record)))
    _check_version(_lock(record), expected_version)
    if record.status not in {Status.DRAFT, Status.WITHDRAWN}:
        raise ValidationError(_("Only a draft or a withdrawn record can be submitted for review."))
    record.status = Status.REVIEW
    record.save(update_fields=["status"])
    return record


@transaction.atomic
def record_publish(
    *, record: Publishable, user, go_live_at=None, expected_version: int | None = None
) -> Publishable:
    """A publisher publishes now, or at ``go_live_at`` (the database's clock decides)."""
    _require(user, publish_permission(type(record)))
    _check_version(_lock(record), expected_version)
    record.status = Status.PUBLISHED
    record.go_live_at = go_live_at
    record.save(update_fields=["status", "go_live_at"])
    return record


@transaction.atomic
def record_withdraw(
    *, record: Publishable, user, expected_version: int | None = None
) -> Publishable:
    """A publisher takes a record off the public site; it stays in the admin with its history."""
    _require(user, publish_permission(type(record)))
    _check_version(_lock(record), expected_version)
    if record.status != Status.PUBLISHED:
        raise ValidationError(_("Only a published or scheduled record can be withdrawn."))
    record.status = Status.WITHDRAWN
    record.save(update_fields=["status"])
    return record


@transaction.atomic
def record_parts_changed(*, record: Publishable, user) -> Publishable:
    """A part of ``record`` (a directive of a document, say) was changed by ``user``.

    Parts have no status of their own; they are public with their record. So an editor's change
    to a part of a public record sends the record back to review, as a change to the record
    itself would.
    """
    if user is None or can_publish(user, type(record)):
        return record
    stored = _lock(record)
    if is_public_or_scheduled(stored.status):
        record.status = Status.REVIEW
        record.version = stored.version
        record.save(update_fields=["status"])
    return record


def imported_status(*, record: Publishable, user, requested_status: str | None, is_new: bool):
    """The status an imported row saves with.

    A publisher's file says what is published. Anyone else's rows start as drafts, and rows that
    change an existing record keep its status (``record_save`` then sends a public one back to
    review).
    """
    if can_publish(user, type(record)):
        if requested_status:
            return requested_status
        return Status.DRAFT if is_new else record.status
    if is_new:
        return Status.DRAFT
    return type(record)._base_manager.values_list("status", flat=True).get(pk=record.pk)


def revertible_fields(model) -> list[models.Field]:
    """The fields a revert restores: what editors write, not the workflow or derived values."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        translated = set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        translated = set()
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key
        and field.name not in WORKFLOW_FIELDS
        and field.name not in DERIVED_FIELDS
        # The untranslated column mirrors one language; the language columns are restored.
        and field.name not in translated
    ]


class Dangling(Exception):
    """A required link of a recorded version points at a record deleted since."""


def _restore_fields(obj: models.Model, row) -> None:
    """Copy the revertible fields of historical ``row`` onto ``obj``; Dangling if it cannot."""
    for field in revertible_fields(type(obj)):
        value = getattr(row, field.attname)
        is_dangling = (
            isinstance(field, models.ForeignKey)
            and value is not None
            and not field.related_model._base_manager.filter(pk=value).exists()
        )
        if is_dangling:
            if not field.null:
                raise Dangling(field)
            value = None
        setattr(obj, field.attname, value)


def _restore_m2m(obj: models.Model, row) -> None:
    """Set ``obj``'s many-to-many links as ``row`` recorded them, minus records deleted since."""
    for m2m_field in getattr(row, "_history_m2m_fields", []):
        target = m2m_field.m2m_target_field_name()
        target_column = m2m_field.m2m_reverse_field_name()
        wanted = getattr(row, m2m_field.name).values_list(f"{target_column}_id", flat=True)
        existing = m2m_field.related_model._base_manager.filter(
            **{f"{target}__in": list(wanted)}
        ).values_list("pk", flat=True)
        getattr(obj, m2m_field.name).set(list(existing))


# Positions are unique per record; while parts are rearranged they wait above this.
PARKED_POSITION = 20000


def _restore_parts(record, user, model, parent_field: str, wanted: dict) -> None:
    """Make ``record``'s parts of ``model`` what ``wanted`` (pk → historical row) recorded:
    parts added since are deleted, parts deleted since come back with their old key."""
    parent_attname = model._meta.get_field(parent_field).attname
    live = {obj.pk: obj for obj in model._base_manager.filter(**{parent_attname: record.pk})}
    for pk in live.keys() - wanted.keys():
        live[pk].delete()
    if any(field.name == "position" for field in model._meta.concrete_fields):
        model._base_manager.filter(pk__in=live.keys() & wanted.keys()).update(
            position=models.F("position") + PARKED_POSITION
        )
    for pk, row in wanted.items():
        part = live.get(pk) or model(pk=pk)
        try:
            _restore_fields(part, row)
        except Dangling:
            if pk in live:
                part.delete()
            continue  # what it pointed at is gone; the part cannot come back
        setattr(part, parent_attname, record.pk)
        part._history_user = user
        part.save()
        _restore_m2m(part, row)


@transaction.atomic
def record_revert(
    *,
    record: models.Model,
    version,
    user,
    expected_version: int | None = None,
    parts: list[tuple[type[models.Model], str, dict]] = (),
):
    """Make ``record`` read as it did at ``version`` (a historical record), as a new version.

    The workflow holds: the record keeps its status, except that a non-publisher's revert of a
    public record sends it back to review. Many-to-many links are restored as recorded; links to
    records deleted since are dropped. ``parts`` are (model, parent field, {pk: historical row})
    for parts of the record to restore as they stood at that version (a document's directives).
    """
    model = type(record)
    _require(user, change_permission(model))
    if getattr(version, model._meta.pk.attname) != record.pk:
        raise ValidationError(_("That version belongs to another record."))
    is_publishable = isinstance(record, Publishable)
    stored = _lock(record) if is_publishable else None
    if is_publishable:
        _check_version(stored, expected_version)

    try:
        _restore_fields(record, version)
    except Dangling as dangling:
        raise ValidationError(
            _("The %(field)s of that version has been deleted; it cannot be restored.")
            % {"field": dangling.args[0].verbose_name}
        ) from dangling
    if is_publishable:
        _apply_editor_rules(record, stored, user)
    record._history_user = user
    record.save()
    _restore_m2m(record, version)

    try:
        with transaction.atomic():
            for part_model, parent_field, wanted in parts:
                _restore_parts(record, user, part_model, parent_field, wanted)
    except IntegrityError as clash:
        raise ValidationError(
            _(
                "The parts of that version clash with the parts as they are now (two for one "
                "zone, say). Nothing was reverted; change the parts by hand instead."
            )
        ) from clash

    document = getattr(record, "document", None)
    if document is not None and isinstance(document, Publishable):
        record_parts_changed(record=document, user=user)
    return record
