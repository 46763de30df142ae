from django.urls import path

from releases import views

app_name = "releases"

urlpatterns = [
    path("data/", views.ReleaseListView.as_view(), name="list"),
]
