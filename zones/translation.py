"""English and Chinese fields (name_en, name_zh_hans, …) and the history of each record.

History is registered here, after the translation fields exist, so that the historical tables
record both languages (the order django-simple-history documents for django-modeltranslation).
"""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from zones.models import Authority, Batch, FocusArea, Program, Province, Region, Zone


@register(Region)
class RegionTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(Province)
class ProvinceTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(Authority)
class AuthorityTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(FocusArea)
class FocusAreaTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"en": ("name",)}


@register(Program)
class ProgramTranslation(TranslationOptions):
    fields = ("name", "short_name", "summary")
    required_languages = {"en": ("name",)}


@register(Batch)
class BatchTranslation(TranslationOptions):
    fields = ("note",)


@register(Zone)
class ZoneTranslation(TranslationOptions):
    fields = ("name", "city", "summary")
    required_languages = {"en": ("name",)}


# Derived fields are recomputed on save; history keeps what editors wrote.
PINYIN = ["name_pinyin"]
SEARCH_AND_PINYIN = ["search_vector", "name_pinyin"]

register_history(Program, m2m_fields=["sources"], excluded_fields=PINYIN)
register_history(Batch, m2m_fields=["sources"])
register_history(Zone, m2m_fields=["focus_areas", "sources"], excluded_fields=SEARCH_AND_PINYIN)
register_history(FocusArea, excluded_fields=PINYIN)
register_history(Authority, excluded_fields=PINYIN)
