"""E-mail notices: publishers hear of a submission, the editor who submitted hears when it is
published, scheduled or sent back; each in English and Chinese with a link to the record, sent
after the change commits, and never to someone who turned them off."""

import datetime
import socket

import pytest
from django.core import mail
from django.utils import timezone

from core.models import NoticePreference, Status
from core.services import (
    record_publish,
    record_submit,
    working_copy_publish,
    working_copy_request_changes,
    working_copy_save,
)
from tests import people
from tests.core.test_settings import run_django
from tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def send_on_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit, as the end of a request's transaction does."""

    def run(step, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            step(**kwargs)

    return run


def with_email(user):
    user.email = f"{user.username}@newsroom.example"
    user.save(update_fields=["email"])
    return user


def changed_live_zone(editor, words="Next words"):
    """A published zone with ``editor``'s change to it waiting as its working copy."""
    zone = ZoneFactory(status=Status.PUBLISHED, name_en="Harbour Zone", name_zh_hans="港口先导区")
    zone.summary_en = words
    working_copy_save(record=zone, user=editor, expected_version=None)
    return zone


def sent_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_a_submission_e_mails_every_publisher_and_no_editor(send_on_commit, settings):
    editor = with_email(people.editor())
    other_editor = with_email(people.editor("other-editor"))
    first = with_email(people.publisher("first-publisher"))
    second = with_email(people.publisher("second-publisher"))
    zone = ZoneFactory(status=Status.DRAFT, name_en="Harbour Zone", name_zh_hans="港口先导区")

    send_on_commit(record_submit, record=zone, user=editor)

    assert sorted(message.to[0] for message in mail.outbox) == [first.email, second.email]
    assert other_editor.email not in [message.to[0] for message in mail.outbox]
    message = sent_to(first.email)[0]
    assert message.subject == "Submitted for review: Harbour Zone / 提交审核：港口先导区"
    assert "editor submitted the zone “Harbour Zone” for review." in message.body
    assert "editor 提交了先导区“港口先导区”，请审核。" in message.body
    assert f"{settings.SITE_URL}/admin/zones/zone/{zone.pk}/change/" in message.body


def test_a_record_name_with_a_line_break_still_makes_a_one_line_subject(send_on_commit):
    with_email(people.publisher())
    zone = ZoneFactory(status=Status.DRAFT, name_en="Harbour\r\nZone", name_zh_hans="港口\n先导区")

    send_on_commit(record_submit, record=zone, user=people.editor())

    (message,) = mail.outbox
    assert message.subject == "Submitted for review: Harbour Zone / 提交审核：港口 先导区"
    assert message.message()["Subject"]  # the header can be written


def test_notices_wait_for_the_commit(django_capture_on_commit_callbacks):
    editor = people.editor()
    with_email(people.publisher())
    zone = ZoneFactory(status=Status.DRAFT)

    with django_capture_on_commit_callbacks() as waiting:
        record_submit(record=zone, user=editor)
        assert mail.outbox == []

    assert mail.outbox == []  # the transaction has not committed: nothing went out
    for callback in waiting:
        callback()
    assert len(mail.outbox) == 1


def test_publishing_tells_the_editor_who_submitted_with_a_link_to_the_record(send_on_commit):
    editor = with_email(people.editor())
    publisher = with_email(people.publisher())
    zone = changed_live_zone(editor)
    send_on_commit(record_submit, record=zone, user=editor)
    mail.outbox.clear()

    send_on_commit(working_copy_publish, record=zone, user=publisher)

    assert [message.to for message in mail.outbox] == [[editor.email]]
    message = mail.outbox[0]
    assert message.subject == "Published: Harbour Zone / 已发布：港口先导区"
    assert "publisher published the zone “Harbour Zone” that you submitted." in message.body
    assert "publisher 发布了您提交的先导区“港口先导区”" in message.body
    assert f"/admin/zones/zone/{zone.pk}/change/" in message.body
    assert "My notices" in message.body
    assert "我的通知" in message.body


def test_sending_back_tells_the_editor_the_reason(send_on_commit):
    editor = with_email(people.editor())
    publisher = with_email(people.publisher())
    zone = changed_live_zone(editor)
    send_on_commit(record_submit, record=zone, user=editor)
    mail.outbox.clear()

    send_on_commit(
        working_copy_request_changes,
        record=zone,
        user=publisher,
        reason="Cite the notice of 2021-02-19 <b>first</b>.",
    )

    (message,) = sent_to(editor.email)
    assert message.subject.startswith("Sent back with a reason: Harbour Zone / ")
    assert "Cite the notice of 2021-02-19 <b>first</b>." in message.body  # plain text as typed
    assert message.content_subtype == "plain"


def test_scheduling_tells_the_editor_when_in_the_site_time_zone(send_on_commit):
    editor = with_email(people.editor())
    publisher = people.publisher()
    zone = changed_live_zone(editor)
    send_on_commit(record_submit, record=zone, user=editor)
    moment = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)

    send_on_commit(working_copy_publish, record=zone, user=publisher, go_live_at=moment)

    (message,) = sent_to(editor.email)
    assert message.subject.startswith("Scheduled: Harbour Zone / ")
    shown = timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    assert f"It goes live at {shown} CST (Asia/Shanghai)." in message.body


