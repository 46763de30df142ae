"""The newsroom's ModelAdmin pieces: status badges and filters, the workflow as buttons and bulk
actions, version-checked saves, history with diff and revert, and preview links.

Every rule about who may do what lives in ``core.services``; this module asks it and shows the
answer.
"""

from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import model_ngettext, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Max, Min, OuterRef, Subquery, Value, When
from django.db.models.functions import ExtractYear
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from core.models import ChangeStatus, Publishable, Status, WorkingCopy, scheduled_q
from core.services import (
    StaleVersionError,
    can_publish,
    goes_to_working_copy,
    hidden_parents,
    record_parts_changed,
    record_publish,
    record_revert,
    record_save,
    record_submit,
    record_withdraw,
    working_copies_go_live,
    working_copy_discard,
    working_copy_of,
    working_copy_part_save,
    working_copy_request_changes,
    working_copy_save,
    working_copy_view,
)
from core.text import LANGUAGE_LABELS
from newsroom.facets import GroupedRelatedFieldListFilter, counts_by, filtered_records
from newsroom.forms import (
    ConfirmForm,
    PublishableForm,
    ReasonForm,
    ScheduleForm,
)
from newsroom.history import WORKING_COPY, RecordHistory
from newsroom.presence import presence_leave, presence_note, presence_notices
from newsroom.times import format_in_site_zone, site_zone_label

# ---------------------------------------------------------------------------------------------
# English and Chinese
# ---------------------------------------------------------------------------------------------


class BilingualLabelsMixin:
    """Labels language fields "Title · English" and "Title · 中文" rather than "Title [en]".

    A field's help text is shared by its languages, so its example is in English; the Chinese
    field shows the example of ``chinese_examples`` instead (a field's name: a real name from
    the register's data)."""

    chinese_examples: dict[str, str] = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        translated = getattr(db_field, "translated_field", None)
        if formfield is not None and translated is not None:
            language = LANGUAGE_LABELS.get(db_field.language, db_field.language)
            formfield.label = format_lazy("{} · {}", capfirst(translated.verbose_name), language)
            example = self.chinese_examples.get(translated.name)
            if example and db_field.language == "zh-hans":
                formfield.help_text = gettext("e.g. %(example)s") % {"example": example}
        return formfield


def bilingual(field_name: str, description):
    """A changelist column with a field in English and, beneath it, in Chinese."""

    @admin.display(description=description, ordering=f"{field_name}_en")
    def column(obj):
        return format_html(
            '{}<br><span class="quiet" lang="zh-hans">{}</span>',
            getattr(obj, f"{field_name}_en") or "—",
            getattr(obj, f"{field_name}_zh_hans") or "—",
        )

    column.__name__ = f"bilingual_{field_name}"
    return column


class TranslatedAdmin(BilingualLabelsMixin, TranslationAdmin):
    pass


class WorkingCopyParts(list):
    """A working copy's parts of one kind, standing in for the queryset an inline formset reads
    (the formset filters it by the record and checks that it is ordered)."""

    ordered = totally_ordered = True

    def filter(self, *args, **kwargs):
        return self

    def none(self):
        return WorkingCopyParts()


class WorkingCopyInlineFormSet(BaseInlineFormSet):
    """An inline formset that can show a working copy's parts.

    Parts that exist on the live record are the formset's initial forms (``queryset``); parts the
    working copy adds (``new_parts``) come next, as extra forms filled in, which are kept even
    when the editor leaves them unchanged.
    """

    def __init__(self, *args, new_parts=(), **kwargs):
        self.new_parts = list(new_parts)
        if self.new_parts:
            kwargs["initial"] = [_part_initial(part) for part in self.new_parts]
        super().__init__(*args, **kwargs)
        self.extra = max(self.extra, len(self.new_parts) + 1) if self.new_parts else self.extra

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if 0 <= i - self.initial_form_count() < len(self.new_parts):
            form.empty_permitted = False
            form.carried_from_working_copy = True
        links = getattr(form.instance, "_working_copy_links", None)
        if links and not self.is_bound:
            form.initial.update(links)
        return form

    def kept_parts(self):
        """(part, its links) for every form that is not deleted or an untouched blank."""
        kept = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            is_new = form.instance.pk is None
            if is_new and not (form.has_changed() or getattr(form, "carried_from_working_copy", 0)):
                continue
            links = dict(getattr(form.instance, "_working_copy_links", {}))
            for field in self.model._meta.many_to_many:
                if field.name in form.cleaned_data:
                    links[field.name] = form.cleaned_data[field.name]
                elif field.name not in links and not is_new:
                    links[field.name] = getattr(form.instance, field.name).all()
            kept.append((form.instance, links))
        return kept


