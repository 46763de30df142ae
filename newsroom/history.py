"""A record's versions and readable field-by-field differences between them.

django-simple-history writes one historical row per save and one more per many-to-many change,
so one admin save can leave several rows. For records with a ``version`` (every publishable
record) a version is all the rows that carry the same number, and the last of them holds the
state after that save. Records without one count each row as a version.

A document's parts (directives, principles, relations, attachments) have histories of their own;
the state of the parts at a version is read from those histories as of the moment the next
version began, so a compare shows the parts that changed along with the record.
"""

import datetime
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.dates import DatePrecision, PartialDate
from core.services import revertible_fields
from newsroom.times import format_in_site_zone

LANGUAGE_NAMES = dict(settings.LANGUAGES)
#: The key of a working copy's values among a record's versions.
WORKING_COPY = "working"
LONG_TEXT = 80
# Latin words, single CJK characters, runs of space and single other characters: CJK text has
# no spaces, so a character is the unit a reader sees changed.
DIFF_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W\u3400-\u9fff]+|\s+|.", re.S)


@dataclass
class DiffField:
    name: str
    label: str
    kind: str  # text, choice, fk, partial_date, datetime, m2m, other
    model_field: models.Field | None = None


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    inline_diff: SafeString | None = None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class PartChange:
    """A part of the record (one directive, say) that appeared, disappeared or changed."""

    label: str
    kind: str  # added, removed, changed
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class Version:
    number: int
    records: list
    started_at: datetime.datetime = None
    ended_at: datetime.datetime | None = None
    changed_labels: list[str] = field(default_factory=list)

    @property
    def record(self):
        """The row holding the state after this version's save."""
        return self.records[-1]

    @property
    def user(self):
        return self.records[0].history_user

    @property
    def kind(self) -> str:
        kinds = {record.history_type for record in self.records}
        if "-" in kinds:
            return "deleted"
        if "+" in kinds:
            return "created"
        return "changed"


@dataclass
class HistoryChild:
    """A part with a history of its own, shown with its record's versions."""

    label: str
    model: type[models.Model]
    parent_field: str
    describe: str  # a field naming the part for a reader: an FK or a text
    #: Whether a revert of the record brings these parts back too. Attachments do not: their
    #: files may be gone, and an old row should not point at a missing file.
    restored_by_revert: bool = True


def field_label(model_field: models.Field) -> str:
    translated = getattr(model_field, "translated_field", None)
    if translated is not None:
        language = LANGUAGE_NAMES.get(model_field.language, model_field.language)
        return f"{translated.verbose_name} ({language})"
    return str(model_field.verbose_name)


def diff_fields(model) -> list[DiffField]:
    """The fields a reader compares, in the model's order, a date and its precision as one."""
    wanted = {f.name for f in revertible_fields(model)} | {"status", "go_live_at"}
    fields = []
    for model_field in model._meta.concrete_fields:
        if model_field.name not in wanted or model_field.name.endswith("_precision"):
            continue
        if isinstance(model_field, models.DateField) and not isinstance(
            model_field, models.DateTimeField
        ):
            has_precision = any(
                f.name == f"{model_field.name}_precision" for f in model._meta.concrete_fields
            )
            kind = "partial_date" if has_precision else "other"
        elif isinstance(model_field, models.DateTimeField):
            kind = "datetime"
        elif isinstance(model_field, models.ForeignKey):
            kind = "fk"
        elif model_field.choices:
            kind = "choice"
        elif isinstance(model_field, (models.CharField, models.TextField)):
            kind = "text"
        else:
            kind = "other"
        fields.append(DiffField(model_field.name, field_label(model_field), kind, model_field))
    history_model = model.history.model
    for m2m_field in getattr(history_model, "_history_m2m_fields", []):
        fields.append(DiffField(m2m_field.name, str(m2m_field.verbose_name), "m2m", m2m_field))
    return fields


