"""Page-number pagination with a total ``count`` and a page size the client may choose (≤ 100)."""

from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from api.exceptions import InvalidParameters
from core.freshness import request_data_version
from core.search import CappedCountPaginator

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
DATA_AS_OF_DESCRIPTION = gettext_lazy(
    "When the register's data last changed (a save, a withdrawal or a scheduled go-live)."
)
# Beyond this a page number cannot be meant: answer 400 before touching the database.
MAX_PAGE_NUMBER = 1_000_000


def _whole_number(text: str | None, *, name: str, low: int, high: int, errors: dict):
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        errors[name] = [
            _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
        ]
        return None
    return int(text)


class RegisterPagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_query_description = gettext_lazy("The page to return, from 1.")
    page_size_query_description = gettext_lazy(
        "How many results a page holds, from 1 to 100 (default 20)."
    )
    template = None

    @classmethod
    def validate(cls, request) -> tuple[int, int]:
        """The page number and size the request asks for; a 400 naming the bad one otherwise."""
        errors: dict[str, list[str]] = {}
        params = request.query_params
        page = _whole_number(
            params.get(cls.page_query_param),
            name="page",
            low=1,
            high=MAX_PAGE_NUMBER,
            errors=errors,
        )
        size = _whole_number(
            params.get(cls.page_size_query_param),
            name="page_size",
            low=1,
            high=MAX_PAGE_SIZE,
            errors=errors,
        )
        if errors:
            raise InvalidParameters(errors)
        return page or 1, size or cls.page_size

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_number, page_size = self.validate(request)
        paginator = CappedCountPaginator(queryset, page_size)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            raise NotFound(
                _("There is no page %(page)s: the results fill %(pages)s page(s).")
                % {"page": page_number, "pages": paginator.num_pages}
            ) from exc
        return list(self.page)

    def get_paginated_response(self, data, **extra):
        # When the register's data last changed, as Last-Modified says (api.conditional).
        as_of = request_data_version(self.request).last_modified
        return Response(
            {
                "data_as_of": as_of.isoformat(timespec="seconds") if as_of else None,
                **extra,
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["data_as_of", "count", "next", "previous", "results"]
        paginated["properties"] = {
            "data_as_of": {
                "type": "string",
                "format": "date-time",
                "nullable": True,
                "description": str(DATA_AS_OF_DESCRIPTION),
                "example": "2021-02-22T10:30:00+00:00",
            },
            **paginated["properties"],
        }
        paginated["properties"]["count"]["example"] = 23
        paginated["properties"]["next"]["example"] = "https://example.org/api/v1/zones/?page=2"
        paginated["properties"]["previous"]["example"] = None
        return paginated

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(self.page_query_description),
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_NUMBER},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(self.page_size_query_description),
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
