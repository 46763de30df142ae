"""Spreadsheet import and export (django-import-export) that keeps the workflow.

Rows name related records by slug, dates are written at their precision ("2021-02" for a month)
and an unknown slug or an unreadable date is an error on that row, never silently dropped. Every
import runs in one transaction: the dry run is rolled back, and a real import with one bad row
writes nothing at all. Saves go through ``core.services``: a non-publisher's new rows start as
drafts, and a change to a public record by a non-publisher (or to a record with a working
copy, by anyone) goes to its working copy, as in the record's form.
"""

import datetime

from diff_match_patch import diff_match_patch
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from import_export import fields, resources, results, widgets

from core.dates import DatePrecision, PartialDate
from core.models import LogAction
from core.services import imported_status, record_save, working_copy_save
from core.text import LANGUAGE_LABELS
from newsroom.forms import parse_partial_date


class SlugWidget(widgets.ForeignKeyWidget):
    """A related record named by its slug; an unknown slug is a clear row error."""

    def __init__(self, model, field="slug", **kwargs):
        super().__init__(model, field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip()
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist as missing:
            raise ValueError(
                _("There is no %(model)s with the key “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "value": value}
            ) from missing


class SlugsWidget(widgets.ManyToManyWidget):
    """Several related records, their slugs separated by commas; all must exist."""

    def __init__(self, model, field="slug", **kwargs):
        super().__init__(model, separator=",", field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if not value:
            return self.model.objects.none()
        wanted = [slug.strip() for slug in str(value).split(self.separator) if slug.strip()]
        found = self.model.objects.filter(**{f"{self.field}__in": wanted})
        missing = sorted(set(wanted) - {getattr(obj, self.field) for obj in found})
        if missing:
            raise ValueError(
                _("There is no %(model)s with the key(s) %(keys)s.")
                % {
                    "model": self.model._meta.verbose_name,
                    "keys": ", ".join(f"“{slug}”" for slug in missing),
                }
            )
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return self.separator.join(sorted(force_str(getattr(o, self.field)) for o in value.all()))


class PartialDateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return PartialDate(None)
        if isinstance(value, datetime.datetime):
            return PartialDate(value.date(), DatePrecision.DAY)
        if isinstance(value, datetime.date):
            return PartialDate(value, DatePrecision.DAY)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a spreadsheet cell holding only a year
        try:
            return parse_partial_date(str(value))
        except ValidationError as invalid:
            raise ValueError(" ".join(invalid.messages)) from invalid

    def render(self, value, obj=None, **kwargs):
        return value.iso if isinstance(value, PartialDate) else ""


class FlagWidget(widgets.BooleanWidget):
    """A yes/no column: 1 or 0 (true or false, a spreadsheet's TRUE or FALSE); an empty cell
    is no; anything else is a row error rather than a silent no."""

    def clean(self, value, row=None, **kwargs):
        if value in self.NULL_VALUES:
            return False
        if value in self.TRUE_VALUES:
            return True
        if value in self.FALSE_VALUES:
            return False
        raise ValueError(_("Write 1 for yes or 0 for no."))


class PartialDateField(fields.Field):
    """A date and its precision (``<name>`` and ``<name>_precision``) in one column."""

    def __init__(self, date_field: str, **kwargs):
        super().__init__(
            attribute=date_field, column_name=date_field, widget=PartialDateWidget(), **kwargs
        )

    def get_value(self, instance):
        return PartialDate(
            getattr(instance, self.attribute), getattr(instance, f"{self.attribute}_precision")
        )

    def save(self, instance, row, is_m2m=False, **kwargs):
        value = self.clean(row, **kwargs)
        setattr(instance, self.attribute, value.value)
        setattr(
            instance,
            f"{self.attribute}_precision",
            value.precision if value.value else DatePrecision.DAY,
        )


DIFF_DELETE, DIFF_EQUAL, DIFF_INSERT = -1, 0, 1


class RowDiff(resources.Diff):
    """The dry run's diff of one row, cell by cell: every piece escaped by Django (quotes too),
    marked with <ins> and <del> that admin.css styles (inline styles are blocked by the site's
    Content Security Policy)."""

    TAGS = {DIFF_INSERT: "ins", DIFF_DELETE: "del", DIFF_EQUAL: "span"}

    def as_html(self):
        cells = []
        matcher = diff_match_patch()
        for before, after in zip(self.left, self.right, strict=False):
            if before != after and self.new:
                before = ""
            pieces = matcher.diff_main(force_str(before), force_str(after))
            matcher.diff_cleanupSemantic(pieces)
            cells.append(
                format_html_join(
                    "", "<{}>{}</{}>", ((self.TAGS[op], text, self.TAGS[op]) for op, text in pieces)
                )
            )
        return cells


TEXT_FIELDS = (models.CharField, models.TextField)
EMPTY = (None, "")


def language_column_header(django_field) -> str | None:
    """A language field's column header, "Name (English)" or "Name (中文)"; None for a field
    that is not one language of a translated field. The header is the same whatever language
    the exporter's admin speaks, so that any file imports for anyone."""
    translated = getattr(django_field, "translated_field", None)
    if translated is None:
        return None
    with translation.override("en"):
        name = capfirst(str(translated.verbose_name))
    return f"{name} ({LANGUAGE_LABELS.get(django_field.language, django_field.language)})"


class NewsroomResult(results.Result):
    """An import's outcome whose preview lists the rows that change something (new, changed,
    deleted) before the unchanged ones, each group in the file's order: in a file of hundreds
    of rows, the few that change are the ones to read."""

    def valid_rows(self):
        return sorted(super().valid_rows(), key=lambda row: row.import_type == row.IMPORT_TYPE_SKIP)


class NewsroomResource(resources.ModelResource):
    """What every import shares: one transaction, unchanged rows skipped, clear row errors,
    language columns headed "Name (English)" and "Name (中文)"."""

    class Meta:
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        field = super().field_from_django_field(field_name, django_field, readonly)
        field.column_name = language_column_header(django_field) or field.column_name
        return field

    def get_diff_class(self):
        return RowDiff

    def get_result_class(self):
        return NewsroomResult

    def import_row(self, row, instance_loader, **kwargs):
        # The row's number in the file, for a preview that no longer lists rows in file order,
        # and whether it went to a working copy (set by the save) rather than the live record.
        self.row_to_working_copy = False
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.number = kwargs.get("row_number")
        row_result.to_working_copy = self.row_to_working_copy
        return row_result

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        # Files written before the language columns had their headers carry the field's name
        # ("name_en", "name_zh_hans"): read them as the headers of today.
        renamed = {
            field.attribute: field.column_name
            for field in self.get_import_fields()
            if field.attribute and field.column_name != field.attribute
        }
        if any(header in renamed for header in dataset.headers or ()):
            dataset.headers = [renamed.get(header, header) for header in dataset.headers]
        super().before_import(dataset, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        text_fields = [
            field.attribute
            for field in self.get_import_fields()
            if field.attribute and isinstance(self._model_field(field.attribute), TEXT_FIELDS)
        ]
        stored = {name: getattr(instance, name, None) for name in text_fields}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as invalid:
            errors = invalid.update_error_dict(errors)
        # An empty cell and an empty text are the same to a reader; keep whichever is stored,
        # so a file exported and imported back changes nothing.
        for name, before in stored.items():
            if before in EMPTY and getattr(instance, name, None) in EMPTY:
                setattr(instance, name, before)
        # Many-to-many columns are written after the save; read them now, so an unknown slug
        # is a validation error on its row rather than a failure half-way through it.
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as invalid:
                    errors[field.attribute] = ValidationError(force_str(invalid))
        if errors:
            raise ValidationError(errors)

    def _model_field(self, name):
        try:
            return self._meta.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None


class PublishableResource(NewsroomResource):
    """A record with a status: the importer's role decides what status a row saves with."""

    status = fields.Field(attribute="status", column_name="status")

    class Meta(NewsroomResource.Meta):
        import_id_fields = ("slug",)

    def before_save_instance(self, instance, row, **kwargs):
        is_new = instance._state.adding
        requested = row.get("status") if "status" in row else None
        instance.status = imported_status(
            record=instance,
            user=self.user,
            requested_status=str(requested).strip() if requested else None,
            is_new=is_new,
        )
        super().before_save_instance(instance, row, **kwargs)

    def do_instance_save(self, instance, is_create):
        instance._history_user = self.user
        record_save(
            record=instance, expected_version=None, user=self.user, log_action=LogAction.IMPORTED
        )
        self.row_to_working_copy = getattr(instance, "_working_copy", None) is not None

    def save_m2m(self, instance, row, **kwargs):
        # A row for a record with a working copy writes its links there too, not to the row.
        if getattr(instance, "_working_copy", None) is None:
            return super().save_m2m(instance, row, **kwargs)
        links = {
            field.attribute: field.clean(row)
            for field in self.get_import_fields()
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row
        }
        if links:
            working_copy_save(
                record=instance,
                user=self.user,
                expected_version=None,
                many_to_many=links,
                log_action=None,
            )
        return None
