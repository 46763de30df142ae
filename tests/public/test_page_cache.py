"""The page cache: a repeat anonymous read comes from the cache, any public change is seen at
once, a conditional request is answered with 304, and nothing private is ever kept."""

import datetime
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.models import Status
from tests.factories import PolicyDocumentFactory, ZoneFactory

pytestmark = pytest.mark.django_db

HIT = "X-Page-Cache"


def titles_seen(response) -> str:
    return response.content.decode()


def test_a_repeat_read_comes_from_the_cache_with_the_same_page(client):
    PolicyDocumentFactory(title_en="Notice on compute vouchers")
    first = client.get("/policies/")
    second = client.get("/policies/")
    assert first.status_code == second.status_code == 200
    assert first[HIT] == "miss"
    assert second[HIT] == "hit"
    assert second.content == first.content
    assert "Notice on compute vouchers" in titles_seen(second)
    # The headers the outer middleware adds are there on a cached answer too.
    assert "default-src 'self'" in second["Content-Security-Policy"]
    assert second["X-Content-Type-Options"] == "nosniff"


def test_publishing_a_document_shows_on_the_next_read(client):
    client.get("/policies/")
    draft = PolicyDocumentFactory(title_en="Notice on data exchanges", status=Status.DRAFT)
    assert "Notice on data exchanges" not in titles_seen(client.get("/policies/"))
    draft.status = Status.PUBLISHED
    draft.save()
    response = client.get("/policies/")
    assert response[HIT] == "miss"
    assert "Notice on data exchanges" in titles_seen(response)


def test_withdrawing_a_document_removes_it_on_the_next_read(client):
    document = PolicyDocumentFactory(title_en="Notice on robot pilots")
    assert "Notice on robot pilots" in titles_seen(client.get("/policies/"))
    document.status = Status.WITHDRAWN
    document.save()
    assert "Notice on robot pilots" not in titles_seen(client.get("/policies/"))
    assert client.get(f"/policies/{document.slug}/").status_code == 404


def test_a_scheduled_document_appears_when_its_time_comes_without_any_write(client):
    PolicyDocumentFactory(
        title_en="Notice on scheduled pilots",
        go_live_at=timezone.now() + datetime.timedelta(seconds=1.5),
    )
    assert "Notice on scheduled pilots" not in titles_seen(client.get("/policies/"))
    assert client.get("/policies/")[HIT] == "hit"
    time.sleep(2)
    response = client.get("/policies/")
    assert response[HIT] == "miss"
    assert "Notice on scheduled pilots" in titles_seen(response)


