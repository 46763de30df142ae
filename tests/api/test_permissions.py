"""The permission matrix: every route and method, for each kind of client.

A 2xx is expected exactly where the admin's roles allow the action; everything else must fail,
and the anonymous public, accounts without permissions and accounts that are not staff (even in
the Editors group) never see a draft.
"""

from dataclasses import dataclass

import pytest
from django.db import transaction

from core.models import Status
from policies.models import PolicyDocument
from tests.api.support import client_for
from tests.factories import PolicyDocumentFactory
from zones.models import Zone

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "nobody", "editor_not_staff", "editor", "publisher", "superuser"]
VIEWERS = {"editor", "publisher", "superuser"}
EDITORS = VIEWERS
PUBLISHERS = {"publisher", "superuser"}
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]

DRAFT_ZONE = "miit-wuhan"
PUBLIC_ZONE = "miit-beijing"
DRAFT_DOCUMENT = "draft-document"
PUBLIC_DOCUMENT = "miit-second-batch-notice-2021"


@dataclass(frozen=True)
class Route:
    path: str
    # What the route does with each unsafe method, and who may do it (None: not offered).
    post: frozenset | None = None
    put: frozenset | None = None
    get: bool = True
    draft: bool = False

    def allowed(self, method: str, actor: str) -> bool:
        if method in ("GET", "HEAD"):
            return self.get and (not self.draft or actor in VIEWERS)
        offered = {"POST": self.post, "PUT": self.put, "PATCH": self.put}.get(method)
        return offered is not None and actor in offered

    def offers(self, method: str) -> bool:
        if method in ("GET", "HEAD"):
            return self.get
        return {"POST": self.post, "PUT": self.put, "PATCH": self.put}.get(method) is not None


NOBODY = frozenset()


def writable(resource: str, public: str, draft: str) -> list[Route]:
    return [
        Route(f"/api/v1/{resource}/", post=frozenset(EDITORS)),
        Route(f"/api/v1/{resource}/facets/"),
        # Editors may change a public record; their change sends it back to review.
        Route(f"/api/v1/{resource}/{public}/", put=frozenset(EDITORS)),
        Route(f"/api/v1/{resource}/{draft}/", put=frozenset(EDITORS), draft=True),
        # A published record cannot be submitted for review (409), by anyone.
        Route(f"/api/v1/{resource}/{public}/submit/", get=False, post=NOBODY),
        Route(f"/api/v1/{resource}/{draft}/submit/", get=False, post=frozenset(EDITORS)),
        Route(f"/api/v1/{resource}/{public}/publish/", get=False, post=frozenset(PUBLISHERS)),
        Route(f"/api/v1/{resource}/{draft}/publish/", get=False, post=frozenset(PUBLISHERS)),
        Route(f"/api/v1/{resource}/{public}/withdraw/", get=False, post=frozenset(PUBLISHERS)),
        # Only a public or scheduled record can be withdrawn (409 for a draft), by anyone.
        Route(f"/api/v1/{resource}/{draft}/withdraw/", get=False, post=NOBODY),
    ]


ROUTES = [
    Route("/api/v1/"),
    *writable("zones", PUBLIC_ZONE, DRAFT_ZONE),
    *writable("policies", PUBLIC_DOCUMENT, DRAFT_DOCUMENT),
    Route("/api/v1/directives/"),
    Route(f"/api/v1/directives/{PUBLIC_DOCUMENT}~{PUBLIC_ZONE}/"),
    Route("/api/v1/focus-areas/"),
    Route("/api/v1/focus-areas/smart-port/"),
    Route("/api/v1/programs/"),
    Route("/api/v1/programs/miit/"),
    Route("/api/v1/batches/"),
    Route("/api/v1/batches/miit~2/"),
    Route("/api/v1/batches/miit~3/", draft=True),
    Route("/api/v1/authorities/"),
    Route("/api/v1/authorities/miit/"),
    Route("/api/v1/provinces/"),
    Route("/api/v1/provinces/beijing/"),
    Route("/api/v1/regions/"),
    Route("/api/v1/regions/beijing-tianjin-hebei/"),
    Route("/api/v1/changes/?since=2020-01-01T00:00:00Z"),
]

BODIES = {
    "zones": {
        "slug": "matrix-zone",
        "name_en": "Matrix zone",
        "program": "miit",
        "province": "beijing",
        "summary_en": "Written by the permission matrix.",
    },
    "policies": {
        "slug": "matrix-document",
        "title_en": "Matrix notice",
        "authorities": ["miit"],
        "doc_type": "notice",
        "summary_en": "Written by the permission matrix.",
    },
}


