"""The page cache: public pages kept whole, each with the content generation it was built in.

An anonymous GET of a public page is kept in the cache under its address: the path, the
language, the query parameters the view reads in a normal order, and the htmx headers. Each
kept page carries the *content generation*, a counter in the cache that any save, delete or
relation change of a public record raises (once at once, once more when the transaction
commits), and so does the passing of a scheduled go-live time. A page of an older generation
is rebuilt by the reader who finds it, so a change shows on the next request and nothing has
to be purged. A kept page's ETag answers conditional requests with 304.

With ``REDIS_URL`` the generation and the pages live in Redis, so a publish through one app
instance is seen by every other. Each process also keeps an in-process copy of the generation
and of the pages it recently served, and hears of every change of the generation through Redis
pub/sub (``InProcessCopy``), so that a repeat read costs no round trip to Redis. Without Redis
the cache is the process's own memory, which is right for one process (``make run``) only.
"""

import contextlib
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, set_response_etag

from core.freshness import PUBLIC_APPS
from core.models import Publishable, WorkingCopy, scheduled_q
from core.services import working_copies_go_live

logger = logging.getLogger(__name__)

GENERATION_KEY = "content:generation"
# When the earliest scheduled go-live time passes (epoch seconds); absent means "not known".
NEXT_CHANGE_KEY = "content:next-change"
NEVER = float(2**62)


# ---------------------------------------------------------------------------------------------
# The generation
# ---------------------------------------------------------------------------------------------


def read_generation(*keys: str) -> tuple[int, float, dict]:
    """The current generation, the moment (epoch seconds) the next scheduled record goes live,
    and the values of ``keys`` read in the same round trip (none when the generation has just
    been raised: they belong to an older one)."""
    values = cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY, *keys])
    generation = values.pop(GENERATION_KEY, None)
    next_change = values.pop(NEXT_CHANGE_KEY, None)
    if generation is None or (next_change is not None and next_change <= time.time()):
        # No counter yet, or a scheduled record went live: what was built before is stale.
        return *_bump_generation(), {}
    if next_change is None:
        next_change = next_scheduled_change()
        cache.set(NEXT_CHANGE_KEY, next_change, None)
    return generation, next_change, values


def bump_generation() -> int:
    """Raise the generation, so that every kept page is built afresh."""
    return _bump_generation()[0]


