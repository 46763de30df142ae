"""Data for the public site's tests, built once per test module.

``site_demo`` loads the demo once for a whole module inside a transaction that is rolled back
when the module ends; each test still runs in its own savepoint, so tests stay independent.
``site_register`` runs a test at the demo's size and again at fifty times it:
``multiply_register`` copies every kind of record, drafts and relations included, for the query
caps of pages and API alike.

Import the fixtures into a test module: ``from tests.site_fixtures import site_demo``.
"""

import pytest
from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from policies.demo import demo_load
from policies.models import Directive, PolicyDocument
from zones.models import Authority, Batch, FocusArea, Program, Province, Region, Zone

COPIES = 49


@pytest.fixture(scope="module")
def site_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


def _copies(records, count, change):
    copies = []
    for index in range(1, count):
        for record in records:
            copy = type(record)(
                **{
                    field.attname: getattr(record, field.attname)
                    for field in record._meta.concrete_fields
                    if not field.primary_key
                }
            )
            change(copy, index)
            copies.append((index, record, copy))
    return copies


def _suffix(copy, index):
    copy.slug = f"{copy.slug}-x{index}"


def multiply_register(factor: int) -> None:
    """Make every kind of record ``factor`` times as numerous as it is, relations included.

    Bulk inserts with history rows, so that the lists and the changes feed both see the copies;
    copies keep their originals' names and texts (only slugs change), which is all the query
    counts depend on.
    """
    by_copy = {}

    def create(model, copies, *, history=True):
        objects = [copy for _index, _original, copy in copies]
        if history:
            bulk_create_with_history(objects, model, batch_size=500)
        else:
            model.objects.bulk_create(objects, batch_size=500)
        for index, original, copy in copies:
            by_copy[(model, original.pk, index)] = copy

    def twin(model, pk, index):
        return by_copy[(model, pk, index)].pk if pk is not None else None

    create(Region, _copies(list(Region.objects.all()), factor, _suffix), history=False)

    def province(copy, index):
        _suffix(copy, index)
        copy.region_id = twin(Region, copy.region_id, index)

    create(Province, _copies(list(Province.objects.all()), factor, province), history=False)

    def authority(copy, index):
        _suffix(copy, index)
        copy.province_id = twin(Province, copy.province_id, index)

    create(Authority, _copies(list(Authority.objects.all()), factor, authority))
    create(FocusArea, _copies(list(FocusArea.objects.all()), factor, _suffix))

    def program(copy, index):
        _suffix(copy, index)
        copy.authority_id = twin(Authority, copy.authority_id, index)

    create(Program, _copies(list(Program.objects.all()), factor, program))

    def batch(copy, index):
        copy.program_id = twin(Program, copy.program_id, index)

    create(Batch, _copies(list(Batch.objects.all()), factor, batch))

    def zone(copy, index):
        _suffix(copy, index)
        copy.program_id = twin(Program, copy.program_id, index)
        copy.batch_id = twin(Batch, copy.batch_id, index)
        copy.province_id = twin(Province, copy.province_id, index)

    zones = list(Zone.objects.all())
    create(Zone, _copies(zones, factor, zone))

    def document(copy, index):
        _suffix(copy, index)
        copy.doc_number = ""
        copy.superseded_by_id = None
        copy.batch_id = twin(Batch, copy.batch_id, index)

    documents = list(PolicyDocument.objects.all())
    create(PolicyDocument, _copies(documents, factor, document))

    def directive(copy, index):
        copy.document_id = twin(PolicyDocument, copy.document_id, index)
        copy.zone_id = twin(Zone, copy.zone_id, index)

    directives = list(Directive.objects.all())
    create(Directive, _copies(directives, factor, directive))

    def copy_links(model, field, related_model):
        through = model._meta.get_field(field).remote_field.through
        source = model._meta.get_field(field).m2m_field_name()
        target = model._meta.get_field(field).m2m_reverse_field_name()
        links = list(through.objects.values_list(f"{source}_id", f"{target}_id"))
        through.objects.bulk_create(
            [
                through(
                    **{
                        f"{source}_id": twin(model, left, index),
                        f"{target}_id": twin(related_model, right, index),
                    }
                )
                for index in range(1, factor)
                for left, right in links
            ],
            batch_size=2000,
        )

    copy_links(Zone, "focus_areas", FocusArea)
    copy_links(PolicyDocument, "authorities", Authority)
    copy_links(PolicyDocument, "programs", Program)
    copy_links(PolicyDocument, "zones", Zone)
    copy_links(PolicyDocument, "focus_areas", FocusArea)
    copy_links(Directive, "focus_areas", FocusArea)
    # Fresh planner statistics, as autovacuum would gather after such a load.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@pytest.fixture(scope="module", params=[1, 1 + COPIES], ids=["demo", "fifty-times-demo"])
def site_register(request, django_db_setup, django_db_blocker):
    """The demo register, then the same with fifty times as many records: tests that use this
    run once at each size (pytest groups them, so each size is built once per module)."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        if request.param > 1:
            multiply_register(request.param)
        yield request.param
        transaction.set_rollback(True)
