"""The content generation, and the caches keyed by it: whole public pages and costly parts.

Every cached item's key carries the *content generation*, a counter in the shared cache. Any
save, delete or relation change of a public model raises it (once at once, once more when the
transaction commits), and so does the passing of a scheduled go-live time: a reader's next
request then builds its page afresh. Invalidation is exact (nothing public changes without the
generation changing) and cheap (nothing is deleted; stale entries age out of the cache).

With ``REDIS_URL`` the generation and the pages live in Redis, so a publish through one app
instance is seen by every other. Without it the cache is the process's own memory, which is
right for one process (``make run``) only.
"""

import contextlib
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.core import signals
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


# Within one request the generation is read once: a page made of several memoized parts then
# asks the cache for it once, and its parts all come from the same generation. Outside a
# request (a command, a worker) nothing is remembered. A change made by the request itself
# forgets it at once (bump_generation).
_request_state = threading.local()


def request_started(**kwargs) -> None:
    _request_state.active = True
    _request_state.generation = None


def request_finished(**kwargs) -> None:
    _request_state.active = False
    _request_state.generation = None
    release_build_locks()


def content_generation() -> int:
    """The current generation: on the common path, without a round trip to the cache."""
    if getattr(_request_state, "active", False):
        if _request_state.generation is None:
            _request_state.generation = generation_watch.read()
        return _request_state.generation
    return generation_watch.read()


def read_generation() -> int:
    return _read_generation()[0]


def _read_generation() -> tuple[int, float]:
    """The generation and the moment (epoch seconds) the next scheduled record goes live."""
    values = cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY])
    generation = values.get(GENERATION_KEY)
    next_change = values.get(NEXT_CHANGE_KEY)
    if generation is None:
        return _bump_generation()
    if next_change is None:
        next_change = next_scheduled_change()
        cache.set(NEXT_CHANGE_KEY, next_change, None)
    elif next_change <= time.time():
        # A scheduled record went live: what was built before shows the public too little.
        return _bump_generation()
    return generation, next_change


def bump_generation() -> int:
    """Raise the generation, so that every cached page and part is built afresh."""
    return _bump_generation()[0]


