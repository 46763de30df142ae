"""Helpers for the API tests: accounts in each admin role, reading CSV answers, and a register
fifty times the size of the demo."""

import csv
import io

from django.contrib.auth.models import Group, User
from django.db import connection
from rest_framework.test import APIClient
from simple_history.utils import bulk_create_with_history

from policies.models import Directive, PolicyDocument
from tests.newsroom import ensure_roles
from zones.models import Authority, Batch, FocusArea, Program, Province, Region, Zone


def make_user(username, permissions=(), *, superuser=False, staff=None, groups=()) -> User:
    """An account with ``permissions`` and in ``groups``; staff if it has either, unless
    ``staff`` says otherwise."""
    if staff is None:
        staff = bool(permissions) or bool(groups) or superuser
    user = User.objects.create_user(username=username, is_staff=staff, is_superuser=superuser)
    if permissions:
        user.user_permissions.set(permissions)
    if groups:
        ensure_roles()
        user.groups.set(Group.objects.filter(name__in=groups))
    return User.objects.get(pk=user.pk)


def editor_permissions():
    """The Editors group's permissions, as the roles migration defines them."""
    ensure_roles()
    return list(Group.objects.get(name="Editors").permissions.all())


def publisher_permissions():
    """The Publishers group's permissions: an editor's, plus publish and delete."""
    ensure_roles()
    return list(Group.objects.get(name="Publishers").permissions.all())


def read_csv(response) -> list[dict]:
    """The rows of a streamed CSV answer, read as a spreadsheet program would."""
    assert response.status_code == 200, response
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {user.auth_token.key}")
    return client


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
    search vectors and pinyin keys stay empty, which the query counts do not depend on.
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
