import datetime

import pytest
from django.db import IntegrityError
from django.utils import translation

from core.dates import DatePrecision, PartialDate
from tests.factories import ZoneFactory


@pytest.mark.parametrize(
    ("text", "english", "chinese", "iso"),
    [
        ("2021-02-19", "19 February 2021", "2021年2月19日", "2021-02-19"),
        ("2019-08", "August 2019", "2019年8月", "2019-08"),
        ("2019", "2019", "2019年", "2019"),
    ],
)
def test_dates_show_only_the_precision_their_source_gives(text, english, chinese, iso):
    date = PartialDate.parse(text)

    assert str(date) == english
    with translation.override("zh-hans"):
        assert str(date) == chinese
    assert date.iso == iso


def test_an_unknown_date_shows_nothing():
    assert str(PartialDate(None)) == ""
    assert not PartialDate(None)


@pytest.mark.django_db
def test_database_refuses_a_month_precision_date_that_is_not_the_first():
    with pytest.raises(IntegrityError):
        ZoneFactory(
            approved_on=datetime.date(2019, 8, 17), approved_on_precision=DatePrecision.MONTH
        )


@pytest.mark.django_db
def test_database_refuses_a_year_precision_date_that_is_not_new_year():
    with pytest.raises(IntegrityError):
        ZoneFactory(approved_on=datetime.date(2019, 3, 1), approved_on_precision=DatePrecision.YEAR)
