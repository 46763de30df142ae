"""The changes feed: a consumer that synced at `since` learns what to fetch and what to drop."""

import datetime

import pytest
from django.utils import timezone

from core.models import Status
from policies.models import PolicyDocument
from tests.factories import DirectiveFactory, PolicyDocumentFactory, ProgramFactory, ZoneFactory
from zones.models import Authority, Program, Province, Zone

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def feed(api, since, **params):
    response = api.get("/api/v1/changes/", {"since": iso(since), "page_size": 100, **params})
    assert response.status_code == 200, response.json()
    return response.json()


def entries(api, since, **params):
    return {(item["resource"], item["key"]): item for item in feed(api, since, **params)["results"]}


def save(record, **changes):
    for name, value in changes.items():
        setattr(record, name, value)
    record.save()
    return record


def test_a_zone_change_is_also_a_change_of_the_directives_that_nest_it(api):
    since = timezone.now()
    save(Zone.objects.get(slug="miit-hangzhou"), name_en="Hangzhou City")

    changes = entries(api, since)

    directive = changes[("directives", "miit-second-batch-notice-2021~miit-hangzhou")]
    assert directive["action"] == "changed"


def test_a_withdrawal_is_reported_as_a_tombstone(api):
    since = timezone.now()
    save(Zone.objects.get(slug="miit-beijing"), status=Status.WITHDRAWN)

    change = entries(api, since)[("zones", "miit-beijing")]

    assert change["action"] == "withdrawn"
    assert change["url"] is None


def test_publishing_changing_and_deleting_are_reported(api):
    draft = ZoneFactory(slug="new-zone", status=Status.DRAFT)
    doomed = PolicyDocumentFactory(slug="doomed")
    since = timezone.now()

    save(draft, status=Status.PUBLISHED)
    save(Zone.objects.get(slug="miit-tianjin-binhai"), summary_en="Changed.")
    doomed.delete()

    changes = entries(api, since)
    assert changes[("zones", "new-zone")]["action"] == "published"
    assert changes[("zones", "new-zone")]["url"] == "http://testserver/api/v1/zones/new-zone/"
    assert changes[("zones", "miit-tianjin-binhai")]["action"] == "changed"
    assert changes[("policies", "doomed")]["action"] == "deleted"
    assert api.get(changes[("zones", "new-zone")]["url"]).status_code == 200


def test_a_draft_being_edited_never_appears(api):
    draft = ZoneFactory(slug="secret-draft", status=Status.DRAFT)
    since = timezone.now()

    save(draft, summary_en="Still a draft.")
    save(Zone.objects.get(slug="miit-wuhan"), summary_en="Also a draft.")

    assert not [key for key in entries(api, since) if key[0] == "zones"]


def test_a_scheduled_record_appears_when_its_go_live_time_passes(api):
    # An hour ago, before anything else in this test database was saved: a program was
    # published, then a zone was saved published with a go-live time five minutes later.
    hour_ago = timezone.now() - 60 * MINUTE
    program = ProgramFactory.build(authority=Authority.objects.get(slug="most"))
    program._history_date = hour_ago - 30 * MINUTE
    program.save()
    zone = ZoneFactory.build(
        slug="scheduled",
        program=program,
        province=Province.objects.get(slug="sichuan"),
        status=Status.PUBLISHED,
        go_live_at=hour_ago - 5 * MINUTE,
    )
    zone._history_date = hour_ago - 10 * MINUTE
    zone.save()

    before_going_live = entries(api, hour_ago - 20 * MINUTE, until=iso(hour_ago - 7 * MINUTE))
    after_going_live = entries(api, hour_ago - 7 * MINUTE, until=iso(hour_ago))

    assert ("zones", "scheduled") not in before_going_live
    change = after_going_live[("zones", "scheduled")]
    assert change["action"] == "published"
    assert datetime.datetime.fromisoformat(change["changed_at"]) == hour_ago - 5 * MINUTE


