import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils import translation

from policies.demo import demo_load
from public.cache import read_generation


@pytest.fixture
def demo(db):
    """The demo dataset, loaded as `make run` loads it."""
    return demo_load()


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English, whatever the previous one activated."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: pages another test cached describe another
    database."""
    cache.clear()
    # A transactional test's flush gives content types new ids; forget the old ones.
    ContentType.objects.clear_cache()
    return


@pytest.fixture
def warm_generation(db):
    """The content generation known to the cache, as on a running site, so that a query count
    measures the page and not the one query that works out when the next go-live is due."""
    read_generation()
    # A running process has looked up the content types (a record's versions need them).
    ContentType.objects.get_for_models(*apps.get_models())
