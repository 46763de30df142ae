"""Publishing that cannot surprise: a zone whose program or batch will not be public when it goes
live is never called live, and publishing it warns and offers to publish the parent with it."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import Status
from tests import people
from tests.factories import BatchFactory, ZoneFactory
from zones.models import Batch, Zone

pytestmark = pytest.mark.django_db

ZONES = "/admin/zones/zone/"


def test_scheduling_a_zone_whose_batch_is_a_draft_warns_and_changes_nothing():
    batch = BatchFactory(status=Status.DRAFT)
    zone = ZoneFactory(status=Status.REVIEW, batch=batch, program=batch.program)
    client = people.client_for(people.publisher())
    moment = timezone.localtime(timezone.now() + datetime.timedelta(hours=3))

    warned = client.post(
        f"{ZONES}{zone.pk}/workflow/schedule/",
        {"expected_version": zone.version, "go_live_at": moment.strftime("%Y-%m-%dT%H:%M:%S")},
    )

    assert warned.status_code == 200
    assert "will not be public" in warned.text
    assert str(batch) in warned.text
    assert Zone.objects.get(pk=zone.pk).status == Status.REVIEW


def test_scheduling_with_the_parent_schedules_both_for_the_same_moment():
    batch = BatchFactory(status=Status.DRAFT)
    zone = ZoneFactory(status=Status.REVIEW, batch=batch, program=batch.program)
    client = people.client_for(people.publisher())
    moment = timezone.localtime(timezone.now() + datetime.timedelta(hours=3))

    client.post(
        f"{ZONES}{zone.pk}/workflow/schedule/",
        {
            "expected_version": zone.version,
            "go_live_at": moment.strftime("%Y-%m-%dT%H:%M:%S"),
            "parents": "with",
        },
    )

    zone.refresh_from_db()
    batch.refresh_from_db()
    assert zone.status == batch.status == Status.PUBLISHED
    assert zone.go_live_at == batch.go_live_at == moment.replace(microsecond=0)


def test_publishing_now_with_the_parent_makes_the_zone_public_at_once():
    batch = BatchFactory(status=Status.REVIEW)
    zone = ZoneFactory(status=Status.REVIEW, batch=batch, program=batch.program)
    client = people.client_for(people.publisher())
    assert "will not be public" in client.get(f"{ZONES}{zone.pk}/workflow/publish/").text

    client.post(
        f"{ZONES}{zone.pk}/workflow/publish/",
        {"expected_version": zone.version, "parents": "with"},
    )

    assert Batch.objects.get(pk=batch.pk).status == Status.PUBLISHED
    assert APIClient().get(f"/zones/{zone.slug}/").status_code == 200


def test_a_published_zone_the_public_cannot_see_is_not_called_live():
    batch = BatchFactory(status=Status.DRAFT)
    zone = ZoneFactory(batch=batch, program=batch.program, name_en="Hidden harbour")
    client = people.client_for(people.publisher())

    listing = client.get(ZONES).text
    form = client.get(f"{ZONES}{zone.pk}/change/").text

    assert APIClient().get(f"/zones/{zone.slug}/").status_code == 404
    assert "Published, but hidden" in listing
    assert "Published, but hidden" in form
    assert f'href="/zones/{zone.slug}/"' not in form  # no "view on site" link to a 404
    assert "viewsitelink" not in form


def test_the_scheduled_list_says_why_a_zone_will_stay_hidden():
    batch = BatchFactory(status=Status.DRAFT)
    ZoneFactory(
        batch=batch,
        program=batch.program,
        name_en="Later harbour",
        go_live_at=timezone.now() + datetime.timedelta(hours=1),
    )

    board = people.client_for(people.publisher()).get("/admin/").text

    assert "Later harbour" in board
    assert "but hidden then" in board
