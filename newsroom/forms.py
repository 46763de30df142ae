"""Form pieces the newsroom admin shares: dates as precise as their source, the version a change
form was opened at, and the confirmation forms of the workflow."""

import datetime
import hashlib
import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.dates import DatePrecision, PartialDate
from newsroom.history import changes_since
from newsroom.times import format_in_site_zone, site_zone, site_zone_label

# 2021-02-19, 2021-2-9, 2021/02/19 or 2021.02.19, to the day, the month or the year; the
# Chinese 2021年2月19日 and 2021年2月 are read the same way.
PARTIAL_DATE_PATTERN = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def parse_partial_date(text: str) -> PartialDate:
    """Read what an editor types into a date and its precision; ValidationError if unreadable."""
    normalised = re.sub(r"\s+", "", text or "").replace("年", "-").replace("月", "-")
    normalised = normalised.removesuffix("日").rstrip("-")
    match = PARTIAL_DATE_PATTERN.match(normalised)
    if not match:
        raise ValidationError(
            _(
                "Enter the date as 2021-02-19, or as 2021-02 or 2021 when the source gives only "
                "the month or the year."
            ),
            code="invalid",
        )
    year, month, day = (int(part) if part else None for part in match.groups())
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValidationError(
            _("Enter a year between %(earliest)s and %(latest)s."),
            code="year_range",
            params={"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        )
    try:
        if day is not None:
            return PartialDate(datetime.date(year, month, day), DatePrecision.DAY)
        if month is not None:
            return PartialDate(datetime.date(year, month, 1), DatePrecision.MONTH)
    except ValueError as invalid:
        raise ValidationError(
            _("%(text)s is not a date in the calendar."), code="invalid", params={"text": text}
        ) from invalid
    return PartialDate(datetime.date(year, 1, 1), DatePrecision.YEAR)


class PartialDateField(forms.CharField):
    """One box for a date given to the day, the month or the year: "2021-02-19", "2021-02",
    "2021" (or 2021年2月). Cleans to a ``PartialDate``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "placeholder": "2021-02-19 · 2021-02 · 2021",
                    "size": 14,
                    "maxlength": 20,
                    "class": "vDate",
                }
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, PartialDate):
            return value.iso
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return PartialDate(None)
        return parse_partial_date(text[:40])


def _partial_date_help(what) -> str:
    return _(
        "%(what)s Type 2021-02-19; if the source gives only the month, 2021-02; only the year, "
        "2021. The public site shows no more than the source gives."
    ) % {"what": what}


# Lazy: forms call it when their class is defined, before any request has chosen a language.
partial_date_help = lazy(_partial_date_help, str)


class NewsroomForm(forms.ModelForm):
    """The change form of a register record.

    ``partial_dates`` maps a form field to the model's date field; the form field replaces the
    date and its precision with one box an editor understands (see ``PartialDateField``).
    """

    partial_dates: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_name, date_name in self.partial_dates.items():
            if form_name in self.fields and self.instance.pk is not None:
                self.initial.setdefault(
                    form_name,
                    PartialDate(
                        getattr(self.instance, date_name),
                        getattr(self.instance, f"{date_name}_precision"),
                    ),
                )

    def _partial_date_model_fields(self) -> dict[str, str]:
        names = {}
        for form_name, date_name in self.partial_dates.items():
            if form_name in self.fields:
                names[date_name] = form_name
                names[f"{date_name}_precision"] = form_name
        return names

    def _post_clean(self):
        for form_name, date_name in self.partial_dates.items():
            if form_name in self.fields and form_name in self.cleaned_data:
                value = self.cleaned_data[form_name]
                setattr(self.instance, date_name, value.value)
                setattr(
                    self.instance,
                    f"{date_name}_precision",
                    value.precision if value.value else DatePrecision.DAY,
                )
        super()._post_clean()

    def _get_validation_exclusions(self):
        # The model's date fields are not on the form, but the form sets them: validate them and
        # the constraints that read them, so a broken rule is a form error, not an IntegrityError.
        return super()._get_validation_exclusions() - set(self._partial_date_model_fields())

    def _update_errors(self, errors):
        renamed = self._partial_date_model_fields()
        if renamed and hasattr(errors, "error_dict"):
            error_dict = {}
            for name, messages in errors.error_dict.items():
                error_dict.setdefault(renamed.get(name, name), []).extend(messages)
            errors = ValidationError(error_dict)
        super()._update_errors(errors)


class PublishableForm(NewsroomForm):
    """Adds the version the editor opened; a save based on an older version is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    #: A digest of each field's value as the form was opened, so that after a refused save the
    #: fields the editor left alone can take the saved version's value.
    opened_values = forms.CharField(widget=forms.HiddenInput, required=False)

    #: Set when the record changed since the editor opened it: what changed meanwhile.
    changes_meanwhile = None
    #: Set with it: (label, saved value) of each field that both the editor and someone else
    #: changed, and of each field the form took from the saved version.
    newer_values = ()
    taken_values = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["expected_version"] = self.instance.version
        # A record shown as its working copy: its links are the working copy's, not the row's.
        links = getattr(self.instance, "_working_copy_links", None) or {}
        self.initial.update({name: ids for name, ids in links.items() if name in self.fields})
        if self.instance.pk is not None and not self.is_bound:
            self.initial["opened_values"] = json.dumps(self._digests(bound=False))

    def _digests(self, *, bound: bool) -> dict:
        """name -> digest of each field's value: as typed (``bound``) or as stored."""
        digests = {}
        for name in self.fields:
            if name in {"expected_version", "opened_values"}:
                continue
            field = self[name]
            value = field.value() if bound else field.field.prepare_value(field.initial)
            digests[name] = value_digest(value)
        return digests

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        expected = cleaned_data.get("expected_version")
        if expected is None:
            raise ValidationError(
                _("This form is missing the version it was opened at. Reload the page."),
                code="no_version",
            )
        if expected != self.instance.version:
            self._keep_refused_text()
            raise ValidationError(
                _(
                    "Someone else saved this record after you opened it (you opened version "
                    "%(yours)s; it is now at version %(current)s). Nothing was saved. What you "
                    "typed is still in the form; fields you had not changed now hold the saved "
                    "values, and where you both changed a field, the saved value is shown beside "
                    "it. Save again to keep what the form now holds."
                ),
                code="stale",
                params={"yours": expected, "current": self.instance.version},
            )
        return cleaned_data

    def _keep_refused_text(self):
        """After a refused save: merge what the editor typed with the saved version, and base
        the form on the saved version, so that saving again is a choice made with both in view.

        A field the editor left as opened takes the saved value. A field the editor changed
        keeps the typed text; if someone else changed it too, the saved value is shown beside
        it. Without the opened values (an older page) every field counts as changed."""
        if getattr(self.instance, "_working_copy", None) is None:
            # A working copy keeps no history of its own versions; the fields below tell.
            self.changes_meanwhile = changes_since(
                self.instance, self.cleaned_data["expected_version"]
            )
        try:
            opened = json.loads(self.data.get(self.add_prefix("opened_values")) or "{}")
        except ValueError:
            opened = {}
        opened = opened if isinstance(opened, dict) else {}
        typed = self._digests(bound=True)
        saved = self._digests(bound=False)
        self.data = self.data.copy()
        self.newer_values, self.taken_values = [], []
        for name in self.changed_data:
            if name not in typed:
                continue
            bound = self[name]
            shown = saved_value_display(bound.field, bound.initial)
            if opened.get(name) == typed[name] and _set_data(self, bound):
                self.taken_values.append((bound.label, shown))
            elif opened.get(name) != saved[name]:
                self.newer_values.append((bound.label, shown))
                bound.help_text = format_html(
                    '{}<span class="newsroom-newer">{} {}</span>',
                    bound.help_text,
                    _("Saved meanwhile:"),
                    shown,
                )
        self.data[self.add_prefix("expected_version")] = self.instance.version
        self.data[self.add_prefix("opened_values")] = json.dumps(saved)


def value_digest(value) -> str:
    """A short digest of a form value as a page shows it and posts it back."""
    if isinstance(value, (list, tuple)):
        text = "\x1f".join(sorted(str(getattr(item, "pk", item)) for item in value))
    else:
        text = "" if value is None else str(value).replace("\r\n", "\n").strip()
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _set_data(form, bound) -> bool:
    """Put the stored value of ``bound`` into the form's data, as its widget would post it;
    False for widgets posted otherwise (several inputs, a checkbox, a file)."""
    widget = getattr(bound.field.widget, "widget", bound.field.widget)  # admin's wrapper
    if isinstance(widget, forms.SelectMultiple):
        value = bound.field.prepare_value(bound.initial) or []
        form.data.setlist(bound.html_name, [str(getattr(item, "pk", item)) for item in value])
        return True
    if isinstance(widget, (forms.Select, forms.Textarea)) or (
        isinstance(widget, forms.Input)
        and not isinstance(widget, (forms.CheckboxInput, forms.FileInput))
    ):
        value = bound.field.prepare_value(bound.initial)
        form.data[bound.html_name] = "" if value is None else str(getattr(value, "pk", value))
        return True
    return False


def saved_value_display(field: forms.Field, value) -> str:
    """A form field's stored value as an editor reads it: names for links and choices."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        ids = [getattr(item, "pk", item) for item in value or ()]
        return ", ".join(sorted(str(item) for item in field.queryset.filter(pk__in=ids))) or "—"
    if isinstance(field, forms.ModelChoiceField):
        found = field.queryset.filter(pk=getattr(value, "pk", value)).first() if value else None
        return str(found) if found is not None else "—"
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value) or "—")
    shown = field.prepare_value(value)
    if shown in (None, ""):
        return "—"
    return str(shown)


class ScheduleForm(forms.Form):
    """When a record goes live, typed in the site's time zone."""

    go_live_at = forms.DateTimeField(
        label=_("Go live at"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "step": 1}, format="%Y-%m-%dT%H:%M:%S"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["go_live_at"].help_text = _(
            "In the site's time zone, %(zone)s. The record appears on the public site at that "
            "moment by itself; no job needs to run."
        ) % {"zone": site_zone_label()}
        if not self.is_bound:
            soon = timezone.now().astimezone(site_zone()) + datetime.timedelta(hours=1)
            self.initial["go_live_at"] = soon.replace(minute=0, second=0, microsecond=0)

    def clean_go_live_at(self):
        value = self.cleaned_data["go_live_at"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value, site_zone())
        if value <= timezone.now():
            raise ValidationError(
                _("%(moment)s has passed. Choose a later time, or use “Publish now”."),
                code="past",
                params={"moment": format_in_site_zone(value)},
            )
        return value


class ConfirmForm(forms.Form):
    """The confirmation step of a workflow action on one record: carries its version."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class ReasonForm(forms.Form):
    """Why a publisher sends changes back: the editor reads it on the record and in the queue."""

    reason = forms.CharField(
        label=_("What needs to change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("The editor sees this on the record and in the review queue."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say what needs to change."), code="required")
        return reason
