"""The API of zones and what they hang on: programs, batches, provinces and regions.

Batches have no slug of their own: a batch's key is its program's slug and its number joined by
``~`` (``miit~2``), a character no slug contains.
"""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse

from api.conditional import set_validators
from api.csv import CsvExport, absolute_page_url
from api.filters import check_filters
from api.renderers import CSVRenderer, GeoJSONRenderer
from api.serializers import (
    FilteredListURLField,
    PageURLField,
    PartialDateField,
    RecordWriteSerializer,
)
from api.versions import VersionedViewSetMixin
from api.views import (
    SLUG_PATTERN,
    RegisterViewSet,
    WorkflowActionsMixin,
    WritableRegisterViewSet,
)
from core.columns import Column
from core.models import may_see_drafts, published_q
from zones.columns import (
    BATCH_COLUMNS,
    PROGRAM_COLUMNS,
    PROVINCE_COLUMNS,
    REGION_COLUMNS,
    ZONE_COLUMNS,
    ZONE_FIELDS,
)
from zones.filters import ZoneFilter
from zones.geojson import feature_collection
from zones.models import Authority, Batch, FocusArea, Program, Province, Region, Zone

KEY_SEPARATOR = "~"


def count_of(queryset):
    """A correlated COUNT(*) subquery, for counting published related records per row."""
    counted = queryset.order_by().annotate(one=Value(1)).values("one")
    counted = counted.annotate(total=Count("*")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def batch_key(batch) -> str:
    return f"{batch.program.slug}{KEY_SEPARATOR}{batch.number}"


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


# -- compact summaries of related records ---------------------------------------------------


class FocusAreaSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:focus-area-detail", lookup_field="slug"
    )

    class Meta:
        model = FocusArea
        fields = ["slug", "name_en", "name_zh_hans", "url"]


class AuthoritySummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:authority-detail", lookup_field="slug"
    )

    class Meta:
        model = Authority
        fields = ["slug", "name_en", "name_zh_hans", "abbreviation", "level", "url"]


class ProgramSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:program-detail", lookup_field="slug")

    class Meta:
        model = Program
        fields = ["slug", "name_en", "name_zh_hans", "short_name_en", "short_name_zh_hans", "url"]


@extend_schema_field(OpenApiTypes.URI)
class BatchURLField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, batch):
        return reverse(
            "api:batch-detail", kwargs={"key": batch_key(batch)}, request=self.context["request"]
        )


class BatchSummarySerializer(serializers.ModelSerializer):
    key = serializers.SerializerMethodField()
    url = BatchURLField()

    announced_on = PartialDateField(source="announced", help_text=_("As precise as the source."))

    class Meta:
        model = Batch
        fields = ["key", "number", "announced_on", "announced_on_precision", "url"]

    def get_key(self, batch) -> str:
        return batch_key(batch)


class RegionSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:region-detail", lookup_field="slug")

    class Meta:
        model = Region
        fields = ["slug", "name_en", "name_zh_hans", "url"]


class ProvinceSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:province-detail", lookup_field="slug")

    class Meta:
        model = Province
        fields = ["slug", "name_en", "name_zh_hans", "url"]


class ZoneSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:zone-detail", lookup_field="slug")
    program = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Zone
        fields = ["slug", "name_en", "name_zh_hans", "program", "url"]


# -- zones ----------------------------------------------------------------------------------


class ZoneSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:zone-detail", lookup_field="slug")
    html_url = PageURLField()
    html_url_zh_hans = PageURLField(language="zh-hans")
    program = ProgramSummarySerializer(read_only=True)
    batch = BatchSummarySerializer(read_only=True, allow_null=True)
    province = ProvinceSummarySerializer(read_only=True)
    region = RegionSummarySerializer(source="province.region", read_only=True, allow_null=True)
    approved = PartialDateField(help_text=_("The approval date as precise as the source gives it."))
    approved_on = PartialDateField(source="approved", help_text=_("As precise as the source."))
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)
    focus_areas = FocusAreaSummarySerializer(many=True, read_only=True)
    documents_url = FilteredListURLField("api:policy-list", "zone")

    class Meta:
        model = Zone
        fields = [
            "url",
            "html_url",
            "html_url_zh_hans",
            "slug",
            "name_en",
            "name_zh_hans",
            "program",
            "batch",
            "province",
            "region",
            "city_en",
            "city_zh_hans",
            "approved",
            "approved_on",
            "approved_on_precision",
            "latitude",
            "longitude",
            "focus_areas",
            "summary_en",
            "summary_zh_hans",
            "documents_url",
            "status",
            "go_live_at",
            "version",
            "updated_at",
        ]


