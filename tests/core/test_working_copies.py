"""Live stays live: an edit of a published record, by any route, becomes its working copy, and the
public keeps reading the live version, with 200, until the working copy is published."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import ChangeStatus, Status, WorkingCopy
from policies.models import Directive, PolicyDocument, Principle
from public.cache import NEXT_CHANGE_KEY
from tests import people
from tests.factories import (
    DirectiveFactory,
    FocusAreaFactory,
    PolicyDocumentFactory,
    PrincipleFactory,
    ZoneFactory,
)
from zones.models import Zone

pytestmark = pytest.mark.django_db

ZONES = "/admin/zones/zone/"
DOCUMENTS = "/admin/policies/policydocument/"


def edit_in_admin(client, url, record, **changes):
    form = client.get(f"{url}{record.pk}/change/")
    data = people.changeform_data(form) | changes
    return client.post(f"{url}{record.pk}/change/", data, follow=True)


def step(client, url, record, transition, **data):
    record.refresh_from_db()
    return client.post(
        f"{url}{record.pk}/workflow/{transition}/",
        {"expected_version": record.version, **data},
        follow=True,
    )


def assert_public_reads(zone, text):
    """The public page, the API record and search all answer 200 with ``text``."""
    public = APIClient()
    page = public.get(f"/zones/{zone.slug}/")
    assert page.status_code == 200
    assert text in page.text
    record = public.get(f"/api/v1/zones/{zone.slug}/")
    assert record.status_code == 200
    assert record.json()["summary_en"] == text
    found = public.get("/search/", {"q": text.split()[0]})
    assert found.status_code == 200
    assert zone.name_en in found.text


def test_an_editors_form_change_keeps_the_live_version_until_it_is_published():
    zone = ZoneFactory(summary_en="Harbour words live")
    editor = people.client_for(people.editor())

    done = edit_in_admin(editor, ZONES, zone, summary_en="Revised words pending")

    assert done.status_code == 200
    assert "keeps showing the live version" in done.text
    assert Zone.objects.get(pk=zone.pk).summary_en == "Harbour words live"
    assert Zone.objects.published().filter(pk=zone.pk).exists()
    assert_public_reads(zone, "Harbour words live")
    form = editor.get(f"{ZONES}{zone.pk}/change/")
    assert "Revised words pending" in form.text  # the editor sees the next version
    assert "not yet public" in form.text

    publisher = people.client_for(people.publisher())
    step(publisher, ZONES, zone, "publish")

    assert Zone.objects.get(pk=zone.pk).summary_en == "Revised words pending"
    assert not WorkingCopy.objects.exists()
    assert_public_reads(zone, "Revised words pending")


def test_a_working_copy_changes_links_only_when_published():
    kept, added = FocusAreaFactory(), FocusAreaFactory()
    zone = ZoneFactory(focus_areas=[kept])
    editor = people.client_for(people.editor())

    edit_in_admin(editor, ZONES, zone, focus_areas=[str(kept.pk), str(added.pk)])

    assert list(zone.focus_areas.all()) == [kept]
    form = editor.get(f"{ZONES}{zone.pk}/change/")
    assert sorted(form.context["adminform"].form.initial["focus_areas"]) == sorted(
        [kept.pk, added.pk]
    )
    step(people.client_for(people.publisher()), ZONES, zone, "publish")
    assert set(zone.focus_areas.all()) == {kept, added}


def test_an_editors_inline_change_keeps_the_live_parts_until_published():
    document = PolicyDocumentFactory(slug="inline-notice")
    directive = DirectiveFactory(document=document, position=1, text_en="Build ports.")
    PrincipleFactory(document=document, position=1, text_en="Old principle.")
    editor = people.client_for(people.editor())
    form = editor.get(f"{DOCUMENTS}{document.pk}/change/")
    data = people.changeform_data(form)
    data |= {
        "directives-0-text_en": "Build smarter ports.",
        "principles-TOTAL_FORMS": str(int(data["principles-TOTAL_FORMS"]) + 1),
        "principles-1-position": "2",
        "principles-1-text_en": "A new principle.",
        "principles-1-document": str(document.pk),
    }

    editor.post(f"{DOCUMENTS}{document.pk}/change/", data)

    assert Directive.objects.get(pk=directive.pk).text_en == "Build ports."
    assert list(Principle.objects.filter(document=document).values_list("text_en", flat=True)) == [
        "Old principle."
    ]
    page = APIClient().get("/policies/inline-notice/")
    assert page.status_code == 200
    assert "Build ports." in page.text
    assert "A new principle." not in page.text
    again = editor.get(f"{DOCUMENTS}{document.pk}/change/")
    assert "Build smarter ports." in again.text
    assert "A new principle." in again.text

    step(people.client_for(people.publisher()), DOCUMENTS, document, "publish")

    assert Directive.objects.get(pk=directive.pk).text_en == "Build smarter ports."
    assert sorted(
        Principle.objects.filter(document=document).values_list("text_en", flat=True)
    ) == ["A new principle.", "Old principle."]
    assert "A new principle." in APIClient().get("/policies/inline-notice/").text


def test_the_working_copy_form_can_be_saved_again_with_its_new_parts():
    document = PolicyDocumentFactory()
    editor = people.client_for(people.editor())
    form = editor.get(f"{DOCUMENTS}{document.pk}/change/")
    data = people.changeform_data(form)
    data |= {
        "principles-TOTAL_FORMS": str(int(data["principles-TOTAL_FORMS"]) + 1),
        "principles-0-position": "1",
        "principles-0-text_en": "Carried principle.",
        "principles-0-document": str(document.pk),
    }
    editor.post(f"{DOCUMENTS}{document.pk}/change/", data)

    edit_in_admin(editor, DOCUMENTS, document, summary_en="Second save.")

    snapshot = WorkingCopy.objects.get().snapshot
    assert snapshot["fields"]["summary_en"] == "Second save."
    rows = snapshot["parts"]["policies.principle"]["rows"]
    assert [row["fields"]["text_en"] for row in rows] == ["Carried principle."]


def test_a_bulk_publish_publishes_the_working_copies_not_the_rows_as_they_were():
    first = ZoneFactory(summary_en="First live.")
    second = ZoneFactory(summary_en="Second live.")
    editor = people.client_for(people.editor())
    edit_in_admin(editor, ZONES, first, summary_en="First next.")
    editor.post(
        ZONES,
        {"action": "submit_selected", "_selected_action": [first.pk], "confirm": "yes"},
    )
    assert WorkingCopy.objects.get().status == ChangeStatus.REVIEW
    assert Zone.objects.get(pk=first.pk).summary_en == "First live."

    people.client_for(people.publisher()).post(
        ZONES,
        {
            "action": "publish_selected",
            "_selected_action": [first.pk, second.pk],
            "confirm": "yes",
        },
    )

    assert Zone.objects.get(pk=first.pk).summary_en == "First next."
    assert Zone.objects.get(pk=second.pk).summary_en == "Second live."
    assert not WorkingCopy.objects.exists()


def test_an_editors_api_patch_is_accepted_and_the_live_record_keeps_serving():
    zone = ZoneFactory(slug="patched", summary_en="Live through the API.")
    client = APIClient()
    client.force_authenticate(people.editor())
    etag = client.get("/api/v1/zones/patched/")["ETag"]

    response = client.patch(
        "/api/v1/zones/patched/",
        {"summary_en": "Patched words."},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 202
    assert response.json()["summary_en"] == "Live through the API."
    assert_public_reads(zone, "Live through the API.")

    publisher = APIClient()
    publisher.force_authenticate(people.publisher())
    published = publisher.post("/api/v1/zones/patched/publish/", {}, format="json")

    assert published.status_code == 200
    assert published.json()["summary_en"] == "Patched words."
    assert_public_reads(zone, "Patched words.")


def test_an_editors_import_of_a_published_zone_waits_in_its_working_copy():
    zone = ZoneFactory(slug="imported", summary_en="Live before import.")
    header = "slug,name_en,name_zh_hans,program,province,approved_on,summary_en\n"
    row = (
        f"imported,{zone.name_en},{zone.name_zh_hans},{zone.program.slug},"
        f"{zone.province.slug},2021-02-19,Imported words.\n"
    )
    editor = people.client_for(people.editor())

    _dry_run, confirmed = people.admin_import(
        editor, ZONES, (header + row).encode(), "zones.csv", 0
    )

    assert confirmed is not None
    assert Zone.objects.get(pk=zone.pk).summary_en == "Live before import."
    assert WorkingCopy.objects.get().snapshot["fields"]["summary_en"] == "Imported words."
    assert_public_reads(zone, "Live before import.")


def assert_document_reads(document, text):
    """The document's public page and API record answer 200, the page with ``text``."""
    public = APIClient()
    page = public.get(f"/policies/{document.slug}/")
    assert page.status_code == 200
    assert text in page.text
    assert public.get(f"/api/v1/policies/{document.slug}/").status_code == 200


