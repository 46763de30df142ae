import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from core.search import search_query
from tests.factories import BatchFactory, ProgramFactory, ZoneFactory
from zones.models import Zone

pytestmark = pytest.mark.django_db


def test_zone_slugs_are_unique():
    ZoneFactory(slug="miit-beijing")

    with pytest.raises(IntegrityError):
        ZoneFactory(slug="miit-beijing")


def test_a_program_numbers_each_batch_once():
    program = ProgramFactory()
    BatchFactory(program=program, number=2)

    with pytest.raises(IntegrityError):
        BatchFactory(program=program, number=2)


def test_a_map_point_must_lie_on_earth():
    with pytest.raises(IntegrityError):
        ZoneFactory(latitude=95, longitude=100)


def test_a_zone_cannot_take_a_batch_of_another_program():
    zone = ZoneFactory.build(batch=BatchFactory(), program=ProgramFactory())

    with pytest.raises(ValidationError, match="another program"):
        zone.clean()


def test_saving_derives_the_pinyin_key_and_search_vector():
    zone = ZoneFactory(name_zh_hans="天津（滨海新区）", name_en="Tianjin (Binhai New Area)")

    zone.refresh_from_db()
    assert zone.name_pinyin.startswith("tian1 jin1")
    assert Zone.objects.filter(search_vector=search_query("滨海")).get() == zone
    assert Zone.objects.filter(search_vector=search_query("binhai area")).get() == zone


def test_renaming_a_zone_updates_its_search_vector():
    zone = ZoneFactory(name_en="Harbour")
    zone.name_en = "Riverside"
    zone.save()

    assert not Zone.objects.filter(search_vector=search_query("harbour")).exists()
    assert Zone.objects.filter(search_vector=search_query("riverside")).exists()
