"""Writes with rules: moving a record through the workflow, saving without overwriting a
colleague's newer version, reverting to an earlier version and importing. Used by the admin, the
importer and the API alike, so the rules live here and nowhere else.

The rules, in one place:

- Editors (change permission) create and change records and submit drafts for review.
- Publishers (``publish_<model>`` permission) also publish, schedule and withdraw.
- A record that is public (or scheduled) and is changed by someone who may not publish keeps
  serving its live version: the change is written to the record's working copy, which goes
  through review (submit, request changes with a reason, publish now or at a time, discard) and
  replaces the live version only when published. Once a record has a working copy, everyone's
  changes go to it, so the form always shows the next version.
- A save based on an older version than the stored one is refused, and nothing is written.
- Whoever may change a record may comment on it. Submissions, publications and send-backs are
  announced by e-mail once they commit: ``log_event`` saves the step, and ``newsroom.notices``
  hears of each saved log event.
"""

import copy
import threading

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import (
    ChangeStatus,
    Comment,
    LogAction,
    LogEvent,
    Publishable,
    Status,
    WorkingCopy,
    in_newsroom,
)
from core.versions.records import note_public_version

# Set only by the workflow functions below, never by a form, an import row or a revert.
WORKFLOW_FIELDS = frozenset({"status", "go_live_at"})
# Kept by the database or derived on save (a document keeps its body rendered as HTML); a
# revert leaves them alone.
DERIVED_FIELDS = frozenset(
    {"version", "created_at", "updated_at", "search_vector", "name_pinyin"}
    | {"body_html_en", "body_html_zh_hans"}
)


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


def hidden_parents(record, parent_names, *, at=None) -> list[Publishable]:
    """Of what ``record`` belongs to (``parent_names``: its foreign keys, e.g. a zone's program
    and batch), those that will not be public at ``at`` (default: now)."""
    at = at or timezone.now()
    hidden = []
    for name in parent_names:
        parent = getattr(record, name, None)
        if parent is None:
            continue
        if parent.status != Status.PUBLISHED or (
            parent.go_live_at is not None and parent.go_live_at > at
        ):
            hidden.append(parent)
    return hidden


def log_event(*, action: str, record, user, detail: str = "") -> None:
    """Add a line to the newsroom log; writes without a person (the demo loader) are left out."""
    if user is None or not getattr(user, "pk", None):
        return
    # The newsroom's e-mail notices follow from the saved event (newsroom/notices.py).
    LogEvent.objects.create(
        action=action,
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        object_repr=str(record)[:200],
        user=user,
        detail=detail,
    )


def may_comment(user, model) -> bool:
    """Whoever may change a record (editors, publishers) may comment on it."""
    return in_newsroom(user) and user.has_perm(change_permission(model))


@transaction.atomic
def comment_add(*, record, user, text: str) -> Comment:
    """Add ``text`` to ``record``'s thread, and a line to the newsroom log."""
    if not may_comment(user, type(record)):
        raise PermissionDenied(_("You are not allowed to do this."))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write something first: the comment is empty."))
    comment = Comment(
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        author=user,
        text=text,
    )
    comment.full_clean(exclude=["content_type", "author"])
    comment.save()
    log_event(action=LogAction.COMMENTED, record=record, user=user, detail=text[:200])
    return comment