def request(client, method, route, body):
    headers = {}
    if method in ("PUT", "PATCH"):
        # The current version, as a client that has just read the record would send it.
        headers["HTTP_IF_MATCH"] = '"v1-0"'
    call = getattr(client, method.lower())
    if method in ("POST", "PUT", "PATCH"):
        return call(route.path, body, format="json", **headers)
    return call(route.path, **headers)


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.path)
def test_permission_matrix(api, users, route):
    PolicyDocumentFactory(slug=DRAFT_DOCUMENT, status=Status.DRAFT)
    parts = route.path.split("?")[0].strip("/").split("/")
    clients = {"anonymous": client_for(None)} | {
        name: client_for(user) for name, user in users.items()
    }

    unexpected = []
    for method in METHODS:
        body = BODIES.get(parts[2], {}) if len(parts) > 2 else {}
        if method == "PUT" and len(parts) > 3:
            # A whole record: the one being replaced, under its own slug.
            body = {**body, "slug": parts[3]}
        for actor in ACTORS:
            with transaction.atomic():
                response = request(clients[actor], method, route, body)
                transaction.set_rollback(True)
            succeeded = 200 <= response.status_code < 300
            if succeeded != route.allowed(method, actor):
                unexpected.append((method, actor, response.status_code, response.content[:200]))
                continue
            if succeeded:
                continue
            if not route.offers(method):
                assert response.status_code == 405, (method, actor, response.status_code)
            elif actor == "anonymous" and method not in ("GET", "HEAD"):
                assert response.status_code == 401, (method, response.content[:200])
            if method != "HEAD":
                assert response.json()["error"]["code"], (method, actor)
    assert unexpected == []


DRAFT_SLUGS = [DRAFT_ZONE, "miit-changsha", "miit-nanjing", DRAFT_DOCUMENT, "miit~3"]
PUBLIC_READS = [
    "/api/v1/zones/?page_size=100",
    "/api/v1/zones/?format=csv",
    "/api/v1/zones/?format=geojson",
    "/api/v1/zones/?program=miit&batch=3",
    "/api/v1/zones/?province=hubei",
    "/api/v1/zones/facets/?page_size=100",
    "/api/v1/policies/?page_size=100",
    "/api/v1/policies/?format=csv",
    "/api/v1/policies/facets/",
    "/api/v1/directives/?format=csv",
    "/api/v1/focus-areas/?page_size=100&format=csv",
    "/api/v1/programs/miit/",
    "/api/v1/batches/?format=csv",
    "/api/v1/provinces/hubei/",
    "/api/v1/changes/?since=2000-01-01T00:00:00Z&page_size=100",
    "/api/v1/changes/?since=2000-01-01T00:00:00Z&page_size=100&page=2",
]


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


@pytest.mark.parametrize("actor", ["anonymous", "nobody", "editor_not_staff"])
def test_the_public_and_accounts_without_permissions_never_see_a_draft(api, users, actor):
    PolicyDocumentFactory(slug=DRAFT_DOCUMENT, status=Status.DRAFT, zones=[])
    client = client_for(users.get(actor))
    drafts = set(
        Zone.objects.exclude(pk__in=Zone.objects.published()).values_list("slug", flat=True)
    )
    assert set(DRAFT_SLUGS[:3]) <= drafts

    for path in PUBLIC_READS:
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        text = body_of(response)
        for slug in [*drafts, DRAFT_DOCUMENT, "miit~3"]:
            assert f'"{slug}"' not in text, (path, slug)
            assert f"/{slug}/" not in text, (path, slug)
            assert f"\n{slug}," not in text, (path, slug)
    for path in [f"/api/v1/zones/{DRAFT_ZONE}/", f"/api/v1/policies/{DRAFT_DOCUMENT}/"]:
        assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("actor", "path"),
    [
        ("editor", f"/api/v1/zones/{DRAFT_ZONE}/"),
        ("publisher", f"/api/v1/zones/{PUBLIC_ZONE}/"),
        ("superuser", f"/api/v1/policies/{PUBLIC_DOCUMENT}/"),
    ],
)
def test_a_write_on_a_stale_version_is_a_412_and_changes_nothing(api, users, actor, path):
    client = client_for(users[actor])
    read = client.get(path)
    model = Zone if "/zones/" in path else PolicyDocument
    record = model.objects.get(slug=path.split("/")[4])
    record.summary_en = "A colleague's change."
    record.save()

    response = client.patch(
        path, {"summary_en": "Mine."}, format="json", HTTP_IF_MATCH=read["ETag"]
    )

    assert response.status_code == 412
    current = model.objects.get(pk=record.pk)
    assert current.summary_en == "A colleague's change."
    assert current.version == record.version