class ZoneWriteSerializer(RecordWriteSerializer):
    program = serializers.SlugRelatedField(slug_field="slug", queryset=Program.objects.all())
    batch = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=999,
        help_text=_("The number of the program's batch, if the program announces batches."),
    )
    province = serializers.SlugRelatedField(slug_field="slug", queryset=Province.objects.all())
    focus_areas = serializers.SlugRelatedField(
        slug_field="slug", queryset=FocusArea.objects.all(), many=True, required=False
    )
    many_to_many = ("focus_areas",)

    class Meta:
        model = Zone
        fields = [*ZONE_FIELDS, "approved_on_precision", "version"]

    def validate(self, attrs):
        if "batch" in attrs:
            number = attrs.pop("batch")
            program = attrs.get("program") or getattr(self.instance, "program", None)
            attrs["batch"] = None
            if number is not None:
                attrs["batch"] = Batch.objects.filter(program=program, number=number).first()
                if attrs["batch"] is None:
                    raise serializers.ValidationError(
                        {"batch": [_("The program has no batch with this number.")]}
                    )
        return super().validate(attrs)


ZONE_CSV = CsvExport(
    filename="zones.csv",
    columns=ZONE_COLUMNS,
    page_url=absolute_page_url("zones:detail"),
)


class FacetOptionSerializer(serializers.Serializer):
    value = serializers.CharField(help_text=_("The value to pass to the filter."))
    label = serializers.CharField(help_text=_("The label in the request's language."))
    label_en = serializers.CharField()
    label_zh_hans = serializers.CharField()
    count = serializers.IntegerField(help_text=_("Results if this option were chosen."))
    selected = serializers.BooleanField()


class FacetsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("Results with the current filters."))
    facets = serializers.DictField(
        child=FacetOptionSerializer(many=True),
        help_text=_("For each filter, its options, the most frequent first."),
    )


class ZoneViewSet(VersionedViewSetMixin, WorkflowActionsMixin, WritableRegisterViewSet):
    """Zones: one designated area in one program. Filters and CSV as the /zones/ page."""

    queryset = Zone.objects.all()
    serializer_class = ZoneSerializer
    detail_serializer_class = ZoneSerializer
    write_serializer_class = ZoneWriteSerializer
    filterset_class = ZoneFilter
    list_renderer_classes = [JSONRenderer, CSVRenderer, GeoJSONRenderer]
    csv_export = ZONE_CSV
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def for_list(self, queryset):
        return queryset.select_related(
            "program", "batch__program", "province__region"
        ).prefetch_related(Prefetch("focus_areas", queryset=FocusArea.objects.order_by("name_en")))

    def geojson(self, request, queryset):
        zones = queryset.select_related("program", "batch", "province")
        return feature_collection(
            zones, html_url=lambda zone: absolute(request, zone.get_absolute_url())
        )

    @action(
        detail=False,
        methods=["get"],
        renderer_classes=[JSONRenderer],
        serializer_class=FacetsSerializer,
    )
    def facets(self, request):
        """For the current filters, how many zones each option of every filter would give."""
        filterset = ZoneFilter(request.query_params, queryset=self.get_queryset())
        return facets_response(self, request, filterset)


def facets_response(view, request, filterset, extra=None):
    """The facet counts of ``filterset``; ``extra()`` gives more members of the answer."""
    check_filters(filterset, request.query_params)
    not_modified, etag, version = view.not_modified_or_validators(request)
    if not_modified is not None:
        return not_modified
    facets = {
        name: [
            {
                "value": option.value,
                "label": option.label,
                "label_en": option.labels.get("en", option.label),
                "label_zh_hans": option.labels.get("zh-hans", option.label),
                "count": option.count,
                "selected": option.selected,
            }
            for option in options
        ]
        for name, options in filterset.facet_counts().items()
    }
    response = Response(
        {"count": filterset.qs.count(), "facets": facets, **(extra() if extra else {})}
    )
    set_validators(response, etag, version)
    return response


# -- programs and batches -------------------------------------------------------------------


class ProgramSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:program-detail", lookup_field="slug")
    html_url = PageURLField()
    html_url_zh_hans = PageURLField(language="zh-hans")
    authority = AuthoritySummarySerializer(read_only=True)
    batches = BatchSummarySerializer(many=True, read_only=True)
    zone_count = serializers.IntegerField(read_only=True)
    zones_url = FilteredListURLField("api:zone-list", "program")

    class Meta:
        model = Program
        fields = [
            "url",
            "html_url",
            "html_url_zh_hans",
            "slug",
            "name_en",
            "name_zh_hans",
            "short_name_en",
            "short_name_zh_hans",
            "authority",
            "summary_en",
            "summary_zh_hans",
            "batches",
            "zone_count",
            "zones_url",
            "status",
            "go_live_at",
            "version",
            "updated_at",
        ]


