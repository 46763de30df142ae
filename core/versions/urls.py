"""The version addresses of a record, the same for every versioned model."""

from django.urls import path, re_path

from core.versions.views import CitationView, VersionDetailView, VersionListView


def version_urls(prefix: str, model) -> list:
    """``<prefix>/<slug>/versions/``, ``…/<n>/`` and ``…/<n>/cite.(bib|ris|json)``."""
    return [
        path(
            f"{prefix}/<slug:slug>/versions/",
            VersionListView.as_view(model=model),
            name="versions",
        ),
        path(
            f"{prefix}/<slug:slug>/versions/<int:number>/",
            VersionDetailView.as_view(model=model),
            name="version",
        ),
        re_path(
            rf"^{prefix}/(?P<slug>[-a-zA-Z0-9_]+)/versions/(?P<number>[0-9]+)/cite\.(?P<format>bib|ris|json)$",
            CitationView.as_view(model=model),
            name="version-cite",
        ),
    ]
