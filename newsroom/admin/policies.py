from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Prefetch
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from newsroom.facets import GroupedChoicesFieldListFilter, GroupedRelatedFieldListFilter
from newsroom.forms import PartialDateField, PublishableForm, partial_date_help
from newsroom.history import HistoryChild
from newsroom.imports import NewsroomImportExportMixin
from newsroom.options import (
    DocumentPartAdminMixin,
    HistoryAdminMixin,
    PublicationFilter,
    PublishableAdminMixin,
    RelatedSelectListFilter,
    TranslatedAdmin,
    TranslatedStackedInline,
    TranslatedTabularInline,
    WorkingCopyInlineFormSet,
    bilingual,
    status_badge,
    year_filter,
)
from newsroom.resources.policies import DirectiveResource, PolicyDocumentResource
from policies.models import (
    LISTING_DEFERRED,
    Attachment,
    Directive,
    DocumentRelation,
    PolicyDocument,
    Principle,
)
from zones.models import Authority


class PrincipleInline(TranslatedTabularInline):
    model = Principle
    extra = 0
    fields = ["position", "text_en", "text_zh_hans"]


class DirectiveInline(TranslatedStackedInline):
    model = Directive
    extra = 0
    autocomplete_fields = ["zone", "focus_areas"]
    fieldsets = [
        (None, {"fields": [("zone", "position"), ("text_en", "text_zh_hans"), "focus_areas"]})
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("zone")


class RelationInline(admin.TabularInline):
    formset = WorkingCopyInlineFormSet
    model = DocumentRelation
    view_on_site = False
    fk_name = "from_document"
    extra = 0
    autocomplete_fields = ["to_document"]
    verbose_name = _("relation to another document")
    verbose_name_plural = _("relations to other documents")


class AttachmentInline(TranslatedTabularInline):
    model = Attachment
    extra = 0
    fields = ["kind", "language", "title_en", "title_zh_hans", "file", "file_facts"]
    readonly_fields = ["file_facts"]

    @admin.display(description=_("checked"))
    def file_facts(self, obj):
        return attachment_facts(obj)


def attachment_facts(obj):
    if obj is None or not obj.sha256:
        return "—"
    return format_html(
        '{} · {} · <span title="SHA-256 {}">SHA-256 {}…</span>',
        obj.content_type,
        _size(obj.size),
        obj.sha256,
        obj.sha256[:12],
    )


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(size, 1) / 1024:.0f} kB"


class PolicyDocumentForm(PublishableForm):
    partial_dates = {"written": "written_on", "issued": "issued_on"}

    written = PartialDateField(
        label=_("Date written"), help_text=partial_date_help(_("成文日期: the date it bears."))
    )
    issued = PartialDateField(
        label=_("Date published"),
        help_text=partial_date_help(_("发布日期: when it was made public.")),
    )


