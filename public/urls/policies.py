from django.urls import path

from policies.models import PolicyDocument
from public.feeds.policies import PolicyFeed
from public.urls.versions import version_urls
from public.views import policies as views
from public.views.downloads import attachment_download

app_name = "policies"

urlpatterns = [
    path("policies/", views.PolicyListView.as_view(), name="list"),
    # Before the detail route, which would otherwise read "feed" as a slug.
    path("policies/feed/", PolicyFeed(), name="feed"),
    path("policies/<slug:slug>/", views.PolicyDetailView.as_view(), name="detail"),
    *version_urls("policies", PolicyDocument),
    path(
        "policies/<slug:slug>/attachments/<int:pk>/",
        attachment_download,
        name="attachment",
    ),
]
