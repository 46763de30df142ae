"""A public page as its *shell* with the memoized parts filled in.

A record's page or a list page is two things: the parts built from the register's content
(kept per content generation by ``core.cache.memoize``), and everything around them — the
frame, the page's addresses in each language, the links to its feed and scripts — which
depends on the address alone. Walking the template for that second thing on every request
cost more CPU than the rest of the request once the parts were memoized.

So the page is rendered once per process for each address and template with a marker where
each part goes, split at the markers, and kept; a request then joins the kept pieces with its
parts. The shell is rendered from the request and a context the view builds from the request
alone (never from the register's content, which reaches the page only through the parts), so
no editor's change can make it stale; a release, which starts new processes, is the only
thing that changes it.
"""

import re
import secrets

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe

from core.cache import LocalCopies, digest

# A marker that neither a template nor an address can produce: it holds a per-process secret.
_MARKER = f"\x00{secrets.token_hex(8)}:"
_SPLIT = re.compile(re.escape(_MARKER) + r"([\w.]+)\x00")
# Shells depend on code only, so they may live as long as the process; the least recently
# used go first once there are this many (a shell is the size of its page without the parts).
shells = LocalCopies(max_items=1024)
SHELL_SECONDS = 7 * 24 * 3600


def _markers(slots: dict, prefix: str = "") -> dict:
    return {
        name: _markers(value, f"{prefix}{name}.")
        if isinstance(value, dict)
        else mark_safe(f"{_MARKER}{prefix}{name}\x00")
        for name, value in slots.items()
    }


def _lookup(slots: dict, path: str) -> str:
    value = slots
    for name in path.split("."):
        value = value[name]
    return value


def render_in_shell(
    request, template_names, context: dict, slots: dict, *, key, status: int = 200
) -> HttpResponse:
    """The page of ``template_names`` with ``slots`` (context names → HTML, or → a dict of
    names → HTML) in their places.

    ``context`` is what the template shows besides the slots; with ``key`` (the address, the
    language and whatever else the view's context varies on) it must determine the shell
    completely. A slot the template leaves out is simply not shown.
    """
    if isinstance(template_names, str):
        template_names = [template_names]
    shell_key = digest(
        "shell", *template_names, get_urlconf(), get_script_prefix(), key, sorted(context.items())
    )
    pieces = shells.get(shell_key)
    if pieces is None:
        html = render_to_string(template_names, {**context, **_markers(slots)}, request=request)
        # Even positions are the shell's own text; odd ones name the slot that goes there.
        pieces = tuple(_SPLIT.split(html))
        shells.set(shell_key, pieces, SHELL_SECONDS)
    html = "".join(
        piece if index % 2 == 0 else _lookup(slots, piece) for index, piece in enumerate(pieces)
    )
    return HttpResponse(SafeString(html), status=status)
