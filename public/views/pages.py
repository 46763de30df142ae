"""The pieces every public list shares, and robots.txt."""

from django.db.models import F
from django.db.models.functions import Lower
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import ListView

from core.filters import chinese_active
from core.search import CappedCountPaginator

# A facet lists this many options, the most results first, and every selected one; the rest,
# each with fewer results, are reached by narrowing the list or searching.
SHOWN_OPTIONS = 40


class ShownOptions(list):
    """A facet's options as the form lists them, with ``hidden``: how many more there are."""

    def __init__(self, options):
        super().__init__(
            option
            for number, option in enumerate(options)
            if number < SHOWN_OPTIONS or option.selected
        )
        self.hidden = len(options) - len(self)


def by_name(field_en: str = "name_en", field_pinyin: str = "name_pinyin") -> list:
    """Alphabetical order for the reader: by pinyin in Chinese, case-blind English otherwise."""
    if chinese_active():
        return [F(field_pinyin).asc(), Lower(field_en)]
    return [Lower(field_en)]


class FilteredListView(ListView):
    """A list page behind one of the register's FilterSets, with facet counts and live updates.

    htmx requests get only the ``browse`` partial (the form, its counts and the results), so
    that a change to a filter updates the results and the counts in one response. A filter
    value the form rejects gives the page with the form's errors and status 400, never a 5xx.
    """

    # The query parameters the page reads besides its filters (see public.cache.normalise_query).
    query_parameters = ("page",)

    filterset_class = None
    partial_name = "browse"
    paginator_class = CappedCountPaginator
    # A search counts its matches no further than this (None: count them all).
    search_count_cap = None

    def get_base_queryset(self):
        raise NotImplementedError

    def export_query(self) -> str:
        export = self.request.GET.copy()
        for name in ("page", "view", "format"):
            export.pop(name, None)
        return export.urlencode()

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kw):
        return self.paginator_class(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            cap=self.search_count_cap if self.searching() else None,
            **kw,
        )

    def searching(self) -> bool:
        return bool(self.filterset.is_valid() and self.filterset.form.cleaned_data.get("q"))

    def facet_counts(self) -> dict[str, ShownOptions]:
        counts = self.facet_filterset().facet_counts()
        return {name: ShownOptions(options) for name, options in counts.items()}

    # -- the list ----------------------------------------------------------------------------

    def get_queryset(self):
        self.filterset = self.filterset_class(self.request.GET, queryset=self.get_base_queryset())
        if not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs.for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        paginator = context.get("paginator")
        context["result_count"] = (
            paginator.count if paginator is not None else len(context["object_list"])
        )
        context["result_count_capped"] = paginator is not None and paginator.capped
        context["export_query"] = self.export_query()
        context["ordering"] = self.current_ordering()
        context["facets"] = self.facet_counts()
        context["has_filters"] = any(
            self.filterset.form.cleaned_data.get(name)
            for name in self.filterset.filters
            if name != "ordering" and self.filterset.is_valid()
        )
        return context

    def facet_filterset(self):
        """The filters whose counts the form shows: with a rejected value, the others alone,
        so that the reader still sees the choices while correcting it."""
        if self.filterset.is_valid():
            return self.filterset
        data = self.request.GET.copy()
        for name in self.filterset.errors:
            data.pop(name, None)
        return self.filterset_class(data, queryset=self.get_base_queryset())

    def current_ordering(self) -> str:
        """The ordering in effect, which the form shows even when the address names none."""
        ordering = self.filterset.filters["ordering"]
        data = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        if data.get("ordering"):
            return data["ordering"]
        if data.get("q") and "relevance" in ordering.orderings:
            return "relevance"
        return ordering.default

    def get_template_names(self):
        names = super().get_template_names()
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.history_restore_request and not htmx.boosted:
            return [f"{name}#{self.partial_name}" for name in names]
        return names

    def render_to_response(self, context, **kwargs):
        if not self.filterset.is_valid():
            kwargs.setdefault("status", 400)
        response = super().render_to_response(context, **kwargs)
        # The same address answers a full page or a partial: caches must tell them apart.
        patch_vary_headers(response, ["HX-Request"])
        return response


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /search/",
        "Disallow: /zh-hans/search/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
