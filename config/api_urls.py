"""The API: one router under /api/v1/, the OpenAPI schema and its interactive docs.

Included from config/urls.py outside the language prefixes: the API serves both languages'
fields in every response, and the language of its messages follows Accept-Language.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api.policies import (
    AuthorityViewSet,
    ChangesViewSet,
    DirectiveViewSet,
    FocusAreaViewSet,
    PolicyViewSet,
)
from api.schema_view import SchemaView
from api.views import ApiRootView, api_not_found
from api.zones import BatchViewSet, ProgramViewSet, ProvinceViewSet, RegionViewSet, ZoneViewSet
from releases.api import ReleaseViewSet

app_name = "api"

router = SimpleRouter()
router.register("zones", ZoneViewSet, basename="zone")
router.register("policies", PolicyViewSet, basename="policy")
router.register("directives", DirectiveViewSet, basename="directive")
router.register("focus-areas", FocusAreaViewSet, basename="focus-area")
router.register("programs", ProgramViewSet, basename="program")
router.register("batches", BatchViewSet, basename="batch")
router.register("authorities", AuthorityViewSet, basename="authority")
router.register("provinces", ProvinceViewSet, basename="province")
router.register("regions", RegionViewSet, basename="region")
router.register("changes", ChangesViewSet, basename="change")
router.register("releases", ReleaseViewSet, basename="release")

urlpatterns = [
    path("v1/", ApiRootView.as_view(resources=router.registry), name="root"),
    path("v1/", include(router.urls)),
    path("schema/", SchemaView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    # Anything else under /api/ answers 404 in the API's error shape, not as an HTML page.
    re_path(r"^(?P<unmatched>[\s\S]*)\Z", api_not_found),
]