def _bump_generation() -> tuple[int, float]:
    _request_state.generation = None
    generation_watch.forget()
    try:
        generation = cache.incr(GENERATION_KEY)
    except ValueError:
        # Start from the clock so that a counter lost with its cache never meets old entries.
        cache.add(GENERATION_KEY, time.time_ns() // 1000, None)
        generation = cache.incr(GENERATION_KEY)
    next_change = next_scheduled_change()
    cache.set(NEXT_CHANGE_KEY, next_change, None)
    if getattr(cache, "supports_change_notices", False):
        cache.notify()
    return generation, next_change


class GenerationWatch:
    """This process's copy of the generation, kept until Redis says something changed.

    Reading the generation from Redis on every request cost a round trip: about 70 µs of the
    worker's CPU and 30 µs of Redis's, on pages that cost well under a millisecond. Instead
    each process subscribes to the cache's change notices (core/redis_cache.py), and every
    change of the generation publishes one. Redis delivers a notice to the subscribers before
    it answers the publisher, and each read first drains the notices already received (a
    poll of a socket, no round trip), so a publish through any process is seen by the next
    request of every other, as when each request read Redis. The copy is also dropped when
    the next scheduled go-live time passes, and at least once a second. Without a cache that
    carries notices (the local memory cache), or while the subscription is broken, every read
    goes to the cache.
    """

    RETRY_SECONDS = 5.0
    # Read again at least this often anyway, whatever the notices say: a bound on any notice
    # that could be lost.
    MAX_AGE_SECONDS = 1.0

    def __init__(self):
        self.lock = threading.Lock()
        self.retry_at = 0.0
        self._drop()

    def _drop(self) -> None:
        listener = getattr(self, "listener", None)
        self.listener = None
        self.owner = None
        self.known: tuple[int, float] | None = None
        self.read_at = 0.0
        if listener is not None:
            with contextlib.suppress(Exception):
                listener.close()

    def forget(self) -> None:
        """This process changed the generation: read it again next time."""
        self.known = None

    def read(self) -> int:
        if not getattr(cache, "supports_change_notices", False):
            return read_generation()
        # One subscription per process and cache (a fork, or other settings in a test, start
        # a new one); Django keeps one cache backend per thread, all alike.
        owner = (os.getpid(), tuple(cache._servers), cache.notice_channel)
        with self.lock:
            if self.owner != owner:
                if self.owner is not None and self.owner[0] != owner[0]:
                    self.listener = None  # the parent's socket: leave it to the parent
                self._drop()
                if time.monotonic() < self.retry_at:
                    return read_generation()
                try:
                    self.listener = cache.listener()
                except Exception:
                    logger.warning(
                        "no change notices from the cache; reading it on every request",
                        exc_info=True,
                    )
                    self.retry_at = time.monotonic() + self.RETRY_SECONDS
                    return read_generation()
                self.owner = owner
            try:
                # A notice, or a renewed subscription after a lost connection: read again.
                while self.listener.get_message(timeout=0) is not None:
                    self.known = None
            except Exception:
                logger.warning("change notices interrupted; subscribing again", exc_info=True)
                self._drop()
                self.retry_at = time.monotonic() + self.RETRY_SECONDS
                return read_generation()
            now = time.monotonic()
            if (
                self.known is None
                or self.known[1] <= time.time()
                or now - self.read_at > self.MAX_AGE_SECONDS
            ):
                self.read_at = now
                self.known = _read_generation()
            return self.known[0]


generation_watch = GenerationWatch()


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
    signals.request_started.connect(request_started, dispatch_uid="generation-request-started")
    signals.request_finished.connect(request_finished, dispatch_uid="generation-request-finished")
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
# Costly parts of a page
# ---------------------------------------------------------------------------------------------


class LocalCopies:
    """This process's copies of what it recently read from or wrote to the shared cache under
    generation-keyed names (parts, pages).

    Such a value never changes: a change of content makes a new generation and new names. So a
    copy is as good as the shared cache's own, and saves the round trip to Redis and the
    unpickling of a page, which on a 2-core machine cost more than serving the page. Only the
    generation itself is read from the shared cache on every request, so that a publish through
    any process is seen at once. A copy lives no longer than the shared entry would; the least
    recently used go first.
    """

    def __init__(self, max_items: int = 256):
        self.max_items = max_items
        self.items: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            found = self.items.get(key)
            if found is None:
                return None
            expires, value = found
            if expires < time.monotonic():
                del self.items[key]
                return None
            self.items.move_to_end(key)
            return value

    def clear(self) -> None:
        with self.lock:
            self.items.clear()

    def set(self, key: str, value, timeout: float) -> None:
        with self.lock:
            self.items[key] = (time.monotonic() + timeout, value)
            self.items.move_to_end(key)
            while len(self.items) > self.max_items:
                self.items.popitem(last=False)


local_copies = LocalCopies()


class Kept(NamedTuple):
    """A value in the shared cache with the moment (epoch seconds) it should be rebuilt."""

    fresh_until: float
    value: object


# A kept value outlives its freshness by this factor of its timeout: after ``fresh_until`` one
# reader rebuilds it while the others go on reading the kept value, which is of the current
# generation and so shows the current content (``DJANGO_PAGE_CACHE_SECONDS`` bounds only how
# long a page built from a lagging replica is served, plus one rebuild).
GRACE_FACTOR = 1
# How long a reader holds the right to build a value, and how long the others wait for it
# before building it themselves: after a publish, one reader per page builds and the crowd
# waits for it instead of building the same page on every worker at once.
BUILD_LOCK_SECONDS = 30
BUILD_WAIT_SECONDS = 5.0
BUILD_POLL_SECONDS = 0.02


def _held_locks() -> set:
    held = getattr(_request_state, "locks", None)
    if held is None:
        held = _request_state.locks = set()
    return held


def _lock_key(key: str) -> str:
    return f"building:{key}"


def _take_build_lock(key: str) -> bool:
    if cache.add(_lock_key(key), 1, BUILD_LOCK_SECONDS):
        _held_locks().add(key)
        return True
    return False


def release_build_lock(key: str) -> None:
    """Give up the right to build ``key`` (taken by ``shared_get``), if this thread holds it."""
    held = _held_locks()
    if key in held:
        held.discard(key)
        cache.delete(_lock_key(key))


def release_build_locks() -> None:
    """Give up every build right this thread still holds (a build that failed or kept nothing)."""
    for key in list(_held_locks()):
        try:
            release_build_lock(key)
        except Exception:
            logger.warning("cache unavailable; build lock left to expire", exc_info=True)


def _copy_locally(key: str, kept: Kept) -> None:
    remaining = kept.fresh_until - time.time()
    if remaining > 0:
        local_copies.set(key, kept.value, remaining)


def shared_get(key: str):
    """A generation-keyed value, or None when the caller is to build it (then ``shared_set``).

    This process's copy first, else the shared cache's (then copied). A value past its
    freshness is still returned to every reader but one, which gets None and rebuilds it. A
    value nobody has is built by one reader; the others wait up to ``BUILD_WAIT_SECONDS`` for
    it, and build it themselves only if it has not come.
    """
    value = local_copies.get(key)
    if value is not None:
        return value
    kept = cache.get(key)
    if isinstance(kept, Kept):
        if kept.fresh_until > time.time():
            _copy_locally(key, kept)
            return kept.value
        # Past its freshness: one reader rebuilds, the rest read on.
        return None if _take_build_lock(key) else kept.value
    if _take_build_lock(key):
        return None
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(BUILD_POLL_SECONDS)
        kept = cache.get(key)
        if isinstance(kept, Kept):
            _copy_locally(key, kept)
            return kept.value
        if _take_build_lock(key):
            return None  # the builder gave up (its page was not to be kept): build it here
    return None


def shared_set(key: str, value, timeout: float) -> None:
    kept = Kept(time.time() + timeout, value)
    cache.set(key, kept, timeout * (1 + GRACE_FACTOR))
    local_copies.set(key, value, timeout)
    release_build_lock(key)


def digest(*parts) -> str:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:32]


