"""E-mail notices of the newsroom's workflow, through Django's e-mail framework.

- Something is submitted for review: every publisher of that kind of record hears of it.
- It is published, scheduled, or sent back with a reason: the editor who submitted it hears.

Nobody hears of their own action, and a person who turned notices off (``NoticePreference``,
the admin's "My notices" page) hears nothing. Each notice is plain text in English and Chinese,
with a link to the record in the newsroom. Notices are sent once the transaction that made the
change commits, so a change that is rolled back announces nothing; a mail server that fails is
logged and never undoes or breaks the change.
"""

import logging
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import LogAction, LogEvent, WorkingCopy
from core.services import publish_permission

logger = logging.getLogger(__name__)

TO_PUBLISHERS = frozenset({LogAction.SUBMITTED})
TO_SUBMITTER = frozenset({LogAction.PUBLISHED, LogAction.SCHEDULED, LogAction.SENT_BACK})
# The actions that close a round of review: a submission before the last of them is answered.
ROUND_ENDS = frozenset(
    {
        LogAction.PUBLISHED,
        LogAction.WENT_LIVE,
        LogAction.SENT_BACK,
        LogAction.DISCARDED,
        LogAction.WITHDRAWN,
    }
)
LANGUAGES = ("en", "zh-hans")
# How an e-mail separates its English and its Chinese.
LANGUAGE_RULE = "\n" + "-" * 40 + "\n\n"


def send_after_commit(sender, instance: LogEvent, created: bool, **kwargs) -> None:
    """Send the notices a new log event calls for once the current transaction commits.

    Connected to ``post_save`` of :class:`LogEvent` (``newsroom.apps``): the publishing services
    log each step, and the newsroom decides whom to tell."""
    event = instance
    if kwargs.get("raw"):
        return  # loaddata: a fixture's log, not a step taken now
    if created and event.action in TO_PUBLISHERS | TO_SUBMITTER:
        # robust: whatever goes wrong in a notice is logged, and the committed change's
        # response is sent as usual.
        transaction.on_commit(partial(send_notices, event.pk), robust=True)


def send_notices(event_id: int) -> int:
    """Send the notices of one log event; how many e-mails went out."""
    event = LogEvent.objects.select_related("user", "content_type").filter(pk=event_id).first()
    if event is None:
        return 0
    model = event.content_type.model_class()
    record = model._base_manager.filter(pk=event.object_id).first() if model else None
    if record is None:
        return 0
    messages = [_message(event, record, recipient.email) for recipient in recipients(event, model)]
    if not messages:
        return 0
    try:
        return mailers.default.send_messages(messages) or 0
    except Exception:
        # The change itself is committed; a mail server that is down must not turn it into an
        # error page. The log says which notices were lost.
        logger.exception(
            "newsroom notices not sent",
            extra={"action": event.action, "record": event.object_repr, "count": len(messages)},
        )
        return 0


def recipients(event: LogEvent, model) -> list:
    """Who hears of ``event``: active staff with an e-mail address who have not turned notices
    off, never the person who acted."""
    people = get_user_model()._default_manager.filter(is_active=True, is_staff=True)
    if event.action in TO_PUBLISHERS:
        people = people.filter(
            pk__in=get_user_model()._default_manager.with_perm(
                publish_permission(model),
                backend="django.contrib.auth.backends.ModelBackend",
            )
        )
    else:
        submitter_id = submitter_of(event)
        if submitter_id is None:
            return []
        people = people.filter(pk=submitter_id)
    return list(
        people.exclude(pk=event.user_id)
        .exclude(email="")
        .exclude(notice_preference__email_notices=False)
        .order_by("pk")
    )


def submitter_of(event: LogEvent) -> int | None:
    """The id of whoever submitted what ``event`` answers: the last submission of the record
    since its last round of review ended, if there is one."""
    last = (
        LogEvent.objects.filter(
            content_type_id=event.content_type_id,
            object_id=event.object_id,
            action__in=ROUND_ENDS | {LogAction.SUBMITTED},
            pk__lt=event.pk,
        )
        .order_by("-pk")
        .values_list("action", "user_id")
        .first()
    )
    if last is None or last[0] != LogAction.SUBMITTED:
        return None
    return last[1]


def _message(event: LogEvent, record, address: str) -> EmailMessage:
    subjects, bodies = [], []
    for language in LANGUAGES:
        with translation.override(language):
            context = _context(event, record)
            subjects.append(_subject(event) % context)
            bodies.append(render_to_string("admin/newsroom/notice_email.txt", context))
    # A record's name may hold a line break, which a header must not.
    return EmailMessage(
        subject=" ".join(" / ".join(subjects).split())[:250],
        body=LANGUAGE_RULE.join(body.strip() + "\n" for body in bodies),
        to=[address],
    )


def _subject(event: LogEvent) -> str:
    return {
        LogAction.SUBMITTED: _("Submitted for review: %(record)s"),
        LogAction.PUBLISHED: _("Published: %(record)s"),
        LogAction.SCHEDULED: _("Scheduled: %(record)s"),
        LogAction.SENT_BACK: _("Sent back with a reason: %(record)s"),
    }[event.action]


def _context(event: LogEvent, record) -> dict:
    """What the notice template reads, in the active language."""
    return {
        "action": event.action,
        "who": (event.user.get_full_name() or event.user.get_username()) if event.user else "",
        "kind": record._meta.verbose_name,
        "record": str(record),
        "reason": event.detail if event.action == LogAction.SENT_BACK else "",
        "go_live_at": _scheduled_time(event, record),
        "time_zone": settings.TIME_ZONE,
        "url": admin_url(record),
    }


def _scheduled_time(event: LogEvent, record) -> str:
    if event.action != LogAction.SCHEDULED:
        return ""
    working_copy = WorkingCopy.objects.for_record(record).first()
    moment = working_copy.go_live_at if working_copy else record.go_live_at
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z") if moment else ""


def admin_url(record) -> str:
    """The record's change form in the newsroom, as an absolute address."""
    opts = record._meta
    try:
        path = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    except NoReverseMatch:
        path = reverse("admin:index")
    return f"{settings.SITE_URL}{path}"


class UnsentMailBackend(BaseEmailBackend):
    """Production's mailer while no mail server is configured (no ``EMAIL_HOST``): sends
    nothing and logs a warning per e-mail with its subject and how many it was for (not their
    addresses), so the site runs and the log shows what did not go out."""

    def send_messages(self, email_messages):
        for message in email_messages:
            logger.warning(
                "e-mail not sent: EMAIL_HOST is not set",
                extra={"recipients": len(message.recipients()), "subject": message.subject},
            )
        return 0
