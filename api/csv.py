"""CSV exports: one row per record, related names flattened, both languages, streamed.

The whole export is one query: plain columns come from ``values()``, related names from
``ArraySubquery`` columns, and the rows are read through a server-side cursor in chunks, so that
memory stays flat however long the list is.
"""

from collections.abc import Callable

from django.db.models import F
from django.urls import reverse
from django.utils import translation

from api.renderers import csv_response
from core.columns import Column

CHUNK_SIZE = 1000


class CsvExport:
    def __init__(
        self,
        *,
        filename: str,
        columns: list[Column],
        page_url: Callable | None = None,
        page_source: str = "slug",
    ):
        """``page_url(request)`` returns a function from ``page_source`` (by default the row's
        slug) to the absolute address of the row's public page."""
        self.filename = filename
        self.columns = columns
        self.page_url = page_url
        self.page_source = page_source

    def header(self) -> list[str]:
        return [column.header for column in self.columns] + (["html_url"] if self.page_url else [])

    def rows(self, request, queryset):
        sources = [
            F(column.source) if isinstance(column.source, str) else column.source
            for column in self.columns
        ]
        if self.page_url:
            sources.append(F(self.page_source))
        records = queryset.prefetch_related(None).values_list(*sources)
        language = translation.get_language()
        page_url = self.page_url(request) if self.page_url else None
        cells = [column.cell for column in self.columns]

        def generate():
            # The body is produced after the view has returned: keep the request's language.
            with translation.override(language):
                for record in records.iterator(chunk_size=CHUNK_SIZE):
                    row = [
                        cell(value) if cell else value
                        for cell, value in zip(cells, record, strict=False)
                    ]
                    if page_url:
                        row.append(page_url(record[-1]))
                    yield row

        return generate()

    def response(self, request, queryset):
        return csv_response(
            filename=self.filename, header=self.header(), rows=self.rows(request, queryset)
        )


def absolute_page_url(url_name: str, *, query: str | None = None):
    """A ``page_url`` for CsvExport: the page named ``url_name`` for the row's slug, or with
    ``query`` the list page filtered by it (``/zones/?province=…``)."""

    def for_request(request):
        def page_url(slug):
            if query:
                return request.build_absolute_uri(f"{reverse(url_name)}?{query}={slug}")
            return request.build_absolute_uri(reverse(url_name, kwargs={"slug": slug}))

        return page_url

    return for_request
