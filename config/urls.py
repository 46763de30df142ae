from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, register_converter

from newsroom.preview.policies import PolicyPreviewView
from newsroom.preview.zones import ProgramPreviewView, ZonePreviewView
from public.views import pages as core_views
from public.views import policies as policy_views
from releases.converters import ReleaseFileNameConverter, ReleaseVersionConverter
from releases.views import release_file

register_converter(ReleaseVersionConverter, "release_version")
register_converter(ReleaseFileNameConverter, "release_file")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    # Newsroom previews: staff see a draft as its public page will show it. Listed
    # before the admin, whose catch-all would otherwise answer these addresses.
    path("admin/preview/zones/<slug:slug>/", ZonePreviewView.as_view(), name="preview-zone"),
    path(
        "admin/preview/programs/<slug:slug>/",
        ProgramPreviewView.as_view(),
        name="preview-program",
    ),
    path("admin/preview/policies/<slug:slug>/", PolicyPreviewView.as_view(), name="preview-policy"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The API: /api/v1/, /api/schema/, /api/docs/. Outside the language prefixes.
    path("api/", include("config.api_urls")),
    # A release's files keep one address whatever the reader's language.
    path("data/<release_version:version>/<release_file:name>", release_file, name="release-file"),
]

# --- Public site: discovery (sitemap lists both languages itself, so it is not prefixed) ---
from public.sitemaps.base import sitemap_index, sitemap_section  # noqa: E402
from public.sitemaps.policies import SITEMAPS  # noqa: E402
from releases.sitemaps import DataPageSitemap  # noqa: E402

SECTIONS = {**SITEMAPS, "data": DataPageSitemap}

urlpatterns += [
    path("sitemap.xml", sitemap_index, {"sections": SECTIONS}, name="sitemap"),
    path(
        "sitemap-<slug:section>.xml",
        sitemap_section,
        {"sections": SECTIONS},
        name="sitemap-section",
    ),
    path("robots.txt", core_views.robots_txt, name="robots"),
]
# --- end public site discovery ---

urlpatterns += i18n_patterns(
    path("", policy_views.HomeView.as_view(), name="home"),
    path("search/", policy_views.SearchView.as_view(), name="search"),  # public site
    path("", include("public.urls.zones")),
    path("", include("public.urls.policies")),
    path("", include("releases.urls")),
    prefix_default_language=False,
)

# Operations: a body too large for Django to parse answers 413, not 400 (operations/errors.py).
handler400 = "operations.errors.bad_request"
