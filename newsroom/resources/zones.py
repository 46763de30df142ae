"""Zones as spreadsheet rows (CSV, XLSX, JSON): see ``newsroom.resources.base`` for the rules."""

from django.utils.translation import gettext as _
from import_export import fields

from core.models import Source
from newsroom.resources.base import PartialDateField, PublishableResource, SlugsWidget, SlugWidget
from zones.columns import ZONE_FIELDS
from zones.models import Batch, FocusArea, Program, Province, Zone


class BatchNumberWidget(SlugWidget):
    """A zone's batch, by its number within the row's program."""

    def __init__(self):
        super().__init__(Batch, field="number")

    def get_queryset(self, value, row, *args, **kwargs):
        return Batch.objects.filter(program__slug=str(row.get("program", "")).strip())

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip() and not value.strip().isdigit():
            raise ValueError(_("Write the batch as its number, e.g. 2."))
        try:
            return super().clean(value, row=row, **kwargs)
        except ValueError as missing:
            raise ValueError(
                _("Program “%(program)s” has no batch %(number)s.")
                % {"program": (row or {}).get("program", ""), "number": value}
            ) from missing


class ZoneResource(PublishableResource):
    program = fields.Field("program", "program", SlugWidget(Program))
    batch = fields.Field("batch", "batch", BatchNumberWidget())
    province = fields.Field("province", "province", SlugWidget(Province))
    approved_on = PartialDateField("approved_on")
    focus_areas = fields.Field("focus_areas", "focus_areas", SlugsWidget(FocusArea))
    sources = fields.Field("sources", "sources", SlugsWidget(Source))

    class Meta(PublishableResource.Meta):
        model = Zone
        fields = (*ZONE_FIELDS, "sources", "status")
        export_order = fields
