"""The Atom feed of policy documents. It takes the list's filters, so any filtered view of the
documents can be followed."""

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from policies.filters import PolicyFilter
from policies.models import PolicyDocument

FEED_LENGTH = 50


class PolicyFeed(Feed):
    feed_type = Atom1Feed
    # The list's filters, which the feed takes as they are (also found by tests/ops).
    filterset_class = PolicyFilter

    def __call__(self, request, *args, **kwargs):
        filterset = self.filterset_class(request.GET, queryset=PolicyDocument.objects.published())
        if not filterset.is_valid():
            problems = "; ".join(
                f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()
            )
            return HttpResponseBadRequest(
                _("The feed's filters are not valid: %(problems)s") % {"problems": problems},
                content_type="text/plain; charset=utf-8",
            )
        # The feed object is shared between requests, so the filters travel on the request.
        request.policy_filterset = filterset
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "public, max-age=600"
        return response

    def get_object(self, request, *args, **kwargs):
        return request

    def title(self, request):
        if _query(request):
            return _("AI Pilot Zones: policy documents (filtered)")
        return _("AI Pilot Zones: policy documents")

    def subtitle(self, request):
        return _(
            "Policy documents on China's national AI pilot zones, newest first, "
            "as listed at %(url)s"
        ) % {"url": request.build_absolute_uri(self.link(request))}

    def link(self, request):
        query = _query(request)
        return reverse("policies:list") + (f"?{query}" if query else "")

    def feed_url(self, request):
        return request.get_full_path()

    def items(self, request):
        return request.policy_filterset.qs.for_listing()[:FEED_LENGTH]

    def item_title(self, document):
        number = f" ({document.doc_number})" if document.doc_number else ""
        return f"{document.title}{number}"

    def item_description(self, document):
        return document.summary

    def item_link(self, document):
        return document.get_absolute_url()

    def item_pubdate(self, document):
        moment = document.issued_on or document.created_at.date()
        return timezone.make_aware(datetime.datetime.combine(moment, datetime.time()))

    def item_updateddate(self, document):
        return document.updated_at

    def item_author_name(self, document):
        return ", ".join(str(authority) for authority in document.authorities.all())

    def item_categories(self, document):
        return [document.get_doc_type_display()]


def _query(request) -> str:
    params = request.GET.copy()
    for name in list(params):
        if not any(value.strip() for value in params.getlist(name)):
            del params[name]
    return params.urlencode()