def _part_initial(part) -> dict:
    initial = {
        field.name: field.value_from_object(part)
        for field in type(part)._meta.concrete_fields
        if not field.primary_key
    }
    initial.update(getattr(part, "_working_copy_links", {}))
    return initial


class TranslatedTabularInline(BilingualLabelsMixin, TranslationTabularInline):
    view_on_site = False
    formset = WorkingCopyInlineFormSet


class TranslatedStackedInline(BilingualLabelsMixin, TranslationStackedInline):
    view_on_site = False
    formset = WorkingCopyInlineFormSet


# ---------------------------------------------------------------------------------------------
# Status at a glance
# ---------------------------------------------------------------------------------------------


def change_state(record) -> tuple[str, object] | None:
    """(status, go-live time) of the record's working copy, or None if it has none.

    Read from the change form's working copy, from the list's annotation
    (``with_change_state``), or else from the database."""
    working_copy = getattr(record, "_working_copy", None)
    if working_copy is None and hasattr(record, "change_status"):
        if record.change_status is None:
            return None
        return record.change_status, record.change_go_live_at
    if working_copy is None:
        working_copy = working_copy_of(record)
    if working_copy is None:
        return None
    return working_copy.status, working_copy.go_live_at


def with_change_state(queryset):
    """Annotate each record with its working copy's status and go-live time: one query."""
    working_copies = WorkingCopy.objects.filter(
        content_type=ContentType.objects.get_for_model(queryset.model), object_id=OuterRef("pk")
    )
    return queryset.annotate(
        change_status=Subquery(working_copies.values("status")[:1]),
        change_go_live_at=Subquery(working_copies.values("go_live_at")[:1]),
    )


def _change_words(status, go_live_at) -> str:
    if status == ChangeStatus.SCHEDULED:
        return gettext("change scheduled for %(moment)s") % {
            "moment": format_in_site_zone(go_live_at)
        }
    return {
        ChangeStatus.DRAFT: gettext("changes in draft"),
        ChangeStatus.REVIEW: gettext("changes in review"),
        ChangeStatus.CHANGES_REQUESTED: gettext("changes requested"),
    }[status]


def publication_state(record, *, changes: bool = True, parents=()) -> tuple[str, str]:
    """(css name, words) for a record's public state, with a scheduled time in the site zone,
    and (with ``changes``) what its working copy waits for: "Live · changes in review".

    A published record whose ``parents`` (names of what it belongs to: a zone's program and
    batch) are not public at its go-live time is never called live: the words say why the
    public cannot see it."""
    go_live_at = record.go_live_at
    hidden = []
    if record.status == Status.PUBLISHED:
        hidden = hidden_parents(record, parents, at=go_live_at)
    if hidden:
        names = ", ".join(f"{parent._meta.verbose_name} “{parent}”" for parent in hidden)
        css = "hidden"
        if go_live_at and go_live_at > timezone.now():
            words = gettext(
                "Scheduled for %(moment)s, but hidden then: %(parents)s will not be public"
            ) % {"moment": format_in_site_zone(go_live_at), "parents": names}
        else:
            words = gettext("Published, but hidden: %(parents)s is not public") % {"parents": names}
    elif record.status == Status.PUBLISHED and go_live_at and go_live_at > timezone.now():
        css, words = (
            "scheduled",
            gettext("Scheduled for %(moment)s")
            % {"moment": format_in_site_zone(record.go_live_at)},
        )
    elif record.status == Status.PUBLISHED:
        css, words = record.status, str(Status(record.status).label)
        if changes and change_state(record) is not None:
            words = gettext("Live")
    else:
        css, words = record.status, str(Status(record.status).label)
    change = change_state(record) if changes and record.status == Status.PUBLISHED else None
    if change is not None:
        words = f"{words} · {_change_words(*change)}"
    return css, words


def status_badge(record, *, changes: bool = True, parents=()):
    css, words = publication_state(record, changes=changes, parents=parents)
    return format_html('<span class="status-badge status-{}">{}</span>', css, words)


