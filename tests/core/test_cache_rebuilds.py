"""Rebuilding kept pages and parts: one reader builds, the others read on or wait for it.

A value that has passed its freshness (``DJANGO_PAGE_CACHE_SECONDS``) is still served to every
reader but one, which rebuilds it; a value nobody has yet is built by one reader while the
others wait for it. The readers here are real threads against the test settings' cache.
"""

import threading
import time

import pytest
from django.test import override_settings

from core import cache as page_cache
from core.cache import memoize
from tests.factories import PolicyDocumentFactory

pytestmark = pytest.mark.django_db(transaction=True)


class SlowBuild:
    """A build that blocks until released, and counts how often it ran."""

    def __init__(self, value):
        self.value = value
        self.started = threading.Event()
        self.release = threading.Event()
        self.calls = 0

    def __call__(self):
        self.calls += 1
        self.started.set()
        assert self.release.wait(10), "the test never released the build"
        return self.value


def in_thread(function):
    result = {}

    def run():
        result["value"] = function()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


@override_settings(PAGE_CACHE_SECONDS=1)
def test_a_part_past_its_freshness_is_read_on_while_one_reader_rebuilds_it():
    assert memoize("facets", "q=robots", lambda: "first") == "first"
    time.sleep(1.2)  # past its freshness; still kept
    rebuild = SlowBuild("second")
    thread, rebuilt = in_thread(lambda: memoize("facets", "q=robots", rebuild))
    assert rebuild.started.wait(5)

    other_builds = []
    # Every other reader gets the kept value at once and builds nothing.
    assert memoize("facets", "q=robots", lambda: other_builds.append(1) or "other") == "first"
    assert other_builds == []

    rebuild.release.set()
    thread.join(10)
    assert rebuilt["value"] == "second"
    assert memoize("facets", "q=robots", lambda: "third") == "second"
    assert rebuild.calls == 1


def test_readers_of_a_part_nobody_has_yet_wait_for_the_one_building_it():
    build = SlowBuild("counted once")
    first, first_result = in_thread(lambda: memoize("facets", "q=compute", build))
    assert build.started.wait(5)
    waiting_builds = []
    second, second_result = in_thread(
        lambda: memoize("facets", "q=compute", lambda: waiting_builds.append(1) or "again")
    )
    time.sleep(0.2)
    build.release.set()
    first.join(10)
    second.join(10)
    assert first_result["value"] == second_result["value"] == "counted once"
    assert waiting_builds == []
    assert build.calls == 1


def test_a_failed_build_lets_the_next_reader_build_at_once():
    def broken():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        memoize("facets", "q=vouchers", broken)
    started = time.monotonic()
    assert memoize("facets", "q=vouchers", lambda: "built") == "built"
    # Had the failed build kept its claim, this reader would have waited for it in vain.
    assert time.monotonic() - started < page_cache.BUILD_WAIT_SECONDS / 2


def test_a_change_during_a_rebuild_is_not_hidden_by_it(client):
    """The kept value is read on only within its own generation: after a publish the next
    reader sees the new content, whatever is being rebuilt."""
    PolicyDocumentFactory(title_en="Notice on compute vouchers")
    assert "Notice on compute vouchers" in client.get("/policies/").content.decode()
    PolicyDocumentFactory(title_en="Notice on data exchanges")
    response = client.get("/policies/")
    assert response["X-Page-Cache"] == "miss"
    assert "Notice on data exchanges" in response.content.decode()


def test_a_page_that_is_not_kept_does_not_hold_back_the_next_reader(client):
    for _ in range(2):
        started = time.monotonic()
        assert client.get("/policies/?issued_after=2021-02-30").status_code == 400
        assert time.monotonic() - started < page_cache.BUILD_WAIT_SECONDS / 2
