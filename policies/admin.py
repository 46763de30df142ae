from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from policies.models import Attachment, Directive, DocumentRelation, PolicyDocument, Principle


class PrincipleInline(TranslationTabularInline):
    model = Principle
    extra = 0


class DirectiveInline(TranslationTabularInline):
    model = Directive
    extra = 0
    autocomplete_fields = ["zone", "focus_areas"]


class RelationInline(admin.TabularInline):
    model = DocumentRelation
    fk_name = "from_document"
    extra = 0
    autocomplete_fields = ["to_document"]


class AttachmentInline(TranslationTabularInline):
    model = Attachment
    extra = 0


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["title", "doc_number", "doc_type", "issued_on", "validity", "status"]
    list_filter = ["status", "doc_type", "validity", "authorities"]
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


@admin.register(Directive)
class DirectiveAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["document", "zone", "position"]
    list_select_related = ["document", "zone"]
    search_fields = ["text_en", "text_zh_hans", "zone__name_en", "document__title_en"]
    autocomplete_fields = ["document", "zone", "focus_areas"]


@admin.register(Principle)
class PrincipleAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["document", "position"]
    list_select_related = ["document"]
    search_fields = ["text_en", "text_zh_hans"]
    autocomplete_fields = ["document"]


@admin.register(DocumentRelation)
class DocumentRelationAdmin(SimpleHistoryAdmin):
    list_display = ["from_document", "kind", "to_document"]
    list_select_related = ["from_document", "to_document"]
    list_filter = ["kind"]
    search_fields = ["from_document__title_en", "to_document__title_en"]
    autocomplete_fields = ["from_document", "to_document"]


@admin.register(Attachment)
class AttachmentAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["__str__", "document", "kind", "language", "size"]
    list_select_related = ["document"]
    search_fields = ["title_en", "title_zh_hans", "document__title_en"]
    autocomplete_fields = ["document"]
