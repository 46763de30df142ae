from django.urls import path

from core.versions.urls import version_urls
from policies import views
from policies.downloads import attachment_download
from policies.feeds import PolicyFeed
from policies.models import PolicyDocument

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