def _bump_generation() -> tuple[int, float]:
    try:
        generation = cache.incr(GENERATION_KEY)
    except ValueError:
        # Start from the clock so that a counter lost with its cache never meets old entries.
        cache.add(GENERATION_KEY, time.time_ns() // 1000, None)
        generation = cache.incr(GENERATION_KEY)
    next_change = next_scheduled_change()
    cache.set(NEXT_CHANGE_KEY, next_change, None)
    in_process_copy.forget()
    if getattr(cache, "supports_change_notices", False):
        cache.notify()
    return generation, next_change


def next_scheduled_change() -> float:
    """Epoch seconds of the earliest go-live time still to come, of any public model or
    scheduled change: one query, after applying the scheduled changes whose time has come."""
    working_copies_go_live()
    scheduled = [
        model._base_manager.filter(scheduled_q()).order_by().values("go_live_at")
        for model in apps.get_models()
        if issubclass(model, Publishable) and model._meta.app_label in PUBLIC_APPS
    ]
    scheduled.append(WorkingCopy.objects.scheduled().order_by().values("go_live_at"))
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
    """Called from PublicConfig.ready(): every model of the public apps raises the generation."""
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
# The in-process copy
# ---------------------------------------------------------------------------------------------


class InProcessCopy:
    """This process's copy of the generation and of the pages it recently served, kept until
    Redis says the generation changed.

    A kept page never changes under its generation, so a copy is as good as Redis's. The
    process subscribes to the cache's change notices (operations/redis_cache.py), and every change
    of the generation publishes one; Redis delivers it to the subscribers before it answers
    the publisher, and each lookup first drains the notices already received (a poll of a
    socket, no round trip), so a publish through any process is seen by the next request of
    every other. The copy of the generation is also dropped when the next scheduled go-live
    passes, and at least once a second; the next lookup then reads the page from Redis too,
    so a copied page outlives the page in Redis by a second at most. Without notices (the
    local-memory cache), or while the subscription is broken, every lookup reads the cache.
    """

    MAX_PAGES = 256
    # Read the generation again at least this often, whatever the notices say: a bound on any
    # notice that could be lost.
    MAX_AGE_SECONDS = 1.0
    RETRY_SECONDS = 5.0

    def __init__(self):
        self.lock = threading.RLock()
        self.retry_at = 0.0
        self.owner = None
        self.listener = None
        self.pages: OrderedDict[str, tuple] = OrderedDict()
        # Counts what made the copy forget the generation: a read that began before one of
        # them must not set the generation it read.
        self.forgotten = 0
        self.forget()

    def forget(self) -> None:
        """The generation may have changed: read it again next time."""
        with self.lock:
            self.forgotten += 1
            self.known: tuple[int, float] | None = None
            self.read_at = 0.0

    def lookup(self, key: str) -> tuple[int, tuple | None]:
        """The current generation, and the page kept under ``key`` for it (or None). A page is
        kept as (generation, status, headers, body)."""
        with self.lock:
            listening = self._listening()
            known, forgotten = self.known, self.forgotten
            if listening and known and time.monotonic() - self.read_at < self.MAX_AGE_SECONDS:
                entry = self.pages.get(key)
                if known[1] > time.time() and entry is not None and entry[0] == known[0]:
                    self.pages.move_to_end(key)
                    return known[0], entry
        read_at = time.monotonic()
        generation, next_change, values = read_generation(key)
        entry = values.get(key)
        if entry is not None and entry[0] != generation:
            entry = None
        if listening:
            with self.lock:
                if self.forgotten == forgotten:
                    self.known, self.read_at = (generation, next_change), read_at
                if entry is None:
                    self.pages.pop(key, None)  # gone from Redis: gone here too
            if entry is not None:
                self.keep(key, entry)
        return generation, entry

    def keep(self, key: str, entry: tuple) -> None:
        with self.lock:
            if self.owner is None:
                return  # not listening: nothing would tell this copy of a change
            self.pages[key] = entry
            self.pages.move_to_end(key)
            while len(self.pages) > self.MAX_PAGES:
                self.pages.popitem(last=False)

    def _listening(self) -> bool:
        """Subscribed to the cache's notices, with those received so far drained (each one
        drops the known generation). Called with the lock held."""
        if not getattr(cache, "supports_change_notices", False):
            return False
        # One subscription per process and cache: a fork, or other settings in a test, start
        # a new one. Django keeps one cache backend per thread, all alike.
        owner = (os.getpid(), tuple(cache._servers), cache.notice_channel)
        if self.owner != owner:
            if self.owner is not None and self.owner[0] != owner[0]:
                self.listener = None  # the parent's socket: leave it to the parent
            self._drop()
            if time.monotonic() < self.retry_at:
                return False
            try:
                self.listener = cache.listener()
            except Exception:
                logger.warning("no change notices from the cache; reading it on every request")
                self.retry_at = time.monotonic() + self.RETRY_SECONDS
                return False
            self.owner = owner
        try:
            # A notice, or a renewed subscription after a lost connection: read again.
            while self.listener.get_message(timeout=0) is not None:
                self.forget()
        except Exception:
            logger.warning("change notices interrupted; subscribing again", exc_info=True)
            self._drop()
            self.retry_at = time.monotonic() + self.RETRY_SECONDS
            return False
        return True

    def _drop(self) -> None:
        listener, self.listener, self.owner = self.listener, None, None
        self.pages.clear()
        self.forget()
        if listener is not None:
            with contextlib.suppress(Exception):
                listener.close()


in_process_copy = InProcessCopy()


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
            generation, entry = in_process_copy.lookup(key)
        except DatabaseError:
            return self.get_response(request)  # the view answers for the database (503)
        except Exception:
            logger.warning("cache unavailable; serving without it", exc_info=True)
            return self.get_response(request)
        if entry is not None:
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
        else:
            in_process_copy.keep(key, entry)
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
