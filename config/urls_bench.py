"""The site's URLs plus the benchmark's floor; used only by ``config.settings_bench``."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def hello(request):
    """The floor: as little as a Django view can do, behind the whole middleware stack."""
    return HttpResponse(b"Hello, world.\n", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("bench/hello/", hello, name="bench-hello"),
    *site_urlpatterns,
]
