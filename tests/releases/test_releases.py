"""Data releases: the package validates, its notes say what changed, drafts stay out, and the
releases are public on /data/ and in the API, cut only by publishers."""

import csv
import datetime
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from frictionless import validate

from core.dates import DatePrecision
from core.models import Status
from policies.models import PolicyDocument
from releases.models import Release
from releases.services import release_cut
from releases.tables import TABLES
from tests.factories import PolicyDocumentFactory, ZoneFactory
from tests.people import client_for, editor, publisher, superuser
from tests.site_fixtures import site_demo  # noqa: F401  (a fixture)
from zones.models import Program, Province, Zone

# One demo for the module; each test runs in a savepoint of it, releases included.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_demo")]

DEMO_DRAFT_ZONES = ["miit-changsha", "miit-nanjing", "miit-wuhan"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored(release, name) -> bytes:
    with release.files.get(name=name).file.open("rb") as handle:
        return handle.read()


def package_folder(release, tmp_path) -> Path:
    """The release's zip, unpacked, as a reader who downloaded it has it."""
    folder = tmp_path / "download"
    with zipfile.ZipFile(io.BytesIO(stored(release, release.package_file.name))) as archive:
        archive.extractall(folder)
    return folder / f"ai-pilot-zones-{release.version}"


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_release_of_the_demo_validates_as_a_frictionless_data_package(tmp_path):
    release = release_cut(note="The demo.")
    folder = package_folder(release, tmp_path)

    report = validate(str(folder / "datapackage.json"))

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((folder / "datapackage.json").read_text())
    tables = [resource for resource in descriptor["resources"] if "schema" in resource]
    assert {resource["name"] for resource in tables} == {table.name for table in TABLES}
    for resource in tables:
        for field in resource["schema"]["fields"]:
            assert field["description"].strip(), (resource["name"], field["name"])
    zones = next(resource for resource in tables if resource["name"] == "zones")
    assert {"name_en", "name_zh_hans", "summary_en", "summary_zh_hans"} <= {
        field["name"] for field in zones["schema"]["fields"]
    }


def test_every_file_carries_its_checksum_in_the_package_and_the_checksums_file():
    release = release_cut()

    descriptor = json.loads(stored(release, "datapackage.json"))
    sums = dict(
        reversed(line.split("  ")) for line in stored(release, "SHA256SUMS").decode().splitlines()
    )
    for resource in descriptor["resources"]:
        content = stored(release, resource["path"])
        assert resource["hash"] == f"sha256:{hashlib.sha256(content).hexdigest()}"
        assert resource["bytes"] == len(content)
    for file in release.files.all():
        content = stored(release, file.name)
        assert file.sha256 == hashlib.sha256(content).hexdigest()
        if not file.name.endswith(".zip") and file.name != "SHA256SUMS":
            assert sums[file.name] == file.sha256
    assert {"datapackage.json", "release-notes.md", "zones.csv", "data.json"} <= set(sums)


def test_frictionless_reports_a_file_changed_after_the_release(tmp_path):
    release = release_cut()
    folder = package_folder(release, tmp_path)
    zones = folder / "zones.csv"
    zones.write_bytes(zones.read_bytes().replace("北京".encode(), "南京".encode(), 1))

    report = validate(str(folder / "datapackage.json"))

    assert not report.valid
    assert "hash-count" in {error.type for task in report.tasks for error in task.errors}


def test_the_second_release_notes_list_exactly_the_edits_since_the_first():
    first = release_cut()
    miit = Program.objects.get(slug="miit")
    ZoneFactory(
        slug="miit-harbin",
        name_en="Harbin",
        name_zh_hans="哈尔滨",
        program=miit,
        province=Province.objects.order_by("slug").first(),
    )
    changed = Zone.objects.get(slug="most-deqing")
    changed.summary_en = "A corrected summary."
    changed.save()
    withdrawn = PolicyDocument.objects.get(slug="state-council-new-generation-ai-plan-2017")
    withdrawn.status = Status.WITHDRAWN
    withdrawn.save()

    second = release_cut()

    assert second.version == f"{first.version}.2"
    assert {
        kind: [(item["table"], item["key"]) for item in items]
        for kind, items in second.changes.items()
    } == {
        "added": [("zones", "miit-harbin")],
        "changed": [("zones", "most-deqing")],
        "withdrawn": [("policy_documents", "state-council-new-generation-ai-plan-2017")],
    }
    notes = stored(second, "release-notes.md").decode()
    assert f"since release {first.version}" in notes
    assert "zones `miit-harbin`: Harbin / 哈尔滨" in notes
    assert f"zones `most-deqing`: {changed.name_en} / {changed.name_zh_hans}" in notes
    assert (
        f"policy_documents `state-council-new-generation-ai-plan-2017`: {withdrawn.title_en}"
        in (notes)
    )


def test_a_release_with_no_edits_since_the_previous_lists_no_change():
    release_cut()

    again = release_cut()

    assert again.changes == {"added": [], "changed": [], "withdrawn": []}


def test_drafts_and_scheduled_records_never_appear_in_any_file(tmp_path):
    PolicyDocumentFactory(slug="secret-draft-notice", title_en="Secret draft", status=Status.DRAFT)
    PolicyDocumentFactory(
        slug="scheduled-notice",
        title_en="Not yet live",
        go_live_at=timezone.now() + datetime.timedelta(days=1),
    )
    ZoneFactory(slug="zone-in-review", name_en="Reviewed zone", status=Status.REVIEW)

    release = release_cut()

    hidden = [*DEMO_DRAFT_ZONES, "secret-draft-notice", "scheduled-notice", "zone-in-review"]
    folder = package_folder(release, tmp_path)
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8")
        for slug in hidden:
            assert slug not in text, (path.name, slug)
    zones = {row["slug"] for row in csv_rows(stored(release, "zones.csv"))}
    assert "miit-beijing" in zones
    assert zones.isdisjoint(hidden)


def test_dates_are_written_as_precisely_as_their_source_gives_them():
    ZoneFactory(
        slug="month-only",
        approved_on=datetime.date(2019, 8, 1),
        approved_on_precision=DatePrecision.MONTH,
    )

    release = release_cut()

    zones = {row["slug"]: row for row in csv_rows(stored(release, "zones.csv"))}
    assert zones["month-only"]["approved_on"] == "2019-08"
    assert zones["most-beijing"]["approved_on"] == "2019"
    assert zones["miit-beijing"]["approved_on"] == "2021-02-19"
    dump = {row["slug"]: row for row in json.loads(stored(release, "data.json"))["zones"]}
    assert dump["month-only"]["approved_on"] == "2019-08"
    assert dump["most-beijing"]["approved_on"] == "2019"


def test_tables_carry_english_and_chinese_columns():
    release = release_cut()

    zone = next(
        row for row in csv_rows(stored(release, "zones.csv")) if row["slug"] == "miit-beijing"
    )
    assert (zone["name_en"], zone["name_zh_hans"]) == ("Beijing", "北京")
    documents = csv_rows(stored(release, "policy_documents.csv"))
    assert all(row["title_zh_hans"] for row in documents)


def test_versions_are_the_date_then_a_number_for_more_releases_that_day():
    today = timezone.localdate().strftime("%Y.%m.%d")

    versions = [release_cut().version for _ in range(3)]

    assert versions == [today, f"{today}.2", f"{today}.3"]


def test_manage_py_release_cuts_a_release_and_prints_its_checksums():
    out = io.StringIO()

    call_command("release", note="From the command line.", stdout=out)

    release = Release.objects.get()
    assert release.note == "From the command line."
    assert f"Release {release.version}:" in out.getvalue()
    assert release.files.get(name="zones.csv").sha256 in out.getvalue()


# -- the public page and the downloads ------------------------------------------------------


def test_the_data_page_lists_releases_newest_first_with_notes_and_downloads(
    client, django_assert_max_num_queries
):
    first = release_cut(note="The first one.")
    Zone.objects.filter(slug="most-deqing").update(summary_en="Changed.")
    second = release_cut()

    with django_assert_max_num_queries(4):
        page = client.get("/data/")

    text = page.text
    assert page.status_code == 200
    assert text.index(f"Release {second.version}</h2>") < text.index(
        f"Release {first.version}</h2>"
    )
    assert "The first one." in text
    assert f'href="/data/{second.version}/{second.package_file.name}"' in text
    assert f'href="/data/{first.version}/datapackage.json"' in text
    assert second.files.get(name="zones.csv").sha256 in text
    assert 'href="/zones/most-deqing/"' in text  # the changed record, linked


def test_the_data_page_is_in_chinese_under_zh_hans(client):
    release = release_cut()

    page = client.get("/zh-hans/data/")

    assert page.status_code == 200
    assert "数据发布" in page.text
    assert f"/data/{release.version}/datapackage.json" in page.text
    assert "工业和信息化部" in page.text  # record titles in the reader's language


def test_the_data_page_shows_a_new_release_at_once(client):
    assert "Release" not in client.get("/data/").text.split("<main", 1)[1].split("</h1>", 1)[1]

    release = release_cut()

    assert f"Release {release.version}" in client.get("/data/").text


def test_a_release_file_downloads_as_an_attachment_with_its_type_and_checksum(client):
    release = release_cut()

    response = client.get(f"/data/{release.version}/zones.csv")

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="zones.csv"'
    assert response["ETag"] == f'"{hashlib.sha256(body).hexdigest()}"'
    assert hashlib.sha256(body).hexdigest() == release.files.get(name="zones.csv").sha256
    package = client.get(f"/data/{release.version}/{release.package_file.name}")
    assert package["Content-Type"] == "application/zip"


def test_an_unknown_release_or_file_is_404(client):
    release = release_cut()

    assert client.get(f"/data/{release.version}/passwords.csv").status_code == 404
    assert client.get("/data/1999.01.01/zones.csv").status_code == 404
    assert client.get("/data/..%2F..%2Fetc/passwd").status_code == 404
    assert client.get(f"/data/{release.version}/zones.csv%00").status_code == 404


# -- the API ----------------------------------------------------------------------------------


def test_the_api_lists_releases_newest_first_with_file_checksums(
    client, django_assert_max_num_queries
):
    first = release_cut()
    second = release_cut()

    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/releases/")

    data = response.json()
    assert response.status_code == 200
    assert data["count"] == 2
    assert [item["version"] for item in data["results"]] == [second.version, first.version]
    latest = data["results"][0]
    assert latest["url"] == f"http://testserver/api/v1/releases/{second.version}/"
    assert latest["html_url_zh_hans"] == f"http://testserver/zh-hans/data/#release-{second.version}"
    files = {file["name"]: file for file in latest["files"]}
    assert files["zones.csv"]["sha256"] == second.files.get(name="zones.csv").sha256
    assert files["zones.csv"]["url"] == f"http://testserver/data/{second.version}/zones.csv"
    assert latest["package"]["name"] == f"ai-pilot-zones-{second.version}.zip"


def test_the_api_detail_of_a_release_gives_its_changes(client):
    release_cut()
    Zone.objects.filter(slug="most-deqing").update(summary_en="Changed.")
    second = release_cut()

    data = client.get(f"/api/v1/releases/{second.version}/").json()

    assert data["version"] == second.version
    assert data["changes"]["changed"] == [
        {
            "table": "zones",
            "key": "most-deqing",
            "title_en": Zone.objects.get(slug="most-deqing").name_en,
            "title_zh_hans": Zone.objects.get(slug="most-deqing").name_zh_hans,
        }
    ]
    assert data["record_counts"]["zones"] == Zone.objects.published().count()


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/releases/2001.01.01/",
        "/api/v1/releases/2001.01.01.99/",
        "/api/v1/releases/latest/",
        "/api/v1/releases/%00/",
        "/api/v1/releases/9999999999999999999999/",
    ],
)
def test_an_unknown_release_in_the_api_is_a_404_in_the_api_error_shape(client, address):
    response = client.get(address)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_api_answers_a_current_etag_with_304_until_a_new_release(client):
    release = release_cut()
    detail = client.get(f"/api/v1/releases/{release.version}/")
    listing = client.get("/api/v1/releases/")

    assert (
        client.get(
            f"/api/v1/releases/{release.version}/", headers={"If-None-Match": detail["ETag"]}
        ).status_code
        == 304
    )
    assert (
        client.get("/api/v1/releases/", headers={"If-None-Match": listing["ETag"]}).status_code
        == 304
    )
    release_cut()
    assert (
        client.get("/api/v1/releases/", headers={"If-None-Match": listing["ETag"]}).status_code
        == 200
    )


