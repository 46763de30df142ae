"""Previews of policy documents for staff (see ``newsroom.preview.base``).

The public page lists a document's directives, relations and related documents only while they
are public. A preview shows the document as it will be once it and what it refers to are
published, so the parts a public page would filter out are shown here.
"""

from django.db.models import Prefetch

from newsroom.preview.base import PreviewMixin
from policies.models import Attachment, Directive, DocumentRelation, PolicyDocument, Principle
from public.views.policies import PolicyDetailView
from zones.models import Authority, FocusArea, Program, Zone


class PolicyPreviewView(PreviewMixin, PolicyDetailView):
    preview_model = PolicyDocument

    def relation_queryset(self):
        return DocumentRelation.objects.all()

    def get_queryset(self):
        user = self.request.user
        return (
            PolicyDocument.objects.visible_to(user)
            .select_related("superseded_by", "batch__program")
            .prefetch_related(
                Prefetch("authorities", queryset=Authority.objects.order_by("name_en")),
                Prefetch("focus_areas", queryset=FocusArea.objects.order_by("name_en")),
                Prefetch("programs", queryset=Program.objects.visible_to(user)),
                Prefetch("zones", queryset=Zone.objects.visible_to(user).select_related("program")),
                Prefetch("principles", queryset=Principle.objects.order_by("position")),
                Prefetch(
                    "directives",
                    queryset=Directive.objects.select_related("zone__program")
                    .prefetch_related("focus_areas")
                    .order_by("position"),
                ),
                Prefetch(
                    "supersedes",
                    queryset=PolicyDocument.objects.visible_to(user).order_by("issued_on"),
                ),
                Prefetch("attachments", queryset=Attachment.objects.order_by("kind", "pk")),
                "sources",
            )
        )
