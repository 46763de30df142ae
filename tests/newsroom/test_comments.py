"""Comments on a record: a short thread on its change form, newest last, that editors and
publishers add to and that the newsroom log records."""

import pytest
from django.contrib.contenttypes.models import ContentType

from core.models import Comment, LogAction, LogEvent, Status
from core.services import working_copy_save
from tests import people
from tests.factories import PolicyDocumentFactory, ZoneFactory
from zones.models import Zone

pytestmark = pytest.mark.django_db


def comment_url(record):
    content_type = ContentType.objects.get_for_model(type(record))
    return f"/admin/comments/{content_type.pk}/{record.pk}/"


def change_url(zone):
    return f"/admin/zones/zone/{zone.pk}/change/"


def test_the_thread_shows_on_the_change_form_oldest_first_with_who_wrote_it():
    zone = ZoneFactory(status=Status.PUBLISHED)
    editor, publisher = people.editor(), people.publisher()
    people.client_for(editor).post(comment_url(zone), {"text": "First: is the date right?"})
    people.client_for(publisher).post(comment_url(zone), {"text": "Second: cite the notice."})

    page = people.client_for(editor).get(change_url(zone)).text

    thread = page[page.index('id="comments"') :]
    assert thread.index("First: is the date right?") < thread.index("Second: cite the notice.")
    assert "editor" in thread
    assert "publisher" in thread
    assert 'action="' + comment_url(zone) + '"' in thread


def test_a_comment_goes_back_to_the_change_form_and_into_the_newsroom_log():
    zone = ZoneFactory(status=Status.DRAFT)
    client = people.client_for(people.editor())

    response = client.post(comment_url(zone), {"text": "Added the source."})

    assert response.status_code == 302
    assert response["Location"] == f"{change_url(zone)}#comments"
    event = LogEvent.objects.get(action=LogAction.COMMENTED)
    assert (event.object_id, event.user.username, event.detail) == (
        zone.pk,
        "editor",
        "Added the source.",
    )


def test_the_thread_belongs_to_the_record_and_survives_its_working_copy():
    zone = ZoneFactory(status=Status.PUBLISHED)
    other = ZoneFactory(status=Status.PUBLISHED)
    editor = people.editor()
    zone.summary_en = "Next words"
    working_copy_save(record=zone, user=editor, expected_version=None)
    client = people.client_for(editor)
    client.post(comment_url(zone), {"text": "Changed the summary."})

    on_working_copy = client.get(change_url(zone)).text
    on_other = client.get(change_url(other)).text

    assert "Changed the summary." in on_working_copy
    assert "Changed the summary." not in on_other


def test_an_empty_or_overlong_comment_is_refused_with_a_message_not_an_error():
    zone = ZoneFactory(status=Status.DRAFT)
    client = people.client_for(people.editor())

    empty = client.post(comment_url(zone), {"text": "   "}, follow=True)
    overlong = client.post(comment_url(zone), {"text": "x" * 2001}, follow=True)

    assert empty.status_code == overlong.status_code == 200
    assert "The comment was not added" in empty.text
    assert "The comment was not added" in overlong.text
    assert not Comment.objects.exists()


def test_comments_to_an_unknown_record_or_by_get_are_refused_cleanly():
    zone = ZoneFactory(status=Status.DRAFT)
    client = people.client_for(people.editor())
    zone_type = ContentType.objects.get_for_model(Zone)
    user_type = ContentType.objects.get(app_label="auth", model="user")

    assert client.get(comment_url(zone)).status_code == 405
    assert client.post(f"/admin/comments/{zone_type.pk}/999999/", {"text": "x"}).status_code == 404
    assert client.post(f"/admin/comments/99999/{zone.pk}/", {"text": "x"}).status_code == 404
    huge = "9" * 30
    assert client.post(f"/admin/comments/{zone_type.pk}/{huge}/", {"text": "x"}).status_code == 404
    assert client.post(f"/admin/comments/{huge}/{zone.pk}/", {"text": "x"}).status_code == 404
    # Accounts are not records of the register: no thread, whatever the id.
    assert client.post(f"/admin/comments/{user_type.pk}/1/", {"text": "x"}).status_code == 404
    assert not Comment.objects.exists()


def test_who_may_only_view_a_record_sees_the_thread_but_cannot_add_to_it():
    document = PolicyDocumentFactory(status=Status.REVIEW)
    people.client_for(people.publisher()).post(comment_url(document), {"text": "Seen."})
    viewer = people.make_user("viewer", codenames=["view_policydocument"])
    client = people.client_for(viewer)

    page = client.get(f"/admin/policies/policydocument/{document.pk}/change/").text
    refused = client.post(comment_url(document), {"text": "Let me in."})

    assert "Seen." in page
    assert "Add comment" not in page
    assert refused.status_code == 403
    assert Comment.objects.count() == 1
