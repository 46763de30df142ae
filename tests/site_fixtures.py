"""Data for the public site's tests, built once per test module.

``site_demo`` loads the demo once for a whole module inside a transaction that is rolled back
when the module ends; each test still runs in its own savepoint, so tests stay independent.
``site_fifty`` adds 49 more copies of every demo zone, document, directive and focus area
(drafts included) with ``bulk_create``, giving the register fifty times its demo size for the
query caps.

Import the fixtures into a test module: ``from tests.site_fixtures import site_demo``.
"""

import pytest
from django.db import connection, transaction

from core.models import Status
from core.text import pinyin_key
from policies.demo import demo_load
from policies.models import Directive, PolicyDocument
from zones.models import FocusArea, Zone

COPIES = 49


@pytest.fixture(scope="module")
def site_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def site_fifty(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        multiply_demo(COPIES)
        yield
        transaction.set_rollback(True)


def _copy(instance, **changes):
    """An unsaved copy of a model instance with some fields changed."""
    values = {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }
    values.update(changes)
    return type(instance)(**values)


def multiply_demo(copies: int) -> None:
    areas = list(FocusArea.objects.order_by("pk"))
    zones = list(Zone.objects.order_by("pk").prefetch_related("focus_areas"))
    documents = list(
        PolicyDocument.objects.order_by("pk").prefetch_related(
            "authorities", "zones", "focus_areas", "programs"
        )
    )
    directives = list(Directive.objects.order_by("pk").prefetch_related("focus_areas"))
    zone_areas = Zone.focus_areas.through
    doc_through = {
        name: getattr(PolicyDocument, name).through
        for name in ("authorities", "zones", "focus_areas", "programs")
    }
    for copy in range(1, copies + 1):
        new_areas = FocusArea.objects.bulk_create(
            [
                _copy(
                    area,
                    slug=f"{area.slug}-{copy}",
                    name_en=f"{area.name_en} {copy}",
                    name_zh_hans=f"{area.name_zh_hans}{copy}",
                    name_pinyin=pinyin_key(f"{area.name_zh_hans}{copy}"),
                )
                for area in areas
            ]
        )
        area_map = {old.pk: new.pk for old, new in zip(areas, new_areas, strict=True)}
        new_zones = Zone.objects.bulk_create(
            [
                _copy(
                    zone,
                    slug=f"{zone.slug}-{copy}",
                    name_en=f"{zone.name_en} {copy}",
                    name_zh_hans=f"{zone.name_zh_hans}{copy}",
                    search_vector=None,
                )
                for zone in zones
            ]
        )
        zone_map = {old.pk: new.pk for old, new in zip(zones, new_zones, strict=True)}
        zone_areas.objects.bulk_create(
            [
                zone_areas(zone_id=zone_map[zone.pk], focusarea_id=area_map[area.pk])
                for zone in zones
                for area in zone.focus_areas.all()
            ]
        )
        new_documents = PolicyDocument.objects.bulk_create(
            [
                _copy(
                    document,
                    slug=f"{document.slug}-{copy}",
                    title_en=f"{document.title_en} {copy}",
                    doc_number="",
                    superseded_by_id=None,
                    search_vector=None,
                )
                for document in documents
            ]
        )
        document_map = {old.pk: new.pk for old, new in zip(documents, new_documents, strict=True)}
        for name, through in doc_through.items():
            target = {"zones": zone_map, "focus_areas": area_map}.get(name)
            rows = []
            for document in documents:
                for related in getattr(document, name).all():
                    related_id = target[related.pk] if target else related.pk
                    rows.append(
                        through(
                            policydocument_id=document_map[document.pk],
                            **{f"{through_target(through)}_id": related_id},
                        )
                    )
            through.objects.bulk_create(rows)
        new_directives = Directive.objects.bulk_create(
            [
                _copy(
                    directive,
                    document_id=document_map[directive.document_id],
                    zone_id=zone_map[directive.zone_id],
                    search_vector=None,
                )
                for directive in directives
            ]
        )
        directive_areas = Directive.focus_areas.through
        directive_areas.objects.bulk_create(
            [
                directive_areas(directive_id=new.pk, focusarea_id=area_map[area.pk])
                for old, new in zip(directives, new_directives, strict=True)
                for area in old.focus_areas.all()
            ]
        )
    assert Zone.objects.filter(status=Status.DRAFT).count() == 3 * (copies + 1)
    # Autovacuum never sees rows of an open transaction, so without fresh statistics the planner
    # takes these tables for nearly empty and may choose plans that a real database never would.
    with connection.cursor() as cursor:
        for model in (FocusArea, Zone, PolicyDocument, Directive):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
        for through in (zone_areas, Directive.focus_areas.through, *doc_through.values()):
            cursor.execute(f'ANALYZE "{through._meta.db_table}"')


def through_target(through) -> str:
    """The name of the far side of a many-to-many table from a policy document."""
    for field in through._meta.get_fields():
        if field.is_relation and field.related_model is not PolicyDocument:
            return field.name
    raise LookupError(through)


@pytest.fixture(scope="module", params=[1, 1 + COPIES], ids=["demo", "fifty-times-demo"])
def site_register(request, django_db_setup, django_db_blocker):
    """The demo register, then the same with fifty times as many records: tests that use this
    run once at each size (pytest groups them, so each size is built once per module)."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        if request.param > 1:
            multiply_demo(request.param - 1)
        yield request.param
        transaction.set_rollback(True)
