"""Documents and directives as spreadsheet rows (CSV, XLSX, JSON); see
``newsroom.resources.base``."""

from django.utils.translation import gettext as _
from import_export import fields, widgets

from core.models import LogAction, Source
from core.services import (
    goes_to_working_copy,
    working_copy_of,
    working_copy_part_save,
    working_copy_view,
)
from newsroom.resources.base import (
    FlagWidget,
    NewsroomResource,
    PartialDateField,
    PublishableResource,
    SlugsWidget,
    SlugWidget,
)
from policies.columns import DOCUMENT_FIELDS
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
        fields = (*DOCUMENT_FIELDS, "sources", "status")
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

    def get_or_init_instance(self, instance_loader, row):
        # A directive of a document with a working copy is compared as the working copy has
        # it, a new one waiting there too (so that importing a file again changes nothing).
        instance, is_new = super().get_or_init_instance(instance_loader, row)
        if is_new and not {"document", "zone"} <= set(row):
            return instance, is_new
        document = self.fields["document"].clean(row) if is_new else instance.document
        zone = self.fields["zone"].clean(row) if is_new else instance.zone
        working_copy = working_copy_of(document)
        if working_copy is None or zone is None:
            return instance, is_new
        parts = working_copy_view(document, working_copy)._working_copy_parts.get(Directive, ())
        waiting = next(
            (p for p in parts if p.pk == instance.pk and (p.pk or p.zone_id == zone.pk)), None
        )
        return (waiting, False) if waiting is not None else (instance, is_new)

    def do_instance_save(self, instance, is_create):
        instance._history_user = self.user
        if goes_to_working_copy(instance.document, self.user):
            # Written to the document's working copy with its links in save_m2m; the live
            # directive stays as it is until the working copy is published.
            instance._writes_working_copy = True
            self.row_to_working_copy = True
            return
        super().do_instance_save(instance, is_create)

    def save_m2m(self, instance, row, **kwargs):
        if not getattr(instance, "_writes_working_copy", False):
            return super().save_m2m(instance, row, **kwargs)
        links = {
            field.attribute: field.clean(row)
            for field in self.get_import_fields()
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row
        }
        working_copy_part_save(
            record=instance.document,
            part=instance,
            parent_field="document",
            user=self.user,
            links=links,
            same_as=("zone_id",),
            log_action=LogAction.IMPORTED,
        )
        return None
