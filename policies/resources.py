"""Documents and directives as spreadsheet rows (CSV, XLSX, JSON): see ``core.resources``."""

from django.utils.translation import gettext as _
from import_export import fields

from core.models import Source
from core.resources import (
    FlagWidget,
    NewsroomResource,
    PartialDateField,
    PublishableResource,
    SlugsWidget,
    SlugWidget,
)
from core.services import record_parts_changed
from policies.models import Directive, PolicyDocument
from zones.models import Authority, Batch, FocusArea, Program, Zone


class BatchReferenceWidget(SlugWidget):
    """A batch as "<program slug>/<number>", e.g. "miit-pilot-zones/2"."""

    def __init__(self):
        super().__init__(Batch, field="number")

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        program, _slash, number = text.rpartition("/")
        if not program or not number.isdigit():
            raise ValueError(
                _("Write the batch as its program's key, a slash and its number, e.g. %(example)s.")
                % {"example": "miit-pilot-zones/2"}
            )
        batch = Batch.objects.filter(program__slug=program, number=int(number)).first()
        if batch is None:
            raise ValueError(_("There is no batch “%(batch)s”.") % {"batch": text})
        return batch

    def render(self, value, obj=None, **kwargs):
        return f"{value.program.slug}/{value.number}" if value is not None else ""


class PolicyDocumentResource(PublishableResource):
    authorities = fields.Field("authorities", "authorities", SlugsWidget(Authority))
    written_on = PartialDateField("written_on")
    issued_on = PartialDateField("issued_on")
    superseded_by = fields.Field("superseded_by", "superseded_by", SlugWidget(PolicyDocument))
    batch = fields.Field("batch", "batch", BatchReferenceWidget())
    programs = fields.Field("programs", "programs", SlugsWidget(Program))
    zones = fields.Field("zones", "zones", SlugsWidget(Zone))
    focus_areas = fields.Field("focus_areas", "focus_areas", SlugsWidget(FocusArea))
    sources = fields.Field("sources", "sources", SlugsWidget(Source))
    doc_number_unknown = fields.Field("doc_number_unknown", "doc_number_unknown", FlagWidget())

    class Meta(PublishableResource.Meta):
        model = PolicyDocument
        fields = (
            "slug",
            "title_en",
            "title_zh_hans",
            "doc_number",
            "doc_number_unknown",
            "doc_type",
            "authorities",
            "written_on",
            "issued_on",
            "validity",
            "superseded_by",
            "summary_en",
            "summary_zh_hans",
            "body_en",
            "body_zh_hans",
            "source_url",
            "batch",
            "programs",
            "zones",
            "focus_areas",
            "sources",
            "status",
        )
        export_order = fields


class DirectiveResource(NewsroomResource):
    """A directive is a row keyed by its document and its zone."""

    document = fields.Field("document", "document", SlugWidget(PolicyDocument))
    zone = fields.Field("zone", "zone", SlugWidget(Zone))
    focus_areas = fields.Field("focus_areas", "focus_areas", SlugsWidget(FocusArea))

    class Meta(NewsroomResource.Meta):
        model = Directive
        import_id_fields = ("document", "zone")
        fields = ("document", "zone", "position", "text_en", "text_zh_hans", "focus_areas")
        export_order = fields

    def do_instance_save(self, instance, is_create):
        instance._history_user = self.user
        super().do_instance_save(instance, is_create)

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        # A directive is public with its document: an editor's change to one of a public
        # document sends the document back to review.
        record_parts_changed(record=instance.document, user=self.user)
