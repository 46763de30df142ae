"""Two editors open the same record; the first saves; the second's save is refused with what
changed meanwhile, and nothing of the first is overwritten."""

import pytest

from core.models import Status
from core.services import working_copy_of
from policies.models import PolicyDocument
from tests import people
from tests.factories import DirectiveFactory, PolicyDocumentFactory, ZoneFactory
from zones.models import Zone

pytestmark = pytest.mark.django_db


def two_editors_open(url):
    """Two editors, each signed in, each with the change form at ``url`` as they opened it:
    their clients, then the forms they would post back unchanged."""
    first = people.client_for(people.editor("first"))
    second = people.client_for(people.editor("second"))
    return (
        first,
        second,
        people.changeform_data(first.get(url)),
        people.changeform_data(second.get(url)),
    )


def test_the_second_of_two_saves_is_refused_and_shows_what_the_first_changed():
    zone = ZoneFactory(name_en="Harbour", summary_en="Original summary", status=Status.DRAFT)
    url = f"/admin/zones/zone/{zone.pk}/change/"
    first, second, first_form, second_form = two_editors_open(url)
    assert first_form["expected_version"] == second_form["expected_version"] == "1"

    first.post(url, first_form | {"summary_en": "First editor's summary"})
    refused = second.post(url, second_form | {"name_en": "Second editor's name"})

    assert refused.status_code == 200
    assert "Someone else saved this record after you opened it" in refused.text
    assert "you opened version 1; it is now at version 2" in refused.text
    assert "<del>Original summary</del>" in refused.text
    assert "<ins>First editor&#x27;s summary</ins>" in refused.text
    # What the second editor typed is still on the page to copy, and was not saved.
    assert "Second editor&#x27;s name" in refused.text
    stored = Zone.objects.get(pk=zone.pk)
    assert stored.summary_en == "First editor's summary"
    assert stored.name_en == "Harbour"
    assert stored.version == 2


def test_a_stale_save_of_a_document_lists_directives_changed_meanwhile():
    directive = DirectiveFactory(text_en="Build a port.", document__status=Status.DRAFT)
    document = directive.document
    url = f"/admin/policies/policydocument/{document.pk}/change/"
    first, second, first_form, second_form = two_editors_open(url)

    first.post(url, first_form | {"directives-0-text_en": "Build a smart port."})
    refused = second.post(url, second_form | {"summary_en": "Mine"})

    assert "Changed: " + directive.zone.name_en in refused.text
    assert "<ins>Build a smart port.</ins>" in refused.text
    assert PolicyDocument.objects.get(pk=document.pk).summary_en != "Mine"


def test_a_save_without_the_version_it_was_opened_at_is_refused():
    document = PolicyDocumentFactory(status=Status.DRAFT)
    url = f"/admin/policies/policydocument/{document.pk}/change/"
    client = people.client_for(people.editor())
    data = people.changeform_data(client.get(url))
    data.pop("expected_version")

    refused = client.post(url, data | {"summary_en": "Blind write"})

    assert refused.status_code == 200
    assert "missing the version" in refused.text
    assert PolicyDocument.objects.get(pk=document.pk).summary_en != "Blind write"


def test_the_change_form_carries_the_version_it_shows():
    zone = ZoneFactory()
    zone.save()

    page = people.client_for(people.editor()).get(f"/admin/zones/zone/{zone.pk}/change/")

    assert '<input type="hidden" name="expected_version" value="2"' in page.text


def test_a_refused_save_of_a_working_copy_keeps_the_typed_text_beside_the_newer_version():
    zone = ZoneFactory(name_en="Harbour", summary_en="Live summary", status=Status.PUBLISHED)
    url = f"/admin/zones/zone/{zone.pk}/change/"
    first, second, first_form, second_form = two_editors_open(url)

    first.post(url, first_form | {"summary_en": "The first editor's summary"})
    refused = second.post(
        url, second_form | {"summary_en": "The second editor's summary", "name_en": "Haven"}
    )

    assert refused.status_code == 200
    assert "Someone else saved this record after you opened it" in refused.text
    # Everything the second editor typed is still in the inputs…
    page = people.changeform_data(refused)
    assert page["summary_en"] == "The second editor's summary"
    assert page["name_en"] == "Haven"
    # …and beside them, the values saved meanwhile.
    assert '<span class="newsroom-newer">Saved meanwhile: The first editor&#x27;s summary' in (
        refused.text
    )
    assert "Saved meanwhile: Harbour" not in refused.text  # only the second changed the name
    working_copy = working_copy_of(zone)
    assert working_copy.snapshot["fields"]["summary_en"] == "The first editor's summary"
    assert working_copy.snapshot["fields"]["name_en"] == "Harbour"
    assert Zone.objects.get(pk=zone.pk).summary_en == "Live summary"


def test_after_a_refused_save_saving_again_keeps_the_typed_text():
    zone = ZoneFactory(summary_en="Original summary", status=Status.DRAFT)
    url = f"/admin/zones/zone/{zone.pk}/change/"
    first, second, first_form, second_form = two_editors_open(url)
    first.post(url, first_form | {"summary_en": "First"})
    refused = second.post(url, second_form | {"summary_en": "Second, with both in view"})

    saved = second.post(url, people.changeform_data(refused))

    assert saved.status_code == 302
    assert Zone.objects.get(pk=zone.pk).summary_en == "Second, with both in view"


def test_after_a_refused_save_fields_the_editor_left_alone_take_the_saved_values():
    zone = ZoneFactory(name_en="Harbour", summary_en="Original summary", status=Status.DRAFT)
    url = f"/admin/zones/zone/{zone.pk}/change/"
    first, second, first_form, second_form = two_editors_open(url)
    first.post(url, first_form | {"summary_en": "First editor's summary"})

    refused = second.post(url, second_form | {"name_en": "Haven"})
    page = people.changeform_data(refused)
    saved = second.post(url, page)

    # The summary the second editor never touched now holds the first editor's text, so saving
    # again keeps both changes.
    assert page["summary_en"] == "First editor's summary"
    assert page["name_en"] == "Haven"
    assert "Taken from the saved version" in refused.text
    assert saved.status_code == 302
    stored = Zone.objects.get(pk=zone.pk)
    assert (stored.name_en, stored.summary_en) == ("Haven", "First editor's summary")


def test_a_document_refused_and_saved_again_keeps_both_editors_changes():
    document = PolicyDocumentFactory(title_en="Old title", summary_en="Old", status=Status.DRAFT)
    url = f"/admin/policies/policydocument/{document.pk}/change/"
    first, second, first_form, second_form = two_editors_open(url)
    first.post(url, first_form | {"summary_en": "First editor's summary"})

    refused = second.post(url, second_form | {"title_en": "Second editor's title"})
    saved = second.post(url, people.changeform_data(refused))

    assert refused.status_code == 200
    assert saved.status_code == 302
    stored = PolicyDocument.objects.get(pk=document.pk)
    assert stored.title_en == "Second editor's title"
    assert stored.summary_en == "First editor's summary"
