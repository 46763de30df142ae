"""Spreadsheet import and export in the admin: a dry run that writes nothing, all rows or none,
errors by row number, the workflow kept, and an export that imports back unchanged."""

import csv
import io
import json
import os
import re
import tempfile

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from api.zones import KEY_SEPARATOR
from core.models import LogAction, LogEvent, Status, WorkingCopy
from newsroom.imports import PendingImportStorage
from policies.models import Directive, PolicyDocument
from tests import people
from tests.factories import (
    AuthorityFactory,
    BatchFactory,
    DirectiveFactory,
    FocusAreaFactory,
    PolicyDocumentFactory,
    ProgramFactory,
    ProvinceFactory,
    SourceFactory,
    ZoneFactory,
)
from zones.models import Province, Zone

pytestmark = pytest.mark.django_db

CSV, XLSX, JSON = 0, 1, 2
FORMULA_NAME = '=HYPERLINK("https://attacker.example/","Harbour")'
ZONES = "/admin/zones/zone/"
DOCUMENTS = "/admin/policies/policydocument/"
DIRECTIVES = "/admin/policies/directive/"


ZONE_HEADER = "slug,Name (English),Name (中文),program,province,approved_on,status"


def zone_rows(*rows, header=ZONE_HEADER):
    return ("\n".join([header, *rows]) + "\n").encode()


@pytest.fixture
def places():
    ProgramFactory(slug="miit")
    ProvinceFactory(slug="tianjin")
    ProvinceFactory(slug="zhejiang")


def history_rows():
    return Zone.history.count() + PolicyDocument.history.count() + Directive.history.count()


export = people.admin_export


def test_the_dry_run_shows_each_row_and_writes_nothing(places):
    client = people.client_for(people.editor())
    existing = ZoneFactory(slug="tianjin-binhai", name_en="Tianjin", status=Status.DRAFT)
    before = history_rows()

    dry_run = client.post(
        f"{ZONES}import/",
        {
            "import_file": SimpleUploadedFile(
                "zones.csv",
                zone_rows(
                    "tianjin-binhai,Tianjin (Binhai New Area),天津,miit,tianjin,2021-02,draft",
                    "hangzhou,Hangzhou,杭州,miit,zhejiang,2021-02-19,draft",
                ),
            ),
            "format": str(CSV),
        },
    )

    assert dry_run.status_code == 200
    result = dry_run.context["result"]
    assert [row.import_type for row in result.rows] == ["update", "new"]
    # The changed row shows what changes: words added to the name, the date's precision.
    assert "<ins> (Binhai New Area)</ins>" in dry_run.text
    assert "<span>2021-02</span><del>-19</del>" in dry_run.text
    assert dry_run.context["confirm_form"] is not None
    assert Zone.objects.get(pk=existing.pk).name_en == "Tianjin"
    assert not Zone.objects.filter(slug="hangzhou").exists()
    assert history_rows() == before


def test_the_preview_lists_the_rows_that_change_before_the_unchanged_ones(places):
    client = people.client_for(people.publisher())
    first = [
        "anhui-hefei,Hefei,合肥,miit,zhejiang,2021-02,draft",
        "beijing,Beijing,北京,miit,tianjin,2021-02,draft",
        "chengdu,Chengdu,成都,miit,zhejiang,2021-02,draft",
    ]
    people.admin_import(client, ZONES, zone_rows(*first), "zones.csv", CSV)

    dry_run = client.post(
        f"{ZONES}import/",
        {
            "import_file": SimpleUploadedFile(
                "zones.csv",
                zone_rows(
                    first[0],
                    "deqing,Deqing,德清,miit,zhejiang,2021-02,draft",
                    "beijing,Beijing (Haidian),北京,miit,tianjin,2021-02,draft",
                    first[2],
                ),
            ),
            "format": str(CSV),
        },
    )

    preview = dry_run.text[dry_run.text.index('class="import-preview"') :]
    slugs = ("anhui-hefei", "beijing", "chengdu", "deqing")
    listed = [
        (re.search(r"<td>(\d+)</td>", row)[1], next(slug for slug in slugs if f">{slug}<" in row))
        for row in re.findall(r'<tr class="\w+">(.*?)</tr>', preview, re.S)
    ]
    assert listed == [("2", "deqing"), ("3", "beijing"), ("1", "anhui-hefei"), ("4", "chengdu")]
    assert [row.import_type for row in dry_run.context["result"].valid_rows()] == [
        "new",
        "update",
        "skip",
        "skip",
    ]


