from django.urls import path

from public.feeds.zones import ZoneFeed
from public.urls.versions import version_urls
from public.views import zones as views
from zones.models import Zone

app_name = "zones"

urlpatterns = [
    path("zones/", views.ZoneListView.as_view(), name="list"),
    path("zones/feed/", ZoneFeed(), name="feed"),
    path("zones/<slug:slug>/", views.ZoneDetailView.as_view(), name="detail"),
    *version_urls("zones", Zone),
    path("focus-areas/", views.FocusAreaListView.as_view(), name="focus-area-list"),
    path("focus-areas/<slug:slug>/", views.FocusAreaDetailView.as_view(), name="focus-area-detail"),
    path("programs/<slug:slug>/", views.ProgramDetailView.as_view(), name="program-detail"),
]
