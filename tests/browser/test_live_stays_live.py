"""Live stays live, in a browser: an editor changes a published zone's summary; the public page,
the API record and search keep the old text with 200 while the change is reviewed, sent back
with a reason, fixed and scheduled; the new text appears at its time with no job running."""

import datetime
import json
import time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.models import Status
from tests.browser.test_newsroom import log_in, messages, newsroom_people  # noqa: F401
from tests.factories import ZoneFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
GO_LIVE_AFTER = datetime.timedelta(seconds=15)
OLD = "Harbour City builds a smart port."
NEW = "Harbour City builds a smart port and an intelligent container terminal."


def public_reads(visitor, text):
    """The page, the API record and search: each 200, and each with ``text``."""
    page = visitor.goto("/zones/harbour-city/")
    assert page.status == 200
    assert text in visitor.content()
    record = visitor.request.get(
        "/api/v1/zones/harbour-city/", headers={"Accept": "application/json"}
    )
    assert record.status == 200
    assert json.loads(record.text())["summary_en"] == text
    found = visitor.goto("/search/?q=Harbour")
    assert found.status == 200
    assert "/zones/harbour-city/" in visitor.content()


def test_a_published_zone_stays_live_through_review_and_a_scheduled_change(
    new_browser_page,
    newsroom_people,  # noqa: F811
    screenshots,
):
    zone = ZoneFactory(
        slug="harbour-city", name_en="Harbour City", summary_en=OLD, status=Status.PUBLISHED
    )
    change_url = f"/admin/zones/zone/{zone.pk}/change/"
    visitor = new_browser_page()

    # The editor changes the summary of the published zone.
    editor = new_browser_page()
    log_in(editor, "wang.editor")
    editor.goto(change_url)
    assert "the public keeps seeing the live version" in editor.content()
    editor.fill("#id_summary_en", NEW)
    editor.click("input[name=_continue]")
    editor.wait_for_load_state()
    assert "keeps showing the live version" in messages(editor)
    screenshots(editor, "editor-saved-working-copy")
    public_reads(visitor, OLD)
    screenshots(visitor, "public-page-keeps-live-version")

    # The editor submits the change.
    editor.click("a.workflow-submit")
    editor.wait_for_load_state()
    editor.click("input[name=_confirm]")
    editor.wait_for_load_state()
    assert "Live · changes in review" in editor.content()
    public_reads(visitor, OLD)

    # The publisher sends it back with a reason, which the editor sees.
    publisher = new_browser_page()
    log_in(publisher, "li.publisher")
    assert "Harbour City" in publisher.locator("#newsroom-waiting").inner_text()
    publisher.goto(change_url)
    publisher.click("a.workflow-request_changes")
    publisher.wait_for_load_state()
    publisher.fill("#id_reason", "Name the terminal's operator.")
    screenshots(publisher, "request-changes-with-reason")
    publisher.click("input[name=_confirm]")
    publisher.wait_for_load_state()
    assert "Sent back to the editor" in messages(publisher)
    editor.goto("/admin/")
    assert "Name the terminal's operator." in editor.locator("#newsroom-sent-back").inner_text()
    editor.goto(change_url)
    assert "Name the terminal's operator." in editor.locator(".newsroom-reason").inner_text()
    screenshots(editor, "editor-sees-the-reason")
    public_reads(visitor, OLD)

    # The editor fixes it and submits again.
    editor.fill("#id_summary_en", NEW)
    editor.click("input[name=_continue]")
    editor.wait_for_load_state()
    editor.click("a.workflow-submit")
    editor.wait_for_load_state()
    editor.click("input[name=_confirm]")
    editor.wait_for_load_state()
    assert "Live · changes in review" in editor.content()

    # The publisher schedules the change a few seconds ahead, in Shanghai time.
    publisher.goto(change_url)
    publisher.click("a.workflow-schedule")
    publisher.wait_for_load_state()
    go_live = (timezone.now() + GO_LIVE_AFTER).astimezone(SHANGHAI).replace(microsecond=0)
    publisher.fill("#id_go_live_at", go_live.strftime("%Y-%m-%dT%H:%M:%S"))
    publisher.click("input[name=_confirm]")
    publisher.wait_for_load_state()
    assert f"goes live at {go_live:%Y-%m-%d %H:%M:%S} CST (Asia/Shanghai)" in messages(publisher)
    assert "Live · change scheduled for" in publisher.content()
    screenshots(publisher, "change-scheduled")
    public_reads(visitor, OLD)

    # The new text appears at its time, by itself; the page answered 200 at every step.
    deadline = time.monotonic() + GO_LIVE_AFTER.total_seconds() + 20
    while True:
        page = visitor.goto("/zones/harbour-city/")
        assert page.status == 200
        if NEW in visitor.content() or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert timezone.now() >= go_live
    public_reads(visitor, NEW)
    visitor.goto("/zones/harbour-city/")
    screenshots(visitor, "public-page-after-the-change-went-live")
    for page in (editor, publisher):
        assert page.console_errors == []
        assert page.failed_assets == []
