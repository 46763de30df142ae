"""Two editors on one record: the second is told who has it open, or saved it lately, before
any conflict."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.models import Presence, Status
from tests import people
from tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db


def test_a_second_editor_sees_who_has_the_record_open_and_since_when():
    zone = ZoneFactory(status=Status.PUBLISHED)
    url = f"/admin/zones/zone/{zone.pk}/change/"
    first = people.editor("wang")
    first.first_name, first.last_name = "Wang", "Fang"
    first.save()
    people.client_for(first).get(url)
    opened = Presence.objects.get(user=first)

    page = people.client_for(people.editor("li")).get(url)
    own = people.client_for(first).get(url)

    since = timezone.localtime(opened.opened_at).strftime("%H:%M")
    assert f"Wang Fang has this open since {since}" in page.text
    assert "Wang Fang has this open" not in own.text  # nobody is told about themselves


def test_the_opening_time_is_shown_in_the_site_time_zone_and_in_chinese():
    zone = ZoneFactory()
    opened_at = timezone.now().replace(second=0, microsecond=0)
    Presence.objects.create(
        user=people.editor("wang"),
        content_type_id=_zone_type(),
        object_id=zone.pk,
        opened_at=opened_at,
        seen_at=timezone.now(),
    )
    client = people.client_for(people.editor("li"))

    page = client.get(f"/admin/zones/zone/{zone.pk}/change/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    in_shanghai = opened_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"wang 自 {in_shanghai:%H:%M} 起打开了此记录" in page.text


def test_a_form_not_renewed_for_minutes_counts_as_closed():
    zone = ZoneFactory()
    Presence.objects.create(
        user=people.editor("wang"),
        content_type_id=_zone_type(),
        object_id=zone.pk,
        opened_at=timezone.now() - datetime.timedelta(minutes=30),
        seen_at=timezone.now() - datetime.timedelta(minutes=10),
    )

    page = people.client_for(people.editor("li")).get(f"/admin/zones/zone/{zone.pk}/change/")

    assert "has this open" not in page.text


def test_after_a_save_the_colleague_reads_who_saved_it_and_when():
    zone = ZoneFactory(summary_en="Before", status=Status.DRAFT)
    url = f"/admin/zones/zone/{zone.pk}/change/"
    first = people.client_for(people.editor("wang"))
    form = people.changeform_data(first.get(url))
    saved = first.post(url, form | {"summary_en": "After"})

    page = people.client_for(people.editor("li")).get(url)

    assert saved.status_code == 302
    assert "wang saved this at " in page.text
    assert "wang has this open" not in page.text  # saving closed the form


def test_the_page_renews_its_presence_and_reads_the_latest_notice():
    zone = ZoneFactory()
    url = f"/admin/zones/zone/{zone.pk}/change/"
    wang, li = people.editor("wang"), people.editor("li")
    li_client = people.client_for(li)
    li_client.get(url)
    Presence.objects.filter(user=li).update(seen_at=timezone.now() - datetime.timedelta(minutes=2))
    people.client_for(wang).get(url)

    ping = li_client.post(f"/admin/zones/zone/{zone.pk}/presence/")
    leave = li_client.post(f"/admin/zones/zone/{zone.pk}/presence/", {"leave": "1"})

    assert ping.status_code == 200
    assert "wang has this open since" in ping.text
    assert leave.status_code == 204
    assert not Presence.objects.filter(user=li).exists()


def test_the_presence_address_refuses_a_read_and_staff_who_may_not_see_the_record():
    zone = ZoneFactory()
    url = f"/admin/zones/zone/{zone.pk}/presence/"

    assert people.client_for(people.editor()).get(url).status_code == 405
    assert people.client_for(people.staff_without_permissions()).post(url).status_code == 403


def _zone_type():
    from django.contrib.contenttypes.models import ContentType

    from zones.models import Zone

    return ContentType.objects.get_for_model(Zone).pk


def test_a_save_to_a_record_that_does_not_exist_is_a_redirect_not_an_error():
    client = people.client_for(people.editor())

    assert client.post("/admin/zones/zone/abc/change/", {}).status_code == 302
    assert client.post("/admin/zones/zone/999999/change/", {}).status_code == 302
