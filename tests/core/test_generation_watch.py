"""The content generation with Redis: each process keeps a copy and hears of every change.

A process reads the generation from Redis once and then only polls its subscription to the
cache's change notices (core/cache.py ``GenerationWatch``, core/redis_cache.py); a change made
by any other process is seen by its next read. These tests use the Redis on 127.0.0.1:6379 and
a real second process.
"""

import uuid
from unittest import mock
from urllib.parse import quote

import pytest
from django.core.cache import cache, caches
from django.db import connections
from django.test import override_settings

from core.cache import content_generation, generation_watch
from tests.core.test_settings import run_django
from tests.factories import PolicyDocumentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def redis_settings(database: int = 0) -> dict:
    return {
        "default": {
            "BACKEND": "core.redis_cache.RedisCache",
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
        code="import django; django.setup(); from core.cache import bump_generation; "
        "bump_generation()",
    )
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture
def notices_only(monkeypatch):
    """No periodic re-read within the test: what the process learns, it learns from notices
    (starting the second process takes longer than the usual second)."""
    monkeypatch.setattr(generation_watch, "MAX_AGE_SECONDS", 3600)


def test_a_change_made_by_another_process_is_seen_by_the_next_read(redis_cache, notices_only):
    before = content_generation()
    assert content_generation() == before
    bump_in_another_process(redis_cache)
    after = content_generation()
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


def test_reads_without_a_change_do_not_ask_redis(redis_cache):
    content_generation()
    with mock.patch.object(
        redis_cache._cache, "get_many", wraps=redis_cache._cache.get_many
    ) as get_many:
        for _ in range(50):
            content_generation()
    # At most one read: the copy is refreshed once a second whatever the notices say.
    assert get_many.call_count <= 1


def test_without_redis_notices_every_read_asks_the_cache():
    assert not getattr(cache, "supports_change_notices", False)
    first = content_generation()
    cache.incr("content:generation")  # as another process sharing this cache would
    assert content_generation() == first + 1


def test_emptying_the_cache_is_noticed():
    settings = redis_settings(database=14)  # clear() empties the whole Redis database
    with override_settings(CACHES=settings):
        try:
            caches["default"].set("ping", 1, 5)
        except Exception:
            pytest.skip("no Redis on 127.0.0.1:6379")
        before = content_generation()
        caches["default"].clear()
        assert content_generation() != before
        caches["default"].clear()
    generation_watch.forget()