def test_a_current_etag_is_answered_with_304_and_an_old_one_after_a_change_is_not(client):
    PolicyDocumentFactory(title_en="Notice on model registries")
    etag = client.get("/policies/")["ETag"]
    assert etag
    not_modified = client.get("/policies/", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    PolicyDocumentFactory(title_en="Notice on open datasets")
    changed = client.get("/policies/", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Notice on open datasets" in titles_seen(changed)


def test_languages_full_pages_and_partials_are_kept_apart(client):
    PolicyDocumentFactory(title_en="Notice on pilots", title_zh_hans="关于先导区的通知")
    english = client.get("/policies/")
    chinese = client.get("/zh-hans/policies/")
    partial = client.get("/policies/", headers={"HX-Request": "true"})
    assert "关于先导区的通知" in titles_seen(chinese)
    assert chinese.content != english.content
    assert b"<html" in english.content
    assert b"<html" not in partial.content
    assert client.get("/policies/", headers={"HX-Request": "true"}).content == partial.content
    assert client.get("/zh-hans/policies/").content == chinese.content


def test_a_rejected_filter_is_not_kept(client):
    response = client.get("/policies/?issued_after=2021-02-30")
    assert response.status_code == 400
    assert client.get("/policies/?issued_after=2021-02-30").get(HIT) is None


def test_signed_in_staff_neither_read_nor_fill_the_cache(client, admin_user):
    PolicyDocumentFactory(title_en="Public notice")
    client.get("/policies/")  # an anonymous reader fills the cache
    client.force_login(admin_user)
    staff = client.get("/policies/")
    assert staff.status_code == 200
    assert HIT not in staff


def test_api_reads_are_left_to_the_api_and_never_share_a_staff_view(client):
    PolicyDocumentFactory(title_en="Public notice", slug="public-notice")
    PolicyDocumentFactory(title_en="Draft notice", slug="draft-notice", status=Status.DRAFT)
    editor = get_user_model().objects.create_user("editor", password="x", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_policydocument"))
    token = Token.objects.create(user=editor)
    staff = client.get("/api/v1/policies/", headers={"Authorization": f"Token {token.key}"})
    assert "draft-notice" in staff.content.decode()
    for _ in range(2):
        public = client.get("/api/v1/policies/")
        assert public.status_code == 200
        assert "public-notice" in public.content.decode()
        assert "draft-notice" not in public.content.decode()
        assert HIT not in public


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
)
def test_pages_still_answer_when_the_cache_is_down(client):
    PolicyDocumentFactory(title_en="Notice on resilience")
    response = client.get("/policies/")
    assert response.status_code == 200
    assert "Notice on resilience" in titles_seen(response)


@pytest.mark.parametrize("parameter", ["validity=in_force", "doc_type=plan"])
def test_a_conditional_request_for_a_page_with_invalid_filters_is_refused_not_answered_304(
    client, parameter
):
    PolicyDocumentFactory(title_en="Notice on model registries")
    # One value too many for a repeated filter: a 400 with or without a precondition.
    path = "/policies/?" + "&".join([parameter] * 101)

    conditional = client.get(path, headers={"If-None-Match": "*"})
    plain = client.get(path)

    assert conditional.status_code == plain.status_code == 400
    assert "Give at most 100 values." in plain.text


def test_the_page_cache_keys_a_page_by_the_parameters_it_reads_in_a_normal_order(client):
    PolicyDocumentFactory(title_en="Notice on compute vouchers", doc_type="notice")
    first = client.get("/policies/?validity=in_force&doc_type=notice")
    reordered = client.get("/policies/?doc_type=notice&validity=in_force")
    with_junk = client.get("/policies/?doc_type=notice&junk123=1&validity=in_force&utm_source=x")
    other = client.get("/policies/?doc_type=law&validity=in_force")

    assert first[HIT] == "miss"
    assert reordered[HIT] == "hit"
    assert with_junk[HIT] == "hit"
    assert with_junk.content == first.content
    assert other[HIT] == "miss"
    assert "junk123" not in first.content.decode()


def test_a_parameter_no_page_reads_makes_no_new_cache_entry(client):
    assert client.get("/search/?q=compute")[HIT] == "miss"
    assert client.get("/search/?junk123=1&q=compute")[HIT] == "hit"
    assert client.get("/?junk123=1")[HIT] == "miss"
    assert client.get("/")[HIT] == "hit"
    assert client.get("/zones/?view=map&junk=1")[HIT] == "miss"
    assert client.get("/zones/?view=map")[HIT] == "hit"


def test_a_record_page_is_keyed_by_as_of_and_page_alone(client):
    zone = ZoneFactory(status=Status.PUBLISHED)
    document = PolicyDocumentFactory(status=Status.PUBLISHED)
    zone_page, document_page = zone.get_absolute_url(), document.get_absolute_url()

    assert client.get(f"{zone_page}?junk123=1")[HIT] == "miss"
    assert client.get(zone_page)[HIT] == "hit"
    assert client.get(f"{document_page}?utm_source=x&page=1")[HIT] == "miss"
    assert client.get(f"{document_page}?page=1")[HIT] == "hit"
    before_publication = client.get(f"{document_page}?page=1&as_of=2000-01-01")
    assert before_publication.status_code == 404
