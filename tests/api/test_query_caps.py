"""Queries per request do not grow with the register: the same cap holds for the demo and for
a register fifty times its size (every kind of record and relation multiplied)."""

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests.api.support import client_for
from tests.site_fixtures import multiply_register
from zones.models import Zone

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warm_generation")]

# (address, cap). A cap counts every query of the request, the streamed body included.
CAPPED = [
    ("/api/v1/", 0),
    ("/api/v1/zones/?page_size=100", 4),
    ("/api/v1/zones/?program=miit&focus_area=smart-port&ordering=-approved_on", 6),
    ("/api/v1/zones/?q=intelligent&region=yangtze-river-delta", 5),
    ("/api/v1/zones/?format=csv", 2),
    ("/api/v1/zones/?format=geojson", 2),
    ("/api/v1/zones/facets/?program=miit", 8),
    ("/api/v1/zones/miit-beijing/", 4),
    ("/api/v1/policies/?page_size=100", 8),
    ("/api/v1/policies/?authority=most&zone=most-chengdu&validity=in_force", 10),
    ("/api/v1/policies/?format=csv", 2),
    # The zone facet: counts, then labels; and the documents counted by year.
    ("/api/v1/policies/facets/?authority=miit", 11),
    ("/api/v1/policies/miit-second-batch-notice-2021/", 14),
    ("/api/v1/directives/?page_size=100", 4),
    ("/api/v1/directives/?format=csv&program=miit", 3),
    ("/api/v1/directives/miit-second-batch-notice-2021~miit-beijing/", 3),
    ("/api/v1/focus-areas/?page_size=100", 3),
    ("/api/v1/focus-areas/?format=csv", 2),
    ("/api/v1/focus-areas/smart-port/", 2),
    ("/api/v1/programs/", 4),
    ("/api/v1/programs/?format=csv", 2),
    ("/api/v1/programs/miit/", 4),
    ("/api/v1/batches/?page_size=100", 3),
    ("/api/v1/batches/miit~2/", 3),
    ("/api/v1/authorities/?page_size=100", 3),
    ("/api/v1/authorities/miit/", 2),
    ("/api/v1/provinces/?page_size=100&format=csv", 2),
    ("/api/v1/provinces/beijing/", 2),
    ("/api/v1/regions/?page_size=100", 4),
    ("/api/v1/regions/beijing-tianjin-hebei/", 3),
    ("/api/v1/changes/?since=2000-01-01T00:00:00Z&page_size=100", 25),
]


@pytest.fixture(scope="module", params=[1, 50], ids=["demo", "demo-x50"])
def register_size(request, demo_module, django_db_blocker):
    if request.param == 1:
        yield 1
        return
    with django_db_blocker.unblock(), transaction.atomic():
        multiply_register(request.param)
        yield request.param
        transaction.set_rollback(True)


def consume(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_the_register_has_the_size_it_claims(register_size, db):
    assert Zone.objects.published().count() == 23 * register_size


@pytest.mark.parametrize(("path", "cap"), CAPPED, ids=[path for path, _cap in CAPPED])
def test_a_read_has_a_query_cap(register_size, db, django_assert_max_num_queries, path, cap):
    client = APIClient()

    with django_assert_max_num_queries(cap):
        response = client.get(path)
        consume(response)

    assert response.status_code == 200


def test_a_signed_in_read_adds_a_fixed_number_of_queries(
    register_size, db, users, django_assert_max_num_queries
):
    editor = client_for(users["editor"])

    # The token and the editor's permissions (3), then the anonymous read's queries (4).
    with django_assert_max_num_queries(3 + 4):
        assert editor.get("/api/v1/zones/?page_size=100").status_code == 200