class DocumentChangeList(ChangeList):
    """The documents' list reads no text: their bodies are kilobytes each."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*LISTING_DEFERRED)


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(NewsroomImportExportMixin, PublishableAdminMixin, TranslatedAdmin):
    form = PolicyDocumentForm
    chinese_examples = {"title": "国务院关于印发新一代人工智能发展规划的通知"}
    resource_classes = [PolicyDocumentResource]
    list_display = [
        bilingual("title", _("title")),
        "doc_number",
        "doc_type",
        "issuers",
        "issued_display",
        "validity",
        "status_badge",
    ]
    list_filter = [
        PublicationFilter,
        ("doc_type", GroupedChoicesFieldListFilter),
        ("validity", GroupedChoicesFieldListFilter),
        ("authorities", GroupedRelatedFieldListFilter),
        ("programs", GroupedRelatedFieldListFilter),
        ("batch", RelatedSelectListFilter),
        ("zones__province", GroupedRelatedFieldListFilter),
        year_filter("issued_on", _("year published")),
    ]
    # Titles, numbers and slugs, each through a trigram index. Summaries are left to the public
    # full-text search: a common word is in most of them, and finding and counting those
    # matches by substring reads the whole table.
    search_fields = ["title_en", "title_zh_hans", "doc_number", "slug"]
    autocomplete_fields = [
        "authorities",
        "superseded_by",
        "batch",
        "programs",
        "zones",
        "focus_areas",
        "sources",
    ]
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [PrincipleInline, DirectiveInline, RelationInline, AttachmentInline]
    preview_url_name = "preview-policy"
    # "N of 100,000 selected" would count the whole register on every filtered page.
    show_full_result_count = False
    history_children = [
        HistoryChild(_("Directives"), Directive, "document", "zone"),
        HistoryChild(_("Principles"), Principle, "document", "text_en"),
        HistoryChild(_("Relations"), DocumentRelation, "from_document", "to_document"),
        HistoryChild(_("Attachments"), Attachment, "document", "file", restored_by_revert=False),
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("title_en", "title_zh_hans"),
                    "slug",
                    ("doc_number", "doc_number_unknown", "doc_type"),
                    "authorities",
                    ("written", "issued"),
                    ("validity", "superseded_by"),
                    "source_url",
                ]
            },
        ),
        (
            _("Summary and text"),
            {
                "fields": [("summary_en", "summary_zh_hans"), ("body_en", "body_zh_hans")],
                "description": _(
                    "The body is Markdown. The public site shows it with any HTML removed."
                ),
            },
        ),
        (_("What it concerns"), {"fields": ["batch", "programs", "zones", "focus_areas"]}),
        (_("Sources"), {"fields": ["sources"]}),
        PublishableAdminMixin.publication_fieldset,
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("authorities", queryset=Authority.objects.order_by("name_en"))
            )
        )

    def get_changelist(self, request, **kwargs):
        return DocumentChangeList

    @admin.display(description=_("issued by"))
    def issuers(self, obj):
        return ", ".join(a.abbreviation or a.name for a in obj.authorities.all())

    @admin.display(description=_("date published"), ordering="issued_on")
    def issued_display(self, obj):
        return obj.issued.iso or "—"


@admin.register(Directive)
class DirectiveAdmin(
    NewsroomImportExportMixin, DocumentPartAdminMixin, HistoryAdminMixin, TranslatedAdmin
):
    resource_classes = [DirectiveResource]
    list_display = ["document_title", "zone", "position", "document_status"]
    list_filter = [
        ("document__status", admin.ChoicesFieldListFilter),
        "zone__program",
        "zone__province",
    ]
    list_select_related = ["document", "zone"]
    search_fields = [
        "text_en",
        "text_zh_hans",
        "zone__name_en",
        "zone__name_zh_hans",
        "document__title_en",
        "document__title_zh_hans",
        "document__doc_number",
    ]
    autocomplete_fields = ["document", "zone", "focus_areas"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("document", "position"),
                    "zone",
                    ("text_en", "text_zh_hans"),
                    "focus_areas",
                ]
            },
        )
    ]

    @admin.display(description=_("document"), ordering="document__title_en")
    def document_title(self, obj):
        return obj.document.title

    @admin.display(description=_("document status"), ordering="document__status")
    def document_status(self, obj):
        return status_badge(obj.document, changes=False)


@admin.register(Principle)
class PrincipleAdmin(DocumentPartAdminMixin, HistoryAdminMixin, TranslatedAdmin):
    list_display = ["document_title", "position", "text_en"]
    list_select_related = ["document"]
    search_fields = ["text_en", "text_zh_hans", "document__title_en", "document__title_zh_hans"]
    autocomplete_fields = ["document"]
    fieldsets = [(None, {"fields": [("document", "position"), ("text_en", "text_zh_hans")]})]

    @admin.display(description=_("document"), ordering="document__title_en")
    def document_title(self, obj):
        return obj.document.title


class DocumentRelationPartMixin(DocumentPartAdminMixin):
    """A relation is a part of the document it starts from."""

    document_field = "from_document"

    def _parts_changed(self, request, obj):
        obj.document = obj.from_document
        super()._parts_changed(request, obj)

    def delete_model(self, request, obj):
        obj.document = obj.from_document
        super().delete_model(request, obj)


@admin.register(DocumentRelation)
class DocumentRelationAdmin(DocumentRelationPartMixin, HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["from_document", "kind", "to_document", "note"]
    list_select_related = ["from_document", "to_document"]
    list_filter = ["kind"]
    search_fields = [
        "from_document__title_en",
        "from_document__title_zh_hans",
        "to_document__title_en",
        "to_document__title_zh_hans",
        "note",
    ]
    autocomplete_fields = ["from_document", "to_document"]


@admin.register(Attachment)
class AttachmentAdmin(DocumentPartAdminMixin, HistoryAdminMixin, TranslatedAdmin):
    list_display = ["__str__", "document_title", "kind", "language", "content_type", "size"]
    list_select_related = ["document"]
    list_filter = ["kind", "language", "content_type"]
    search_fields = ["title_en", "title_zh_hans", "document__title_en", "document__title_zh_hans"]
    autocomplete_fields = ["document"]
    readonly_fields = ["file_facts"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "document",
                    ("kind", "language"),
                    ("title_en", "title_zh_hans"),
                    "file",
                    "file_facts",
                ]
            },
        )
    ]

    @admin.display(description=_("document"), ordering="document__title_en")
    def document_title(self, obj):
        return obj.document.title

    @admin.display(description=_("checked"))
    def file_facts(self, obj):
        return attachment_facts(obj)
