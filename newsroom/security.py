"""Who is logging in, as django-axes counts failures: the client's address, behind proxies too."""

import ipaddress

from django.conf import settings
from django.utils.translation import gettext_lazy as _


def client_ip_address(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` proxies the
    X-Forwarded-For entry that many places from the right.

    Entries further left were written by the client and prove nothing; the right-most ones were
    appended by our own proxies. If the header is shorter than the proxy count (a request that
    did not come through the proxies), the connection's address is used.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out login sees: why, for how long, and what else to do. HTTP 429."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit
    from django.contrib import admin
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    context = {
        # The newsroom's name, as on its login page (the admin's context is not built here).
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
        "title": _("Too many failed logins"),
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "minutes": minutes,
    }
    return render(request, "admin/locked_out.html", context, status=429)
