"""Sitemap sections for zones, programs, focus areas and the site's fixed pages.

Every section lists published records only (see ``public.sitemaps.base`` for the files).
"""

from django.db.models import Exists, OuterRef, Q

from public.sitemaps.base import FixedPagesSection, Section
from zones.models import FocusArea, Program, Zone


class StaticPagesSitemap(FixedPagesSection):
    names = ("home", "zones:list", "policies:list", "zones:focus-area-list")


class ZoneSitemap(Section):
    url_name = "zones:detail"

    def queryset(self):
        return Zone.objects.published()


class ProgramSitemap(Section):
    url_name = "zones:program-detail"

    def queryset(self):
        return Program.objects.published()


class FocusAreaSitemap(Section):
    url_name = "zones:focus-area-detail"

    def queryset(self):
        # Focus areas that published zones or documents mention; one only drafts mention is not
        # public yet.
        documents = FocusArea._meta.get_field("documents").related_model
        in_zones = Zone.objects.published().filter(focus_areas=OuterRef("pk"))
        in_documents = documents.objects.published().filter(focus_areas=OuterRef("pk"))
        return FocusArea.objects.filter(Q(Exists(in_zones)) | Q(Exists(in_documents)))

    def rows(self, start, stop):
        return [
            (slug, None)
            for slug in self.queryset().order_by("slug").values_list("slug", flat=True)[start:stop]
        ]

    def latest_lastmod(self):
        return None
