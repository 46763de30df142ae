"""Who else is on a record: colleagues with its change form open, and those who saved it lately.

An open change form is noted when it is shown and renewed by a small script on the page
(``static/js/presence.js``) once a minute while it stays open; a form not renewed for
``OPEN_FOR`` counts as closed, and a save or leaving the page ends it at once. Recent saves are
read from the newsroom log, which already says who saved what and when.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext

from core.models import LogAction, LogEvent, Presence
from newsroom.times import site_zone

#: The page renews its presence every minute; after this long without, the form counts as closed.
OPEN_FOR = datetime.timedelta(minutes=3)
#: How long a colleague's save is worth mentioning.
SAVED_WITHIN = datetime.timedelta(minutes=15)
SAVING_ACTIONS = [LogAction.CHANGED, LogAction.REVERTED, LogAction.IMPORTED]


def presence_note(*, record, user) -> None:
    """``user`` has ``record``'s change form open: renew the row, or start it anew if the form
    was closed (or counts as closed)."""
    now = timezone.now()
    mine = Presence.objects.for_record(record).filter(user=user)
    if mine.filter(seen_at__gte=now - OPEN_FOR).update(seen_at=now):
        return
    Presence.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        user=user,
        defaults={"opened_at": now, "seen_at": now},
    )


def presence_leave(*, record, user) -> None:
    Presence.objects.for_record(record).filter(user=user).delete()


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _clock(moment) -> str:
    """10:42 today, or 2026-12-06 10:42 on another day, in the site's time zone."""
    local = moment.astimezone(site_zone())
    if local.date() == timezone.now().astimezone(site_zone()).date():
        return f"{local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


def presence_notices(*, record, user) -> list[str]:
    """Sentences about colleagues on ``record``: who has it open since when, then who saved
    it lately and when (each person once, with their latest save)."""
    notices = []
    open_forms = (
        Presence.objects.for_record(record)
        .filter(seen_at__gte=Now() - OPEN_FOR)
        .exclude(user=user)
        .select_related("user")
        .order_by("opened_at")
    )
    for presence in open_forms:
        notices.append(
            gettext("%(name)s has this open since %(time)s")
            % {"name": _name(presence.user), "time": _clock(presence.opened_at)}
        )
    saves = list(
        LogEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(type(record)),
            object_id=record.pk,
            action__in=SAVING_ACTIONS,
            at__gte=Now() - SAVED_WITHIN,
        )
        .exclude(user=user)
        .exclude(user=None)
        .values("user")
        .annotate(last=Max("at"))
        .order_by("-last")
    )
    people = get_user_model()._default_manager.in_bulk([row["user"] for row in saves])
    for row in saves:
        notices.append(
            gettext("%(name)s saved this at %(time)s")
            % {"name": _name(people[row["user"]]), "time": _clock(row["last"])}
        )
    return notices
