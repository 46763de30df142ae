"""Times as editors read and type them: in the site's time zone (``TIME_ZONE``), named."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def site_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def site_zone_label() -> str:
    """e.g. "Asia/Shanghai (CST, UTC+08:00)": the zone an editor reads and types times in."""
    now = timezone.now().astimezone(site_zone())
    offset = now.strftime("%z")
    return f"{settings.TIME_ZONE} ({now.strftime('%Z')}, UTC{offset[:3]}:{offset[3:]})"


def format_in_site_zone(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(site_zone())
    return f"{local:%Y-%m-%d %H:%M:%S} {local:%Z} ({settings.TIME_ZONE})"
