from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from newsroom.forms import PartialDateField, PublishableForm, partial_date_help
from newsroom.imports import NewsroomImportExportMixin
from newsroom.options import (
    HistoryAdminMixin,
    PublicationFilter,
    PublishableAdminMixin,
    RelatedSelectListFilter,
    TranslatedAdmin,
    bilingual,
    year_filter,
)
from newsroom.resources.zones import ZoneResource
from zones.models import Authority, Batch, FocusArea, Program, Province, Region, Zone


@admin.register(Region)
class RegionAdmin(TranslatedAdmin):
    chinese_examples = {"name": "长三角"}
    list_display = [bilingual("name", _("name")), "slug"]
    search_fields = ["name_en", "name_zh_hans", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [(None, {"fields": [("name_en", "name_zh_hans"), "slug"]})]


@admin.register(Province)
class ProvinceAdmin(TranslatedAdmin):
    chinese_examples = {"name": "广东省"}
    list_display = [bilingual("name", _("name")), "region", "slug"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name_en", "name_zh_hans", "slug"]
    autocomplete_fields = ["region"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [(None, {"fields": [("name_en", "name_zh_hans"), "slug", "region"]})]


@admin.register(Authority)
class AuthorityAdmin(HistoryAdminMixin, TranslatedAdmin):
    chinese_examples = {"name": "工业和信息化部"}
    list_display = [bilingual("name", _("name")), "abbreviation", "level", "province"]
    list_filter = ["level", "province"]
    list_select_related = ["province"]
    search_fields = ["name_en", "name_zh_hans", "abbreviation", "slug"]
    autocomplete_fields = ["province"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name_en", "name_zh_hans"),
                    ("abbreviation", "slug"),
                    ("level", "province"),
                    "url",
                ]
            },
        )
    ]


@admin.register(FocusArea)
class FocusAreaAdmin(HistoryAdminMixin, TranslatedAdmin):
    chinese_examples = {"name": "智能港口"}
    list_display = [bilingual("name", _("name")), "slug"]
    search_fields = ["name_en", "name_zh_hans", "slug", "description_en", "description_zh_hans"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name_en", "name_zh_hans"),
                    "slug",
                    ("description_en", "description_zh_hans"),
                ]
            },
        )
    ]


@admin.register(Program)
class ProgramAdmin(PublishableAdminMixin, TranslatedAdmin):
    chinese_examples = {"name": "国家人工智能创新应用先导区", "short_name": "工信部先导区"}
    list_display = [bilingual("name", _("name")), "authority", "status_badge", "updated_at"]
    list_filter = [PublicationFilter, "authority"]
    list_select_related = ["authority"]
    search_fields = ["name_en", "name_zh_hans", "short_name_en", "short_name_zh_hans", "slug"]
    autocomplete_fields = ["authority", "sources"]
    prepopulated_fields = {"slug": ["name_en"]}
    preview_url_name = "preview-program"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name_en", "name_zh_hans"),
                    ("short_name_en", "short_name_zh_hans"),
                    "slug",
                    "authority",
                    ("summary_en", "summary_zh_hans"),
                    "sources",
                ]
            },
        ),
        PublishableAdminMixin.publication_fieldset,
    ]


class BatchForm(PublishableForm):
    partial_dates = {"announced": "announced_on"}

    announced = PartialDateField(
        label=_("Announced on"), help_text=partial_date_help(_("When the batch was announced."))
    )


@admin.register(Batch)
class BatchAdmin(PublishableAdminMixin, TranslatedAdmin):
    form = BatchForm
    list_display = ["__str__", "program", "number", "announced_display", "status_badge"]
    list_filter = [PublicationFilter, "program", year_filter("announced_on", _("year announced"))]
    list_select_related = ["program"]
    search_fields = [
        "program__name_en",
        "program__name_zh_hans",
        "program__slug",
        "note_en",
        "note_zh_hans",
    ]
    autocomplete_fields = ["program", "sources"]
    ordering = ["program__slug", "number"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("program", "number"),
                    "announced",
                    ("note_en", "note_zh_hans"),
                    "sources",
                ]
            },
        ),
        PublishableAdminMixin.publication_fieldset,
    ]

    @admin.display(description=_("announced on"), ordering="announced_on")
    def announced_display(self, obj):
        return obj.announced.iso or "—"


class ZoneForm(PublishableForm):
    partial_dates = {"approved": "approved_on"}

    approved = PartialDateField(
        label=_("Approved on"), help_text=partial_date_help(_("When the zone was designated."))
    )


@admin.register(Zone)
class ZoneAdmin(NewsroomImportExportMixin, PublishableAdminMixin, TranslatedAdmin):
    form = ZoneForm
    chinese_examples = {"name": "天津（滨海新区）", "city": "济南、青岛"}
    resource_classes = [ZoneResource]
    list_display = [
        bilingual("name", _("name")),
        "program_name",
        "batch_number",
        "province",
        "approved_display",
        "status_badge",
        "updated_at",
    ]
    list_filter = [
        PublicationFilter,
        "program",
        ("batch", RelatedSelectListFilter),
        "province",
        "province__region",
        year_filter("approved_on", _("year approved")),
    ]
    list_select_related = ["program", "batch", "province"]
    search_fields = [
        "name_en",
        "name_zh_hans",
        "city_en",
        "city_zh_hans",
        "slug",
        "province__name_en",
        "province__name_zh_hans",
    ]
    autocomplete_fields = ["program", "batch", "province", "focus_areas", "sources"]
    prepopulated_fields = {"slug": ["name_en"]}
    preview_url_name = "preview-zone"
    public_parents = ("program", "batch")
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name_en", "name_zh_hans"),
                    "slug",
                    ("program", "batch"),
                    "province",
                    ("city_en", "city_zh_hans"),
                    "approved",
                    ("latitude", "longitude"),
                    "focus_areas",
                ]
            },
        ),
        (_("Summary"), {"fields": [("summary_en", "summary_zh_hans")]}),
        (_("Sources"), {"fields": ["sources"]}),
        PublishableAdminMixin.publication_fieldset,
    ]

    @admin.display(description=_("program"), ordering="program__slug")
    def program_name(self, obj):
        return obj.program.short_name or obj.program.name

    @admin.display(description=_("batch"), ordering="batch__number")
    def batch_number(self, obj):
        return obj.batch.number if obj.batch_id else "—"

    @admin.display(description=_("approved on"), ordering="approved_on")
    def approved_display(self, obj):
        return obj.approved.iso or "—"
