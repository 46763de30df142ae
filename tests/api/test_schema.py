"""The OpenAPI schema describes the API as it behaves: schemathesis calls every GET operation
with generated input (NUL bytes included) and checks each answer against the schema."""

import hashlib

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from policies.models import Directive, PolicyDocument
from zones.models import Authority, Batch, FocusArea, Program, Province, Region, Zone

pytestmark = pytest.mark.django_db

FILTER_VALUES = {
    "program": lambda: Program.objects.published().values_list("slug", flat=True),
    "province": lambda: Province.objects.values_list("slug", flat=True),
    "region": lambda: Region.objects.values_list("slug", flat=True),
    "focus_area": lambda: FocusArea.objects.values_list("slug", flat=True),
    "authority": lambda: Authority.objects.values_list("slug", flat=True),
    "zone": lambda: Zone.objects.published().values_list("slug", flat=True),
    "document": lambda: PolicyDocument.objects.published().values_list("slug", flat=True),
}
# What exists in the register under test: filter values and record keys, read by the fixture.
KNOWN: dict[str, list[str]] = {}
RECORD_KEYS = {
    "zones": lambda: Zone.objects.published().values_list("slug", flat=True),
    "policies": lambda: PolicyDocument.objects.published().values_list("slug", flat=True),
    "focus-areas": lambda: FocusArea.objects.values_list("slug", flat=True),
    "programs": lambda: Program.objects.published().values_list("slug", flat=True),
    "authorities": lambda: Authority.objects.values_list("slug", flat=True),
    "provinces": lambda: Province.objects.values_list("slug", flat=True),
    "regions": lambda: Region.objects.values_list("slug", flat=True),
    "batches": lambda: [
        f"{batch.program.slug}~{batch.number}"
        for batch in Batch.objects.published().select_related("program")
    ],
    "directives": lambda: [
        f"{directive.document.slug}~{directive.zone.slug}"
        for directive in Directive.objects.published().select_related("document", "zone")
    ],
}


@pytest.fixture
def registered(api, settings):
    """The demo register, called in-process inside this test's transaction.

    Like Django's test client, the calls keep the test's database connection open across
    requests (``close_old_connections`` would close it mid-transaction), and the anonymous
    throttle is off, as for the benchmark.
    """
    settings.API_ANON_THROTTLE_RATE = ""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    KNOWN.clear()
    KNOWN.update({name: sorted(values()) for name, values in FILTER_VALUES.items()})
    KNOWN.update({f"/{name}": sorted(values()) for name, values in RECORD_KEYS.items()})
    yield KNOWN
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def existing(values: list[str], generated) -> str:
    """A record that exists, chosen by the generated value, so that generation still varies."""
    digest = hashlib.sha256(repr(generated).encode()).digest()
    return values[digest[0] % len(values)]


def use_existing_records(case, known):
    """Valid input names records that exist: a slug the register does not hold is a 400 (a
    filter) or a 404 (an address), which the schema cannot express."""
    for name, value in list((case.query or {}).items()):
        if name in FILTER_VALUES:
            values = value if isinstance(value, list) else [value]
            case.query[name] = [existing(known[name], item) for item in values]
    resource = case.path.split("/")[3]
    for name, value in list((case.path_parameters or {}).items()):
        if f"/{resource}" in known and name in ("slug", "key"):
            case.path_parameters[name] = existing(known[f"/{resource}"], value)


# Read from the app when the tests are collected; generating it reads no records.
schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())


@schema.include(method="GET").parametrize()
# Derandomised: the same cases on every run, so that a pass or a failure can be reproduced.
@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_get_operation_conforms_to_the_schema(case, registered):
    meta = case.meta
    if meta is None or meta.generation.mode.is_positive:
        use_existing_records(case, registered)
    case.call_and_validate()
