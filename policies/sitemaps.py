from policies.models import PolicyDocument
from zones.sitemaps import (
    BilingualSitemap,
    FocusAreaSitemap,
    ProgramSitemap,
    StaticPagesSitemap,
    ZoneSitemap,
)


class PolicySitemap(BilingualSitemap):
    changefreq = "weekly"

    def items(self):
        return PolicyDocument.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, document):
        return document.updated_at


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "zones": ZoneSitemap,
    "programs": ProgramSitemap,
    "focus-areas": FocusAreaSitemap,
    "policies": PolicySitemap,
}