def test_an_editors_import_of_a_published_document_waits_in_its_working_copy():
    document = PolicyDocumentFactory(slug="imported-notice", summary_en="Live summary.")
    editor = people.client_for(people.editor())

    content = f"slug,title_en,summary_en\nimported-notice,{document.title_en},Imported summary.\n"

    _dry_run, confirmed = people.admin_import(
        editor, DOCUMENTS, content.encode(), "documents.csv", 0
    )

    assert confirmed is not None
    assert PolicyDocument.objects.get(pk=document.pk).summary_en == "Live summary."
    assert_document_reads(document, "Live summary.")
    step(people.client_for(people.publisher()), DOCUMENTS, document, "publish")
    assert_document_reads(document, "Imported summary.")


def test_an_editors_directive_import_waits_in_the_documents_working_copy():
    directive = DirectiveFactory(document__slug="directed", text_en="Live directive.")
    editor = people.client_for(people.editor())

    _dry_run, confirmed = people.admin_import(
        editor,
        "/admin/policies/directive/",
        f"document,zone,text_en\ndirected,{directive.zone.slug},Imported directive.\n".encode(),
        "directives.csv",
        0,
    )

    assert confirmed is not None
    assert Directive.objects.get(pk=directive.pk).text_en == "Live directive."
    assert_document_reads(directive.document, "Live directive.")
    step(people.client_for(people.publisher()), DOCUMENTS, directive.document, "publish")
    assert_document_reads(directive.document, "Imported directive.")


