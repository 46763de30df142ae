from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from core import views as core_views
from policies import views as policy_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The API (issue 5): /api/v1/, /api/schema/, /api/docs/. Outside the language prefixes.
    path("api/", include("config.api_urls")),
]

urlpatterns += i18n_patterns(
    path("", policy_views.HomeView.as_view(), name="home"),
    path("", include("zones.urls")),
    path("", include("policies.urls")),
    prefix_default_language=False,
)
