from django.urls import path

from policies import views
from policies.attachments import attachment_download
from policies.feeds import PolicyFeed

app_name = "policies"

urlpatterns = [
    path("policies/", views.PolicyListView.as_view(), name="list"),
    # Before the detail route, which would otherwise read "feed" as a slug.
    path("policies/feed/", PolicyFeed(), name="feed"),
    path("policies/<slug:slug>/", views.PolicyDetailView.as_view(), name="detail"),
    path(
        "policies/<slug:slug>/attachments/<int:pk>/",
        attachment_download,
        name="attachment",
    ),
]