def test_a_failing_row_is_reported_by_number_and_nothing_is_offered_for_import(places):
    client = people.client_for(people.editor())

    dry_run, confirmed = people.admin_import(
        client,
        ZONES,
        zone_rows(
            "hangzhou,Hangzhou,杭州,miit,zhejiang,2021-02-19,draft",
            "nowhere,Nowhere,无处,miit,atlantis,2021-02,draft",
            "undated,Undated,无日期,miit,zhejiang,19/02/2021,draft",
        ),
        "zones.csv",
        CSV,
    )

    assert confirmed is None
    invalid = {row.number: row for row in dry_run.context["result"].invalid_rows}
    assert set(invalid) == {2, 3}
    assert "There is no province with the key “atlantis”." in dry_run.text
    assert "Enter the date as 2021-02-19" in dry_run.text
    assert not Zone.objects.filter(slug="hangzhou").exists()


def test_a_row_that_fails_at_confirmation_rolls_back_the_whole_file(places):
    client = people.client_for(people.editor())
    ProvinceFactory(slug="sichuan")
    content = zone_rows(
        "hangzhou,Hangzhou,杭州,miit,zhejiang,2021-02-19,draft",
        "chengdu,Chengdu,成都,miit,sichuan,2021-02-19,draft",
    )
    dry_run = client.post(
        f"{ZONES}import/",
        {"import_file": SimpleUploadedFile("zones.csv", content), "format": str(CSV)},
    )
    confirm = {field.html_name: field.value() for field in dry_run.context["confirm_form"]}
    # Between the dry run and the confirmation, the second row's province goes away.
    Province.objects.filter(slug="sichuan").delete()

    done = client.post(f"{ZONES}process_import/", confirm, follow=True)

    assert "Nothing was imported" in done.text
    assert "row 2" in done.text
    assert not Zone.objects.filter(slug__in=["hangzhou", "chengdu"]).exists()


def test_an_editors_import_saves_drafts_even_when_the_file_says_published(places):
    client = people.client_for(people.editor())

    people.admin_import(
        client,
        ZONES,
        zone_rows("hangzhou,Hangzhou,杭州,miit,zhejiang,2021-02-19,published"),
        "zones.csv",
        CSV,
    )

    assert Zone.objects.get(slug="hangzhou").status == Status.DRAFT


def test_a_publishers_import_publishes_what_the_file_says(places):
    client = people.client_for(people.publisher())

    people.admin_import(
        client,
        ZONES,
        zone_rows(
            "hangzhou,Hangzhou,杭州,miit,zhejiang,2021-02-19,published",
            "ningbo,Ningbo,宁波,miit,zhejiang,2021,draft",
        ),
        "zones.csv",
        CSV,
    )

    assert Zone.objects.get(slug="hangzhou").status == Status.PUBLISHED
    assert Zone.objects.get(slug="ningbo").status == Status.DRAFT


def test_an_editors_import_that_changes_a_public_record_waits_in_its_working_copy(places):
    ZoneFactory(slug="hangzhou", name_en="Hangzhou", status=Status.PUBLISHED)
    client = people.client_for(people.editor())

    people.admin_import(
        client,
        ZONES,
        zone_rows("hangzhou,Hangzhou City,杭州,miit,zhejiang,2021-02-19,published"),
        "zones.csv",
        CSV,
    )

    zone = Zone.objects.get(slug="hangzhou")
    assert zone.name_en == "Hangzhou"
    assert zone.status == Status.PUBLISHED
    assert WorkingCopy.objects.get().snapshot["fields"]["name_en"] == "Hangzhou City"


def public_directive_text(document, zone) -> str:
    """The directive's text as the public reads it, checking that the document's page and
    API record answer 200 on the way."""
    public = APIClient()
    assert public.get(f"/policies/{document.slug}/").status_code == 200
    record = public.get(f"/api/v1/policies/{document.slug}/")
    assert record.status_code == 200
    return public.get(f"/api/v1/directives/{document.slug}{KEY_SEPARATOR}{zone.slug}/").json()[
        "text_en"
    ]


