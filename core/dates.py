"""Dates as precise as their sources: a day, a month or only a year."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Case, F, Func, Value, When
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
