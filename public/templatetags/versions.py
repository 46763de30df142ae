from django import template

from core.versions.display import versioning

register = template.Library()


@register.simple_tag(takes_context=True)
def record_versioning(context, record) -> dict:
    """``{% record_versioning zone as versioning %}``: the record's published versions, the
    current one and its citation (empty when the record has no version yet)."""
    return versioning(context["request"], record)