class Snapshots:
    """Raw values of historical rows, with related names looked up in a few queries."""

    def __init__(self, model, records):
        self.model = model
        self.fields = diff_fields(model)
        self.values = {record.history_id: self._raw(record) for record in records}
        self._load_m2m(records)
        self.names = self._load_names()

    def _raw(self, record) -> dict:
        values = {}
        for diff_field in self.fields:
            if diff_field.kind == "m2m":
                continue
            model_field = diff_field.model_field
            value = getattr(record, model_field.attname)
            if diff_field.kind == "partial_date":
                value = PartialDate(value, getattr(record, f"{model_field.name}_precision"))
            values[diff_field.name] = value
        return values

    def _load_m2m(self, records):
        ids = [record.history_id for record in records]
        for diff_field in self.fields:
            if diff_field.kind != "m2m":
                continue
            for history_id in ids:
                self.values[history_id][diff_field.name] = frozenset()
            if not ids:
                continue
            through = m2m_history_model(self.model, diff_field.name)
            target = f"{diff_field.model_field.m2m_reverse_field_name()}_id"
            grouped = defaultdict(set)
            for history_id, target_id in through.objects.filter(history_id__in=ids).values_list(
                "history_id", target
            ):
                grouped[history_id].add(target_id)
            for history_id, targets in grouped.items():
                self.values[history_id][diff_field.name] = frozenset(targets)

    def _load_names(self) -> dict:
        wanted = defaultdict(set)
        for diff_field in self.fields:
            if diff_field.kind not in {"fk", "m2m"}:
                continue
            related = diff_field.model_field.related_model
            for values in self.values.values():
                value = values.get(diff_field.name)
                if diff_field.kind == "fk" and value is not None:
                    wanted[related].add(value)
                elif diff_field.kind == "m2m":
                    wanted[related].update(value)
        names = {}
        for related, ids in wanted.items():
            queryset = related._base_manager.filter(pk__in=ids)
            foreign_keys = [
                f.name for f in related._meta.concrete_fields if isinstance(f, models.ForeignKey)
            ]
            # __str__ of some records names their parent (a batch names its program).
            if foreign_keys:
                queryset = queryset.select_related(*foreign_keys)
            found = {obj.pk: str(obj) for obj in queryset}
            for pk in ids:
                names[related, pk] = found.get(pk, _("(deleted: #%(pk)s)") % {"pk": pk})
        return names

    def add(self, key, obj, links: dict) -> None:
        """The values of ``obj`` as it is in memory (a working copy's view, say) under ``key``,
        with its many-to-many ``links`` (name -> ids). Call ``load_names`` after the last."""
        values = self._raw(obj)
        for diff_field in self.fields:
            if diff_field.kind == "m2m":
                values[diff_field.name] = frozenset(links.get(diff_field.name, ()))
        self.values[key] = values

    def load_names(self) -> None:
        self.names = self._load_names()

    def display(self, diff_field: DiffField, value) -> str:
        if value is None or value == "":
            return "—"
        if diff_field.kind == "partial_date":
            if not value:
                return "—"
            precision = dict(DatePrecision.choices)[value.precision]
            return f"{value.iso} ({precision})"
        if diff_field.kind == "datetime":
            return format_in_site_zone(value)
        if diff_field.kind == "choice":
            return str(dict(diff_field.model_field.flatchoices).get(value, value))
        if diff_field.kind == "fk":
            return self.names[diff_field.model_field.related_model, value]
        if diff_field.kind == "m2m":
            related = diff_field.model_field.related_model
            return ", ".join(sorted(self.names[related, pk] for pk in value)) or "—"
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        return str(value)

    def compare(self, old_id, new_id, *, skip=()) -> list[FieldChange]:
        return self.compare_values(self.values[old_id], self.values[new_id], skip=skip)

    def compare_values(self, old: dict, new: dict, *, skip=()) -> list[FieldChange]:
        changes = []
        for diff_field in self.fields:
            if diff_field.name in skip:
                continue
            before, after = old.get(diff_field.name), new.get(diff_field.name)
            if _same(before, after):
                continue
            change = FieldChange(
                diff_field.label,
                self.display(diff_field, before),
                self.display(diff_field, after),
            )
            if diff_field.kind == "m2m":
                related = diff_field.model_field.related_model
                change.added = sorted(self.names[related, pk] for pk in after - before)
                change.removed = sorted(self.names[related, pk] for pk in before - after)
            elif diff_field.kind == "text" and (
                len(change.old) > LONG_TEXT or len(change.new) > LONG_TEXT
            ):
                change.inline_diff = inline_diff(before or "", after or "")
            changes.append(change)
        return changes


