from django.views.generic import DetailView, ListView

from zones.filters import ZoneFilter
from zones.models import FocusArea, Program, Zone


class ZoneListView(ListView):
    template_name = "zones/zone_list.html"
    paginate_by = 24

    def get_queryset(self):
        self.filterset = ZoneFilter(self.request.GET, queryset=Zone.objects.published())
        if not self.filterset.is_valid():
            return Zone.objects.none()
        return self.filterset.qs.for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class ZoneDetailView(DetailView):
    template_name = "zones/zone_detail.html"
    context_object_name = "zone"

    def get_queryset(self):
        return Zone.objects.published().for_listing()


class FocusAreaListView(ListView):
    template_name = "zones/focusarea_list.html"
    context_object_name = "focus_areas"

    def get_queryset(self):
        return FocusArea.objects.all()


class FocusAreaDetailView(DetailView):
    template_name = "zones/focusarea_detail.html"
    context_object_name = "focus_area"
    queryset = FocusArea.objects.all()

    def get_context_data(self, **kwargs):
        zones = Zone.objects.published().filter(focus_areas=self.object).for_listing()
        return super().get_context_data(zones=zones, **kwargs)


class ProgramDetailView(DetailView):
    template_name = "zones/program_detail.html"
    context_object_name = "program"

    def get_queryset(self):
        return Program.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        zones = Zone.objects.published().filter(program=self.object).for_listing()
        return super().get_context_data(zones=zones, **kwargs)