class PublicationFilter(admin.SimpleListFilter):
    """Status, with "scheduled" (published, waiting for its time) told apart from "live"."""

    title = _("publication")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            (Status.DRAFT, _("Draft")),
            (Status.REVIEW, _("In review")),
            ("live", _("Published and live")),
            ("scheduled", _("Scheduled")),
            (Status.WITHDRAWN, _("Withdrawn")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "live":
            # What the public sees: for a zone that includes its program being public.
            return queryset.published()
        if value == "scheduled":
            return queryset.filter(scheduled_q())
        if value in {Status.DRAFT, Status.REVIEW, Status.WITHDRAWN}:
            return queryset.filter(status=value)
        return queryset

    def get_facet_queryset(self, changelist):
        records = filtered_records(self, changelist)
        counts = counts_by(
            records,
            Case(
                When(scheduled_q(), then=Value("scheduled")),
                default="status",
            ),
        )
        # "Live" is what the public sees, which for some records also asks of their parents.
        counts["live"] = records.published().count()
        values = [value for value, _label in self.lookup_choices]
        return {f"{i}__c": counts.get(value, 0) for i, value in enumerate(values)}


def year_filter(field_name: str, title):
    """A list filter by the year of a date field, offering the years from the first to the last
    that occurs, newest first: two index reads, where listing the distinct years reads every
    row."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = f"{field_name}_year"

        def lookups(self, request, model_admin):
            # Read once per request: counting builds the change list's filters again.
            cache = request.__dict__.setdefault("_list_filter_choices", {})
            key = (model_admin.model, field_name)
            if key not in cache:
                cache[key] = model_admin.model._base_manager.aggregate(
                    first=Min(field_name), last=Max(field_name)
                )
            bounds = cache[key]
            if bounds["first"] is None:
                return []
            years = range(bounds["last"].year, bounds["first"].year - 1, -1)
            return [(str(year), str(year)) for year in years]

        def queryset(self, request, queryset):
            if self.value() and self.value().isdigit():
                return queryset.filter(**{f"{field_name}__year": int(self.value())})
            return queryset

        def get_facet_queryset(self, changelist):
            counts = counts_by(filtered_records(self, changelist), ExtractYear(field_name))
            years = [int(year) for year, _label in self.lookup_choices]
            return {f"{i}__c": counts.get(year, 0) for i, year in enumerate(years)}

    YearFilter.title = title
    return YearFilter


class RelatedSelectListFilter(GroupedRelatedFieldListFilter):
    """A related-record filter whose choices name their parent in one query (a batch names its
    program), instead of one query per choice."""

    def read_field_choices(self, field, request, model_admin):
        related = field.related_model
        foreign_keys = [
            f.name for f in related._meta.concrete_fields if f.get_internal_type() == "ForeignKey"
        ]
        choices = related._default_manager.all()
        if foreign_keys:
            choices = choices.select_related(*foreign_keys)
        return [(obj.pk, str(obj)) for obj in choices]


# ---------------------------------------------------------------------------------------------
# History: versions, compare, revert
# ---------------------------------------------------------------------------------------------


class HistoryAdminMixin:
    """The history page of a record kept by django-simple-history: its versions, a diff between
    any two (or with the live record) and a revert that goes through ``record_revert``."""

    object_history_template = "admin/newsroom/object_history.html"
    #: Parts with their own history, shown with the record's versions (``HistoryChild``).
    history_children = ()

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.history_compare_view),
                name="{}_{}_history_compare".format(*info),
            ),
            path(
                "<path:object_id>/history/<int:version>/revert/",
                self.admin_site.admin_view(self.history_revert_view),
                name="{}_{}_history_revert".format(*info),
            ),
            *super().get_urls(),
        ]

    def has_revert_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def _history_object(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("No such record."))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _history_context(self, request, obj, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": str(obj),
            "object": obj,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "has_revert_permission": self.has_revert_permission(request, obj),
            "site_zone": site_zone_label(),
            **extra,
        }

    def history_view(self, request, object_id, extra_context=None):
        obj = self._history_object(request, object_id)
        history = RecordHistory(self.model, obj.pk, self.history_children)
        versions = list(reversed(history.versions))
        context = self._history_context(
            request,
            obj,
            gettext("History: %(record)s") % {"record": obj},
            versions=versions,
            live=history.latest,
            is_live=_is_live(obj),
            working_copy=working_copy_of(obj),
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def history_compare_view(self, request, object_id):
        obj = self._history_object(request, object_id)
        history = RecordHistory(self.model, obj.pk, self.history_children)
        if history.latest is None:
            raise Http404(gettext("This record has no history."))
        requested_old = request.GET.get("old", "")
        requested_new = request.GET.get("new", "live")
        if requested_new == WORKING_COPY:
            return self._compare_with_working_copy(request, obj, history, requested_old)
        old = history.version(requested_old)
        new = history.latest if requested_new == "live" else history.version(requested_new)
        if old is None or new is None:
            self.message_user(request, gettext("Choose two versions to compare."), messages.WARNING)
            return HttpResponseRedirect(self._admin_url("history", obj.pk))
        if old.number > new.number:
            old, new = new, old
        context = self._history_context(
            request,
            obj,
            gettext("Compare versions: %(record)s") % {"record": obj},
            old=old,
            new=new,
            new_is_live=new is history.latest and _is_live(obj),
            comparison=history.compare(old, new),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/newsroom/history_compare.html", context)

    def _compare_with_working_copy(self, request, obj, history, requested_old):
        """A version (by default the live one) against the record's working copy."""
        working_copy = working_copy_of(obj)
        old = history.latest if requested_old in {"", "live"} else history.version(requested_old)
        if working_copy is None or old is None:
            self.message_user(request, gettext("Choose two versions to compare."), messages.WARNING)
            return HttpResponseRedirect(self._admin_url("history", obj.pk))
        context = self._history_context(
            request,
            obj,
            gettext("Compare versions: %(record)s") % {"record": obj},
            old=old,
            old_is_live=old is history.latest and _is_live(obj),
            working_copy=working_copy,
            comparison=history.compare_with_working_copy(old, working_copy_view(obj, working_copy)),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/newsroom/history_compare.html", context)

    def history_revert_view(self, request, object_id, version):
        obj = self._history_object(request, object_id)
        if not self.has_revert_permission(request, obj):
            raise PermissionDenied
        history = RecordHistory(self.model, obj.pk, self.history_children)
        target = history.version(version)
        if target is None or target.kind == "deleted":
            raise Http404(gettext("No such version."))
        form = ConfirmForm(request.POST or None, initial={"expected_version": _version_of(obj)})
        if (
            request.method == "POST"
            and form.is_valid()
            and self._revert(request, obj, history, target, form.cleaned_data["expected_version"])
        ):
            return HttpResponseRedirect(self._admin_url("change", obj.pk))
        context = self._history_context(
            request,
            obj,
            gettext("Revert to version %(version)s: %(record)s")
            % {"version": target.number, "record": obj},
            target=target,
            form=form,
            comparison=history.compare(history.latest, target),
            parts_kept=[
                child.label for child in self.history_children if not child.restored_by_revert
            ],
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/newsroom/history_revert.html", context)

    def _revert(self, request, obj, history, target, expected_version) -> bool:
        """Revert ``obj`` to version ``target`` and say how it went; whether it was reverted."""
        try:
            record_revert(
                record=obj,
                version=target.record,
                user=request.user,
                expected_version=expected_version,
                parts=self._revert_parts(history, target),
            )
        except StaleVersionError as stale:
            self.message_user(request, str(stale), messages.ERROR)
        except (PermissionDenied, ValidationError) as refused:
            self.message_user(request, _refusal(refused), messages.ERROR)
        else:
            self.log_change(request, obj, [{"reverted": {"version": target.number}}])
            self.message_user(request, _reverted_message(obj, target), messages.SUCCESS)
            return True
        return False

    def _revert_parts(self, history, target) -> list:
        """The parts a revert restores, as ``record_revert`` takes them: (model, parent field,
        {pk: historical row}) as they stood when version ``target`` ended."""
        return [
            (child.model, child.parent_field, history.child_state(child, target.ended_at))
            for child in self.history_children
            if child.restored_by_revert
        ]

    def _admin_url(self, view, pk):
        info = self.admin_site.name, self.opts.app_label, self.opts.model_name, view
        return reverse("{}:{}_{}_{}".format(*info), args=[pk])


def _reverted_message(obj, target) -> str:
    """What a revert of ``obj`` to version ``target`` did, for the message after it."""
    message = gettext("Reverted to version %(version)s.") % {"version": target.number}
    if getattr(obj, "_working_copy", None) is not None:
        message += " " + gettext(
            "It is the record's next version; the public keeps seeing the live "
            "version until it is published."
        )
    return message


def _is_live(record) -> bool:
    """Whether the public sees ``record`` now: only then is there a live version to compare.
    A record without a workflow is always what it is now."""
    if not isinstance(record, Publishable):
        return True
    return record.status == Status.PUBLISHED and (
        record.go_live_at is None or record.go_live_at <= timezone.now()
    )


def _version_of(obj):
    return getattr(obj, "version", None)


def _refusal(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or gettext("You are not allowed to do this.")


# ---------------------------------------------------------------------------------------------
# The workflow
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    permission: str  # "change" or "publish"
    question: str
    done: str
    bulk_label: str = ""
    needs_time: bool = False

    needs_reason: bool = False

    def applies_to(self, record) -> bool:
        css, _words = publication_state(record)
        change = change_state(record)
        change_status = change[0] if change else None
        if self.name == "submit":
            if change is not None:
                return change_status in {ChangeStatus.DRAFT, ChangeStatus.CHANGES_REQUESTED}
            return record.status in {Status.DRAFT, Status.WITHDRAWN}
        if self.name == "publish":
            return css != Status.PUBLISHED or change is not None
        if self.name == "schedule":
            return True
        if self.name == "withdraw":
            return record.status == Status.PUBLISHED
        if self.name == "request_changes":
            return change_status in {ChangeStatus.REVIEW, ChangeStatus.SCHEDULED}
        if self.name == "discard":
            return change is not None
        return False

    def perform(self, record, user, *, go_live_at=None, expected_version=None, reason=""):
        options = {"record": record, "user": user, "expected_version": expected_version}
        if self.name == "submit":
            return record_submit(**options)
        if self.name == "publish":
            return record_publish(**options)
        if self.name == "schedule":
            return record_publish(go_live_at=go_live_at, **options)
        if self.name == "withdraw":
            return record_withdraw(**options)
        if self.name == "request_changes":
            return working_copy_request_changes(reason=reason, **options)
        if self.name == "discard":
            return working_copy_discard(**options)
        raise ValueError(self.name)


TRANSITIONS = {
    transition.name: transition
    for transition in [
        Transition(
            "submit",
            _("Submit for review"),
            "change",
            _("Hand this to the publishers for review? It stays off the public site."),
            _("Submitted for review"),
            _("Submit selected for review"),
        ),
        Transition(
            "publish",
            _("Publish now"),
            "publish",
            _("Publish now? It appears on the public site at once."),
            _("Published"),
            _("Publish selected now"),
        ),
        Transition(
            "schedule",
            _("Publish at a time…"),
            "publish",
            _("Publish at a set time? It appears on the public site at that moment by itself."),
            _("Scheduled"),
            _("Publish selected at a time…"),
            needs_time=True,
        ),
        Transition(
            "withdraw",
            _("Withdraw"),
            "publish",
            _("Withdraw from the public site? It stays here with its history."),
            _("Withdrawn"),
            _("Withdraw selected from the public site"),
        ),
        Transition(
            "request_changes",
            _("Request changes…"),
            "publish",
            _("Send the changes back to the editor? Say what needs to change."),
            _("Sent back to the editor"),
            _("Request changes to selected…"),
            needs_reason=True,
        ),
        Transition(
            "discard",
            _("Discard changes"),
            "change",
            _("Throw away the changes? The live version stays as it is."),
            _("Changes discarded"),
            _("Discard changes to selected"),
        ),
    ]
}


def _workflow_action(transition: Transition):
    def action(modeladmin, request, queryset):
        return modeladmin.bulk_transition(request, queryset, transition)

    action.__name__ = f"{transition.name}_selected"
    action.allowed_permissions = (transition.permission,)
    action.short_description = transition.bulk_label
    return action


class PublishableAdminMixin(HistoryAdminMixin):
    """Workflow buttons and bulk actions, version-checked saves and preview links for a
    ``core.models.Publishable`` record."""

    form = PublishableForm
    change_form_template = "admin/newsroom/change_form.html"
    #: URL name of the staff preview of this model, e.g. "preview-zone".
    preview_url_name = None
    #: What a record belongs to and is public only with (the fields' names), as ``published()``
    #: requires: a zone is public only while its program and its batch are.
    public_parents = ()
    actions = [_workflow_action(transition) for transition in TRANSITIONS.values()]
    publication_fieldset = (
        _("Publication"),
        {
            "fields": ["publication_state", "version_number"],
            "description": _(
                "Status changes only through the buttons at the top: submit, publish, schedule, "
                "withdraw."
            ),
        },
    )

    def get_queryset(self, request):
        return with_change_state(super().get_queryset(request))

    # -- permissions

    def has_publish_permission(self, request, obj=None):
        return can_publish(request.user, self.model)

    # -- display

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return status_badge(obj, parents=self.public_parents)

    @admin.display(description=_("status"))
    def publication_state(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Draft (new records start as drafts)")
        return status_badge(obj, parents=self.public_parents)

    @admin.display(description=_("version"))
    def version_number(self, obj):
        return obj.version if obj and obj.pk else "—"

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "publication_state", "version_number"]

    def view_on_site(self, obj):
        if not hasattr(obj, "get_absolute_url"):
            return None
        if (
            obj.status == Status.PUBLISHED
            and (obj.go_live_at is None or obj.go_live_at <= timezone.now())
            and not hidden_parents(obj, self.public_parents)
        ):
            return obj.get_absolute_url()
        return None

    def preview_urls(self, obj):
        if not self.preview_url_name or obj is None or obj.pk is None:
            return []
        try:
            url = reverse(self.preview_url_name, kwargs={"slug": obj.slug})
        except NoReverseMatch:
            return []
        # Each button names its language: without one, a preview follows the editor's own.
        return [
            (gettext("Preview (English)"), f"{url}?language=en"),
            ("预览（中文）", f"{url}?language=zh-hans"),
        ]

    # -- the working copy

    def get_object(self, request, object_id, from_field=None):
        """On the change form, a record with a working copy reads as its working copy."""
        obj = super().get_object(request, object_id, from_field)
        if getattr(request, "_newsroom_change_form", False):
            working_copy = working_copy_of(obj)
            if working_copy is not None:
                return working_copy_view(obj, working_copy)
        return obj

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        parts = getattr(obj, "_working_copy_parts", {})
        if inline.model in parts and issubclass(inline.formset, WorkingCopyInlineFormSet):
            kwargs["queryset"] = WorkingCopyParts(p for p in parts[inline.model] if p.pk)
            kwargs["new_parts"] = [p for p in parts[inline.model] if p.pk is None]
        return kwargs

    # -- saving

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        if change and goes_to_working_copy(obj, request.user):
            obj._writes_working_copy = True  # written with its links and parts in save_related
            return
        record_save(
            record=obj,
            expected_version=form.cleaned_data.get("expected_version") if change else None,
            user=request.user,
        )

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        if not getattr(obj, "_writes_working_copy", False):
            return super().save_related(request, form, formsets, change)
        links = {
            field.name: form.cleaned_data[field.name]
            for field in self.model._meta.many_to_many
            if field.name in form.cleaned_data
        }
        parts = {
            formset.model: (formset.fk.name, formset.kept_parts())
            for formset in formsets
            if isinstance(formset, WorkingCopyInlineFormSet)
        }
        for formset in formsets:
            # Nothing of the parts was saved; the change message lists the record's fields.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        obj._working_copy = working_copy_save(
            record=obj,
            user=request.user,
            expected_version=form.cleaned_data.get("expected_version"),
            many_to_many=links,
            parts=parts,
        )
        self.message_user(
            request,
            gettext(
                "Your changes were saved as the record's next version. The public site keeps "
                "showing the live version until the changes are published."
            ),
            messages.INFO,
        )

    def changelist_view(self, request, extra_context=None):
        working_copies_go_live()  # a change whose time has passed shows as live here too
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        request._newsroom_change_form = True
        working_copies_go_live()
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
        except StaleVersionError as stale:
            # Two saves raced past the form's check; the row lock caught the second. Nothing of
            # it was written (the admin's transaction rolled back).
            self.message_user(
                request,
                gettext("%(problem)s Nothing was saved; make your changes again.")
                % {"problem": stale},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)
        saved = request.method == "POST" and response.status_code == 302
        if saved and str(object_id).isdigit():  # a missing record redirects too, by any id
            presence_leave(record=self.model(pk=int(object_id)), user=request.user)
        return response

    def presence_view(self, request, object_id):
        """Renews the editor's open change form (POST, by the page's script once a minute) and
        answers with the notice about colleagues; ``leave`` ends it when the page is left."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("No such record."))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if request.POST.get("leave"):
            presence_leave(record=obj, user=request.user)
            return HttpResponse(status=204)
        presence_note(record=obj, user=request.user)
        return TemplateResponse(
            request,
            "admin/newsroom/includes/presence.html",
            {"presence": presence_notices(record=obj, user=request.user)},
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and request.method == "GET":
            presence_note(record=obj, user=request.user)
        context.update(
            presence=presence_notices(record=obj, user=request.user) if change else [],
            presence_url=self._admin_url("presence", obj.pk) if change else "",
            workflow_buttons=self.workflow_buttons(request, obj) if change else [],
            preview_urls=self.preview_urls(obj) if change else [],
            editing_public_record=bool(
                change
                and obj is not None
                and obj.status == Status.PUBLISHED
                and not can_publish(request.user, self.model)
            ),
            working_copy=getattr(obj, "_working_copy", None),
            site_zone=site_zone_label(),
        )
        if context["working_copy"] is not None:
            context["compare_url"] = (
                self._admin_url("history_compare", obj.pk) + f"?old=live&new={WORKING_COPY}"
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # -- the workflow, one record at a time

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/workflow/<str:transition>/",
                self.admin_site.admin_view(self.workflow_view),
                name="{}_{}_workflow".format(*info),
            ),
            path(
                "<path:object_id>/presence/",
                self.admin_site.admin_view(self.presence_view),
                name="{}_{}_presence".format(*info),
            ),
            *super().get_urls(),
        ]

    def _may(self, request, transition: Transition, obj=None) -> bool:
        if transition.permission == "publish":
            return self.has_publish_permission(request, obj)
        return self.has_change_permission(request, obj)

    def workflow_buttons(self, request, obj):
        if obj is None:
            return []
        info = self.admin_site.name, self.opts.app_label, self.opts.model_name
        return [
            (
                transition.label,
                reverse("{}:{}_{}_workflow".format(*info), args=[obj.pk, transition.name]),
                transition.name,
            )
            for transition in TRANSITIONS.values()
            if transition.applies_to(obj) and self._may(request, transition, obj)
        ]

    def workflow_view(self, request, object_id, transition):
        transition, obj = self._workflow_target(request, object_id, transition)
        form_class = _transition_form(transition)
        form = form_class(request.POST or None, initial={"expected_version": obj.version})
        is_valid = request.method == "POST" and form.is_valid()
        hidden = self._hidden_parents(obj, transition, form.cleaned_data if is_valid else {})
        parents_choice = request.POST.get("parents")
        if is_valid and hidden and parents_choice not in {"with", "alone"}:
            form.add_error(None, gettext("Choose whether to publish it with what it belongs to."))
            is_valid = False
        if is_valid:
            with_parents = hidden if parents_choice == "with" else []
            self._perform_transition(request, obj, transition, form.cleaned_data, with_parents)
            return HttpResponseRedirect(self._admin_url("change", obj.pk))
        return self._confirm_transition(
            request,
            transition,
            form,
            subtitle=str(obj),
            object=obj,
            objects=[obj],
            hidden_parents=hidden,
        )

    def _workflow_target(self, request, object_id, transition_name):
        """The transition and the record a workflow step is for, if the user may take it."""
        transition = TRANSITIONS.get(transition_name)
        if transition is None:
            raise Http404(gettext("No such workflow step."))
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("No such record."))
        if not self._may(request, transition, obj):
            raise PermissionDenied
        return transition, obj

    def _perform_transition(self, request, obj, transition, cleaned_data, parents) -> None:
        """Take ``transition`` for ``obj``, after publishing ``parents`` (what it belongs to),
        all or nothing, and say how it went."""
        try:
            with transaction.atomic():
                for parent in parents:
                    record_publish(
                        record=parent,
                        user=request.user,
                        go_live_at=cleaned_data.get("go_live_at"),
                    )
                transition.perform(
                    obj,
                    request.user,
                    go_live_at=cleaned_data.get("go_live_at"),
                    expected_version=cleaned_data.get("expected_version"),
                    reason=cleaned_data.get("reason", ""),
                )
        except StaleVersionError as stale:
            self.message_user(
                request,
                gettext("%(problem)s Nothing was changed; look at it again first.")
                % {"problem": stale},
                messages.ERROR,
            )
        except (PermissionDenied, ValidationError) as refused:
            self.message_user(request, _refusal(refused), messages.ERROR)
        else:
            self.log_change(request, obj, [{"changed": {"fields": ["status"]}}])
            self.message_user(request, self._done_message(transition, obj), messages.SUCCESS)

    def _confirm_transition(self, request, transition, form, **context):
        """The page that asks to confirm ``transition`` for the records ``context`` names."""
        context = {
            **self.admin_site.each_context(request),
            "title": transition.question,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "transition": transition,
            "form": form,
            "site_zone": site_zone_label(),
            "media": self.media + form.media,
            **context,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/newsroom/confirm_transition.html", context)

    def _hidden_parents(self, obj, transition, cleaned_data) -> list:
        """What ``obj`` belongs to that will not be public when it goes live."""
        if transition.name not in {"publish", "schedule"}:
            return []
        moment = cleaned_data.get("go_live_at")
        if transition.name == "schedule" and moment is None:
            return []
        return hidden_parents(obj, self.public_parents, at=moment)

    def _done_message(self, transition, obj):
        message = gettext("%(done)s: %(record)s.") % {"done": transition.done, "record": obj}
        if transition.needs_time:
            change = working_copy_of(obj)
            message = gettext("%(record)s goes live at %(moment)s.") % {
                "record": obj,
                "moment": format_in_site_zone(change.go_live_at if change else obj.go_live_at),
            }
        return message

    # -- the workflow, many records at once

    def bulk_transition(self, request, queryset, transition: Transition):
        if not self._may(request, transition):
            raise PermissionDenied
        form_class = _transition_form(transition)
        form = form_class(request.POST if request.POST.get("confirm") else None)
        if request.POST.get("confirm") and form.is_valid():
            done, skipped = self._perform_bulk(request, queryset, transition, form.cleaned_data)
            self._report_bulk(request, transition, done, skipped)
            return None
        return self._confirm_transition(
            request,
            transition,
            form,
            subtitle=None,
            objects=list(queryset),
            bulk_action=f"{transition.name}_selected",
            action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
        )

    def _perform_bulk(self, request, queryset, transition, cleaned_data) -> tuple[list, list]:
        """Take ``transition`` for each record in ``queryset``, one at a time: the records it
        was taken for, and a reason for each record left as it was."""
        done, skipped = [], []
        for record in queryset:
            try:
                transition.perform(
                    record,
                    request.user,
                    go_live_at=cleaned_data.get("go_live_at"),
                    reason=cleaned_data.get("reason", ""),
                )
            except (PermissionDenied, ValidationError) as refused:
                skipped.append(f"{record}: {_refusal(refused)}")
            else:
                self.log_change(request, record, [{"changed": {"fields": ["status"]}}])
                done.append(record)
        return done, skipped

    def _report_bulk(self, request, transition, done, skipped) -> None:
        """Say how many records ``transition`` was taken for, and why the others were not."""
        if done:
            self.message_user(
                request,
                gettext("%(done)s: %(count)d %(items)s.")
                % {
                    "done": transition.done,
                    "count": len(done),
                    "items": model_ngettext(self.opts, len(done)),
                },
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "Left %(count)d record as it was: %(reasons)s",
                    "Left %(count)d records as they were: %(reasons)s",
                    len(skipped),
                )
                % {"count": len(skipped), "reasons": "; ".join(skipped)},
                messages.WARNING,
            )


def _transition_form(transition: Transition):
    if transition.needs_time:
        return type("ScheduleConfirmForm", (ScheduleForm, ConfirmForm), {})
    if transition.needs_reason:
        return type("ReasonConfirmForm", (ReasonForm, ConfirmForm), {})
    return ConfirmForm


class DocumentPartAdminMixin:
    """For the parts of a document edited on their own pages. A change to a part of a
    document whose changes go to its working copy (a public document changed by an editor, or
    one that has a working copy) goes there too, as on the document's own form, and the page
    shows the part as the working copy has it. Otherwise the part is written at once."""

    #: The part's foreign key to its document.
    document_field = "document"

    def _to_working_copy(self, request, obj) -> bool:
        document = getattr(obj, self.document_field)
        return isinstance(document, Publishable) and goes_to_working_copy(document, request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        document = getattr(obj, self.document_field, None) if obj is not None else None
        working_copy = working_copy_of(document) if isinstance(document, Publishable) else None
        if working_copy is None:
            return obj
        parts = working_copy_view(document, working_copy)._working_copy_parts.get(self.model)
        return next((part for part in parts or () if part.pk == obj.pk), obj)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        if self._to_working_copy(request, obj):
            obj._writes_working_copy = True  # written with its links in save_related
            return
        super().save_model(request, obj, form, change)
        self._parts_changed(request, obj)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        if not getattr(obj, "_writes_working_copy", False):
            return super().save_related(request, form, formsets, change)
        links = {
            field.name: form.cleaned_data[field.name]
            for field in self.model._meta.many_to_many
            if field.name in form.cleaned_data
        }
        working_copy_part_save(
            record=getattr(obj, self.document_field),
            part=obj,
            parent_field=self.document_field,
            user=request.user,
            links=links,
        )
        return None

    def delete_model(self, request, obj):
        document = getattr(obj, self.document_field)
        if self._to_working_copy(request, obj):
            obj._writes_working_copy = True
            working_copy_part_save(
                record=document,
                part=obj,
                parent_field=self.document_field,
                user=request.user,
                delete=True,
            )
            request._part_deleted_from = document
            return
        super().delete_model(request, obj)
        record_parts_changed(record=document, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def log_addition(self, request, obj, message):
        if not getattr(obj, "_writes_working_copy", False):
            return super().log_addition(request, obj, message)
        return None  # the newsroom log has the line; the part itself is not saved yet

    def log_change(self, request, obj, message):
        if not getattr(obj, "_writes_working_copy", False):
            return super().log_change(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(obj, "_writes_working_copy", False):
            return self._to_document(request, getattr(obj, self.document_field))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(obj, "_writes_working_copy", False):
            return self._to_document(request, getattr(obj, self.document_field))
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        document = getattr(request, "_part_deleted_from", None)
        if document is not None:
            return self._to_document(request, document)
        return super().response_delete(request, obj_display, obj_id)

    def _to_document(self, request, document):
        """After a change written to the document's working copy: to the document's form."""
        self.message_user(
            request,
            gettext(
                "Your change was saved in the next version of %(document)s. The public site "
                "keeps showing the live version until the changes are published."
            )
            % {"document": document},
            messages.INFO,
        )
        opts = document._meta
        return HttpResponseRedirect(
            reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                args=[document.pk],
            )
        )

    def _parts_changed(self, request, obj):
        document = obj.document
        was_public = document.status == Status.PUBLISHED
        record_parts_changed(record=document, user=request.user)
        if was_public and document.status == Status.REVIEW:
            self.message_user(
                request,
                gettext(
                    "%(document)s went back to review because one of its parts changed; it is "
                    "off the public site until a publisher publishes it again."
                )
                % {"document": document},
                messages.WARNING,
            )
