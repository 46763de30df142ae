import pytest


def test_healthz_answers_without_a_database(client):
    # No database fixture: any query here would fail the test.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_database_and_cache(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]
