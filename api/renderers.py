"""The formats a list can answer in besides JSON: CSV (streamed) and GeoJSON."""

import csv
import datetime

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer, JSONRenderer

from core.spreadsheets import escape_formula

CSV_MEDIA_TYPE = "text/csv"
GEOJSON_MEDIA_TYPE = "application/geo+json"
# Excel opens a UTF-8 file as the local code page unless it starts with a byte-order mark, and
# turns Chinese into mojibake; pandas and R read the mark with encoding "utf-8-sig".
BYTE_ORDER_MARK = "\ufeff"


class CSVRenderer(BaseRenderer):
    """Announces CSV to content negotiation. The body itself is streamed by ``csv_response``,
    so a large export never sits in memory; this renderer only writes a plain list of rows."""

    media_type = CSV_MEDIA_TYPE
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data if isinstance(data, list) else []
        header = list(rows[0]) if rows else []
        return "".join(csv_lines(header, ([row.get(name) for name in header] for row in rows)))


class GeoJSONRenderer(JSONRenderer):
    media_type = GEOJSON_MEDIA_TYPE
    format = "geojson"


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        # ISO 8601, as every other date in the exports: 2021-02-19T09:30:00+00:00.
        return value.isoformat(timespec="seconds")
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value if item not in (None, ""))
    return escape_formula(value)


def csv_lines(header, rows):
    writer = csv.writer(_Echo())
    yield BYTE_ORDER_MARK + writer.writerow(header)
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])


def csv_response(*, filename: str, header: list[str], rows) -> StreamingHttpResponse:
    """Stream ``rows`` (an iterator of lists) as CSV; nothing is read before the client reads."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type=f"{CSV_MEDIA_TYPE}; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
