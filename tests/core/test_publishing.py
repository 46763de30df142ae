import datetime
import time

import pytest
from django.db import connection
from django.utils import timezone

from core.models import Status
from policies.models import Directive, PolicyDocument
from tests.factories import (
    BatchFactory,
    DirectiveFactory,
    PolicyDocumentFactory,
    ProgramFactory,
    ZoneFactory,
)
from zones.models import Zone

pytestmark = pytest.mark.django_db


def visible_slugs():
    return set(PolicyDocument.objects.published().values_list("slug", flat=True))


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.WITHDRAWN])
def test_unpublished_statuses_are_hidden(status):
    PolicyDocumentFactory(slug="hidden", status=status)

    assert "hidden" not in visible_slugs()


def test_published_without_go_live_is_shown():
    PolicyDocumentFactory(slug="live", status=Status.PUBLISHED, go_live_at=None)

    assert visible_slugs() == {"live"}


def test_published_with_past_go_live_is_shown():
    PolicyDocumentFactory(
        slug="went-live", go_live_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    assert visible_slugs() == {"went-live"}


def test_published_with_future_go_live_is_hidden_and_listed_as_scheduled():
    PolicyDocumentFactory(slug="tomorrow", go_live_at=timezone.now() + datetime.timedelta(days=1))

    assert visible_slugs() == set()
    assert list(PolicyDocument.objects.scheduled().values_list("slug", flat=True)) == ["tomorrow"]


def test_scheduled_record_appears_when_its_time_passes_without_any_job():
    # The database's clock decides, so nothing has to run at go-live time.
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        database_now = cursor.fetchone()[0]
    PolicyDocumentFactory(slug="soon", go_live_at=database_now + datetime.timedelta(seconds=1.5))
    assert visible_slugs() == set()

    time.sleep(1.6)

    assert visible_slugs() == {"soon"}


def test_zone_is_hidden_while_its_program_is_a_draft():
    ZoneFactory(slug="orphan", program=ProgramFactory(status=Status.DRAFT))
    ZoneFactory(slug="adopted")

    assert set(Zone.objects.published().values_list("slug", flat=True)) == {"adopted"}


def test_zone_is_hidden_while_its_batch_is_a_draft():
    program = ProgramFactory()
    ZoneFactory(
        slug="unconfirmed",
        program=program,
        batch=BatchFactory(program=program, status=Status.DRAFT),
    )
    ZoneFactory(slug="confirmed", program=program, batch=BatchFactory(program=program))

    assert set(Zone.objects.published().values_list("slug", flat=True)) == {"confirmed"}


def test_directive_is_public_only_when_document_and_zone_are():
    public_zone, draft_zone = ZoneFactory(), ZoneFactory(status=Status.DRAFT)
    public_document = PolicyDocumentFactory()
    draft_document = PolicyDocumentFactory(status=Status.REVIEW)
    shown = DirectiveFactory(document=public_document, zone=public_zone)
    DirectiveFactory(document=public_document, zone=draft_zone)
    DirectiveFactory(document=draft_document, zone=public_zone)

    assert list(Directive.objects.published()) == [shown]


def test_every_save_raises_the_version():
    document = PolicyDocumentFactory()
    assert document.version == 1

    document.summary_en = "Changed."
    document.save()
    document.refresh_from_db()

    assert document.version == 2