def test_a_bad_page_of_the_api_list_is_a_400(client):
    response = client.get("/api/v1/releases/?page=0")

    assert response.status_code == 400
    assert "page" in response.json()["error"]["details"]


def test_the_api_offers_no_writes_to_releases(client):
    release = release_cut()
    chief = client_for(superuser())

    assert chief.post("/api/v1/releases/", {}).status_code == 405
    assert chief.delete(f"/api/v1/releases/{release.version}/").status_code == 405
    assert Release.objects.count() == 1


# -- the newsroom -----------------------------------------------------------------------------


def test_an_editor_cannot_cut_a_release():
    client = client_for(editor())

    assert client.get("/admin/releases/release/add/").status_code == 403
    assert client.post("/admin/releases/release/add/", {"note": ""}).status_code == 403
    assert not Release.objects.exists()
    assert client.get("/admin/releases/release/").status_code == 200  # they may look


def test_a_publisher_cuts_a_release_from_the_admin():
    client = client_for(publisher())

    form = client.get("/admin/releases/release/add/")
    response = client.post("/admin/releases/release/add/", {"note": "Cut in the newsroom."})

    assert form.status_code == 200
    assert "Cut the release" in form.text
    release = Release.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/releases/release/{release.pk}/change/"
    assert release.note == "Cut in the newsroom."
    assert release.cut_by.username == "publisher"
    assert release.files.filter(name="datapackage.json").exists()


def test_nobody_changes_or_deletes_a_release_in_the_admin():
    release = release_cut(note="As cut.")
    client = client_for(superuser())

    page = client.get(f"/admin/releases/release/{release.pk}/change/")
    client.post(f"/admin/releases/release/{release.pk}/change/", {"note": "Rewritten."})
    deleting = client.post(f"/admin/releases/release/{release.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200
    assert release.files.get(name="zones.csv").sha256 in page.text
    assert deleting.status_code == 403
    assert Release.objects.get().note == "As cut."


def test_the_sitemap_lists_the_data_page_in_both_languages(client):
    index = client.get("/sitemap.xml")
    assert "<loc>http://testserver/sitemap-data.xml</loc>" in index.text
    sitemap = client.get("/sitemap-data.xml")

    assert "http://testserver/data/</loc>" in sitemap.text
    assert 'hreflang="zh-hans" href="http://testserver/zh-hans/data/"' in sitemap.text
