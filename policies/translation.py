"""English and Chinese fields of documents and their parts, and their history (see zones)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from policies.models import Attachment, Directive, DocumentRelation, PolicyDocument, Principle
from zones.translation import SEARCH_AND_PINYIN


@register(PolicyDocument)
class PolicyDocumentTranslation(TranslationOptions):
    fields = ("title", "summary", "body")
    required_languages = {"en": ("title",)}


@register(Principle)
class PrincipleTranslation(TranslationOptions):
    fields = ("text",)
    required_languages = ("en",)


@register(Directive)
class DirectiveTranslation(TranslationOptions):
    fields = ("text",)
    required_languages = ("en",)


@register(Attachment)
class AttachmentTranslation(TranslationOptions):
    fields = ("title",)


register_history(
    PolicyDocument,
    m2m_fields=["authorities", "programs", "zones", "focus_areas", "sources"],
    # The HTML bodies are derived from the Markdown ones, which the history keeps.
    excluded_fields=[*SEARCH_AND_PINYIN, "body_html_en", "body_html_zh_hans"],
)
register_history(Principle)
register_history(Directive, m2m_fields=["focus_areas"], excluded_fields=["search_vector"])
register_history(DocumentRelation)
register_history(Attachment)
