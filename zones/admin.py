from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from zones.models import Authority, Batch, FocusArea, Program, Province, Region, Zone


class HistoryTranslationAdmin(SimpleHistoryAdmin, TranslationAdmin):
    pass


@admin.register(Region)
class RegionAdmin(TranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name_en", "name_zh_hans", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Province)
class ProvinceAdmin(TranslationAdmin):
    list_display = ["name", "region", "slug"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name_en", "name_zh_hans", "slug"]
    autocomplete_fields = ["region"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Authority)
class AuthorityAdmin(HistoryTranslationAdmin):
    list_display = ["name", "abbreviation", "level", "province"]
    list_filter = ["level"]
    list_select_related = ["province"]
    search_fields = ["name_en", "name_zh_hans", "abbreviation", "slug"]
    autocomplete_fields = ["province"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(FocusArea)
class FocusAreaAdmin(HistoryTranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name_en", "name_zh_hans", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Program)
class ProgramAdmin(HistoryTranslationAdmin):
    list_display = ["name", "authority", "status", "go_live_at", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["authority"]
    search_fields = ["name_en", "name_zh_hans", "slug"]
    autocomplete_fields = ["authority", "sources"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Batch)
class BatchAdmin(HistoryTranslationAdmin):
    list_display = ["__str__", "announced_on", "status", "updated_at"]
    list_filter = ["status", "program"]
    list_select_related = ["program"]
    search_fields = ["program__name_en", "program__name_zh_hans", "note_en", "note_zh_hans"]
    autocomplete_fields = ["program", "sources"]


@admin.register(Zone)
class ZoneAdmin(HistoryTranslationAdmin):
    list_display = ["name", "program", "batch", "province", "approved_on", "status", "updated_at"]
    list_filter = ["status", "program", "batch", "province"]
    list_select_related = ["program", "batch__program", "province"]
    search_fields = ["name_en", "name_zh_hans", "city_en", "city_zh_hans", "slug"]
    autocomplete_fields = ["program", "batch", "province", "focus_areas", "sources"]
    prepopulated_fields = {"slug": ["name_en"]}
