from django.views.generic import DetailView, ListView, TemplateView

from policies.filters import PolicyFilter
from policies.models import PolicyDocument
from zones.models import Zone


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            zone_count=Zone.objects.published().count(),
            document_count=PolicyDocument.objects.published().count(),
            **kwargs,
        )


class PolicyListView(ListView):
    template_name = "policies/policy_list.html"
    paginate_by = 20

    def get_queryset(self):
        self.filterset = PolicyFilter(self.request.GET, queryset=PolicyDocument.objects.published())
        if not self.filterset.is_valid():
            return PolicyDocument.objects.none()
        return self.filterset.qs.for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class PolicyDetailView(DetailView):
    template_name = "policies/policy_detail.html"
    context_object_name = "document"

    def get_queryset(self):
        return PolicyDocument.objects.published().for_detail()
