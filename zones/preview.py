"""Previews of zones and programs for staff (see ``core.preview``)."""

from core.preview import PreviewMixin
from zones.models import Program, Zone
from zones.views import ProgramDetailView, ZoneDetailView


class ZonePreviewView(PreviewMixin, ZoneDetailView):
    preview_model = Zone

    def get_queryset(self):
        return Zone.objects.visible_to(self.request.user).for_listing()


class ProgramPreviewView(PreviewMixin, ProgramDetailView):
    preview_model = Program

    def get_queryset(self):
        return Program.objects.visible_to(self.request.user).for_listing()
