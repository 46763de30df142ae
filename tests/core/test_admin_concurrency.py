"""Two editors open the same record; the first saves; the second's save is refused with what
changed meanwhile, and nothing of the first is overwritten."""

import pytest

from core.models import Status
from policies.models import PolicyDocument
from tests import newsroom
from tests.factories import DirectiveFactory, PolicyDocumentFactory, ZoneFactory
from zones.models import Zone

pytestmark = pytest.mark.django_db


def test_the_second_of_two_saves_is_refused_and_shows_what_the_first_changed():
    zone = ZoneFactory(name_en="Harbour", summary_en="Original summary", status=Status.DRAFT)
    url = f"/admin/zones/zone/{zone.pk}/change/"
    first = newsroom.client_for(newsroom.editor("first"))
    second = newsroom.client_for(newsroom.editor("second"))
    first_form = newsroom.changeform_data(first.get(url))
    second_form = newsroom.changeform_data(second.get(url))
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
    first = newsroom.client_for(newsroom.editor("first"))
    second = newsroom.client_for(newsroom.editor("second"))
    first_form = newsroom.changeform_data(first.get(url))
    second_form = newsroom.changeform_data(second.get(url))

    first.post(url, first_form | {"directives-0-text_en": "Build a smart port."})
    refused = second.post(url, second_form | {"summary_en": "Mine"})

    assert "Changed: " + directive.zone.name_en in refused.text
    assert "<ins>Build a smart port.</ins>" in refused.text
    assert PolicyDocument.objects.get(pk=document.pk).summary_en != "Mine"


def test_a_save_without_the_version_it_was_opened_at_is_refused():
    document = PolicyDocumentFactory(status=Status.DRAFT)
    url = f"/admin/policies/policydocument/{document.pk}/change/"
    client = newsroom.client_for(newsroom.editor())
    data = newsroom.changeform_data(client.get(url))
    data.pop("expected_version")

    refused = client.post(url, data | {"summary_en": "Blind write"})

    assert refused.status_code == 200
    assert "missing the version" in refused.text
    assert PolicyDocument.objects.get(pk=document.pk).summary_en != "Blind write"


def test_the_change_form_carries_the_version_it_shows():
    zone = ZoneFactory()
    zone.save()

    page = newsroom.client_for(newsroom.editor()).get(f"/admin/zones/zone/{zone.pk}/change/")

    assert '<input type="hidden" name="expected_version" value="2"' in page.text
