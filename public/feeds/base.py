"""Atom feeds of filtered lists: a list's FilterSet picks the entries, and the feed's title names
the filters it follows."""

from django import forms
from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

FEED_LENGTH = 50


class PartialDateAtomFeed(Atom1Feed):
    """Atom whose entries also carry their date as precise as the source: ``dc:date`` in the
    W3C date format, which allows "2019" and "2019-08" (Atom's own dates are full times)."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:dc": "http://purl.org/dc/elements/1.1/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("date_iso"):
            handler.addQuickElement("dc:date", item["date_iso"])


def filters_description(filterset) -> str:
    """The filters in effect, for a reader: "Program: MIIT pilot zones; Batch: 2"."""
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if name == "ordering" or value is None or value == "" or not _items(value):
            continue
        field = filterset.form.fields[name]
        # Fixed choices (a type, a validity) are shown by their labels.
        labels = dict(field.choices) if isinstance(field, forms.MultipleChoiceField) else {}
        shown = [str(labels.get(item, _display(item))) for item in _items(value)]
        parts.append(f"{field.label}: {', '.join(shown)}")
    return "; ".join(parts)


def _items(value) -> list:
    if isinstance(value, list | tuple | set) or hasattr(value, "model"):
        return list(value)
    return [value]


def _display(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class FilteredFeed(Feed):
    """An Atom feed of a list's records, taking the list's filters as they are.

    Subclasses set ``filterset_class``, ``list_url_name`` and ``name`` and give the records in
    ``base_queryset()``; ``default_filters`` apply where the address gives none.
    """

    feed_type = PartialDateAtomFeed
    filterset_class = None
    list_url_name = ""
    default_filters: dict[str, str] = {}

    def base_queryset(self):
        raise NotImplementedError

    def name(self) -> str:
        raise NotImplementedError

    def __call__(self, request, *args, **kwargs):
        params = request.GET.copy()
        for key, value in self.default_filters.items():
            params.setdefault(key, value)
        filterset = self.filterset_class(params, queryset=self.base_queryset())
        if not filterset.is_valid():
            problems = "; ".join(
                f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()
            )
            return HttpResponseBadRequest(
                _("The feed's filters are not valid: %(problems)s") % {"problems": problems},
                content_type="text/plain; charset=utf-8",
            )
        # The feed object is shared between requests, so the filters travel on the request.
        request.feed_filterset = filterset
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "public, max-age=600"
        return response

    def get_object(self, request, *args, **kwargs):
        return request

    def title(self, request):
        described = filters_description(request.feed_filterset)
        if described:
            return _("%(feed)s, filtered by %(filters)s") % {
                "feed": self.name(),
                "filters": described,
            }
        return self.name()

    def link(self, request):
        query = list_query(request)
        return reverse(self.list_url_name) + (f"?{query}" if query else "")

    def feed_url(self, request):
        return request.get_full_path()

    def items(self, request):
        return request.feed_filterset.qs.for_listing()[:FEED_LENGTH]


def list_query(request) -> str:
    """The address's query without empty parameters: the list the feed follows."""
    params = request.GET.copy()
    for name in list(params):
        if not any(value.strip() for value in params.getlist(name)):
            del params[name]
    return params.urlencode()
