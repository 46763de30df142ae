"""Previews of zones and programs for staff (see ``newsroom.preview.base``)."""

from core.inline import inline
from newsroom.preview.base import PreviewMixin
from public.views.zones import ProgramDetailView, ZoneDetailView, latest_on_zone_page
from zones.models import Program, Zone


class ZonePreviewView(PreviewMixin, ZoneDetailView):
    preview_model = Zone

    def get_queryset(self):
        zones = Zone.objects.visible_to(self.request.user).for_listing()
        return inline(zones, *latest_on_zone_page())


class ProgramPreviewView(PreviewMixin, ProgramDetailView):
    preview_model = Program

    def get_queryset(self):
        return Program.objects.visible_to(self.request.user).for_listing()
