"""The page cache: public pages kept whole, each with the content generation it was built in.

An anonymous GET of a public page is kept in the cache under its address: the path, the
language, the query parameters the view reads in a normal order, and the htmx headers. Each
kept page carries the *content generation*, a counter in the cache that any save, delete or
relation change of a public record raises (once at once, once more when the transaction
commits), and so does the passing of a scheduled go-live time. One round trip reads the
generation and the page together; a page of an older generation is rebuilt by the reader who
finds it, so a change shows on the next request and nothing has to be purged. A kept page's
ETag answers conditional requests with 304.

With ``REDIS_URL`` the generation and the pages live in Redis, so a publish through one app
instance is seen by every other. Without it the cache is the process's own memory, which is
right for one process (``make run``) only.
"""

import hashlib
import logging
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.functions import Now
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, set_response_etag

logger = logging.getLogger(__name__)

GENERATION_KEY = "content:generation"
# When the earliest scheduled go-live time passes (epoch seconds); absent means "not known".
NEXT_CHANGE_KEY = "content:next-change"
NEVER = float(2**62)
# The apps whose records the public sees. Their history tables are left out.
PUBLIC_APPS = ("core", "zones", "policies")


# ---------------------------------------------------------------------------------------------
# The generation
# ---------------------------------------------------------------------------------------------


def read_generation(*keys: str) -> tuple[int, dict]:
    """The current generation, and the values of ``keys`` read in the same round trip (none
    when the generation has just been raised: they belong to an older one)."""
    values = cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY, *keys])
    generation = values.pop(GENERATION_KEY, None)
    next_change = values.pop(NEXT_CHANGE_KEY, None)
    if generation is None or (next_change is not None and next_change <= time.time()):
        # No counter yet, or a scheduled record went live: what was built before is stale.
        return bump_generation(), {}
    if next_change is None:
        cache.set(NEXT_CHANGE_KEY, next_scheduled_change(), None)
    return generation, values


def bump_generation() -> int:
    """Raise the generation, so that every kept page is built afresh."""
    try:
        generation = cache.incr(GENERATION_KEY)
    except ValueError:
        # Start from the clock so that a counter lost with its cache never meets old entries.
        cache.add(GENERATION_KEY, time.time_ns() // 1000, None)
        generation = cache.incr(GENERATION_KEY)
    cache.set(NEXT_CHANGE_KEY, next_scheduled_change(), None)
    return generation


def next_scheduled_change() -> float:
    """Epoch seconds of the earliest go-live time still to come, of any public model or
    scheduled change: one query, after applying the scheduled changes whose time has come."""
    from core.models import ChangeStatus, Publishable, Status, WorkingCopy
    from core.services import working_copies_go_live

    working_copies_go_live()
    scheduled = [
        model._base_manager.filter(status=Status.PUBLISHED, go_live_at__gt=Now())
        .order_by()
        .values("go_live_at")
        for model in apps.get_models()
        if issubclass(model, Publishable) and model._meta.app_label in PUBLIC_APPS
    ]
    scheduled.append(
        WorkingCopy.objects.filter(status=ChangeStatus.SCHEDULED, go_live_at__gt=Now())
        .order_by()
        .values("go_live_at")
    )
    moments = scheduled[0].union(*scheduled[1:], all=True).order_by("go_live_at")[:1]
    earliest = next(iter(moments), None)
    return earliest["go_live_at"].timestamp() if earliest is not None else NEVER


def content_changed(**kwargs) -> None:
    """Signal receiver: a public record, or something shown with one, changed."""
    if kwargs.get("raw"):
        return  # loaddata: the fixture's records, not an editor's change
    safe_bump()
    # Again once the change is visible to other connections: a page built in between, from
    # the data before the commit, must not outlive it.
    transaction.on_commit(safe_bump)


def safe_bump() -> None:
    """Raise the generation; an editor's save never fails because the cache is down."""
    try:
        bump_generation()
    except Exception:
        logger.error("cache unavailable; cached pages may be stale", exc_info=True)


def connect_signals() -> None:
    """Called from CoreConfig.ready(): every model of the public apps raises the generation."""
    for model in apps.get_models():
        if model._meta.app_label not in PUBLIC_APPS or is_history_model(model):
            continue
        post_save.connect(content_changed, sender=model, dispatch_uid=f"generation-save-{model}")
        post_delete.connect(
            content_changed, sender=model, dispatch_uid=f"generation-delete-{model}"
        )
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                content_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"generation-m2m-{model}-{field.name}",
            )


