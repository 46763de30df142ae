"""Template tags of the public site: languages, alternates, fallbacks and safe Markdown."""

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.urls import translate_url as django_translate_url
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.freshness import data_as_of as register_data_as_of
from core.text import render_markdown

register = template.Library()

# BCP 47 spelling of each language for hreflang and lang attributes.
HREFLANG = {"en": "en", "zh-hans": "zh-Hans"}
# Query parameters that only steer the page's machinery and never belong in a shared address.
TRANSIENT_PARAMETERS = {"_", "htmx"}


def translate_url(url: str, language: str) -> str:
    """``django.urls.translate_url``, remembered per path: every page shows its address in each
    language several times (alternates, the language switch), and resolving and reversing it
    costs more than the rest of the page's frame."""
    parts = urlsplit(url)
    path = _translated_path(parts.path, language, get_urlconf(), get_script_prefix())
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


@lru_cache(maxsize=4096)
def _translated_path(path: str, language: str, urlconf, script_prefix: str) -> str:
    # The URLconf and the script prefix are part of the key: they decide the answer too.
    return django_translate_url(path, language)


@register.simple_tag
def frame_static(path: str) -> str:
    """``{% static %}`` for the files every page links (the stylesheet, the scripts): their
    hashed names are fixed for the life of the process, so each is looked up once."""
    return _frame_static(path, settings.STATIC_URL)


@lru_cache(maxsize=64)
def _frame_static(path: str, static_url: str) -> str:
    from django.templatetags.static import static

    return static(path)


@dataclass(frozen=True)
class Translated:
    """A content field in the reader's language, or in the other one with a note saying so."""

    text: str
    lang: str
    fallback: bool

    def __bool__(self):
        return bool(self.text)

    def __str__(self):
        return self.text


def _field_in(obj, field: str, language: str) -> str:
    return getattr(obj, f"{field}_{language.replace('-', '_')}", "") or ""


@register.simple_tag
def translated(obj, field: str) -> Translated:
    """``{% translated zone "summary" as summary %}``: the text, its language, and whether it is
    a fallback because the reader's language has no version."""
    current = "zh-hans" if (get_language() or "").startswith("zh") else "en"
    other = "en" if current == "zh-hans" else "zh-hans"
    text = _field_in(obj, field, current)
    if text.strip():
        return Translated(text, HREFLANG[current], False)
    text = _field_in(obj, field, other)
    return Translated(text, HREFLANG[other], bool(text.strip()))


@register.filter
def markdown(source) -> str:
    """Markdown to HTML, sanitised by nh3 so that a record's body cannot carry script."""
    return mark_safe(render_markdown(str(source or "")))


def _shareable_query(request) -> str:
    params = request.GET.copy()
    for name in list(params):
        values = [value for value in params.getlist(name) if value.strip()]
        if name in TRANSIENT_PARAMETERS or not values or (name == "page" and values == ["1"]):
            del params[name]
        else:
            params.setlist(name, values)
    return params.urlencode()


@register.simple_tag(takes_context=True)
def shareable_url(context, language: str | None = None) -> str:
    """The current page's absolute address in a language, with its filters but no empty ones."""
    request = context["request"]
    query = _shareable_query(request)
    path = request.path + (f"?{query}" if query else "")
    if language:
        path = translate_url(path, language)
    return request.build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in every language, keeping its filters, for the language switch."""
    request = context["request"]
    current = get_language()
    full_path = request.get_full_path()
    links = []
    for code, name in settings.LANGUAGES:
        links.append(
            {
                "code": code,
                "hreflang": HREFLANG.get(code, code),
                "name": NATIVE_NAMES.get(code, name),
                "url": translate_url(full_path, code),
                "current": code == current,
            }
        )
    return links


# Each language is offered under its own name, which a reader of it recognises.
NATIVE_NAMES = {"en": "English", "zh-hans": "中文"}


@register.filter
def hreflang(code: str) -> str:
    return HREFLANG.get(code, code)


@register.filter
def to_json(value) -> str:
    """A value as JSON for a data- attribute (the template's escaping keeps it intact)."""
    import json

    return json.dumps(value, ensure_ascii=False)


@register.simple_tag
def map_tiles() -> dict:
    """The optional tile layer: without it the map draws the outline shipped with the app."""
    return {
        "url": getattr(settings, "MAP_TILES_URL", ""),
        "attribution": getattr(settings, "MAP_TILES_ATTRIBUTION", ""),
    }


@register.filter
def get_label(form, name: str) -> str:
    field = form.fields.get(name)
    return field.label if field is not None else name


@register.filter
def html_datetime(moment) -> str:
    """A moment for ``<time datetime>``: ISO 8601 to the second (HTML allows no microseconds)."""
    if not moment:
        return ""
    return timezone.localtime(moment).isoformat(timespec="seconds")


@register.simple_tag
def data_as_of():
    """When the register's data last changed, as the API's lists give it (``data_as_of``)."""
    return register_data_as_of()
