"""The public side of releases: the /data/ page and the downloads of release files."""

from dataclasses import dataclass

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from api.zones import KEY_SEPARATOR
from policies.models import PolicyDocument
from releases.models import Release, ReleaseFile
from zones.models import Authority, Batch, FocusArea, Program, Zone

# A release never changes, so neither does any of its files.
IMMUTABLE_MAX_AGE = 365 * 24 * 3600
TEXT_TYPES = ("text/", "application/json")
CHANGE_LABELS = {"added": _("Added"), "changed": _("Changed"), "withdrawn": _("Withdrawn")}
TABLE_LABELS = {
    "authorities": Authority._meta.verbose_name,
    "focus_areas": FocusArea._meta.verbose_name,
    "programs": Program._meta.verbose_name,
    "batches": Batch._meta.verbose_name,
    "zones": Zone._meta.verbose_name,
    "policy_documents": PolicyDocument._meta.verbose_name,
}
RECORD_ROUTES = {
    "focus_areas": "zones:focus-area-detail",
    "programs": "zones:program-detail",
    "zones": "zones:detail",
    "policy_documents": "policies:detail",
}


class ReleaseListView(ListView):
    """Every release, newest first, with its notes and its files."""

    template_name = "releases/release_list.html"
    context_object_name = "releases"
    paginate_by = 20

    def get_queryset(self):
        return Release.objects.for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for release in context["releases"]:
            release.change_groups = change_groups(release)
        return context


def release_file(request, version, name):
    """One file of a release, always as a download, with its checksum as its ETag."""
    file = get_object_or_404(
        ReleaseFile.objects.select_related("release"), release__version=version, name=name
    )
    try:
        handle = file.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing.") from missing
    content_type = file.content_type
    if content_type.startswith(TEXT_TYPES):
        content_type = f"{content_type}; charset=utf-8"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["ETag"] = f'"{file.sha256}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, public=True, max_age=IMMUTABLE_MAX_AGE, immutable=True)
    return response


def record_url(table: str, key: str) -> str | None:
    """The public page of a record named in release notes."""
    if table == "batches":
        return reverse("zones:program-detail", kwargs={"slug": key.split(KEY_SEPARATOR)[0]})
    if table == "authorities":
        return f"{reverse('policies:list')}?authority={key}"
    route = RECORD_ROUTES.get(table)
    return reverse(route, kwargs={"slug": key}) if route else None


@dataclass
class ChangeGroup:
    kind: str
    label: str
    items: list[dict]


def change_groups(release) -> list[ChangeGroup]:
    """The release's changes for its notes on the page, titles in the reader's language."""
    chinese = get_language() != "en"
    groups = []
    for kind, label in CHANGE_LABELS.items():
        items = []
        for item in release.changes.get(kind, []):
            title = item["title_zh_hans"] if chinese else item["title_en"]
            items.append(
                {
                    "kind": capfirst(TABLE_LABELS[item["table"]]),
                    "key": item["key"],
                    "title": title or item["title_en"] or item["key"],
                    "url": None if kind == "withdrawn" else record_url(item["table"], item["key"]),
                }
            )
        groups.append(ChangeGroup(kind, label, items))
    return groups