def is_history_model(model) -> bool:
    return model.__name__.startswith("Historical") and hasattr(model, "history_id")


# ---------------------------------------------------------------------------------------------
# Whole pages
# ---------------------------------------------------------------------------------------------


class PageCacheMiddleware:
    """Serve anonymous GETs of public pages from the cache, and answer a conditional request
    whose ETag is current with 304 before any view runs.

    Sits below the security, CSP and logging middleware, so a cached answer gets the same
    headers as a fresh one. Never caches: signed-in users (a session cookie or an
    Authorization header), the admin and previews, anything but a 200, a response that sets a
    cookie or says private/no-store/no-cache, streamed responses.
    """

    HIT_HEADER = "X-Page-Cache"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and not self.excluded(request):
            normalise_query(request)
        key = self.cache_key(request)
        if key is None:
            return self.get_response(request)
        try:
            generation, kept = read_generation(key)
        except DatabaseError:
            return self.get_response(request)  # the view answers for the database (503)
        except Exception:
            logger.warning("cache unavailable; serving without it", exc_info=True)
            return self.get_response(request)
        entry = kept.get(key)
        if entry is not None and entry[0] == generation:
            _, status, headers, content = entry
            response = HttpResponse(content, status=status, headers=headers)
            response[self.HIT_HEADER] = "hit"
            return self.conditional(request, response)
        response = self.get_response(request)
        if request.method != "GET" or not self.storable(request, response):
            return response
        if not response.has_header("ETag"):
            set_response_etag(response)
        # Kept with the generation read before the view ran: a change made meanwhile leaves
        # an entry that the next reader rebuilds.
        entry = (generation, response.status_code, dict(response.items()), response.content)
        try:
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("cache unavailable; page not kept", exc_info=True)
        response[self.HIT_HEADER] = "miss"
        return self.conditional(request, response)

    @staticmethod
    def conditional(request, response):
        if not response.has_header("ETag"):
            return response
        return get_conditional_response(request, etag=response["ETag"], response=response)

    def cache_key(self, request) -> str | None:
        if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
            return None
        if self.excluded(request):
            return None
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
            return None
        headers = request.headers
        if "Authorization" in headers:
            return None
        parts = (
            request.scheme,
            request.get_host(),
            request.path,
            normal_query(request),
            translation.get_language(),
            headers.get("HX-Request", ""),
            headers.get("HX-Target", ""),
            headers.get("HX-Boosted", ""),
            headers.get("HX-History-Restore-Request", ""),
        )
        return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]

    @staticmethod
    def excluded(request) -> bool:
        path = request.path_info
        return any(path.startswith(prefix) for prefix in settings.PAGE_CACHE_EXCLUDED_PATHS)

    @staticmethod
    def storable(request, response) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        cache_control = response.get("Cache-Control", "").lower()
        return not any(word in cache_control for word in ("private", "no-store", "no-cache"))


# ---------------------------------------------------------------------------------------------
# The parameters a page reads
# ---------------------------------------------------------------------------------------------


def read_parameters(request) -> frozenset[str] | None:
    """The query parameters the view of this address reads: its FilterSet's filters and those
    it names in ``query_parameters``. None for a view that does not say."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    view = getattr(match.func, "view_class", None) or match.func
    names = getattr(view, "query_parameters", None)
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        return frozenset((*filterset_class.base_filters, *(names or ())))
    return None if names is None else frozenset(names)


def normalise_query(request) -> None:
    """Keep only the query parameters the page reads, so that the page and its links are the
    same for ``?a=1`` and ``?a=1&utm_source=x``."""
    try:
        given = request.GET
    except Exception:
        return  # too many fields, say: the view answers for it
    names = read_parameters(request)
    if not given or names is None or set(given) <= names:
        return
    query = QueryDict(mutable=True)
    for name in given:
        if name in names:
            query.setlist(name, given.getlist(name))
    query._mutable = False
    request.GET = query
    request.META["QUERY_STRING"] = query.urlencode()


def normal_query(request) -> str:
    """The query string with its parameters in alphabetical order (each name's values in the
    order given: the last ``q`` is the one read), for keys: ``?b=2&a=1`` and ``?a=1&b=2`` are
    the same page."""
    try:
        given = request.GET
    except Exception:
        return request.META.get("QUERY_STRING", "")
    query = QueryDict(mutable=True)
    for name in sorted(given):
        query.setlist(name, given.getlist(name))
    return query.urlencode()
