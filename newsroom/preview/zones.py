"""Previews of zones and programs for staff (see ``newsroom.preview.base``)."""

from newsroom.preview.base import PreviewMixin
from public.views.zones import ProgramDetailView, ZoneDetailView
from zones.models import Program, Zone


class ZonePreviewView(PreviewMixin, ZoneDetailView):
    preview_model = Zone

    def get_queryset(self):
        return Zone.objects.visible_to(self.request.user).for_listing()


class ProgramPreviewView(PreviewMixin, ProgramDetailView):
    preview_model = Program

    def get_queryset(self):
        return Program.objects.visible_to(self.request.user).for_listing()
