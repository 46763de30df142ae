from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, register_converter

from newsroom.preview.policies import PolicyPreviewView
from newsroom.preview.zones import ProgramPreviewView, ZonePreviewView
from operations import health
from public.sitemaps.base import sitemap_index, sitemap_section
from public.sitemaps.policies import SITEMAPS
from public.views import pages
from public.views import policies as policy_views
from releases.converters import ReleaseFileNameConverter, ReleaseVersionConverter
from releases.sitemaps import DataPageSitemap
from releases.views import release_file

register_converter(ReleaseVersionConverter, "release_version")
register_converter(ReleaseFileNameConverter, "release_file")

SITEMAP_SECTIONS = {**SITEMAPS, "data": DataPageSitemap}

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
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
    # The sitemaps list both languages themselves, so they are not prefixed.
    path("sitemap.xml", sitemap_index, {"sections": SITEMAP_SECTIONS}, name="sitemap"),
    path(
        "sitemap-<slug:section>.xml",
        sitemap_section,
        {"sections": SITEMAP_SECTIONS},
        name="sitemap-section",
    ),
    path("robots.txt", pages.robots_txt, name="robots"),
]

# The public site, in English at / and in Chinese under /zh-hans/.
urlpatterns += i18n_patterns(
    path("", policy_views.HomeView.as_view(), name="home"),
    path("search/", policy_views.SearchView.as_view(), name="search"),
    path("", include("public.urls.zones")),
    path("", include("public.urls.policies")),
    path("", include("releases.urls")),
    prefix_default_language=False,
)

# A body too large for Django to parse answers 413, not 400 (operations/errors.py).
handler400 = "operations.errors.bad_request"
