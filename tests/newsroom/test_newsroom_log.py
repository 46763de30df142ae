"""The newsroom log: every action with who, when and which record, filterable by person, action,
kind of record and date; the admin index's recent changes read from it."""

import datetime

import pytest
from django.utils import timezone

from core.models import LogAction, LogEvent, Status
from policies.demo import demo_load
from tests import people
from tests.factories import PolicyDocumentFactory, ZoneFactory

pytestmark = pytest.mark.django_db

LOG = "/admin/core/logevent/"
CONFIRM = {"expected_version": ""}  # a confirmation without the version it was opened at


def walk(editor, publisher):
    """An editor changes a zone and submits it; a publisher sends it back, then publishes a
    document."""
    zone = ZoneFactory(name_en="Logged harbour")
    document = PolicyDocumentFactory(title_en="Logged notice", status=Status.REVIEW)
    editor_client = people.client_for(editor)
    form = editor_client.get(f"/admin/zones/zone/{zone.pk}/change/")
    editor_client.post(
        f"/admin/zones/zone/{zone.pk}/change/",
        people.changeform_data(form) | {"summary_en": "Logged words."},
    )
    editor_client.post(f"/admin/zones/zone/{zone.pk}/workflow/submit/", CONFIRM)
    publisher_client = people.client_for(publisher)
    publisher_client.post(
        f"/admin/zones/zone/{zone.pk}/workflow/request_changes/",
        CONFIRM | {"reason": "Add a source."},
    )
    publisher_client.post(
        f"/admin/policies/policydocument/{document.pk}/workflow/publish/", CONFIRM
    )
    return zone, document


def test_every_step_of_the_walk_is_logged_with_who_and_which_record():
    editor, publisher = people.editor(), people.publisher()
    zone, document = walk(editor, publisher)

    lines = [
        (event.user.username, event.action, event.object_id, event.detail)
        for event in LogEvent.objects.order_by("pk")
    ]

    assert lines == [
        ("editor", LogAction.CHANGED, zone.pk, "next version"),
        ("editor", LogAction.SUBMITTED, zone.pk, "next version"),
        ("publisher", LogAction.SENT_BACK, zone.pk, "Add a source."),
        ("publisher", LogAction.PUBLISHED, document.pk, ""),
    ]


def test_the_log_page_filters_by_person_action_kind_and_date():
    editor, publisher = people.editor(), people.publisher()
    walk(editor, publisher)
    LogEvent.objects.filter(action=LogAction.PUBLISHED).update(
        at=timezone.now() - datetime.timedelta(days=40)
    )
    client = people.client_for(editor)

    def shown(**query):
        page = client.get(LOG, query)
        assert page.status_code == 200
        return [(e.user.username, e.action) for e in page.context["cl"].result_list]

    assert len(shown()) == 4
    assert {user for user, _action in shown(user=publisher.pk)} == {"publisher"}
    assert shown(action="sent_back") == [("publisher", "sent_back")]
    assert shown(kind="policies.policydocument") == [("publisher", "published")]
    assert len(shown(kind="zones.zone")) == 3
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    assert len(shown(at__gte=midnight.isoformat())) == 3
    month_ago = midnight - datetime.timedelta(days=30)
    assert shown(at__lt=month_ago.isoformat()) == [("publisher", "published")]
    assert "Add a source." in client.get(LOG, {"action": "sent_back"}).text


def test_the_log_is_read_only_and_closed_to_outsiders():
    walk(people.editor(), people.publisher())
    event = LogEvent.objects.first()
    superuser = people.client_for(people.superuser())

    assert superuser.get(f"{LOG}add/").status_code == 403
    superuser.post(f"{LOG}{event.pk}/delete/", {"post": "yes"})
    assert LogEvent.objects.filter(pk=event.pk).exists()
    assert people.client_for(people.staff_without_permissions()).get(LOG).status_code == 403


def test_recent_changes_read_the_log_and_leave_out_the_demo_loader():
    demo_load()
    editor, publisher = people.editor(), people.publisher()
    walk(editor, publisher)

    board = people.client_for(editor).get("/admin/").context["newsroom"]

    assert [(item.label, str(item.kind)) for item in board["recent_changes"]] == [
        ("Logged notice", "published"),
        ("Logged harbour", "sent back"),
        ("Logged harbour", "submitted for review"),
        ("Logged harbour", "changed"),
    ]
