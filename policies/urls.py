from django.urls import path

from policies import views
from policies.attachments import attachment_download

app_name = "policies"

urlpatterns = [
    path("policies/", views.PolicyListView.as_view(), name="list"),
    path("policies/<slug:slug>/", views.PolicyDetailView.as_view(), name="detail"),
    path(
        "policies/<slug:slug>/attachments/<int:pk>/",
        attachment_download,
        name="attachment",
    ),
]