class ProgramViewSet(RegisterViewSet):
    """National designation schemes and their batches."""

    queryset = Program.objects.all()
    serializer_class = ProgramSerializer
    csv_export = CsvExport(
        filename="programs.csv",
        columns=[*PROGRAM_COLUMNS, Column("zone_count", "zone_count")],
        page_url=absolute_page_url("zones:program-detail"),
    )

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(zone_count=count_of(Zone.objects.published().filter(program=OuterRef("pk"))))
            .order_by("slug")
        )

    def for_list(self, queryset):
        batches = Batch.objects.published().select_related("program").order_by("number")
        return queryset.select_related("authority").prefetch_related(
            Prefetch("batches", queryset=batches)
        )


class BatchSerializer(serializers.ModelSerializer):
    key = serializers.SerializerMethodField()
    url = BatchURLField()
    html_url = serializers.SerializerMethodField()
    program = ProgramSummarySerializer(read_only=True)
    announced = PartialDateField(help_text=_("The announcement date as precise as the source."))
    announced_on = PartialDateField(source="announced", help_text=_("As precise as the source."))
    zone_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Batch
        fields = [
            "url",
            "html_url",
            "key",
            "program",
            "number",
            "announced",
            "announced_on",
            "announced_on_precision",
            "note_en",
            "note_zh_hans",
            "zone_count",
            "status",
            "go_live_at",
            "version",
            "updated_at",
        ]

    def get_key(self, batch) -> str:
        return batch_key(batch)

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, batch) -> str:
        return absolute(self.context["request"], batch.program.get_absolute_url())


BATCH_KEY_PATTERN = rf"{SLUG_PATTERN}{KEY_SEPARATOR}[0-9]+"


class BatchViewSet(RegisterViewSet):
    """Announcement rounds. A batch's key is ``<program slug>~<number>``, e.g. ``miit~2``."""

    queryset = Batch.objects.all()
    serializer_class = BatchSerializer
    lookup_field = "key"
    lookup_value_regex = BATCH_KEY_PATTERN
    csv_export = CsvExport(
        filename="batches.csv",
        columns=[*BATCH_COLUMNS, Column("zone_count", "zone_count")],
        page_url=absolute_page_url("zones:program-detail"),
        page_source="program__slug",
    )

    def get_queryset(self):
        queryset = super().get_queryset()
        if not may_see_drafts(self.request.user, Batch):
            # A batch is public only while its program is.
            queryset = queryset.filter(published_q("program__"))
        return queryset.annotate(
            zone_count=count_of(Zone.objects.published().filter(batch=OuterRef("pk")))
        ).order_by("program__slug", "number")

    def for_list(self, queryset):
        return queryset.select_related("program")

    def lookup_filter(self) -> dict:
        program, number = self.kwargs["key"].rsplit(KEY_SEPARATOR, 1)
        return {"program__slug": program, "number": int(number)}


# -- places ---------------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:region-detail", lookup_field="slug")
    html_url = FilteredListURLField("zones:list", "region")
    provinces = ProvinceSummarySerializer(many=True, read_only=True)
    zone_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Region
        fields = ["url", "html_url", "slug", "name_en", "name_zh_hans", "provinces", "zone_count"]


class RegionViewSet(RegisterViewSet):
    """Economic regions (Yangtze River Delta, …): the values of the zones' ``region`` filter."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    csv_export = CsvExport(
        filename="regions.csv",
        columns=[*REGION_COLUMNS, Column("zone_count", "zone_count")],
        page_url=absolute_page_url("zones:list", query="region"),
    )

    def get_queryset(self):
        zones = Zone.objects.published().filter(province__region=OuterRef("pk"))
        return Region.objects.annotate(zone_count=count_of(zones)).order_by("name_en", "slug")

    def for_list(self, queryset):
        return queryset.prefetch_related(
            Prefetch("provinces", queryset=Province.objects.order_by("name_en"))
        )


class ProvinceSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:province-detail", lookup_field="slug")
    html_url = FilteredListURLField("zones:list", "province")
    region = RegionSummarySerializer(read_only=True, allow_null=True)
    zone_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Province
        fields = ["url", "html_url", "slug", "name_en", "name_zh_hans", "region", "zone_count"]


class ProvinceViewSet(RegisterViewSet):
    """Provinces, municipalities and autonomous regions: the values of the ``province`` filter."""

    queryset = Province.objects.all()
    serializer_class = ProvinceSerializer
    csv_export = CsvExport(
        filename="provinces.csv",
        columns=[*PROVINCE_COLUMNS, Column("zone_count", "zone_count")],
        page_url=absolute_page_url("zones:list", query="province"),
    )

    def get_queryset(self):
        zones = Zone.objects.published().filter(province=OuterRef("pk"))
        return Province.objects.annotate(zone_count=count_of(zones)).order_by("name_en", "slug")

    def for_list(self, queryset):
        return queryset.select_related("region")