def test_withdrawing_a_program_withdraws_its_zones_and_their_directives(api):
    since = timezone.now()
    save(Program.objects.get(slug="miit"), status=Status.WITHDRAWN)

    changes = entries(api, since)

    assert changes[("programs", "miit")]["action"] == "withdrawn"
    assert changes[("zones", "miit-beijing")]["action"] == "withdrawn"
    assert changes[("batches", "miit~2")]["action"] == "withdrawn"
    notice_directive = ("directives", "miit-second-batch-notice-2021~miit-beijing")
    assert changes[notice_directive]["action"] == "withdrawn"
    assert ("zones", "most-chengdu") not in changes


def test_a_changed_slug_is_reported_as_moved(api):
    since = timezone.now()
    save(Zone.objects.get(slug="most-xian"), slug="most-xi-an")

    changes = entries(api, since)

    assert changes[("zones", "most-xian")]["action"] == "moved"
    assert changes[("zones", "most-xian")]["replaced_by"] == "most-xi-an"
    assert changes[("zones", "most-xi-an")]["action"] == "changed"


def test_a_new_directive_of_a_public_document_and_zone_is_published(api):
    document = PolicyDocument.objects.get(slug="most-pilot-zone-guideline-2019")
    since = timezone.now()
    DirectiveFactory(document=document, zone=Zone.objects.get(slug="most-chengdu"))

    change = entries(api, since)[("directives", "most-pilot-zone-guideline-2019~most-chengdu")]

    assert change["action"] == "published"
    assert api.get(change["url"]).status_code == 200


def test_changes_are_in_time_order_and_pages_keep_their_window(api):
    since = timezone.now()
    for slug in ("most-beijing", "most-hangzhou", "most-guangzhou"):
        save(Zone.objects.get(slug=slug), summary_en=f"New {slug}.")

    first = feed(api, since, page_size=2)
    assert first["count"] == 3
    assert [item["key"] for item in first["results"]] == ["most-beijing", "most-hangzhou"]
    assert "until=" in first["next"]

    save(Zone.objects.get(slug="most-chengdu"), summary_en="Later.")
    second = api.get(first["next"]).json()

    assert [item["key"] for item in second["results"]] == ["most-guangzhou"]
    assert second["count"] == 3
    next_sync = entries(api, datetime.datetime.fromisoformat(first["until"]))
    assert ("zones", "most-chengdu") in next_sync


def test_syncing_from_the_beginning_lists_everything_public_once(api):
    changes = feed(api, datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))["results"]
    zones = [item["key"] for item in changes if item["resource"] == "zones"]

    assert sorted(zones) == sorted(Zone.objects.published().values_list("slug", flat=True))
    assert {item["action"] for item in changes} == {"published"}


@pytest.mark.parametrize(
    "since",
    [
        "",
        "yesterday",
        "2026-05-01",
        "2026-05-01T08:00:00",
        "2026-13-01T00:00:00Z",
        "10000-01-01T00:00:00Z",
        "2026-05-01T08:00:00Z\x00",
    ],
)
def test_a_since_that_is_not_a_time_is_a_400(api, since):
    response = api.get("/api/v1/changes/", {"since": since} if since else {})

    assert response.status_code == 400
    assert "since" in response.json()["error"]["details"]


def test_times_are_read_with_their_offset_and_a_later_until_is_now(api):
    window = api.get(
        "/api/v1/changes/",
        {"since": "2026-01-01T08:00:00+08:00", "until": "9999-12-31T23:59:60Z"},
    ).json()

    assert window["since"] == "2026-01-01T00:00:00+00:00"
    assert datetime.datetime.fromisoformat(window["until"]) <= timezone.now()


def test_an_empty_until_is_a_400(api):
    response = api.get("/api/v1/changes/", {"since": "2026-01-01T00:00:00Z", "until": ""})

    assert response.status_code == 400
    assert "until" in response.json()["error"]["details"]


def test_an_empty_window_is_an_empty_feed(api):
    later = timezone.now()

    assert feed(api, later, until=iso(later - MINUTE))["count"] == 0
