"""A body larger than the register accepts answers 413, in the API's shape under /api/."""

import json
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

JSON_LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_an_oversized_json_body_to_the_api_answers_413_in_the_api_error_shape(client):
    body = json.dumps({"summary_en": "x" * JSON_LIMIT})

    response = client.post("/api/v1/policies/", body, content_type="application/json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "request_too_large"
    assert "2.5" in error["message"]


def test_an_oversized_patch_with_a_token_answers_413_before_authentication(client):
    response = client.patch(
        "/api/v1/policies/some-document/",
        b"{" + b" " * (JSON_LIMIT + 1) + b"}",
        content_type="application/json",
        headers={"Authorization": "Token 0123456789abcdef0123456789abcdef01234567"},
    )

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_an_oversized_form_post_to_a_page_answers_a_plain_413_page(client):
    response = client.post(
        "/admin/login/",
        "username=editor&password=" + "x" * JSON_LIMIT,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>Request too large</h1>" in response.text


def test_a_multipart_form_whose_fields_are_too_large_answers_413(client):
    # Under the multipart limit as a whole, so only Django's count of the fields catches it.
    response = client.post("/admin/login/", {"username": "e" * JSON_LIMIT, "password": "p"})

    assert response.status_code == 413
    assert "Request too large" in response.text


def test_an_upload_over_the_whole_body_limit_answers_413(client, settings):
    settings.MAX_REQUEST_BODY_SIZE = 1024 * 1024
    attachment = SimpleUploadedFile("annex.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024))

    response = client.post("/admin/login/", {"username": "editor", "file": attachment})

    assert response.status_code == 413


def test_bodies_within_the_limits_are_answered_normally(client, settings):
    settings.MAX_REQUEST_BODY_SIZE = 1024 * 1024
    attachment = SimpleUploadedFile("annex.pdf", b"%PDF-1.7\n" + b"0" * (512 * 1024))

    form = client.post(
        "/admin/login/",
        "username=editor&password=" + "x" * (JSON_LIMIT - 100),
        content_type="application/x-www-form-urlencoded",
    )
    upload = client.post("/admin/login/", {"username": "editor", "file": attachment})

    assert form.status_code == 200
    assert upload.status_code == 200
    assert "Please enter the correct username and password" in form.text


def api_write_operations():
    """(method, path) of every write the API's OpenAPI schema documents, paths filled in."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method in ("post", "put", "patch", "delete"):
            if method in operations:
                yield method.upper(), re.sub(r"\{\w+\}", "some-record", path)


def test_every_api_write_answers_an_oversized_body_with_413_in_the_api_error_shape(client):
    writes = sorted(set(api_write_operations()))
    body = b'{"summary_en": "' + b"x" * JSON_LIMIT + b'"}'
    token = {"Authorization": "Token 0123456789abcdef0123456789abcdef01234567"}

    answers = {
        (method, path, signed): client.generic(
            method, path, body, content_type="application/json", headers=token if signed else {}
        )
        for method, path in writes
        for signed in (False, True)
    }

    assert {method for method, _path in writes} >= {"POST", "PUT", "PATCH"}
    assert any(path.endswith("/publish/") for _method, path in writes)
    for request, response in answers.items():
        assert response.status_code == 413, request
        assert response["Content-Type"] == "application/json", request
        assert response.json()["error"]["code"] == "request_too_large", request
        assert response.json()["error"]["message"], request
