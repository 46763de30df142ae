"""Releases in the newsroom: publishers cut one; nobody changes or deletes one afterwards."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from releases.models import Release
from releases.package import CHANGE_KINDS
from releases.services import release_cut


class CutReleaseForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional: what readers of this release should know. Shown with its notes."),
    )


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["version", "cut_at", "cut_by", "added", "changed", "withdrawn"]
    fields = ["version", "cut_at", "cut_by", "note", "change_list", "file_list"]
    readonly_fields = fields
    search_fields = ["version", "note"]
    date_hierarchy = "cut_at"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cut_by").prefetch_related("files")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("added"))
    def added(self, release):
        return len(release.changes.get("added", []))

    @admin.display(description=_("changed"))
    def changed(self, release):
        return len(release.changes.get("changed", []))

    @admin.display(description=_("withdrawn"))
    def withdrawn(self, release):
        return len(release.changes.get("withdrawn", []))

    @admin.display(description=_("changes since the previous release"))
    def change_list(self, release):
        labels = {
            "added": gettext("Added"),
            "changed": gettext("Changed"),
            "withdrawn": gettext("Withdrawn"),
        }
        return format_html_join(
            "",
            "<p><strong>{}</strong>: {}</p>",
            (
                (labels[kind], ", ".join(item["key"] for item in release.changes.get(kind, [])))
                for kind in CHANGE_KINDS
            ),
        )

    @admin.display(description=_("files"))
    def file_list(self, release):
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> <code>{}</code></li>',
                ((file.get_absolute_url(), file.name, file.sha256) for file in release.files.all()),
            ),
        )

    def add_view(self, request, form_url="", extra_context=None):
        """Cutting a release: a confirmation page with an optional note, then the cut."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CutReleaseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            release = release_cut(user=request.user, note=form.cleaned_data["note"])
            self.log_addition(request, release, [{"added": {}}])
            messages.success(
                request,
                gettext("Release %(version)s is cut and public on the data page.")
                % {"version": release.version},
            )
            return redirect("admin:releases_release_change", release.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "title": gettext("Cut a data release"),
            "previous": Release.objects.newest_first().first(),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/releases/cut_release.html", context)