def _moment(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z") if moment else ""


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
def record_save(
    *, record: Publishable, expected_version: int | None, user=None, log_action: str | None = None
):
    """Save unless the stored version differs from the one the editor started from.

    The row is locked while comparing, so two simultaneous saves cannot both pass the check. With
    ``user``, the workflow rules apply: an editor's change to a public record, and anyone's
    change to a record with a working copy, is written to the working copy and the row is left
    as it is (``record._working_copy`` tells the caller).
    """
    if user is not None and goes_to_working_copy(record, user):
        record._working_copy = working_copy_save(
            record=record,
            user=user,
            expected_version=expected_version,
            log_action=log_action or LogAction.CHANGED,
        )
        return record
    stored = None
    if record.pk is not None and not record._state.adding:
        stored = _lock(record)
        _check_version(stored, expected_version)
    _apply_editor_rules(record, stored, user)
    record.save()
    action = log_action or (LogAction.CHANGED if stored is not None else LogAction.CREATED)
    log_event(action=action, record=record, user=user)
    note_public_version(record)
    return record


@transaction.atomic
def record_submit(*, record: Publishable, user, expected_version: int | None = None) -> Publishable:
    """An editor hands a draft, or the changes to a published record, to the publishers."""
    _require(user, change_permission(type(record)))
    if working_copy_of(record) is not None:
        working_copy_submit(record=record, user=user, expected_version=expected_version)
        return record
    _check_version(_lock(record), expected_version)
    if record.status not in {Status.DRAFT, Status.WITHDRAWN}:
        raise ValidationError(_("Only a draft or a withdrawn record can be submitted for review."))
    record.status = Status.REVIEW
    record.save(update_fields=["status"])
    log_event(action=LogAction.SUBMITTED, record=record, user=user)
    return record


@transaction.atomic
def record_publish(
    *, record: Publishable, user, go_live_at=None, expected_version: int | None = None
) -> Publishable:
    """A publisher publishes now, or at ``go_live_at`` (the database's clock decides).

    A record with a working copy has its changes published (or scheduled) instead.
    """
    _require(user, publish_permission(type(record)))
    if working_copy_of(record) is not None:
        working_copy_publish(
            record=record, user=user, go_live_at=go_live_at, expected_version=expected_version
        )
        return record
    _check_version(_lock(record), expected_version)
    record.status = Status.PUBLISHED
    record.go_live_at = go_live_at
    record.save(update_fields=["status", "go_live_at"])
    if go_live_at is not None and go_live_at > timezone.now():
        log_event(action=LogAction.SCHEDULED, record=record, user=user, detail=_moment(go_live_at))
    else:
        log_event(action=LogAction.PUBLISHED, record=record, user=user)
    note_public_version(record)
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
    log_event(action=LogAction.WITHDRAWN, record=record, user=user)
    note_public_version(record)
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


def _recorded_links(row) -> dict:
    """The many-to-many links historical ``row`` recorded, minus records deleted since."""
    links = {}
    for m2m_field in getattr(row, "_history_m2m_fields", []):
        target_column = m2m_field.m2m_reverse_field_name()
        wanted = getattr(row, m2m_field.name).values_list(f"{target_column}_id", flat=True)
        links[m2m_field.name] = list(
            m2m_field.related_model._base_manager.filter(pk__in=list(wanted)).values_list(
                "pk", flat=True
            )
        )
    return links


def _recorded_parts(record, parts) -> dict:
    """``parts`` as ``record_revert`` takes them, in the form a working copy stores them."""
    recorded = {}
    for part_model, parent_field, wanted in parts:
        rows = []
        for pk, row in wanted.items():
            part = part_model(pk=pk)
            try:
                _restore_fields(part, row)
            except Dangling:
                continue  # what it pointed at is gone; the part cannot come back
            setattr(part, part_model._meta.get_field(parent_field).attname, record.pk)
            rows.append((part, _recorded_links(row)))
        recorded[part_model] = (parent_field, rows)
    return recorded


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


def _restore_version_fields(record: models.Model, version) -> None:
    """Set ``record``'s fields as historical ``version`` recorded them; a field that points
    at a record deleted since makes the revert impossible."""
    try:
        _restore_fields(record, version)
    except Dangling as dangling:
        raise ValidationError(
            _("The %(field)s of that version has been deleted; it cannot be restored.")
            % {"field": dangling.args[0].verbose_name}
        ) from dangling


def _revert_to_working_copy(record: Publishable, version, user, parts) -> None:
    """Write the restored ``record``, with the links and parts ``version`` recorded, to its
    working copy; the live version keeps serving until that is published."""
    record._working_copy = working_copy_save(
        record=record,
        user=user,
        expected_version=None,
        many_to_many=_recorded_links(version),
        parts=_recorded_parts(record, parts),
        log_action=LogAction.REVERTED,
    )


def _restore_version_parts(record: models.Model, user, parts) -> None:
    """Restore ``parts`` (model, parent field, {pk: historical row}) all together, or none of
    them if they clash with the parts as they are now."""
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


def _note_revert(record: models.Model, user) -> None:
    """Log the revert; a part's document records that its parts changed, and the public
    version noted is the document's for a part, the record's otherwise."""
    document = getattr(record, "document", None)
    if document is not None and isinstance(document, Publishable):
        record_parts_changed(record=document, user=user)
    log_event(action=LogAction.REVERTED, record=record, user=user)
    note_public_version(document if isinstance(document, Publishable) else record)


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

    The workflow holds: a revert of a published record (by anyone) or of a record with a
    working copy writes the old version to its working copy, and the live version keeps
    serving until that is published. Many-to-many links are restored as recorded; links to
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

    _restore_version_fields(record, version)
    if is_publishable and (
        is_public_or_scheduled(stored.status) or goes_to_working_copy(record, user)
    ):
        _revert_to_working_copy(record, version, user, parts)
        return record
    if is_publishable:
        _apply_editor_rules(record, stored, user)
    record._history_user = user
    record.save()
    _restore_m2m(record, version)
    _restore_version_parts(record, user, parts)
    _note_revert(record, user)
    return record


# ---------------------------------------------------------------------------------------------
# Working copies: the next version of a public record, while the live version keeps serving
# ---------------------------------------------------------------------------------------------
#
# A change to a published record by someone who may not publish, and every change to a record
# that already has a working copy, is written to its ``WorkingCopy`` instead of its row. The row
# stays what the public sees until the working copy is published, now or at a time. A record
# that was never published has no working copy: its row is edited as a draft.


def _values(obj: models.Model) -> dict:
    """The revertible fields of ``obj`` as JSON-ready values, keyed by column name."""
    values = {}
    for field in revertible_fields(type(obj)):
        value = field.value_from_object(obj)
        if isinstance(field, models.FileField):
            if value and not getattr(value, "_committed", True):
                # A new upload: stored now, so the working copy can name it.
                value.save(value.name, value.file, save=False)
            value = value.name if value else ""
        values[field.attname] = value
    return values


def _set_values(obj: models.Model, values: dict) -> None:
    for field in revertible_fields(type(obj)):
        if field.attname in values:
            raw = values[field.attname]
            setattr(obj, field.attname, raw if raw is None else field.to_python(raw))


def _link_ids(links: dict) -> dict:
    return {
        name: sorted(getattr(item, "pk", item) for item in items) for name, items in links.items()
    }


def _live_links(obj: models.Model) -> dict:
    return {
        field.name: sorted(getattr(obj, field.name).values_list("pk", flat=True))
        for field in type(obj)._meta.many_to_many
    }


def working_copy_snapshot(record, *, many_to_many=None, parts=None, previous=None) -> dict:
    """What a working copy stores: ``record``'s fields as they are in memory, its links
    (``many_to_many``: name -> records or ids; missing names keep the previous or live links)
    and its ``parts``: {part model: (parent field, [(part, its links)])}; kinds of parts not
    given stay as the previous snapshot or the live record has them."""
    previous = previous or {}
    links = previous.get("m2m") or _live_links(record)
    links = {**links, **_link_ids(many_to_many or {})}
    snapshot = {"fields": _values(record), "m2m": links}
    if parts is not None:
        snapshot["parts"] = previous.get("parts", {}) | {
            part_model._meta.label_lower: {
                "parent": part_model._meta.get_field(parent_field).attname,
                "rows": [
                    {"pk": part.pk, "fields": _values(part), "m2m": _link_ids(part_links)}
                    for part, part_links in rows
                ],
            }
            for part_model, (parent_field, rows) in parts.items()
        }
    elif "parts" in previous:
        snapshot["parts"] = previous["parts"]
    return snapshot


def working_copy_view(record, working_copy):
    """``record`` (not saved) as its working copy would make it, for the change form: the
    fields set, ``_working_copy_links`` and ``_working_copy_parts`` ({part model: parts})."""
    view = copy.copy(record)
    _set_values(view, working_copy.snapshot["fields"])
    view.version = working_copy.version
    view._working_copy = working_copy
    view._working_copy_links = working_copy.snapshot.get("m2m", {})
    view._working_copy_parts = {}
    for label, stored in working_copy.snapshot.get("parts", {}).items():
        part_model = apps.get_model(label)
        live = part_model._base_manager.in_bulk([row["pk"] for row in stored["rows"] if row["pk"]])
        parts = []
        for row in stored["rows"]:
            part = copy.copy(live[row["pk"]]) if row["pk"] in live else part_model()
            _set_values(part, row["fields"])
            setattr(part, stored["parent"], record.pk)
            part._working_copy_links = row["m2m"]
            parts.append(part)
        view._working_copy_parts[part_model] = parts
    return view


def working_copy_of(record) -> WorkingCopy | None:
    if record is None or record.pk is None:
        return None
    return WorkingCopy.objects.for_record(record).first()


def goes_to_working_copy(record, user) -> bool:
    """Whether ``user``'s save of ``record`` writes its working copy rather than its row."""
    if record.pk is None or record._state.adding:
        return False
    stored_status = type(record)._base_manager.values_list("status", flat=True).get(pk=record.pk)
    if is_public_or_scheduled(stored_status) and not can_publish(user, type(record)):
        return True
    return WorkingCopy.objects.for_record(record).exists()


@transaction.atomic
def working_copy_save(
    *,
    record,
    user,
    expected_version: int | None,
    many_to_many=None,
    parts=None,
    log_action: str | None = LogAction.CHANGED,
) -> WorkingCopy:
    """Write ``record`` as it is in memory (and its links and parts) to its working copy.

    The live row is not touched. ``expected_version`` is the version the editor opened: the
    working copy's if there was one, else the live record's. An editor's change to a working
    copy that waited for review or its time goes back to draft: it is reviewed as it now is.
    """
    _require(user, change_permission(type(record)))
    stored = _lock(record)
    working_copy = working_copy_of(record)
    current_version = working_copy.version if working_copy else stored.version
    if expected_version is not None and expected_version != current_version:
        stored.version = current_version
        raise StaleVersionError(stored, expected_version)
    if working_copy is None:
        working_copy = WorkingCopy(
            content_type=ContentType.objects.get_for_model(type(record)),
            object_id=record.pk,
            base_version=stored.version,
            version=stored.version,
        )
    working_copy.snapshot = working_copy_snapshot(
        record,
        many_to_many=many_to_many,
        parts=parts,
        previous=working_copy.snapshot if working_copy.pk else None,
    )
    working_copy.version += 1
    working_copy.author = user
    if working_copy.status in {ChangeStatus.REVIEW, ChangeStatus.SCHEDULED} and not can_publish(
        user, type(record)
    ):
        working_copy.status = ChangeStatus.DRAFT
        working_copy.go_live_at = None
    working_copy.save()
    if log_action:
        log_event(action=log_action, record=record, user=user, detail=_("next version"))
    return working_copy


@transaction.atomic
def working_copy_part_save(
    *,
    record,
    part,
    parent_field: str,
    user,
    links=None,
    delete: bool = False,
    same_as=(),
    log_action: str = LogAction.CHANGED,
) -> WorkingCopy:
    """Write one part of ``record`` (a directive of a document, say), changed or deleted on the
    part's own page, to the record's working copy, as the record's own form would: the other
    parts, the fields and the links stay as the working copy (or else the live record) has
    them. ``links``: the part's many-to-many links from its form (name -> records or ids).
    ``same_as``: fields (attnames) by which a part not yet saved replaces a new part already
    waiting in the working copy (a directive's ``zone_id``), rather than being added again."""
    working_copy = working_copy_of(record)
    base = working_copy_view(record, working_copy) if working_copy is not None else record
    part_model = type(part)
    current = getattr(base, "_working_copy_parts", {}).get(part_model)
    if current is None:
        parent_attname = part_model._meta.get_field(parent_field).attname
        current = list(part_model._base_manager.filter(**{parent_attname: record.pk}))
        for live_part in current:
            live_part._working_copy_links = _live_links(live_part)
    kept = next((p for p in current if _is_same_part(p, part, same_as)), None)
    rows = [
        (existing, existing._working_copy_links) for existing in current if existing is not kept
    ]
    if not delete:
        part_links = {**(kept._working_copy_links if kept is not None else {}), **(links or {})}
        rows.insert(current.index(kept) if kept is not None else len(rows), (part, part_links))
    return working_copy_save(
        record=base,
        user=user,
        expected_version=None,
        parts={part_model: (parent_field, rows)},
        log_action=log_action,
    )


def _is_same_part(existing, part, same_as) -> bool:
    if part.pk is not None:
        return existing.pk == part.pk
    return (
        existing.pk is None
        and bool(same_as)
        and all(getattr(existing, name) == getattr(part, name) for name in same_as)
    )


def _lock_working_copy(record) -> WorkingCopy:
    _lock(record)
    working_copy = WorkingCopy.objects.for_record(record).select_for_update().first()
    if working_copy is None:
        raise ValidationError(_("This record has no changes waiting."))
    return working_copy


def _check_working_copy_version(working_copy, record, expected_version):
    if expected_version is not None and expected_version not in {
        working_copy.version,
        record.version,
    }:
        stale = copy.copy(record)
        stale.version = working_copy.version
        raise StaleVersionError(stale, expected_version)


@transaction.atomic
def working_copy_submit(*, record, user, expected_version: int | None = None) -> WorkingCopy:
    """The editor hands the changes to the publishers."""
    _require(user, change_permission(type(record)))
    working_copy = _lock_working_copy(record)
    _check_working_copy_version(working_copy, record, expected_version)
    if working_copy.status not in {ChangeStatus.DRAFT, ChangeStatus.CHANGES_REQUESTED}:
        raise ValidationError(_("These changes are already in review or scheduled."))
    working_copy.status = ChangeStatus.REVIEW
    working_copy.save(update_fields=["status", "updated_at"])
    log_event(action=LogAction.SUBMITTED, record=record, user=user, detail=_("next version"))
    return working_copy


@transaction.atomic
def working_copy_request_changes(
    *, record, user, reason: str, expected_version: int | None = None
) -> WorkingCopy:
    """A publisher sends the changes back to the editor, saying why."""
    _require(user, publish_permission(type(record)))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say what needs to change: the reason is required."))
    working_copy = _lock_working_copy(record)
    _check_working_copy_version(working_copy, record, expected_version)
    if working_copy.status not in {ChangeStatus.REVIEW, ChangeStatus.SCHEDULED}:
        raise ValidationError(_("Only changes in review or scheduled can be sent back."))
    working_copy.status = ChangeStatus.CHANGES_REQUESTED
    working_copy.go_live_at = None
    working_copy.reason = reason
    working_copy.reviewer = user
    working_copy.save()
    log_event(action=LogAction.SENT_BACK, record=record, user=user, detail=reason)
    return working_copy


@transaction.atomic
def working_copy_discard(*, record, user, expected_version: int | None = None) -> None:
    """Throw the changes away; the live version stays as it is. Its author or a publisher."""
    working_copy = _lock_working_copy(record)
    if working_copy.author_id != getattr(user, "pk", None):
        _require(user, publish_permission(type(record)))
    _require(user, change_permission(type(record)))
    _check_working_copy_version(working_copy, record, expected_version)
    working_copy.delete()
    log_event(action=LogAction.DISCARDED, record=record, user=user)


@transaction.atomic
def working_copy_publish(
    *, record, user, go_live_at=None, expected_version: int | None = None
) -> WorkingCopy:
    """A publisher makes the changes live now, or schedules them for ``go_live_at``."""
    _require(user, publish_permission(type(record)))
    working_copy = _lock_working_copy(record)
    _check_working_copy_version(working_copy, record, expected_version)
    if go_live_at is not None and go_live_at > timezone.now():
        working_copy.status = ChangeStatus.SCHEDULED
        working_copy.go_live_at = go_live_at
        working_copy.reviewer = user
        working_copy.reason = ""
        working_copy.save()
        log_event(
            action=LogAction.SCHEDULED,
            record=record,
            user=user,
            detail=_("next version at %(moment)s") % {"moment": _moment(go_live_at)},
        )
        return working_copy
    working_copy_apply(working_copy=working_copy, user=user)
    record.refresh_from_db()
    log_event(action=LogAction.PUBLISHED, record=record, user=user, detail=_("next version"))
    return working_copy


@transaction.atomic
def working_copy_apply(*, working_copy: WorkingCopy, user) -> None:
    """Write the working copy onto the live row, its links and its parts; then delete it."""
    model = working_copy.content_type.model_class()
    record = model._base_manager.select_for_update().filter(pk=working_copy.object_id).first()
    if record is None:
        working_copy.delete()
        return
    snapshot = working_copy.snapshot
    _set_values(record, snapshot["fields"])
    record._history_user = user
    record.save()
    for name, ids in snapshot.get("m2m", {}).items():
        related = model._meta.get_field(name).related_model
        getattr(record, name).set(related._base_manager.filter(pk__in=ids))
    for label, stored in snapshot.get("parts", {}).items():
        _apply_parts(record, user, apps.get_model(label), stored)
    note_public_version(record, public_from=working_copy.go_live_at)
    working_copy.delete()


def _apply_parts(record, user, part_model, stored: dict) -> None:
    """Make ``record``'s parts of ``part_model`` the stored rows: others are deleted."""
    parent = stored["parent"]
    live = {part.pk: part for part in part_model._base_manager.filter(**{parent: record.pk})}
    wanted = {row["pk"] for row in stored["rows"] if row["pk"]}
    for pk in live.keys() - wanted:
        live[pk].delete()
    if any(field.name == "position" for field in part_model._meta.concrete_fields):
        part_model._base_manager.filter(pk__in=live.keys() & wanted).update(
            position=models.F("position") + PARKED_POSITION
        )
    for row in stored["rows"]:
        part = live.get(row["pk"]) or part_model()
        _set_values(part, row["fields"])
        setattr(part, parent, record.pk)
        part._history_user = user
        part.save()
        for name, ids in row["m2m"].items():
            related = part_model._meta.get_field(name).related_model
            getattr(part, name).set(related._base_manager.filter(pk__in=ids))


_going_live = threading.local()


def working_copies_go_live() -> int:
    """Apply every scheduled change whose time has passed; how many were applied.

    Called where the content generation notices a passing go-live time (``public.cache``), so
    the first read after that time sees the new version and no job needs to run. Concurrent
    callers wait on the row lock, and find nothing left to do.
    """
    if getattr(_going_live, "active", False):
        return 0  # the saves below raise the generation, which calls this again
    # A plain read first: the lock below is a write, which pins the request to the primary.
    if not WorkingCopy.objects.due().exists():
        return 0
    _going_live.active = True
    applied = 0
    try:
        with transaction.atomic():
            for working_copy in WorkingCopy.objects.due().select_for_update().order_by("pk"):
                record = working_copy.record
                working_copy_apply(working_copy=working_copy, user=working_copy.reviewer)
                if record is not None:
                    log_event(
                        action=LogAction.WENT_LIVE,
                        record=record,
                        user=working_copy.reviewer,
                        detail=_("next version"),
                    )
                applied += 1
    finally:
        _going_live.active = False
    return applied
