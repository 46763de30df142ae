"""The newsroom admin: shared pieces in ``options``, ``forms``, ``history``, ``imports`` and
``site``, the newsroom log in ``log``; the register's models are registered in each app's
``admin.py``."""

from django.contrib import admin

from core.admin import log  # noqa: F401  (registers the newsroom log)
from core.models import Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on", "url"]
    search_fields = ["title", "slug", "publisher", "url", "note"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_on"
