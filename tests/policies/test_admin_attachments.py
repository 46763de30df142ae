"""Attachments of documents: checked from their bytes, fingerprinted, capped in size and served
only as downloads; hostile files dressed up as PDFs are refused."""

import hashlib
import io

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Status
from policies.models import Attachment
from tests import people
from tests.factories import PolicyDocumentFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
HOSTILE = {
    "html named pdf": b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script>",
    "svg named pdf": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
    ),
    "pdf header then html": b"%PDF-1.4\n<html><script>alert(1)</script></html>",
    "pdf header then svg": b"%PDF-1.4\n<svg onload=alert(1)>",
    "xhtml with xml prolog": b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">'
    b"<script>alert(1)</script></html>",
    "plain text": "这是一段文字，不是文件。".encode(),
    "a zip that is no office file": (
        b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00!\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        b"\x00\x00\x00\x00\x05\x00\x00\x00a.txtPK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00"
        b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    ),
    "empty": b"",
}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, document, name, content, *, title="Original"):
    url = f"/admin/policies/policydocument/{document.pk}/change/"
    data = people.changeform_data(client.get(url))
    data |= {
        "attachments-TOTAL_FORMS": "1",
        "attachments-0-kind": "original",
        "attachments-0-language": "zh-hans",
        "attachments-0-title_en": title,
        "attachments-0-file": SimpleUploadedFile(name, content, content_type="application/pdf"),
    }
    return client.post(url, data)


@pytest.fixture
def editor_client():
    return people.client_for(people.editor())


def test_a_pdf_is_stored_with_its_type_size_and_sha256(editor_client):
    document = PolicyDocumentFactory(status=Status.DRAFT)

    response = upload(editor_client, document, "通知.pdf", PDF)

    assert response.status_code == 302
    attachment = Attachment.objects.get(document=document)
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.file.name.endswith("通知.pdf")


def test_the_type_comes_from_the_bytes_not_the_name(editor_client):
    document = PolicyDocumentFactory(status=Status.DRAFT)

    upload(editor_client, document, "scan.pdf", PNG)

    attachment = Attachment.objects.get(document=document)
    assert attachment.content_type == "image/png"
    assert attachment.file.name.endswith("scan.png")


def test_a_spreadsheet_is_told_apart_from_other_zip_files(editor_client):
    document = PolicyDocumentFactory(status=Status.DRAFT)
    workbook = io.BytesIO()
    openpyxl.Workbook().save(workbook)

    upload(editor_client, document, "annex.pdf", workbook.getvalue())

    attachment = Attachment.objects.get(document=document)
    assert attachment.content_type.endswith("spreadsheetml.sheet")
    assert attachment.file.name.endswith(".xlsx")


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_files_are_refused_with_a_message(editor_client, name):
    document = PolicyDocumentFactory(status=Status.DRAFT)

    response = upload(editor_client, document, "notice.pdf", HOSTILE[name])

    assert response.status_code == 200
    formset_errors = response.context["inline_admin_formsets"][3].formset.errors
    assert formset_errors[0]["file"]
    assert not Attachment.objects.exists()


def test_markup_is_named_in_the_refusal(editor_client):
    document = PolicyDocumentFactory(status=Status.DRAFT)

    response = upload(editor_client, document, "notice.pdf", HOSTILE["pdf header then html"])

    assert "web page or SVG markup" in response.text


def test_a_file_over_the_cap_is_refused_with_both_sizes(editor_client, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    document = PolicyDocumentFactory(status=Status.DRAFT)

    response = upload(editor_client, document, "big.pdf", PDF + b"0" * 2 * 1024 * 1024)

    assert "The file is 2.0 MB; attachments may be at most 1.0 MB." in response.text
    assert not Attachment.objects.exists()


def test_the_attachment_admin_checks_uploads_the_same_way(editor_client):
    document = PolicyDocumentFactory(status=Status.DRAFT)

    response = editor_client.post(
        "/admin/policies/attachment/add/",
        {
            "document": document.pk,
            "kind": "original",
            "language": "en",
            "title_en": "Disguised",
            "file": SimpleUploadedFile("notice.pdf", HOSTILE["svg named pdf"]),
        },
    )

    assert response.status_code == 200
    assert "web page or SVG markup" in response.text
    assert not Attachment.objects.exists()


def stored_attachment(status):
    document = PolicyDocumentFactory(slug="notice", status=status)
    return Attachment.objects.create(
        document=document, file=ContentFile(PDF, name="notice.pdf"), title_en="Original"
    )


def test_a_public_attachment_downloads_and_is_never_rendered(client):
    attachment = stored_attachment(Status.PUBLISHED)

    response = client.get(f"/policies/notice/attachments/{attachment.pk}/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()


def test_a_draft_documents_attachment_is_for_staff_only_and_not_cached(client):
    attachment = stored_attachment(Status.DRAFT)
    url = f"/policies/notice/attachments/{attachment.pk}/"

    assert client.get(url).status_code == 404
    staff = people.client_for(people.editor()).get(url)
    assert staff.status_code == 200
    assert "no-store" in staff["Cache-Control"]
    assert "private" in staff["Cache-Control"]