def test_an_editors_directive_import_on_a_public_document_waits_in_its_working_copy():
    document = PolicyDocumentFactory(slug="notice", status=Status.PUBLISHED)
    zone = ZoneFactory(slug="hangzhou")
    DirectiveFactory(document=document, zone=zone, position=1, text_en="Build a port.")
    ZoneFactory(slug="ningbo")
    client = people.client_for(people.editor())

    dry_run, confirmed = people.admin_import(
        client,
        DIRECTIVES,
        b"document,zone,position,text_en\n"
        b"notice,hangzhou,1,Build a smart city.\n"
        b"notice,ningbo,2,Build a smart harbour.\n",
        "directives.csv",
        CSV,
    )

    assert confirmed is not None
    assert dry_run.text.count("into the working copy, public once published") == 2
    assert set(LogEvent.objects.values_list("action", "object_id")) == {
        (LogAction.IMPORTED, document.pk)
    }
    document.refresh_from_db()
    assert document.status == Status.PUBLISHED
    assert [d.text_en for d in document.directives.all()] == ["Build a port."]
    assert public_directive_text(document, zone) == "Build a port."
    assert "Build a port." in APIClient().get("/policies/notice/").text

    people.client_for(people.publisher()).post(
        f"{DOCUMENTS}{document.pk}/workflow/publish/",
        {"expected_version": WorkingCopy.objects.get().version},
    )

    assert not WorkingCopy.objects.exists()
    assert public_directive_text(document, zone) == "Build a smart city."
    page = APIClient().get("/policies/notice/").text
    assert "Build a smart city." in page
    assert "Build a smart harbour." in page


def test_a_directive_import_run_twice_adds_a_new_directive_to_the_working_copy_once():
    document = PolicyDocumentFactory(slug="notice", status=Status.PUBLISHED)
    ZoneFactory(slug="ningbo")
    client = people.client_for(people.editor())
    content = b"document,zone,position,text_en\nnotice,ningbo,1,Build a smart harbour.\n"

    people.admin_import(client, DIRECTIVES, content, "directives.csv", CSV)
    again, _confirmed = people.admin_import(client, DIRECTIVES, content, "directives.csv", CSV)

    assert [row.import_type for row in again.context["result"].rows] == ["skip"]
    rows = WorkingCopy.objects.get().snapshot["parts"]["policies.directive"]["rows"]
    assert [row["fields"]["text_en"] for row in rows] == ["Build a smart harbour."]
    people.client_for(people.publisher()).post(
        f"{DOCUMENTS}{document.pk}/workflow/publish/",
        {"expected_version": WorkingCopy.objects.get().version},
    )
    assert [d.text_en for d in document.directives.all()] == ["Build a smart harbour."]


def test_a_directive_import_on_a_draft_document_writes_the_directives_at_once():
    document = PolicyDocumentFactory(slug="notice", status=Status.DRAFT)
    ZoneFactory(slug="hangzhou")
    client = people.client_for(people.editor())

    dry_run, _confirmed = people.admin_import(
        client,
        DIRECTIVES,
        b"document,zone,position,text_en\nnotice,hangzhou,1,Build a smart city.\n",
        "directives.csv",
        CSV,
    )

    assert "into the working copy" not in dry_run.text
    assert Directive.objects.get(document=document).text_en == "Build a smart city."
    assert not WorkingCopy.objects.exists()