def test_an_editors_change_on_a_parts_own_page_keeps_the_live_part_until_published():
    directive = DirectiveFactory(document__slug="part-page", text_en="Live directive.")
    editor = people.client_for(people.editor())

    edit_in_admin(editor, "/admin/policies/directive/", directive, text_en="Edited directive.")

    assert Directive.objects.get(pk=directive.pk).text_en == "Live directive."
    assert_document_reads(directive.document, "Live directive.")
    step(people.client_for(people.publisher()), DOCUMENTS, directive.document, "publish")
    assert_document_reads(directive.document, "Edited directive.")


def test_a_scheduled_change_goes_live_at_its_time_with_no_job():
    zone = ZoneFactory(summary_en="Earlier harbour text.")
    edit_in_admin(people.client_for(people.editor()), ZONES, zone, summary_en="Later harbour text.")
    publisher = people.client_for(people.publisher())
    moment = timezone.localtime(timezone.now() + datetime.timedelta(hours=2))

    done = step(publisher, ZONES, zone, "schedule", go_live_at=moment.strftime("%Y-%m-%dT%H:%M:%S"))

    assert "goes live at" in done.text
    assert WorkingCopy.objects.get().status == ChangeStatus.SCHEDULED
    listing = publisher.get(ZONES)
    assert "Live · change scheduled for" in listing.text
    assert_public_reads(zone, "Earlier harbour text.")

    # The time passes (moved here to now): nothing runs, the next reader sees the new version.
    passed = timezone.now() - datetime.timedelta(seconds=1)
    WorkingCopy.objects.update(go_live_at=passed)
    cache.set(NEXT_CHANGE_KEY, passed.timestamp(), None)

    assert_public_reads(zone, "Later harbour text.")
    assert not WorkingCopy.objects.exists()


