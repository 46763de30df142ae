from policies.models import PolicyDocument
from public.sitemaps.base import Section
from public.sitemaps.zones import FocusAreaSitemap, ProgramSitemap, StaticPagesSitemap, ZoneSitemap


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
