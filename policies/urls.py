from django.urls import path

from policies import views

app_name = "policies"

urlpatterns = [
    path("policies/", views.PolicyListView.as_view(), name="list"),
    path("policies/<slug:slug>/", views.PolicyDetailView.as_view(), name="detail"),
]
