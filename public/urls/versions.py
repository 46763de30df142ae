"""The version addresses of a record, the same for every versioned model."""

from django.urls import path

from core.versions.citations import WRITERS
from public.views.versions import CitationView, VersionDetailView, VersionListView


def version_urls(prefix: str, model) -> list:
    """``<prefix>/<slug>/versions/``, ``…/<n>/`` and ``…/<n>/cite.bib`` (``.ris``, ``.json``)."""
    version = f"{prefix}/<slug:slug>/versions/<int:number>/"
    return [
        path(
            f"{prefix}/<slug:slug>/versions/",
            VersionListView.as_view(model=model),
            name="versions",
        ),
        path(version, VersionDetailView.as_view(model=model), name="version"),
        *(
            path(
                f"{version}cite.{format}",
                CitationView.as_view(model=model),
                {"format": format},
                name=f"version-cite-{format}",
            )
            for format in WRITERS
        ),
    ]
