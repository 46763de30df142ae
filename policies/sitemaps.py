from core.sitemaps import Section
from policies.models import PolicyDocument
from zones.sitemaps import FocusAreaSitemap, ProgramSitemap, StaticPagesSitemap, ZoneSitemap


class PolicySitemap(Section):
    url_name = "policies:detail"

    def queryset(self):
        return PolicyDocument.objects.published()


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "zones": ZoneSitemap,
    "programs": ProgramSitemap,
    "focus-areas": FocusAreaSitemap,
    "policies": PolicySitemap,
}
