"""The admin site of the newsroom: its index shows what waits for review, what is scheduled (and
what went live by its schedule lately) and the latest changes, before the list of models.

This module lives outside ``newsroom.admin`` on purpose: Django imports it while it creates the
default site, and ``newsroom.admin`` registers models on that site as it is imported.
"""

import datetime
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import partial

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models.functions import Now
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import ChangeStatus, LogEvent, Publishable, Status, WorkingCopy, scheduled_q
from newsroom.conversation import comment_view, my_notices_view
from newsroom.options import publication_state, with_change_state
from newsroom.tokens import api_token_view

DASHBOARD_ITEMS = 10
RECENT_CHANGES = 15
RECENTLY_LIVE = datetime.timedelta(days=14)
# Fields that name a record in the recent-changes list.
NAME_FIELDS = ("title", "name", "text")
# How wide a label in the recent-changes list may be, a Chinese character counting as two columns.
LABEL_WIDTH = 90


@dataclass
class DashboardItem:
    model_name: str
    label: str
    url: str | None
    state_css: str = ""
    state: str = ""
    moment: datetime.datetime | None = None
    user: object = None
    kind: str = ""
    reason: str = ""


class NewsroomAdminSite(admin.AdminSite):
    site_header = _("AI Pilot Zones — newsroom")
    site_title = _("AI Pilot Zones newsroom")
    index_title = _("Newsroom")
    index_template = "admin/newsroom/index.html"

    def get_urls(self):
        return [
            path(
                "my-api-token/",
                self.admin_view(partial(api_token_view, site=self)),
                name="my_api_token",
            ),
            path(
                "notices/", self.admin_view(partial(my_notices_view, site=self)), name="my_notices"
            ),
            path(
                "comments/<int:content_type_id>/<int:object_id>/",
                self.admin_view(partial(comment_view, site=self)),
                name="record_comment",
            ),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        return super().index(
            request, {**(extra_context or {}), "newsroom": self.dashboard(request)}
        )

    def _viewable_admins(self, request):
        for model, model_admin in self._registry.items():
            if model_admin.has_view_or_change_permission(request):
                yield model, model_admin

    def _change_url(self, model, pk):
        try:
            return reverse(
                f"{self.name}:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk]
            )
        except NoReverseMatch:
            return None

    def dashboard(self, request) -> dict:
        waiting, scheduled, went_live = self._record_items(request)
        changes = self.waiting_changes(request)
        waiting += changes[ChangeStatus.REVIEW]
        scheduled += changes[ChangeStatus.SCHEDULED]
        scheduled.sort(key=lambda item: item.moment)
        went_live.sort(key=lambda item: item.moment, reverse=True)
        waiting.sort(key=lambda item: item.moment, reverse=True)
        return {
            "waiting": waiting[:DASHBOARD_ITEMS],
            "scheduled": scheduled[:DASHBOARD_ITEMS],
            "went_live": went_live[:DASHBOARD_ITEMS],
            "sent_back": changes[ChangeStatus.CHANGES_REQUESTED][:DASHBOARD_ITEMS],
            "recent_changes": self.recent_changes(request),
        }

    def _record_items(self, request) -> tuple[list, list, list]:
        """Records in review (newest first), scheduled (soonest first) and gone live lately by
        their schedule (latest first): up to ``DASHBOARD_ITEMS`` of each per kind of record."""
        waiting, scheduled, went_live = [], [], []
        since = timezone.now() - RECENTLY_LIVE
        for model, model_admin in self._viewable_admins(request):
            if not issubclass(model, Publishable):
                continue
            records = with_change_state(model._base_manager.all())
            # The names of some records come from their parents (a batch names its program).
            if isinstance(model_admin.list_select_related, (list, tuple)):
                records = records.select_related(*model_admin.list_select_related)
            for target, queryset in (
                (waiting, records.filter(status=Status.REVIEW).order_by("-updated_at")),
                (
                    scheduled,
                    records.filter(scheduled_q()).order_by("go_live_at"),
                ),
                (
                    went_live,
                    records.filter(
                        status=Status.PUBLISHED, go_live_at__lte=Now(), go_live_at__gte=since
                    ).order_by("-go_live_at"),
                ),
            ):
                for record in queryset[:DASHBOARD_ITEMS]:
                    moment = record.updated_at if target is waiting else record.go_live_at
                    target.append(self._record_item(model, model_admin, record, moment))
        return waiting, scheduled, went_live

    def _record_item(self, model, model_admin, record, moment) -> DashboardItem:
        """``record`` as the dashboard lists it, with its publication state and ``moment``."""
        css, words = publication_state(record, parents=getattr(model_admin, "public_parents", ()))
        return DashboardItem(
            model_name=str(model._meta.verbose_name),
            label=str(record),
            url=self._change_url(model, record.pk),
            state_css=css,
            state=words,
            moment=moment,
        )

    def waiting_changes(self, request) -> dict[str, list[DashboardItem]]:
        """Working copies in review, sent back (with the reason) and scheduled, newest first:
        one query for the working copies and one per kind of record they belong to."""
        viewable = dict(self._viewable_admins(request))
        copies = list(
            WorkingCopy.objects.exclude(status=ChangeStatus.DRAFT)
            .select_related("content_type")
            .order_by("-updated_at")[: DASHBOARD_ITEMS * 3]
        )
        wanted = defaultdict(list)
        for working_copy in copies:
            wanted[working_copy.content_type.model_class()].append(working_copy.object_id)
        records = {
            model: model._base_manager.in_bulk(ids)
            for model, ids in wanted.items()
            if model in viewable
        }
        items = {status: [] for status in ChangeStatus.values}
        for working_copy in copies:
            model = working_copy.content_type.model_class()
            record = records.get(model, {}).get(working_copy.object_id)
            if record is None:
                continue
            record._working_copy = working_copy
            css, words = publication_state(
                record, parents=getattr(viewable[model], "public_parents", ())
            )
            items[working_copy.status].append(
                DashboardItem(
                    model_name=str(model._meta.verbose_name),
                    label=str(record),
                    url=self._change_url(model, record.pk),
                    state_css=css,
                    state=words,
                    moment=working_copy.go_live_at
                    if working_copy.status == ChangeStatus.SCHEDULED
                    else working_copy.updated_at,
                    user=working_copy.author,
                    reason=working_copy.reason,
                )
            )
        return items

    def recent_changes(self, request) -> list[DashboardItem]:
        """The latest lines of the newsroom log (``LogEvent``) about records the person may see;
        the demo loader writes none. Records are named as they are now, in the editor's
        language: one query per kind of record shown."""
        models = {
            ContentType.objects.get_for_model(model): model
            for model, _model_admin in self._viewable_admins(request)
        }
        events = list(
            LogEvent.objects.filter(content_type__in=list(models))
            .select_related("user")
            .order_by("-at", "-pk")[:RECENT_CHANGES]
        )
        wanted = defaultdict(set)
        for event in events:
            wanted[event.content_type_id].add(event.object_id)
        records = {
            content_type.pk: models[content_type]._base_manager.in_bulk(wanted[content_type.pk])
            for content_type in models
            if content_type.pk in wanted
        }
        items = []
        for event in events:
            content_type = ContentType.objects.get_for_id(event.content_type_id)
            model = models[content_type]
            record = records[event.content_type_id].get(event.object_id)
            items.append(
                DashboardItem(
                    model_name=str(model._meta.verbose_name),
                    label=_row_label(model, record) if record else event.object_repr,
                    url=self._change_url(model, event.object_id) if record else None,
                    moment=event.at,
                    user=event.user,
                    kind=event.get_action_display(),
                    reason=event.detail,
                )
            )
        return items


def _row_label(model, row) -> str:
    # The editor's language first, then the other: a record may exist in one language only.
    suffixes = ["_zh_hans", "_en"] if get_language() == "zh-hans" else ["_en", "_zh_hans"]
    for name in NAME_FIELDS:
        for attname in (*(f"{name}{suffix}" for suffix in suffixes), name):
            value = getattr(row, attname, None)
            if value:
                text = str(value)
                return _shorten(text, LABEL_WIDTH)
    return f"{model._meta.verbose_name} #{getattr(row, model._meta.pk.attname)}"


def _shorten(text: str, width: int) -> str:
    columns = [2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text]
    if sum(columns) <= width:
        return text
    used = 0
    for index, column in enumerate(columns):
        used += column
        if used > width - 1:  # leave a column for the ellipsis
            return f"{text[:index]}…"
    return text