def test_unreadable_files_are_a_form_error():
    client = people.client_for(people.editor())

    response = client.post(
        f"{ZONES}import/",
        {
            "import_file": SimpleUploadedFile("zones.xlsx", b"this is not a spreadsheet"),
            "format": str(XLSX),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.fixture
def register():
    """Zones, documents and directives with every kind of column filled, in both languages."""
    batch = BatchFactory(program__slug="miit-pilot-zones", number=2)
    focus = [FocusAreaFactory(slug="smart-port"), FocusAreaFactory(slug="healthcare")]
    source = SourceFactory(slug="notice-2021")
    zones = [
        ZoneFactory(
            slug=f"zone-{n}",
            program=batch.program,
            batch=batch,
            name_zh_hans=f"先导区{n}",
            city_zh_hans="天津",
            approved_on="2021-02-01",
            approved_on_precision="month",
            focus_areas=focus[: n % 2 + 1],
            status=[Status.PUBLISHED, Status.DRAFT, Status.REVIEW][n % 3],
        )
        for n in range(3)
    ]
    for zone in zones:
        zone.sources.set([source])
    # A name a spreadsheet would run as a formula, and a negative-looking text.
    zones[0].name_en = FORMULA_NAME
    zones[0].city_en = "-Binhai"
    zones[0].save()
    older = PolicyDocumentFactory(slug="older-plan", authorities=[AuthorityFactory()])
    document = PolicyDocumentFactory(
        slug="second-batch-notice",
        doc_number="工信部科〔2021〕23号",
        title_zh_hans="关于支持建设先导区的函",
        body_en="# Notice\n\nA body in **Markdown**.",
        body_zh_hans="正文",
        written_on="2021-02-10",
        issued_on="2021-02-19",
        batch=batch,
        zones=zones,
        focus_areas=focus,
        authorities=[AuthorityFactory(), AuthorityFactory()],
    )
    older.superseded_by = document
    older.save()
    document.programs.set([batch.program])
    for position, zone in enumerate(zones, 1):
        DirectiveFactory(
            document=document, zone=zone, position=position, text_zh_hans="建设智能港口"
        )
    Directive.objects.first().focus_areas.set(focus)


def snapshot():
    return {
        "zones": list(Zone.objects.order_by("pk").values()),
        "documents": list(PolicyDocument.objects.order_by("pk").values()),
        "directives": list(Directive.objects.order_by("pk").values()),
        "history": history_rows(),
    }


@pytest.mark.parametrize("file_format", [CSV, XLSX, JSON])
@pytest.mark.parametrize("changelist", [ZONES, DOCUMENTS, DIRECTIVES])
def test_exported_files_import_back_without_changing_anything(register, changelist, file_format):
    client = people.client_for(people.publisher())
    content = export(client, changelist, file_format)
    before = snapshot()

    dry_run, confirmed = people.admin_import(
        client, changelist, content, f"export.{['csv', 'xlsx', 'json'][file_format]}", file_format
    )

    result = dry_run.context["result"]
    assert not result.has_errors()
    assert not result.has_validation_errors(), [r.error for r in result.invalid_rows]
    assert result.totals["skip"] == result.total_rows > 0
    assert confirmed is not None
    assert snapshot() == before


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_export_headers_name_each_language_of_a_bilingual_column(register, language):
    client = people.client_for(people.editor())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    headers = {
        changelist: next(
            csv.reader(io.StringIO(export(client, changelist, CSV).decode("utf-8-sig")))
        )
        for changelist in (ZONES, DOCUMENTS, DIRECTIVES)
    }

    assert headers[ZONES][:3] == ["slug", "Name (English)", "Name (中文)"]
    assert {"City or district (English)", "Summary (中文)"} <= set(headers[ZONES])
    assert headers[DOCUMENTS][:3] == ["slug", "Title (English)", "Title (中文)"]
    assert {"Body (English)", "Body (中文)"} <= set(headers[DOCUMENTS])
    assert {"Text (English)", "Text (中文)"} <= set(headers[DIRECTIVES])
    assert not any(
        header.endswith(("_en", "_zh_hans")) for row in headers.values() for header in row
    )


def test_a_file_with_the_former_field_name_headers_still_imports(places):
    client = people.client_for(people.publisher())
    rows = zone_rows(
        "hangzhou,Hangzhou,杭州,miit,zhejiang,2021-02-19,draft",
        header="slug,name_en,name_zh_hans,program,province,approved_on,status",
    )

    _dry_run, confirmed = people.admin_import(client, ZONES, rows, "zones.csv", CSV)

    assert confirmed is not None
    zone = Zone.objects.get(slug="hangzhou")
    assert (zone.name_en, zone.name_zh_hans) == ("Hangzhou", "杭州")


@pytest.mark.parametrize("file_format", [CSV, XLSX, JSON])
def test_a_document_number_not_known_survives_export_and_import(register, file_format):
    client = people.client_for(people.publisher())
    PolicyDocument.objects.filter(slug="older-plan").update(doc_number="", doc_number_unknown=True)
    content = export(client, DOCUMENTS, file_format)
    # Someone unticks "not known" meanwhile; importing the file ticks it again.
    PolicyDocument.objects.filter(slug="older-plan").update(doc_number_unknown=False)

    _dry_run, confirmed = people.admin_import(
        client, DOCUMENTS, content, f"export.{['csv', 'xlsx', 'json'][file_format]}", file_format
    )

    assert confirmed is not None
    flags = dict(PolicyDocument.objects.values_list("slug", "doc_number_unknown"))
    assert flags == {"older-plan": True, "second-batch-notice": False}
    assert PolicyDocument.objects.get(slug="older-plan").doc_number == ""


@pytest.mark.parametrize(("cell", "unknown"), [("1", True), ("0", False), ("", False)])
def test_the_number_not_known_column_reads_1_0_or_empty(cell, unknown):
    client = people.client_for(people.publisher())
    header = "slug,title_en,doc_type,doc_number,doc_number_unknown,status"

    _dry_run, confirmed = people.admin_import(
        client,
        DOCUMENTS,
        f"{header}\nflagged,Flagged,notice,,{cell},draft\n".encode(),
        "documents.csv",
        CSV,
    )

    assert confirmed is not None
    assert PolicyDocument.objects.get(slug="flagged").doc_number_unknown is unknown


def test_a_number_not_known_cell_that_is_no_yes_or_no_is_a_row_error():
    client = people.client_for(people.publisher())
    header = "slug,title_en,doc_type,doc_number,doc_number_unknown,status"

    dry_run, confirmed = people.admin_import(
        client,
        DOCUMENTS,
        f"{header}\nflagged,Flagged,notice,,maybe,draft\n".encode(),
        "documents.csv",
        CSV,
    )

    assert confirmed is None
    assert "Write 1 for yes or 0 for no." in dry_run.text
    assert not PolicyDocument.objects.filter(slug="flagged").exists()


def test_export_follows_the_changelists_filter(register):
    client = people.client_for(people.editor())

    content = export(client, ZONES, JSON, "?publication=draft")

    rows = json.loads(content)
    assert [row["slug"] for row in rows] == ["zone-1"]
    assert rows[0]["approved_on"] == "2021-02"
    assert rows[0]["Name (中文)"] == "先导区1"


def test_export_writes_slugs_and_dates_as_precise_as_their_source(register):
    client = people.client_for(people.editor())

    sheet = tablib.Dataset().load(io.BytesIO(export(client, DOCUMENTS, XLSX)), format="xlsx")

    row = next(row for row in sheet.dict if row["slug"] == "second-batch-notice")
    assert row["batch"] == "miit-pilot-zones/2"
    assert row["zones"] == "zone-0,zone-1,zone-2"
    assert row["issued_on"] == "2021-02-19"
    assert row["doc_number"] == "工信部科〔2021〕23号"
    older = next(row for row in sheet.dict if row["slug"] == "older-plan")
    assert older["superseded_by"] == "second-batch-notice"


def test_the_csv_export_writes_formulas_as_text(register):
    client = people.client_for(people.editor())

    content = export(client, ZONES, CSV).decode("utf-8-sig")

    row = next(row for row in csv.DictReader(io.StringIO(content)) if row["slug"] == "zone-0")
    assert row["Name (English)"] == "'" + FORMULA_NAME
    assert row["City or district (English)"] == "'-Binhai"


def test_the_xlsx_export_writes_formulas_as_text_not_as_formulas(register):
    client = people.client_for(people.editor())

    book = openpyxl.load_workbook(io.BytesIO(export(client, ZONES, XLSX)))

    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    row = next(
        row for row in sheet.iter_rows(min_row=2) if row[header.index("slug")].value == "zone-0"
    )
    name = row[header.index("Name (English)")]
    assert name.data_type == "s"
    assert name.value == "'" + FORMULA_NAME
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def pending_import(client, content=None):
    """Upload a file for import and stop at the confirmation: the confirmation's fields."""
    content = content or zone_rows("hangzhou,Hangzhou,杭州,miit,zhejiang,2021-02-19,draft")
    dry_run = client.post(
        f"{ZONES}import/",
        {"import_file": SimpleUploadedFile("zones.csv", content), "format": str(CSV)},
    )
    return {field.html_name: field.value() for field in dry_run.context["confirm_form"]}


def test_an_editor_cannot_confirm_another_editors_pending_import(places):
    owner = people.client_for(people.editor("owner"))
    other = people.client_for(people.editor("other"))
    confirm = pending_import(owner)
    pending = PendingImportStorage(name=confirm["import_file_name"])

    refused = other.post(f"{ZONES}process_import/", confirm, follow=True)

    assert "this is not a file you uploaded" in refused.text
    assert not Zone.objects.filter(slug="hangzhou").exists()
    assert pending.exists()
    # The owner's import still goes through, once.
    done = owner.post(f"{ZONES}process_import/", confirm, follow=True)
    assert Zone.objects.filter(slug="hangzhou").exists()
    assert not pending.exists()
    again = owner.post(f"{ZONES}process_import/", confirm, follow=True)
    assert done.status_code == again.status_code == 200
    assert "it was imported already" in again.text


def test_a_confirmation_naming_any_other_temporary_file_is_refused_and_the_file_kept(places):
    client = people.client_for(people.editor())
    confirm = pending_import(client)
    # Someone else's file in the temporary folder, named as the library's own storage names them.
    with tempfile.NamedTemporaryFile(delete=False, suffix=".csv") as other:
        other.write(zone_rows("chengdu,Chengdu,成都,miit,zhejiang,2021-02-19,draft"))
    try:
        for name in (
            os.path.basename(other.name),
            other.name,
            f"../{os.path.basename(other.name)}",
        ):
            refused = client.post(
                f"{ZONES}process_import/", {**confirm, "import_file_name": name}, follow=True
            )
            assert "this is not a file you uploaded" in refused.text
            assert os.path.exists(other.name)
        assert not Zone.objects.filter(slug="chengdu").exists()
    finally:
        os.remove(other.name)
