"""Health checks, and the pieces every public list shares."""

import datetime

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F
from django.db.models.functions import Lower
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from django.views.generic import ListView

from core.cache import memoize, normal_query
from core.filters import chinese_active
from core.search import capped_count, normalise_query
from core.shell import render_in_shell


@never_cache
def healthz(request):
    """The process is alive. Touches neither the database nor the cache."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """The database answers a fresh query and the cache answers a write and a read."""
    problems = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        problems["database"] = f"{type(error).__name__}: {error}".strip()[:300]
    try:
        cache.set("readyz", "ok", 5)
        if cache.get("readyz") != "ok":
            problems["cache"] = "the cache did not return what was written"
    except Exception as error:
        problems["cache"] = f"{type(error).__name__}: {error}".strip()[:300]
    if problems:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ok"})


# ---------------------------------------------------------------------------------------------
# The public site's shared pieces
# ---------------------------------------------------------------------------------------------


def by_name(field_en: str = "name_en", field_pinyin: str = "name_pinyin") -> list:
    """Alphabetical order for the reader: by pinyin in Chinese, case-blind English otherwise."""
    if chinese_active():
        return [F(field_pinyin).asc(), Lower(field_en)]
    return [Lower(field_en)]


def filter_key(filterset) -> tuple | None:
    """What a valid FilterSet selects, normalised, for keying what depends on the result set
    only (its count, its facet counts): the order and the page do not belong in it, and two
    addresses that select the same records share it. None for a FilterSet the form rejects."""
    if filterset.is_bound and not filterset.is_valid():
        return None
    data = filterset.form.cleaned_data if filterset.is_bound else {}
    items = [filterset.queryset.model._meta.label]
    for name in sorted(filterset.filters):
        if name == "ordering":
            continue
        items.append((name, _normalised(data.get(name))))
    return tuple(items)


def _normalised(value) -> str:
    if value in (None, "", [], ()):
        return ""
    if isinstance(value, str):
        return normalise_query(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "model") or isinstance(value, list | tuple | set):
        return "\x1e".join(sorted(str(getattr(item, "slug", item)) for item in value))
    return repr(value)


def address_key(request) -> tuple:
    """The address a page is served at, query and language included: what a memoized part
    that repeats the address (links, the form, a citation) depends on. The query is in a
    normal order: a part built for ``?b=2&a=1`` serves ``?a=1&b=2``, whose links mean the same."""
    return (
        request.scheme,
        request.get_host(),
        request.path,
        normal_query(request),
        translation.get_language(),
    )


class MemoizedCountPaginator(Paginator):
    """A paginator whose total is counted once per content generation and filter selection.

    Counting a big filtered set is the costliest query of a list page; the result changes only
    when the content does, which the generation in the key follows. With ``cap`` (a search) it
    counts no further than the cap, and ``capped`` tells that there are more.
    """

    def __init__(self, *args, count_key=None, cap=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key
        self.cap = cap

    def _counted(self) -> tuple[int, bool]:
        if self.cap is None:
            return Paginator.count.func(self), False
        return capped_count(self.object_list, self.cap)

    @cached_property
    def counted(self) -> tuple[int, bool]:
        if self.count_key is None:
            return self._counted()
        return tuple(memoize("list-count", (self.count_key, self.cap), self._counted))

    @cached_property
    def count(self):
        return self.counted[0]

    @property
    def capped(self) -> bool:
        return self.counted[1]


class FilteredListView(ListView):
    """A list page behind one of the register's FilterSets, with facet counts and live updates.

    htmx requests get only the ``browse`` partial (the form, its counts and the results), so
    that a change to a filter updates the results and the counts in one response. A filter
    value the form rejects gives the page with the form's errors and status 400, never a 5xx.

    Performance: the ``browse`` partial is built once per content generation for each address
    and language (``core.cache.memoize``); the page around it is its shell (``core.shell``),
    rendered once per process for each address.
    The total and the facet counts are memoized by the normalised filter selection, so that
    another page or order of the same results reuses them.
    """

    # The query parameters the page reads besides its filters (see core.cache.normalise_query).
    query_parameters = ("page",)

    filterset_class = None
    partial_name = "browse"
    paginator_class = MemoizedCountPaginator
    # Subclasses name their memoized parts; None builds everything on every request.
    memo_namespace = None
    # A search counts its matches no further than this (None: count them all).
    search_count_cap = None

    def get_base_queryset(self):
        raise NotImplementedError

    # -- memoized parts ----------------------------------------------------------------------

    def partial_only(self) -> bool:
        htmx = getattr(self.request, "htmx", None)
        return bool(htmx and not htmx.history_restore_request and not htmx.boosted)

    def browse_key(self) -> tuple:
        """Everything the ``browse`` partial shows depends on: the query string, values as typed
        (the form echoes them, the page links repeat them), the address it is served at, the
        language, and whether htmx asked (the partial then carries the language switch)."""
        return (*address_key(self.request), bool(getattr(self.request, "htmx", None)))

    def get(self, request, *args, **kwargs):
        if not self.memo_namespace:
            return super().get(request, *args, **kwargs)
        # Built on a miss: the whole context, which the page then renders with (tests read it).
        built: dict = {}
        status, browse_html = memoize(
            f"browse:{self.memo_namespace}",
            self.browse_key(),
            lambda: self.build_browse(built),
        )
        if self.partial_only():
            response = HttpResponse(browse_html, status=status)
        else:
            response = render_in_shell(
                request,
                self.template_name,
                self.page_context(),
                {"browse_html": browse_html},
                key=address_key(request),
                status=status,
            )
        patch_vary_headers(response, ["HX-Request"])
        return response

    def build_browse(self, built: dict) -> tuple[int, str]:
        """The ``browse`` partial as this request would render it, and its status."""
        self.object_list = self.get_queryset()
        context = self.get_context_data()
        built.update(context)
        status = 200 if self.filterset.is_valid() else 400
        html = render_to_string(
            f"{self.template_name}#{self.partial_name}", context, request=self.request
        )
        return status, str(html)

    def page_context(self) -> dict:
        """What the page shows around the ``browse`` partial; cheap, from the request alone."""
        return {"export_query": self.export_query()}

    def export_query(self) -> str:
        export = self.request.GET.copy()
        for name in ("page", "view", "format"):
            export.pop(name, None)
        return export.urlencode()

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kw):
        count_key = filter_key(self.filterset) if self.memo_namespace else None
        return self.paginator_class(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            count_key=count_key,
            cap=self.search_count_cap if self.searching() else None,
            **kw,
        )

    def searching(self) -> bool:
        return bool(self.filterset.is_valid() and self.filterset.form.cleaned_data.get("q"))

    def facet_counts(self) -> dict:
        filterset = self.facet_filterset()
        key = filter_key(filterset) if self.memo_namespace else None
        if key is None:
            return filterset.facet_counts()
        return memoize("facets", (key, translation.get_language()), filterset.facet_counts)

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


class MemoizedDetailMixin:
    """A public record's page whose costly part is built once per content generation.

    The template defines its parts as partials (``memo_parts``: the title, the description,
    the article) and fills the page's blocks with ``parts.<name>``. The parts are rendered from
    the record and its relations on a miss, and kept (``core.cache.memoize``) keyed by the
    address, the language and the generation, which every public change raises; the page
    around them (header, language switch) is its shell (``core.shell``), rendered once per
    process for each address from the request alone.

    Previews set ``memo_namespace`` to None: they show what the public must not see, so they
    are built every time and never stored.
    """

    memo_namespace = None
    memo_parts = ("title", "description", "article")

    def parts_key(self) -> tuple:
        # The citation carries the page's absolute address (with its query), hence all of it.
        return address_key(self.request)

    def get(self, request, *args, **kwargs):
        built: dict = {}
        if not self.memo_namespace:
            parts = self.build_parts(built)
            context = {
                **built,
                **self.page_context(),
                "parts": {name: mark_safe(html) for name, html in parts.items()},
            }
            return TemplateResponse(request, self.get_template_names(), context)
        parts = memoize(
            f"detail:{self.memo_namespace}", self.parts_key(), lambda: self.build_parts(built)
        )
        return render_in_shell(
            request,
            self.get_template_names(),
            self.page_context(),
            {"parts": parts},
            key=address_key(request),
        )

    def build_parts(self, built: dict) -> dict[str, str]:
        self.object = self.get_object()
        context = self.get_context_data(object=self.object)
        built.update(context)
        template = self.get_template_names()[0]
        return {
            name: str(render_to_string(f"{template}#{name}", context, request=self.request))
            for name in self.memo_parts
        }

    def page_context(self) -> dict:
        """What the page around the parts needs; cheap, from the request alone."""
        return {}
