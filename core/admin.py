from django.contrib import admin

from core.models import Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "publisher", "url"]
    search_fields = ["title", "slug", "publisher", "url"]
    prepopulated_fields = {"slug": ["title"]}
