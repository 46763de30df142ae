"""The Atom feed of policy documents. It takes the list's filters, so any filtered view of the
documents can be followed."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import DatePrecision
from policies.filters import PolicyFilter
from policies.models import PolicyDocument
from public.feeds.base import FilteredFeed


class PolicyFeed(FilteredFeed):
    # The list's filters, which the feed takes as they are (also found by tests/ops).
    filterset_class = PolicyFilter
    list_url_name = "policies:list"

    def base_queryset(self):
        return PolicyDocument.objects.published()

    def name(self):
        return _("AI Pilot Zones: policy documents")

    def subtitle(self, request):
        return _(
            "Policy documents on China's national AI pilot zones, newest first, "
            "as listed at %(url)s"
        ) % {"url": request.build_absolute_uri(self.link(request))}

    def item_title(self, document):
        number = f" ({document.doc_number})" if document.doc_number else ""
        return f"{document.title}{number}"

    def item_description(self, document):
        return document.summary

    def item_link(self, document):
        return document.get_absolute_url()

    def item_pubdate(self, document):
        # Atom's published is a moment: given only for a date known to the day (dc:date has
        # the date as precise as the source).
        if document.issued_on is None or document.issued_on_precision != DatePrecision.DAY:
            return None
        return timezone.make_aware(datetime.datetime.combine(document.issued_on, datetime.time()))

    def item_updateddate(self, document):
        return document.updated_at

    def item_extra_kwargs(self, document):
        return {"date_iso": document.issued.iso}

    def item_author_name(self, document):
        return ", ".join(str(authority) for authority in document.authorities.all())

    def item_categories(self, document):
        return [document.get_doc_type_display()]
