"""The newsroom admin: shared pieces in ``options``, ``forms``, ``history``, ``facets`` and
``imports``; the newsroom log in ``log``; the register's models in ``zones`` and ``policies``.
Django's admin autodiscovery imports this package, which registers them all."""

from django.contrib import admin

from core.models import Source
from newsroom.admin import log, policies, zones  # noqa: F401  (each registers its models)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on", "url"]
    search_fields = ["title", "slug", "publisher", "url", "note"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_on"
