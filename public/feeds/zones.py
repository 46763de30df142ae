"""The Atom feed of zones. It takes the zones list's filters, so any filtered view of the zones
can be followed; newest designations first unless the address orders it otherwise."""

from django.utils.translation import gettext as _

from public.feeds.base import FilteredFeed
from zones.filters import ZoneFilter
from zones.models import Zone


class ZoneFeed(FilteredFeed):
    filterset_class = ZoneFilter
    list_url_name = "zones:list"
    default_filters = {"ordering": "-approved_on"}

    def base_queryset(self):
        return Zone.objects.published()

    def name(self):
        return _("AI Pilot Zones: zones")

    def subtitle(self, request):
        return _("China's national AI pilot zones, as listed at %(url)s") % {
            "url": request.build_absolute_uri(self.link(request))
        }

    def item_title(self, zone):
        return f"{zone.name} · {zone.program.short_name or zone.program.name}"

    def item_description(self, zone):
        return zone.summary

    def item_link(self, zone):
        return zone.get_absolute_url()

    def item_updateddate(self, zone):
        return zone.updated_at

    def item_extra_kwargs(self, zone):
        return {"date_iso": zone.approved.iso}

    def item_categories(self, zone):
        return [area.name for area in zone.focus_areas.all()]
