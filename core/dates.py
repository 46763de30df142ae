"""Dates as precise as their sources: a day, a month or only a year."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Case, Count, F, Func, Q, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month only")
    YEAR = "year", _("Year only")


@dataclass(frozen=True)
class PartialDate:
    value: datetime.date | None
    precision: str = DatePrecision.DAY

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Read "2021-02-19", "2021-02" or "2021" into a date and its precision."""
        parts = text.strip().split("-")
        if len(parts) == 1:
            return cls(datetime.date(int(parts[0]), 1, 1), DatePrecision.YEAR)
        if len(parts) == 2:
            return cls(datetime.date(int(parts[0]), int(parts[1]), 1), DatePrecision.MONTH)
        return cls(datetime.date.fromisoformat(text.strip()), DatePrecision.DAY)

    def __bool__(self):
        return self.value is not None

    def __str__(self):
        """The date in the active language, no more precise than the source."""
        if self.value is None:
            return ""
        if self.precision == DatePrecision.YEAR:
            return date_format(self.value, pgettext("year-only date format", "Y"))
        if self.precision == DatePrecision.MONTH:
            return date_format(self.value, "YEAR_MONTH_FORMAT")
        return date_format(self.value, "DATE_FORMAT")

    @property
    def iso(self) -> str:
        """ISO 8601 at the date's precision: "2019", "2019-08" or "2019-08-17"."""
        if self.value is None:
            return ""
        if self.precision == DatePrecision.YEAR:
            return f"{self.value.year:04d}"
        if self.precision == DatePrecision.MONTH:
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()


def iso_sql(field: str):
    """A database expression for a partial date field as ISO 8601 at its precision ("2019",
    "2019-08", "2019-08-17"), for exports that read values straight from the database."""
    precision = f"{field}_precision"

    def to_char(pattern: str):
        return Func(F(field), Value(pattern), function="to_char", output_field=models.CharField())

    return Case(
        When(**{precision: DatePrecision.YEAR}, then=to_char("YYYY")),
        When(**{precision: DatePrecision.MONTH}, then=to_char("YYYY-MM")),
        default=to_char("YYYY-MM-DD"),
        output_field=models.CharField(),
    )


def precision_rank(field: str):
    """0 for a day, 1 for a month, 2 for a year: within a period the more precise sorts first."""
    precision = f"{field}_precision"
    return Case(
        When(**{precision: DatePrecision.DAY}, then=Value(0)),
        When(**{precision: DatePrecision.MONTH}, then=Value(1)),
        default=Value(2),
        output_field=models.IntegerField(),
    )


def _last_day(field: str, length: str):
    # ``length`` is one of the fixed words below, never input.
    return Func(
        F(field),
        template=f"(%(expressions)s + INTERVAL '1 {length}' - INTERVAL '1 day')::date",
        output_field=models.DateField(),
    )


def period_end(field: str):
    """The last day a partial date may mean: 31 December for a year, a month's last day."""
    precision = f"{field}_precision"
    return Case(
        When(**{precision: DatePrecision.YEAR}, then=_last_day(field, "year")),
        When(**{precision: DatePrecision.MONTH}, then=_last_day(field, "month")),
        default=F(field),
        output_field=models.DateField(),
    )


def newest_first(field: str) -> tuple:
    """Newest first by the period's start; within a day, month or year the more precise first
    (a year is stored as its 1 January, so it follows every more precise date of that year)."""
    return (F(field).desc(nulls_last=True), precision_rank(field).asc())


def oldest_first(field: str) -> tuple:
    """Oldest first by the period's end, so that "2019" follows every more precise date of
    2019; within a day, month or year the more precise first."""
    return (period_end(field).asc(nulls_last=True), precision_rank(field).asc())


def overlapping_from(field: str, start: datetime.date) -> Q:
    """Records whose known period reaches ``start`` or later: "2019-08" is on or after
    2019-08-20, as August 2019 overlaps it; "2019" is on or after any day of 2019."""
    precision = f"{field}_precision"
    return (
        Q(**{f"{field}__gte": start})
        | Q(**{precision: DatePrecision.MONTH, f"{field}__gte": start.replace(day=1)})
        | Q(**{precision: DatePrecision.YEAR, f"{field}__gte": start.replace(month=1, day=1)})
    )


BUCKETS = ("year", "month")


def period_counts(queryset, field: str, bucket: str = "year") -> list[tuple[str, int]]:
    """How many records fall in each year, or each month where the month is known, in ISO 8601
    ("2019", "2019-08"); oldest first, a month before its year's records of unknown month.
    One grouped query; records without the date are not counted."""
    precision = f"{field}_precision"
    # By year, the month and the precision need not be read (the count may then come from an
    # index that holds the date alone).
    grouping = ["period_year"] if bucket == "year" else ["period_year", "period_month", precision]
    rows = (
        queryset.exclude(**{f"{field}__isnull": True})
        .order_by()
        .annotate(period_year=ExtractYear(field), period_month=ExtractMonth(field))
        .values(*grouping)
        .annotate(count=Count("pk"))
    )
    counts: dict[tuple[int, int], int] = {}
    for row in rows:
        month_known = bucket == "month" and row[precision] != DatePrecision.YEAR
        key = (row["period_year"], row["period_month"] if month_known else 13)
        counts[key] = counts.get(key, 0) + row["count"]
    return [
        (f"{year:04d}" if month == 13 else f"{year:04d}-{month:02d}", count)
        for (year, month), count in sorted(counts.items())
    ]


@dataclass(frozen=True)
class PeriodCount:
    """A year or a month, how many records fall in it, and the date range that selects it
    (a range includes every record whose known period overlaps it)."""

    date: PartialDate
    count: int
    months: tuple["PeriodCount", ...] = ()

    @property
    def first_day(self) -> str:
        return self.date.value.isoformat()

    @property
    def last_day(self) -> str:
        start = self.date.value
        if self.date.precision == DatePrecision.YEAR:
            return datetime.date(start.year, 12, 31).isoformat()
        following = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return (following - datetime.timedelta(days=1)).isoformat()


def counts_by_year(counts: list[tuple[str, int]]) -> list[PeriodCount]:
    """``period_counts(…, "month")`` as years, newest first: each year's total, with its months
    where the month is known (oldest first)."""
    years: dict[str, tuple[int, list[PeriodCount]]] = {}
    for period, count in counts:
        total, months = years.get(period[:4], (0, []))
        if len(period) > 4:
            months.append(PeriodCount(PartialDate.parse(period), count))
        years[period[:4]] = (total + count, months)
    return [
        PeriodCount(PartialDate.parse(year), total, tuple(months))
        for year, (total, months) in sorted(years.items(), reverse=True)
    ]