def test_discarding_a_working_copy_is_one_step_and_leaves_the_live_version():
    zone = ZoneFactory(summary_en="Kept words.")
    editor = people.client_for(people.editor())
    edit_in_admin(editor, ZONES, zone, summary_en="Thrown away.")
    assert "workflow/discard/" in editor.get(f"{ZONES}{zone.pk}/change/").text

    done = step(editor, ZONES, zone, "discard")

    assert "Changes discarded" in done.text
    assert not WorkingCopy.objects.exists()
    assert "Kept words." in editor.get(f"{ZONES}{zone.pk}/change/").text
    assert_public_reads(zone, "Kept words.")


def test_the_status_names_the_live_version_and_the_waiting_change():
    zone = ZoneFactory()
    editor = people.client_for(people.editor())
    edit_in_admin(editor, ZONES, zone, summary_en="Next words.")
    step(editor, ZONES, zone, "submit")

    listing = editor.get(ZONES)

    assert "Live · changes in review" in listing.text


def test_a_second_editor_with_an_old_form_is_refused_and_nothing_is_written():
    zone = ZoneFactory(summary_en="Original.")
    first = people.client_for(people.editor())
    second = people.client_for(people.editor("second"))
    old_form = people.changeform_data(second.get(f"{ZONES}{zone.pk}/change/"))
    edit_in_admin(first, ZONES, zone, summary_en="First editor.")

    refused = second.post(f"{ZONES}{zone.pk}/change/", old_form | {"summary_en": "Second."})

    assert refused.status_code == 200
    assert "Someone else saved this record" in refused.text
    assert WorkingCopy.objects.get().snapshot["fields"]["summary_en"] == "First editor."


def test_a_record_never_published_is_still_edited_as_a_draft():
    zone = ZoneFactory(status=Status.DRAFT, summary_en="Draft words.")

    edit_in_admin(people.client_for(people.editor()), ZONES, zone, summary_en="Edited draft.")

    assert Zone.objects.get(pk=zone.pk).summary_en == "Edited draft."
    assert not WorkingCopy.objects.exists()


def test_a_document_change_by_an_editor_stays_public():
    document = PolicyDocumentFactory(slug="kept-public")
    edit_in_admin(people.client_for(people.editor()), DOCUMENTS, document, summary_en="Next.")

    assert PolicyDocument.objects.published().filter(pk=document.pk).exists()
    assert APIClient().get("/policies/kept-public/").status_code == 200


def test_a_publisher_sends_a_change_back_with_a_reason_the_editor_reads():
    zone = ZoneFactory(name_en="Reasoned zone")
    editor = people.client_for(people.editor())
    edit_in_admin(editor, ZONES, zone, summary_en="Unsourced claim.")
    step(editor, ZONES, zone, "submit")
    publisher = people.client_for(people.publisher())

    without_reason = step(publisher, ZONES, zone, "request_changes", reason="  ")
    assert WorkingCopy.objects.get().status == ChangeStatus.REVIEW
    assert "Say what needs to change." in without_reason.text

    step(publisher, ZONES, zone, "request_changes", reason="Cite the ministry's notice.")

    working_copy = WorkingCopy.objects.get()
    assert working_copy.status == ChangeStatus.CHANGES_REQUESTED
    form = editor.get(f"{ZONES}{zone.pk}/change/")
    assert "Cite the ministry&#x27;s notice." in form.text
    board = editor.get("/admin/")
    assert "Cite the ministry&#x27;s notice." in board.text
    assert "Reasoned zone" in board.text
    assert "workflow/submit/" in form.text  # fix and send again

    edit_in_admin(editor, ZONES, zone, summary_en="Sourced claim.")
    step(editor, ZONES, zone, "submit")
    assert WorkingCopy.objects.get().status == ChangeStatus.REVIEW
    assert "Reasoned zone" in publisher.get("/admin/").text


def test_an_editors_revert_of_a_published_zone_becomes_its_working_copy():
    zone = ZoneFactory(summary_en="First words.")
    zone.summary_en = "Second words."
    zone.save()
    editor = people.client_for(people.editor())

    done = editor.post(
        f"{ZONES}{zone.pk}/history/1/revert/", {"expected_version": zone.version}, follow=True
    )

    assert "keeps seeing the live version" in done.text
    assert Zone.objects.get(pk=zone.pk).summary_en == "Second words."
    assert Zone.objects.published().filter(pk=zone.pk).exists()
    assert WorkingCopy.objects.get().snapshot["fields"]["summary_en"] == "First words."
