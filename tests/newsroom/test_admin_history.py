"""History in the admin: who changed what and when, a readable diff between any two versions
and with the live record, and a revert that is a new version and keeps the workflow."""

import pytest

from core.models import Status
from policies.models import PolicyDocument
from tests import people
from tests.factories import (
    AuthorityFactory,
    DirectiveFactory,
    FocusAreaFactory,
    PolicyDocumentFactory,
    ZoneFactory,
)
from zones.models import Zone

pytestmark = pytest.mark.django_db

LONG_EN = (
    "Build intelligent ports and logistics along the river, open test fields for autonomous "
    "vehicles and publish the data that industry needs."
)


def save_through_admin(client, record, url, **changes):
    form = client.get(f"{url}{record.pk}/change/")
    data = people.changeform_data(form)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    response = client.post(f"{url}{record.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


@pytest.fixture
def edited_document():
    """A document an editor created, then changed: its title, authorities and a directive."""
    editor = people.editor()
    client = people.client_for(editor)
    old_authority = AuthorityFactory(name_en="Old Ministry")
    new_authority = AuthorityFactory(name_en="New Ministry")
    document = PolicyDocumentFactory(
        title_en="Notice on pilot zones",
        summary_en=LONG_EN,
        status=Status.DRAFT,
        authorities=[old_authority],
    )
    zone = ZoneFactory(name_en="Harbour City")
    url = "/admin/policies/policydocument/"
    save_through_admin(
        client,
        document,
        url,
        title_en="Notice on national pilot zones",
        summary_en=LONG_EN.replace("river", "coast"),
        authorities=[str(new_authority.pk)],
        **{
            "directives-TOTAL_FORMS": "1",
            "directives-0-zone": str(zone.pk),
            "directives-0-position": "1",
            "directives-0-text_en": "Build a smart port.",
        },
    )
    return document, client, editor


def test_each_admin_save_is_one_version_with_who_and_what_changed(edited_document):
    document, client, editor = edited_document

    page = client.get(f"/admin/policies/policydocument/{document.pk}/history/")

    versions = page.context["versions"]
    assert [version.number for version in versions] == [2, 1]
    latest = versions[0]
    assert latest.user == editor
    assert "title (English)" in latest.changed_labels
    assert "issuing authorities" in latest.changed_labels
    assert "Directives" in latest.changed_labels
    assert "editor" in page.text


def test_compare_shows_each_changed_field_with_before_and_after(edited_document):
    document, client, _editor = edited_document

    page = client.get(f"/admin/policies/policydocument/{document.pk}/history/compare/?old=1&new=2")

    text = page.text
    assert "<del>Notice on pilot zones</del>" in text
    assert "<ins>Notice on national pilot zones</ins>" in text
    assert "<del>Old Ministry</del>" in text
    assert "<ins>New Ministry</ins>" in text
    # A long text shows the words that changed, not two walls of text.
    assert "<del>river</del><ins>coast</ins>" in text
    assert "Added: Harbour City" in text


def test_compare_with_live_diffs_a_version_against_the_current_record(edited_document):
    document, client, _editor = edited_document
    PolicyDocument.objects.filter(pk=document.pk).update(status=Status.PUBLISHED)

    page = client.get(f"/admin/policies/policydocument/{document.pk}/history/compare/?old=1")

    assert page.context["new_is_live"]
    assert "the live record (version 2)" in page.text
    assert "<ins>Notice on national pilot zones</ins>" in page.text


def test_the_same_version_twice_shows_no_differences(edited_document):
    document, client, _editor = edited_document

    page = client.get(f"/admin/policies/policydocument/{document.pk}/history/compare/?old=2&new=2")

    assert "No differences." in page.text


def test_an_editors_revert_of_a_public_record_waits_as_its_next_version(edited_document):
    document, client, _editor = edited_document
    PolicyDocument.objects.filter(pk=document.pk).update(status=Status.PUBLISHED)
    live_title = PolicyDocument.objects.get(pk=document.pk).title_en

    confirm = client.get(f"/admin/policies/policydocument/{document.pk}/history/1/revert/")
    assert "the public keeps seeing the live version" in confirm.text
    client.post(
        f"/admin/policies/policydocument/{document.pk}/history/1/revert/",
        {"expected_version": 2},
    )

    document.refresh_from_db()
    assert document.title_en == live_title
    assert document.status == Status.PUBLISHED
    assert document.version == 2
    form = client.get(f"/admin/policies/policydocument/{document.pk}/change/")
    assert form.context["adminform"].form.initial["title_en"] == "Notice on pilot zones"
    old_ministry = document.authorities.model.objects.get(name_en="Old Ministry")
    assert form.context["adminform"].form.initial["authorities"] == [old_ministry.pk]


def test_a_publishers_revert_of_a_live_record_waits_as_its_next_version_until_published():
    zone = ZoneFactory(name_en="First name", status=Status.PUBLISHED)
    zone.name_en = "Second name"
    zone.save()
    publisher = people.publisher()
    client = people.client_for(publisher)

    client.post(f"/admin/zones/zone/{zone.pk}/history/1/revert/", {"expected_version": 2})

    # The live version keeps serving; the old text waits in the working copy.
    live = Zone.objects.published().get(pk=zone.pk)
    assert (live.name_en, live.version) == ("Second name", 2)
    form = client.get(f"/admin/zones/zone/{zone.pk}/change/")
    assert form.context["adminform"].form.initial["name_en"] == "First name"
    client.post(f"/admin/zones/zone/{zone.pk}/workflow/publish/", {"expected_version": 3})
    reverted = Zone.objects.published().get(pk=zone.pk)
    assert (reverted.name_en, reverted.version) == ("First name", 3)


def test_a_revert_based_on_an_old_version_is_refused():
    zone = ZoneFactory(name_en="First name", status=Status.DRAFT)
    zone.name_en = "Second name"
    zone.save()
    client = people.client_for(people.editor())

    page = client.post(
        f"/admin/zones/zone/{zone.pk}/history/1/revert/", {"expected_version": 1}, follow=True
    )

    assert Zone.objects.get(pk=zone.pk).name_en == "Second name"
    assert "Someone else saved this record" in page.text


def test_focus_area_changes_are_recorded_and_shown():
    zone = ZoneFactory(status=Status.DRAFT, focus_areas=[FocusAreaFactory(name_en="Smart port")])
    client = people.client_for(people.editor())
    healthcare = FocusAreaFactory(name_en="Healthcare")

    save_through_admin(client, zone, "/admin/zones/zone/", focus_areas=[str(healthcare.pk)])
    page = client.get(f"/admin/zones/zone/{zone.pk}/history/compare/?old=1&new=live")

    assert "<del>Smart port</del>" in page.text
    assert "<ins>Healthcare</ins>" in page.text


def test_a_directive_changed_on_its_own_shows_in_its_documents_history():
    directive = DirectiveFactory(text_en="Build a port.", document__status=Status.DRAFT)
    document = directive.document
    client = people.client_for(people.editor())
    save_through_admin(client, document, "/admin/policies/policydocument/", summary_en="Now")
    form = client.get(f"/admin/policies/directive/{directive.pk}/change/")
    client.post(
        f"/admin/policies/directive/{directive.pk}/change/",
        people.changeform_data(form) | {"text_en": "Build a smart port."},
    )

    page = client.get(f"/admin/policies/policydocument/{document.pk}/history/compare/?old=1")

    assert "Changed: " + directive.zone.name_en in page.text
    assert "<del>Build a port.</del>" in page.text
    assert "<ins>Build a smart port.</ins>" in page.text


def test_history_pages_cost_a_bounded_number_of_queries(
    edited_document, django_assert_max_num_queries
):
    document, client, _editor = edited_document
    for number in range(10):
        record = PolicyDocument.objects.get(pk=document.pk)
        record.summary_en = f"Summary {number}"
        record.save()

    with django_assert_max_num_queries(40):
        page = client.get(f"/admin/policies/policydocument/{document.pk}/history/")

    assert len(page.context["versions"]) == 12


def test_a_revert_brings_the_documents_directives_back_as_they_were(edited_document):
    document, client, _editor = edited_document
    directive = document.directives.get()
    other_zone = ZoneFactory(name_en="River Town")
    url = "/admin/policies/policydocument/"
    # Version 3: the directive reworded, a second one added.
    save_through_admin(
        client,
        document,
        url,
        **{
            "directives-0-text_en": "Build a smarter port.",
            "directives-TOTAL_FORMS": "2",
            "directives-1-zone": str(other_zone.pk),
            "directives-1-position": "2",
            "directives-1-text_en": "Build a river port.",
        },
    )
    assert document.directives.count() == 2

    confirm = client.get(f"{url}{document.pk}/history/2/revert/")
    assert "Removed: River Town" in confirm.text
    client.post(f"{url}{document.pk}/history/2/revert/", {"expected_version": 3})

    restored = document.directives.get()
    assert restored.pk == directive.pk
    assert restored.text_en == "Build a smart port."
    # Back to version 1: no directive at all, the original title.
    client.post(f"{url}{document.pk}/history/1/revert/", {"expected_version": 4})
    assert not document.directives.exists()
    assert PolicyDocument.objects.get(pk=document.pk).title_en == "Notice on pilot zones"
    # And forward again to version 2: the directive returns under its old key.
    client.post(f"{url}{document.pk}/history/2/revert/", {"expected_version": 5})
    assert document.directives.get().pk == directive.pk


def test_compare_with_live_on_a_record_with_a_working_copy_shows_the_waiting_changes():
    zone = ZoneFactory(name_en="Live name", summary_en="Live summary", status=Status.PUBLISHED)
    client = people.client_for(people.editor())
    save_through_admin(client, zone, "/admin/zones/zone/", name_en="Next name")

    form = client.get(f"/admin/zones/zone/{zone.pk}/change/")
    history = client.get(f"/admin/zones/zone/{zone.pk}/history/")
    page = client.get(f"/admin/zones/zone/{zone.pk}/history/compare/?old=live&new=working")

    compare_url = f"/admin/zones/zone/{zone.pk}/history/compare/?old=live&amp;new=working"
    assert compare_url in form.text
    assert compare_url in history.text
    assert "From the live record (version 1)" in page.text
    assert "the next version, not yet public (version 2)" in page.text
    assert "<del>Live name</del>" in page.text
    assert "<ins>Next name</ins>" in page.text
    assert "Live summary" not in page.text  # unchanged fields are left out


def test_any_version_compares_with_the_working_copy_including_its_parts():
    directive = DirectiveFactory(text_en="Build a port.", document__status=Status.PUBLISHED)
    document = directive.document
    client = people.client_for(people.editor())
    save_through_admin(
        client,
        document,
        "/admin/policies/policydocument/",
        **{"directives-0-text_en": "Build a smart port."},
    )

    page = client.get(
        f"/admin/policies/policydocument/{document.pk}/history/compare/?old=1&new=working"
    )

    assert PolicyDocument.objects.get(pk=document.pk).directives.get().text_en == "Build a port."
    assert "Changed: " + directive.zone.name_en in page.text
    assert "<ins>Build a smart port.</ins>" in page.text


def test_a_never_published_draft_offers_no_compare_with_live():
    zone = ZoneFactory(name_en="First name", status=Status.DRAFT)
    zone.name_en = "Second name"
    zone.save()
    client = people.client_for(people.editor())

    history = client.get(f"/admin/zones/zone/{zone.pk}/history/")
    page = client.get(f"/admin/zones/zone/{zone.pk}/history/compare/?old=1&new=live")

    assert "Compare with live" not in history.text
    assert "there is no live version to compare with" in history.text
    assert "the live record" not in page.text
    assert "version 2 (" in page.text