def test_nobody_hears_of_their_own_step_or_of_a_step_nobody_asked_for(send_on_commit):
    publisher = with_email(people.publisher())
    with_email(people.publisher("colleague"))
    editor = with_email(people.editor())
    zone = ZoneFactory(status=Status.DRAFT)

    send_on_commit(record_submit, record=zone, user=publisher)
    assert [message.to for message in mail.outbox] == [["colleague@newsroom.example"]]
    mail.outbox.clear()
    send_on_commit(record_publish, record=zone, user=publisher)
    assert mail.outbox == []  # the submitter published it themselves

    # The next change of the record goes live with no submission: the editor of the earlier
    # round is not told about it.
    zone.summary_en = "Publisher's own fix"
    working_copy_save(record=zone, user=publisher, expected_version=None)
    send_on_commit(working_copy_publish, record=zone, user=publisher)
    assert sent_to(editor.email) == []


def test_turning_notices_off_on_my_notices_stops_them(send_on_commit):
    editor = people.editor()
    publisher = with_email(people.publisher())
    client = people.client_for(publisher)

    page = client.get("/admin/")
    assert 'href="/admin/notices/"' in page.text
    saved = client.post("/admin/notices/", {"email": publisher.email}, follow=True)
    assert "Your notice settings were saved." in saved.text
    assert NoticePreference.objects.get(user=publisher).email_notices is False

    send_on_commit(record_submit, record=ZoneFactory(status=Status.DRAFT), user=editor)
    assert mail.outbox == []

    client.post("/admin/notices/", {"email": publisher.email, "email_notices": "on"})
    send_on_commit(record_submit, record=ZoneFactory(status=Status.DRAFT), user=editor)
    assert len(mail.outbox) == 1


def test_my_notices_sets_the_address_notices_go_to_and_refuses_a_bad_one(send_on_commit):
    publisher = people.publisher()
    client = people.client_for(publisher)

    refused = client.post("/admin/notices/", {"email": "not an address", "email_notices": "on"})
    assert refused.status_code == 200
    assert "Enter a valid email address." in refused.text
    client.post("/admin/notices/", {"email": "desk@newsroom.example", "email_notices": "on"})

    send_on_commit(record_submit, record=ZoneFactory(status=Status.DRAFT), user=people.editor())
    assert [message.to for message in mail.outbox] == [["desk@newsroom.example"]]


def test_my_notices_speaks_chinese():
    client = people.client_for(people.editor())
    client.cookies["django_language"] = "zh-hans"

    page = client.get("/admin/notices/", headers={"accept-language": "zh-hans"})

    assert page.status_code == 200
    assert "我的通知" in page.text


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_mail_server_that_is_down_leaves_the_step_done_and_logs_it(
    send_on_commit, settings, caplog
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }
    with_email(people.publisher())
    zone = ZoneFactory(status=Status.DRAFT)

    send_on_commit(record_submit, record=zone, user=people.editor())

    zone.refresh_from_db()
    assert zone.status == Status.REVIEW
    assert "newsroom notices not sent" in caplog.text


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "s" * 50,
    "DATABASE_URL": "postgres://user@db.example:5432/register",
    "DJANGO_ALLOWED_HOSTS": "register.example",
}
SHOW_MAILER = (
    "import django; django.setup(); from django.conf import settings as s; "
    "m = s.MAILERS['default']; o = m.get('OPTIONS', {}); "
    "print(m['BACKEND'], o.get('host'), o.get('port'), o.get('use_tls'), s.SITE_URL)"
)


def test_production_without_a_mail_server_starts_sends_nothing_and_says_so():
    result = run_django(PRODUCTION, code=SHOW_MAILER)

    assert result.returncode == 0, result.stderr
    assert "newsroom.notices.UnsentMailBackend None None None https://register.example" in (
        result.stdout
    )
    assert "EMAIL_HOST is not set" in result.stderr


def test_production_sends_through_the_smtp_server_the_environment_names():
    result = run_django(
        PRODUCTION | {"EMAIL_HOST": "smtp.example", "EMAIL_PORT": "2525", "EMAIL_USE_TLS": "0"},
        code=SHOW_MAILER,
    )

    assert result.returncode == 0, result.stderr
    assert "smtp.EmailBackend smtp.example 2525 False https://register.example" in result.stdout
    assert "EMAIL_HOST is not set" not in result.stderr


def test_development_writes_e_mails_to_the_console():
    result = run_django({"DJANGO_DEBUG": "1"}, code=SHOW_MAILER)

    assert "console.EmailBackend" in result.stdout
