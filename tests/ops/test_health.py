"""/readyz tells a load balancer the truth when the database or the cache is down."""

import pytest


def test_readyz_answers_503_naming_the_database_when_it_is_unreachable(
    client, database_unreachable
):
    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["problems"]["database"].startswith("OperationalError")
    assert "cache" not in body["problems"]
    assert "no-cache" in response["Cache-Control"]


def test_healthz_stays_up_while_the_database_is_down(client, database_unreachable):
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_readyz_answers_503_naming_the_cache_when_it_is_unreachable(client, settings, closed_port):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    problems = response.json()["problems"]
    assert "ConnectionError" in problems["cache"]
    assert "database" not in problems


def test_a_page_answers_503_with_retry_after_while_the_database_is_down(
    client, database_unreachable
):
    response = client.get("/zones/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "try again" in response.text


def test_pages_recover_by_themselves_once_the_database_is_back(
    client, database_access, closed_port
):
    connection = database_access
    real = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port))
    try:
        assert client.get("/zones/").status_code == 503
    finally:
        connection.settings_dict.update(real)

    assert client.get("/zones/").status_code == 200
