"""The pages the foundation serves: enough to see the register running."""

import pytest

from core.models import Status
from tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db


def test_home_shows_the_counts_of_published_zones_and_documents(client, demo):
    response = client.get("/")

    assert response.status_code == 200
    assert response.context["zone_count"] == 23
    assert response.context["document_count"] == 7
    assert "<strong>23</strong>" in response.text


def test_a_draft_zone_is_neither_listed_nor_shown(client):
    ZoneFactory(slug="public-zone", name_en="Harbour")
    ZoneFactory(slug="draft-zone", name_en="Unreleased", status=Status.DRAFT)

    assert "Harbour" in client.get("/zones/").text
    assert "Unreleased" not in client.get("/zones/").text
    assert client.get("/zones/draft-zone/").status_code == 404
    assert client.get("/zones/public-zone/").status_code == 200


def test_chinese_pages_live_under_zh_hans(client, demo):
    response = client.get("/zh-hans/zones/miit-tianjin-binhai/")

    assert response.status_code == 200
    assert '<html lang="zh-Hans"' in response.text
    assert "天津（滨海新区）" in response.text
