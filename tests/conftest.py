import pytest
from django.core.cache import cache
from django.utils import translation

from policies.demo import demo_load


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
    """Each test starts with an empty cache: pages another test cached describe another database."""
    cache.clear()
    return