class MemoSlot:
    """Where ``memoize`` keeps one value, for a caller that must check something before it
    may build it (a 304, a 400): ``get()``, then build, then ``set()``.

    The slot's key carries the generation read when the slot is made, before the build, so a
    change during the build leaves the value in an old slot that no reader asks for.
    """

    def __init__(self, namespace: str, key):
        self.namespace = namespace
        self.cache_key = None
        if settings.PAGE_CACHE_SECONDS <= 0:
            return  # caching is off: build every time, as memoize does
        try:
            self.cache_key = f"part:{namespace}:{content_generation()}:{digest(key)}"
        except Exception:
            logger.warning("cache unavailable; %s not kept", namespace, exc_info=True)
            self.cache_key = None

    def get(self):
        if self.cache_key is None:
            return None
        try:
            return shared_get(self.cache_key)
        except Exception:
            logger.warning("cache unavailable; %s not read", self.namespace, exc_info=True)
            return None

    def set(self, value, timeout: int | None = None) -> None:
        if self.cache_key is None:
            return
        timeout = settings.PAGE_CACHE_SECONDS if timeout is None else timeout
        try:
            shared_set(self.cache_key, value, timeout)
        except Exception:
            logger.warning("cache unavailable; %s not kept", self.namespace, exc_info=True)

    def release(self) -> None:
        """Nothing is to be kept after all (the build failed): let another reader build it."""
        if self.cache_key is None:
            return
        try:
            release_build_lock(self.cache_key)
        except Exception:
            logger.warning("cache unavailable; build lock left to expire", exc_info=True)


def memoize(namespace: str, key, build, timeout: int | None = None):
    """``build()``'s value, kept until the content changes (or ``timeout`` seconds pass).

    ``key`` must name everything the value depends on besides the content: the query, the
    language, the page. The cache being down costs the caching, never the answer.
    """
    slot = MemoSlot(namespace, key)
    value = slot.get()
    if value is None:
        try:
            value = build()
        except BaseException:
            slot.release()
            raise
        slot.set(value, timeout)
    return value


# ---------------------------------------------------------------------------------------------
# Whole pages
# ---------------------------------------------------------------------------------------------


class PageCacheMiddleware:
    """Serve anonymous GETs of public pages from the cache, and answer a
    conditional request whose ETag is current with 304 before any view runs.

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
            entry = shared_get(key)
        except Exception:
            logger.warning("cache unavailable; serving without it", exc_info=True)
            return self.get_response(request)
        if entry is not None:
            status, headers, content = entry
            response = HttpResponse(content, status=status, headers=headers)
            response[self.HIT_HEADER] = "hit"
            return self.conditional(request, response)
        response = self.get_response(request)
        if request.method == "GET" and self.storable(request, response):
            if not response.has_header("ETag"):
                set_response_etag(response)
            headers = dict(response.items())
            try:
                shared_set(
                    key,
                    (response.status_code, headers, response.content),
                    settings.PAGE_CACHE_SECONDS,
                )
            except Exception:
                logger.warning("cache unavailable; page not kept", exc_info=True)
            response[self.HIT_HEADER] = "miss"
            return self.conditional(request, response)
        try:
            release_build_lock(key)  # nothing kept: the next reader of this address builds
        except Exception:
            logger.warning("cache unavailable; build lock left to expire", exc_info=True)
        return response

    @staticmethod
    def conditional(request, response):
        if request.method not in ("GET", "HEAD") or not response.has_header("ETag"):
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
        if "Authorization" in request.headers:
            return None
        bypass = getattr(settings, "BENCH_CACHE_BYPASS_HEADER", None)
        if bypass and request.META.get(bypass):
            return None
        headers = request.headers
        try:
            generation = content_generation()
        except DatabaseError:
            return None  # the view answers for the database (503)
        except Exception:
            logger.warning("cache unavailable; serving without it", exc_info=True)
            return None
        return "page:{}:{}".format(
            generation,
            digest(
                request.scheme,
                request.get_host(),
                request.path,
                normal_query(request),
                translation.get_language(),
                headers.get("HX-Request", ""),
                headers.get("HX-Target", ""),
                headers.get("HX-Boosted", ""),
                headers.get("HX-History-Restore-Request", ""),
            ),
        )

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
