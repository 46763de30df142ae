"""The site's URLs plus one view that fails, to see how an unexpected error is logged."""

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def failing_view(request):
    raise RuntimeError("the view failed")


urlpatterns = [path("fail/", failing_view), *site_urlpatterns]
