"""The newsroom in a browser: an editor drafts a document with a directive and submits it; a
publisher schedules it; the public page appears by itself when its time comes; the history shows
the versions with a diff; a stale second edit is refused."""

import datetime
import time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.models import Status
from policies.models import PolicyDocument
from tests import people
from tests.factories import AuthorityFactory, ZoneFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
GO_LIVE_AFTER = datetime.timedelta(seconds=12)


@pytest.fixture
def newsroom_people(settings):
    """An editor and a publisher who log in with a password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return (
        people.editor("wang.editor", password=people.PASSWORD),
        people.publisher("li.publisher", password=people.PASSWORD),
    )


def log_in(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", people.PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def choose(page, select_id, text):
    """Pick a record in one of the admin's autocomplete boxes, as a person types and clicks."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def messages(page):
    return page.locator("ul.messagelist").inner_text()


def test_the_newsroom_from_draft_to_scheduled_publication(
    new_browser_page, newsroom_people, screenshots
):
    ZoneFactory(slug="harbour-city", name_en="Harbour City", status=Status.PUBLISHED)
    AuthorityFactory(name_en="Ministry of Industry and Information Technology")

    # An editor drafts a document with a directive for the zone.
    editor = new_browser_page()
    log_in(editor, "wang.editor")
    editor.goto("/admin/policies/policydocument/add/")
    editor.locator("#id_title_en").press_sequentially("Notice on the smart port pilot")
    assert editor.input_value("#id_slug") == "notice-on-the-smart-port-pilot"
    editor.fill("#id_title_zh_hans", "关于智能港口试点的通知")
    editor.fill("#id_doc_number", "工信部科〔2024〕12号")
    choose(editor, "id_authorities", "Ministry of Industry")
    editor.fill("#id_issued", "2024-03")
    editor.fill("#id_summary_en", "Asks Harbour City to build a smart port.")
    editor.click("#directives-group .add-row a")
    choose(editor, "id_directives-0-zone", "Harbour City")
    editor.fill("#id_directives-0-position", "1")
    editor.fill("#id_directives-0-text_en", "Build an intelligent container terminal.")
    editor.fill("#id_directives-0-text_zh_hans", "建设智能化集装箱码头。")
    screenshots(editor, "editor-drafts-document")
    editor.click("input[name=_continue]")
    assert "was added successfully" in messages(editor)
    document = PolicyDocument.objects.get(slug="notice-on-the-smart-port-pilot")
    assert document.status == Status.DRAFT
    assert document.issued.iso == "2024-03"
    assert document.directives.get().zone.slug == "harbour-city"
    screenshots(editor, "draft-saved")

    # The editor submits it for review, confirming the step.
    editor.click("a.workflow-submit")
    assert "Hand this to the publishers for review?" in editor.content()
    screenshots(editor, "submit-confirmation")
    editor.click("input[name=_confirm]")
    assert "Submitted for review" in messages(editor)
    assert editor.locator("a.workflow-publish").count() == 0  # editors do not publish

    # Not public yet.
    public_url = "/policies/notice-on-the-smart-port-pilot/"
    response = editor.goto(public_url)
    assert response.status == 404

    # A publisher sees it waiting on the index and schedules it, in Shanghai time.
    publisher = new_browser_page()
    log_in(publisher, "li.publisher")
    waiting = publisher.locator("#newsroom-waiting")
    assert "Notice on the smart port pilot" in waiting.inner_text()
    screenshots(publisher, "publisher-index-waiting-for-review")
    waiting.get_by_role("link", name="Notice on the smart port pilot").click()
    publisher.click("a.workflow-schedule")
    assert "Asia/Shanghai" in publisher.locator("label[for=id_go_live_at]").inner_text()
    go_live = (timezone.now() + GO_LIVE_AFTER).astimezone(SHANGHAI).replace(microsecond=0)
    publisher.fill("#id_go_live_at", go_live.strftime("%Y-%m-%dT%H:%M:%S"))
    screenshots(publisher, "schedule-in-shanghai-time")
    publisher.click("input[name=_confirm]")
    assert f"goes live at {go_live:%Y-%m-%d %H:%M:%S} CST (Asia/Shanghai)" in messages(publisher)
    screenshots(publisher, "scheduled")

    # The public page 404s until the time comes, then shows the document: no job runs.
    visitor = new_browser_page()
    before = visitor.goto(public_url)
    assert before.status == 404, "a scheduled document was public before its time"
    screenshots(visitor, "public-page-before-go-live")
    deadline = time.monotonic() + GO_LIVE_AFTER.total_seconds() + 20
    while True:
        after = visitor.goto(public_url)
        if after.status == 200 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert after.status == 200
    assert timezone.now() >= go_live
    assert "Notice on the smart port pilot" in visitor.content()
    assert "Build an intelligent container terminal." in visitor.content()
    screenshots(visitor, "public-page-after-go-live")

    # The history shows the three versions and what changed between them.
    publisher.goto(f"/admin/policies/policydocument/{document.pk}/history/")
    rows = publisher.locator("tr.version-row")
    assert rows.count() == 3
    assert "wang.editor" in rows.nth(2).inner_text()
    assert "li.publisher" in rows.nth(0).inner_text()
    screenshots(publisher, "history")
    publisher.locator("tr.version-row[data-version='1'] input[name=old]").check()
    publisher.locator("tr.version-row[data-version='3'] input[name=new]").check()
    publisher.click("input[type=submit][value='Compare the chosen versions']")
    diff = publisher.locator("table.newsroom-diff").inner_text()
    assert "Draft" in diff
    assert "Published" in diff
    assert "CST (Asia/Shanghai)" in diff
    screenshots(publisher, "compare-versions")

    # Two people open the document; the publisher saves first; the editor's save is refused.
    change_url = f"/admin/policies/policydocument/{document.pk}/change/"
    publisher.goto(change_url)
    editor.goto(change_url)
    # The editor is told the publisher has it open, before any conflict.
    assert "li.publisher has this open since" in editor.locator(".newsroom-presence").inner_text()
    screenshots(editor, "colleague-has-it-open")
    publisher.fill("#id_summary_en", "Asks Harbour City to build a smart port by 2026.")
    publisher.click("input[name=_continue]")
    assert "was changed successfully" in messages(publisher)
    editor.fill("#id_summary_en", "An editor's summary written on an old copy.")
    editor.click("input[name=_continue]")
    refusal = editor.locator(".newsroom-stale").inner_text()
    assert "Someone else saved this record after you opened it" in editor.content()
    assert "by 2026" in refusal
    # What the editor typed is still in the field, with the saved text beside it.
    assert editor.input_value("#id_summary_en") == "An editor's summary written on an old copy."
    assert "by 2026" in editor.locator(".newsroom-newer").first.inner_text()
    screenshots(editor, "stale-edit-refused")
    document.refresh_from_db()
    assert document.summary_en == "Asks Harbour City to build a smart port by 2026."
    assert document.status == Status.PUBLISHED
    # Nothing on the admin pages failed to load or ran foul of the Content Security Policy.
    for page in (editor, publisher):
        assert page.console_errors == []
        assert page.failed_assets == []


def test_an_open_change_form_learns_of_a_colleague_by_itself(new_browser_page, newsroom_people):
    zone = ZoneFactory(slug="harbour-city", name_en="Harbour City", status=Status.PUBLISHED)
    change_url = f"/admin/zones/zone/{zone.pk}/change/"
    editor, publisher = new_browser_page(), new_browser_page()
    # The page renews its presence once a minute; here, every half second.
    editor.add_init_script(
        "const every = window.setInterval; window.setInterval = (f) => every(f, 500);"
    )
    log_in(editor, "wang.editor")
    log_in(publisher, "li.publisher")
    editor.goto(change_url)
    notice = editor.locator(".newsroom-presence")
    assert not notice.is_visible()

    publisher.goto(change_url)

    notice.get_by_text("li.publisher has this open since").wait_for()
    assert "wang.editor has this open since" in publisher.locator(".newsroom-presence").inner_text()
    # Leaving the page ends the presence at once.
    publisher.goto("/admin/")
    notice.get_by_text("li.publisher has this open since").wait_for(state="detached")
    editor.goto("/admin/")  # no presence ping left running
    assert editor.console_errors == []
    assert editor.failed_assets == []
