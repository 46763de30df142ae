"""Sitemap sections for zones, programs, focus areas and the site's fixed pages.

Every section lists published records only, in both languages with ``hreflang`` alternates.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Q
from django.urls import reverse

from zones.models import FocusArea, Program, Zone


class BilingualSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticPagesSitemap(BilingualSitemap):
    changefreq = "daily"

    def items(self):
        return ["home", "zones:list", "policies:list", "zones:focus-area-list"]

    def location(self, name):
        return reverse(name)


class ZoneSitemap(BilingualSitemap):
    changefreq = "weekly"

    def items(self):
        return Zone.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, zone):
        return zone.updated_at


class ProgramSitemap(BilingualSitemap):
    changefreq = "weekly"

    def items(self):
        return Program.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, program):
        return program.updated_at


class FocusAreaSitemap(BilingualSitemap):
    changefreq = "weekly"

    def items(self):
        # Focus areas that published zones or documents mention; one only drafts mention is not
        # public yet.
        documents = FocusArea._meta.get_field("documents").related_model
        in_zones = Zone.objects.published().values("focus_areas")
        in_documents = documents.objects.published().values("focus_areas")
        return FocusArea.objects.filter(Q(pk__in=in_zones) | Q(pk__in=in_documents)).order_by(
            "slug"
        )