def m2m_history_model(model, field_name):
    """The table of a many-to-many field's rows at each version (one row per link)."""
    history_model = model.history.model
    wanted = f"{history_model._meta.model_name}_{field_name}".lower()
    for relation in history_model._meta.related_objects:
        if relation.related_model._meta.model_name == wanted:
            return relation.related_model
    raise LookupError(f"No history is kept for {model.__name__}.{field_name}.")


def _same(before, after) -> bool:
    if before in (None, "") and after in (None, ""):
        return True
    return before == after


def inline_diff(old: str, new: str) -> SafeString:
    """The new text with deletions struck through and insertions marked, every piece escaped."""
    old_tokens, new_tokens = DIFF_TOKEN.findall(old), DIFF_TOKEN.findall(new)
    pieces = []
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        removed = escape("".join(old_tokens[old_start:old_end]))
        added = escape("".join(new_tokens[new_start:new_end]))
        if operation == "equal":
            pieces.append(added)
        if operation in {"delete", "replace"}:
            pieces.append(format_html("<del>{}</del>", mark_safe(removed)))
        if operation in {"insert", "replace"}:
            pieces.append(format_html("<ins>{}</ins>", mark_safe(added)))
    return mark_safe("".join(pieces))


def load_versions(model, pk) -> list[Version]:
    """The record's versions, oldest first, each with the labels of what it changed."""
    history_model = model.history.model
    records = list(
        history_model.objects.filter(**{model._meta.pk.attname: pk})
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    versions: list[Version] = []
    has_version = any(f.name == "version" for f in model._meta.concrete_fields)
    for record in records:
        number = record.version if has_version else len(versions) + 1
        if versions and versions[-1].number == number and record.history_type != "-":
            versions[-1].records.append(record)
        else:
            versions.append(Version(number=number, records=[record]))
    for index, version in enumerate(versions):
        version.started_at = version.records[0].history_date
        if index + 1 < len(versions):
            version.ended_at = versions[index + 1].records[0].history_date
    return versions


@dataclass
class Comparison:
    changes: list[FieldChange]
    parts: list[tuple[str, list[PartChange]]]

    def __bool__(self):
        return bool(self.changes) or any(part_changes for _, part_changes in self.parts)


class RecordHistory:
    """The versions of one record and of its parts, ready to compare."""

    def __init__(self, model, pk, children=()):
        self.model = model
        self.pk = pk
        self.versions = load_versions(model, pk)
        self.snapshots = Snapshots(model, [version.record for version in self.versions])
        self.children = list(children)
        self.child_records = {child.label: self._child_records(child) for child in self.children}
        previous = None
        for version in self.versions:
            if previous is not None:
                comparison = self.compare(previous, version)
                version.changed_labels = [change.label for change in comparison.changes] + [
                    label for label, part_changes in comparison.parts if part_changes
                ]
            previous = version

    def version(self, number) -> Version | None:
        for version in self.versions:
            if str(version.number) == str(number):
                return version
        return None

    @property
    def latest(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    def _child_records(self, child: HistoryChild):
        history_model = child.model.history.model
        parent_attname = child.model._meta.get_field(child.parent_field).attname
        records = list(
            history_model.objects.filter(**{parent_attname: self.pk}).order_by(
                "history_date", "history_id"
            )
        )
        return records, Snapshots(child.model, records)

    def child_state(self, child: HistoryChild, at: datetime.datetime | None) -> dict:
        """The part's rows as they stood just before ``at`` (now, if None): pk → row."""
        records, _snapshots = self.child_records[child.label]
        pk_name = child.model._meta.pk.attname
        state = {}
        for record in records:
            if at is not None and record.history_date >= at:
                break
            if record.history_type == "-":
                state.pop(getattr(record, pk_name), None)
            else:
                state[getattr(record, pk_name)] = record
        return state

    def _describe(self, child: HistoryChild, snapshots: Snapshots, key) -> str:
        describe_field = next(f for f in snapshots.fields if f.name == child.describe)
        value = snapshots.values[key][child.describe]
        text = snapshots.display(describe_field, value)
        return Truncator(text).chars(80)

    def _state_keys(self, child: HistoryChild, at) -> dict:
        """The part's rows just before ``at``: pk -> its key in the part's snapshots."""
        return {pk: row.history_id for pk, row in self.child_state(child, at).items()}

    def _part_changes(self, child: HistoryChild, before: dict, after: dict) -> list[PartChange]:
        """What differs between two states of a part (pk -> key in the part's snapshots)."""
        _records, snapshots = self.child_records[child.label]
        part_changes = []
        for child_pk in sorted(before.keys() | after.keys(), key=_part_order):
            if child_pk not in before:
                label = self._describe(child, snapshots, after[child_pk])
                part_changes.append(PartChange(label, "added"))
            elif child_pk not in after:
                label = self._describe(child, snapshots, before[child_pk])
                part_changes.append(PartChange(label, "removed"))
            else:
                field_changes = snapshots.compare(
                    before[child_pk], after[child_pk], skip={child.parent_field}
                )
                if field_changes:
                    label = self._describe(child, snapshots, after[child_pk])
                    part_changes.append(PartChange(label, "changed", field_changes))
        return part_changes

    def compare(self, old: Version, new: Version) -> Comparison:
        changes = self.snapshots.compare(old.record.history_id, new.record.history_id)
        parts = [
            (
                child.label,
                self._part_changes(
                    child,
                    self._state_keys(child, old.ended_at),
                    self._state_keys(child, new.ended_at),
                ),
            )
            for child in self.children
        ]
        return Comparison(changes, parts)

    def compare_with_working_copy(self, old: Version, view) -> Comparison:
        """``old`` against the record's working copy (``core.services.working_copy_view``)."""
        self.snapshots.add(WORKING_COPY, view, view._working_copy_links)
        self.snapshots.load_names()
        changes = self.snapshots.compare(old.record.history_id, WORKING_COPY)
        parts = []
        for child in self.children:
            working_parts = view._working_copy_parts.get(child.model)
            if working_parts is None:
                after = self._state_keys(child, None)  # the working copy keeps the live parts
            else:
                _records, snapshots = self.child_records[child.label]
                after = {}
                for index, part in enumerate(working_parts):
                    key = (WORKING_COPY, index)
                    snapshots.add(key, part, part._working_copy_links)
                    after[part.pk if part.pk is not None else key] = key
                snapshots.load_names()
            before = self._state_keys(child, old.ended_at)
            parts.append((child.label, self._part_changes(child, before, after)))
        return Comparison(changes, parts)


def _part_order(pk):
    """Parts in the order they were made; those only in a working copy last."""
    return (1, pk[1]) if isinstance(pk, tuple) else (0, pk)


def changes_since(instance, expected_version: int) -> Comparison | None:
    """What changed in ``instance`` after ``expected_version``, for a refused stale save."""
    from django.contrib import admin

    model_admin = admin.site._registry.get(type(instance))
    children = getattr(model_admin, "history_children", ())
    history = RecordHistory(type(instance), instance.pk, children)
    old, new = history.version(expected_version), history.latest
    if old is None or new is None or old is new:
        return None
    return history.compare(old, new)


def render_changes(changes: list[FieldChange]) -> SafeString:
    """A compact table of changes, for messages that cannot use a template."""
    return format_html(
        '<table class="newsroom-diff"><tbody>{}</tbody></table>',
        format_html_join(
            "",
            "<tr><th>{}</th><td><del>{}</del></td><td><ins>{}</ins></td></tr>",
            ((change.label, change.old, change.new) for change in changes),
        ),
    )
