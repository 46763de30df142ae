"""The content generation with Redis, shared by every process: a change made by one process is
seen by the next read of any other, although each process keeps an in-process copy of the
generation and of the pages it served and hears of changes through Redis pub/sub
(public/cache.py ``InProcessCopy``). These tests use the Redis on 127.0.0.1:6379 and a real
second process.
"""

import time
import uuid
from unittest import mock
from urllib.parse import quote

import pytest
from django.core.cache import caches
from django.db import connections
from django.test import override_settings

from public.cache import in_process_copy, read_generation
from tests.core.test_settings import run_django
from tests.factories import PolicyDocumentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def redis_settings(database: int = 0) -> dict:
    return {
        "default": {
            "BACKEND": "operations.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:6379/{database}",
            "KEY_PREFIX": f"apz-test-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def redis_cache():
    settings = redis_settings()
    with override_settings(CACHES=settings):
        try:
            caches["default"].set("ping", 1, 5)
        except Exception:
            pytest.skip("no Redis on 127.0.0.1:6379")
        yield caches["default"]
        # Only this test's keys: clear() would empty the whole Redis database.
        client = caches["default"]._cache.get_client(write=True)
        prefix = settings["default"]["KEY_PREFIX"]
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def bump_in_another_process(redis_cache) -> None:
    """``bump_generation()`` in a new Python process with this test's database and cache, as
    another gunicorn worker would run it."""
    database = connections["default"].settings_dict
    url = "postgresql://{user}:{password}@{host}:{port}/{name}".format(
        user=quote(database["USER"] or "", safe=""),
        password=quote(database["PASSWORD"] or "", safe=""),
        host=quote(database["HOST"] or "", safe=""),
        port=database["PORT"] or 5432,
        name=quote(database["NAME"], safe=""),
    )
    done = run_django(
        {
            "DATABASE_URL": url,
            "REDIS_URL": redis_cache._servers[0],
            "DJANGO_CACHE_KEY_PREFIX": redis_cache.key_prefix,
        },
        code="import django; django.setup(); from public.cache import bump_generation; "
        "bump_generation()",
    )
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture
def notices_only(monkeypatch):
    """No periodic re-read within the test: what the process learns, it learns from notices
    (starting the second process takes longer than the usual second)."""
    monkeypatch.setattr(in_process_copy, "MAX_AGE_SECONDS", 3600)


def test_a_change_made_by_another_process_is_seen_by_the_next_read(redis_cache):
    before = read_generation()[0]
    assert read_generation()[0] == before
    bump_in_another_process(redis_cache)
    after = read_generation()[0]
    assert after != before
    assert after == redis_cache.get("content:generation")


def test_a_publish_through_another_process_shows_on_the_next_page(
    redis_cache, notices_only, client
):
    PolicyDocumentFactory(title_en="Notice on shared caches")
    assert "Notice on shared caches" in client.get("/policies/").content.decode()
    assert client.get("/policies/")["X-Page-Cache"] == "hit"
    # Another worker's publish: this process sees no save and no signal of it.
    bump_in_another_process(redis_cache)
    assert client.get("/policies/")["X-Page-Cache"] == "miss"


def test_a_repeat_read_of_a_kept_page_asks_redis_nothing(redis_cache, client):
    PolicyDocumentFactory(title_en="Notice on shared caches")
    client.get("/policies/")
    client.get("/policies/")
    redis = redis_cache._cache
    with (
        mock.patch.object(redis, "get_many", wraps=redis.get_many) as get_many,
        mock.patch.object(redis, "get", wraps=redis.get) as get,
    ):
        for _ in range(20):
            assert client.get("/policies/")["X-Page-Cache"] == "hit"
    # At most one read: the copy of the generation is read again once a second anyway.
    assert get_many.call_count + get.call_count <= 1


@override_settings(PAGE_CACHE_SECONDS=1)
def test_a_page_copied_in_process_expires_with_the_page_in_redis(redis_cache, client):
    client.get("/policies/")
    assert client.get("/policies/")["X-Page-Cache"] == "hit"
    time.sleep(1.2)
    assert client.get("/policies/")["X-Page-Cache"] == "miss"


def test_emptying_the_cache_is_noticed():
    settings = redis_settings(database=14)  # clear() empties the whole Redis database
    with override_settings(CACHES=settings):
        try:
            caches["default"].set("ping", 1, 5)
        except Exception:
            pytest.skip("no Redis on 127.0.0.1:6379")
        before = read_generation()[0]
        caches["default"].clear()
        assert read_generation()[0] != before
