"""The API of policy documents, directives, focus areas and authorities, and the changes feed.

A directive's key is its document's slug and its zone's slug joined by ``~``
(``miit-second-batch-notice-2021~miit-beijing``): a document asks one thing of each zone.
"""

import re
from datetime import UTC, datetime

from django.db.models import BooleanField, Case, F, OuterRef, Prefetch, Value, When
from django.urls import reverse as django_reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.reverse import reverse
from rest_framework.utils.urls import replace_query_param

from api.changes import ChangesFeed, FeedSource, Parent
from api.conditional import set_validators
from api.csv import CsvExport, absolute_page_url
from api.exceptions import InvalidParameters
from api.pagination import RegisterPagination
from api.serializers import (
    FilteredListURLField,
    OptionalURLField,
    PageURLField,
    PartialDateField,
    RecordWriteSerializer,
)
from api.versions import VersionedViewSetMixin
from api.views import (
    SLUG_PATTERN,
    RegisterViewSet,
    RegisterViewSetBase,
    WorkflowActionsMixin,
    WritableRegisterViewSet,
)
from api.zones import (
    KEY_SEPARATOR,
    AuthoritySummarySerializer,
    BatchSummarySerializer,
    FacetsSerializer,
    FocusAreaSummarySerializer,
    ProgramSummarySerializer,
    ProvinceSummarySerializer,
    ZoneSummarySerializer,
    count_of,
    facets_response,
)
from core.columns import Column
from core.dates import BUCKETS
from core.models import Source, may_see_drafts, published_q
from policies.columns import DIRECTIVE_COLUMNS, DOCUMENT_FIELDS, POLICY_COLUMNS
from policies.filters import DirectiveFilter, PolicyFilter
from policies.models import (
    LISTING_DEFERRED,
    Attachment,
    Directive,
    DocumentRelation,
    PolicyDocument,
    Principle,
)
from zones.columns import AUTHORITY_COLUMNS, FOCUS_AREA_COLUMNS
from zones.models import Authority, Batch, FocusArea, Program, Zone


def directive_key(directive) -> str:
    return f"{directive.document.slug}{KEY_SEPARATOR}{directive.zone.slug}"


@extend_schema_field(OpenApiTypes.URI)
class DirectiveURLField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, directive):
        return reverse(
            "api:directive-detail",
            kwargs={"key": directive_key(directive)},
            request=self.context["request"],
        )


class DocumentSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:policy-detail", lookup_field="slug")
    issued_on = PartialDateField(
        source="issued", help_text=gettext_lazy("As precise as the source.")
    )

    class Meta:
        model = PolicyDocument
        fields = ["slug", "title_en", "title_zh_hans", "doc_number", "issued_on", "url"]


class DirectiveSummarySerializer(serializers.ModelSerializer):
    url = DirectiveURLField()
    zone = ZoneSummarySerializer(read_only=True)

    class Meta:
        model = Directive
        fields = ["zone", "position", "url"]


class PrincipleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Principle
        fields = ["position", "text_en", "text_zh_hans"]


class RelationSerializer(serializers.ModelSerializer):
    document = DocumentSummarySerializer(source="to_document", read_only=True)

    class Meta:
        model = DocumentRelation
        fields = ["kind", "document", "note"]


class IncomingRelationSerializer(serializers.ModelSerializer):
    document = DocumentSummarySerializer(source="from_document", read_only=True)

    class Meta:
        model = DocumentRelation
        fields = ["kind", "document", "note"]


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "kind",
            "language",
            "title_en",
            "title_zh_hans",
            "content_type",
            "size",
            "sha256",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, attachment) -> str:
        path = django_reverse(
            "policies:attachment", kwargs={"slug": attachment.document.slug, "pk": attachment.pk}
        )
        return self.context["request"].build_absolute_uri(path)


class SourceSerializer(serializers.ModelSerializer):
    url = OptionalURLField()

    class Meta:
        model = Source
        fields = ["slug", "title", "url", "publisher", "published_on"]


# -- documents -------------------------------------------------------------------------------


class PolicySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:policy-detail", lookup_field="slug")
    html_url = PageURLField()
    html_url_zh_hans = PageURLField(language="zh-hans")
    authorities = AuthoritySummarySerializer(many=True, read_only=True)
    written = PartialDateField(help_text=gettext_lazy("成文日期, as precise as the source."))
    issued = PartialDateField(help_text=gettext_lazy("发布日期, as precise as the source."))
    # The stored dates, written as precisely as they are known, like ``written`` and ``issued``.
    written_on = PartialDateField(
        source="written", help_text=gettext_lazy("As precise as the source.")
    )
    issued_on = PartialDateField(
        source="issued", help_text=gettext_lazy("As precise as the source.")
    )
    superseded_by = serializers.SerializerMethodField()
    batch = serializers.SerializerMethodField()
    programs = ProgramSummarySerializer(many=True, read_only=True)
    zones = ZoneSummarySerializer(many=True, read_only=True)
    focus_areas = FocusAreaSummarySerializer(many=True, read_only=True)
    directives = DirectiveSummarySerializer(many=True, read_only=True)
    source_url = OptionalURLField()

    class Meta:
        model = PolicyDocument
        fields = [
            "url",
            "html_url",
            "html_url_zh_hans",
            "slug",
            "title_en",
            "title_zh_hans",
            "doc_number",
            "doc_number_unknown",
            "doc_type",
            "authorities",
            "written",
            "written_on",
            "written_on_precision",
            "issued",
            "issued_on",
            "issued_on_precision",
            "validity",
            "superseded_by",
            "summary_en",
            "summary_zh_hans",
            "source_url",
            "batch",
            "programs",
            "zones",
            "focus_areas",
            "directives",
            "status",
            "go_live_at",
            "version",
            "updated_at",
        ]

    @extend_schema_field(DocumentSummarySerializer(allow_null=True))
    def get_superseded_by(self, document):
        if not document.superseded_by_public:
            return None
        return DocumentSummarySerializer(document.superseded_by, context=self.context).data

    @extend_schema_field(BatchSummarySerializer(allow_null=True))
    def get_batch(self, document):
        if not document.batch_public:
            return None
        return BatchSummarySerializer(document.batch, context=self.context).data


class PolicyDetailSerializer(PolicySerializer):
    principles = PrincipleSerializer(many=True, read_only=True)
    relations = RelationSerializer(source="relations_out", many=True, read_only=True)
    related_by = IncomingRelationSerializer(source="relations_in", many=True, read_only=True)
    supersedes = DocumentSummarySerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta(PolicySerializer.Meta):
        fields = [
            *PolicySerializer.Meta.fields,
            "body_en",
            "body_zh_hans",
            "principles",
            "relations",
            "related_by",
            "supersedes",
            "attachments",
            "sources",
        ]


class PolicyWriteSerializer(RecordWriteSerializer):
    authorities = serializers.SlugRelatedField(
        slug_field="slug", queryset=Authority.objects.all(), many=True, allow_empty=False
    )
    superseded_by = serializers.SlugRelatedField(
        slug_field="slug", queryset=PolicyDocument.objects.all(), required=False, allow_null=True
    )
    batch = serializers.RegexField(
        rf"^{SLUG_PATTERN}{KEY_SEPARATOR}[0-9]+$",
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The batch this document announces, as its key, e.g. miit~2."),
    )
    programs = serializers.SlugRelatedField(
        slug_field="slug", queryset=Program.objects.all(), many=True, required=False
    )
    zones = serializers.SlugRelatedField(
        slug_field="slug", queryset=Zone.objects.all(), many=True, required=False
    )
    focus_areas = serializers.SlugRelatedField(
        slug_field="slug", queryset=FocusArea.objects.all(), many=True, required=False
    )
    many_to_many = ("authorities", "programs", "zones", "focus_areas")

    class Meta:
        model = PolicyDocument
        fields = [*DOCUMENT_FIELDS, "written_on_precision", "issued_on_precision", "version"]

    def validate(self, attrs):
        if "batch" in attrs:
            key = attrs.pop("batch")
            attrs["batch"] = None
            if key:
                program, number = key.rsplit(KEY_SEPARATOR, 1)
                attrs["batch"] = Batch.objects.filter(
                    program__slug=program, number=int(number)
                ).first()
                if attrs["batch"] is None:
                    raise serializers.ValidationError({"batch": [_("There is no such batch.")]})
        return super().validate(attrs)


def public_flag(prefix: str):
    """True where the related record behind ``prefix`` is public, for nullable relations."""
    return Case(
        When(published_q(prefix), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def public_zones():
    return Zone.objects.published()


POLICY_CSV = CsvExport(
    filename="policies.csv",
    columns=POLICY_COLUMNS,
    page_url=absolute_page_url("policies:detail"),
)


def document_prefetches():
    directives = (
        Directive.objects.filter(zone__in=public_zones())
        .select_related("zone__program")
        .order_by("position")
    )
    return [
        Prefetch("authorities", queryset=Authority.objects.order_by("name_en", "slug")),
        Prefetch("programs", queryset=Program.objects.published().order_by("slug")),
        Prefetch("zones", queryset=public_zones().select_related("program").order_by("name_en")),
        Prefetch("focus_areas", queryset=FocusArea.objects.order_by("name_en", "slug")),
        Prefetch("directives", queryset=directives),
    ]


class PeriodCountSerializer(serializers.Serializer):
    period = serializers.CharField(
        help_text=gettext_lazy('A year ("2019") or a month ("2019-08"), in ISO 8601.')
    )
    count = serializers.IntegerField()


class IssuedCountsSerializer(serializers.Serializer):
    bucket = serializers.ChoiceField(choices=BUCKETS)
    periods = PeriodCountSerializer(
        many=True,
        help_text=gettext_lazy(
            "Oldest first. By month, documents known only to the year count under the year, "
            "after its months."
        ),
    )


class PolicyFacetsSerializer(FacetsSerializer):
    issued = IssuedCountsSerializer(help_text=gettext_lazy("Documents by when published."))


class PolicyViewSet(VersionedViewSetMixin, WorkflowActionsMixin, WritableRegisterViewSet):
    """Policy documents. Filters and CSV as the /policies/ page."""

    queryset = PolicyDocument.objects.all()
    serializer_class = PolicySerializer
    detail_serializer_class = PolicyDetailSerializer
    write_serializer_class = PolicyWriteSerializer
    filterset_class = PolicyFilter
    csv_export = POLICY_CSV
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def for_list(self, queryset):
        # A list shows no texts: their 2–20 kB and the search vector stay in the database.
        return self.shaped(queryset).defer(*LISTING_DEFERRED)

    def shaped(self, queryset):
        return (
            queryset.select_related("superseded_by", "batch__program")
            .defer(*(f"superseded_by__{name}" for name in LISTING_DEFERRED))
            .annotate(
                superseded_by_public=public_flag("superseded_by__"),
                batch_public=Case(
                    When(
                        published_q("batch__") & published_q("batch__program__"), then=Value(True)
                    ),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
            )
            .prefetch_related(*document_prefetches())
        )

    def for_detail(self, queryset):
        public_documents = PolicyDocument.objects.published()
        return (
            self.shaped(queryset)
            .defer("search_vector")
            .prefetch_related(
                Prefetch("principles", queryset=Principle.objects.order_by("position")),
                Prefetch(
                    "relations_out",
                    queryset=DocumentRelation.objects.filter(to_document__in=public_documents)
                    .select_related("to_document")
                    .defer(*(f"to_document__{name}" for name in LISTING_DEFERRED)),
                ),
                Prefetch(
                    "relations_in",
                    queryset=DocumentRelation.objects.filter(from_document__in=public_documents)
                    .select_related("from_document")
                    .defer(*(f"from_document__{name}" for name in LISTING_DEFERRED)),
                ),
                Prefetch(
                    "supersedes",
                    queryset=public_documents.defer(*LISTING_DEFERRED).order_by(
                        "issued_on", "slug"
                    ),
                ),
                Prefetch("attachments", queryset=Attachment.objects.order_by("kind", "pk")),
                Prefetch("sources", queryset=Source.objects.order_by("title")),
            )
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "bucket",
                str,
                enum=list(BUCKETS),
                description=str(
                    gettext_lazy(
                        "Count the documents by the year they were published (the default) or "
                        "by the month, where the month is known, under every filter but the "
                        "date range (issued_after, issued_before)."
                    )
                ),
            )
        ]
    )
    @action(
        detail=False,
        methods=["get"],
        renderer_classes=[JSONRenderer],
        serializer_class=PolicyFacetsSerializer,
    )
    def facets(self, request):
        """For the current filters, how many documents each option of every filter would give,
        and how many were published in each year or month (the home page's chart reads the
        same counts)."""
        bucket = request.query_params.get("bucket", "year")
        if bucket not in BUCKETS:
            raise InvalidParameters({"bucket": [_("Give “year” or “month”.")]})
        filterset = PolicyFilter(request.query_params, queryset=self.get_queryset())

        def issued():
            counts = filterset.issued_counts(bucket)
            periods = [{"period": period, "count": count} for period, count in counts]
            return {"issued": {"bucket": bucket, "periods": periods}}

        return facets_response(self, request, filterset, extra=issued)


# -- directives ------------------------------------------------------------------------------


class DirectiveSerializer(serializers.ModelSerializer):
    key = serializers.SerializerMethodField()
    url = DirectiveURLField()
    html_url = PageURLField()
    html_url_zh_hans = PageURLField(language="zh-hans")
    document = DocumentSummarySerializer(read_only=True)
    zone = ZoneSummarySerializer(read_only=True)
    focus_areas = FocusAreaSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Directive
        fields = [
            "url",
            "html_url",
            "html_url_zh_hans",
            "key",
            "document",
            "zone",
            "position",
            "text_en",
            "text_zh_hans",
            "focus_areas",
        ]

    def get_key(self, directive) -> str:
        return directive_key(directive)


DIRECTIVE_KEY_PATTERN = rf"{SLUG_PATTERN}{KEY_SEPARATOR}{SLUG_PATTERN}"


class DirectiveViewSet(RegisterViewSet):
    """What each document asks of each zone. Key: ``<document slug>~<zone slug>``."""

    queryset = Directive.objects.all()
    serializer_class = DirectiveSerializer
    filterset_class = DirectiveFilter
    lookup_field = "key"
    lookup_value_regex = DIRECTIVE_KEY_PATTERN
    csv_export = CsvExport(
        filename="directives.csv",
        columns=DIRECTIVE_COLUMNS,
        page_url=absolute_page_url("policies:detail"),
        page_source="document__slug",
    )

    def get_queryset(self):
        user = self.request.user
        if may_see_drafts(user, PolicyDocument) and may_see_drafts(user, Zone):
            queryset = Directive.objects.all()
        else:
            queryset = Directive.objects.published()
        return queryset.order_by(
            F("document__issued_on").desc(nulls_last=True), "document__slug", "position"
        )

    def for_list(self, queryset):
        return queryset.select_related("document", "zone__program").prefetch_related(
            Prefetch("focus_areas", queryset=FocusArea.objects.order_by("name_en", "slug"))
        )

    def lookup_filter(self) -> dict:
        document, zone = self.kwargs["key"].split(KEY_SEPARATOR, 1)
        return {"document__slug": document, "zone__slug": zone}


# -- focus areas and authorities -------------------------------------------------------------


class FocusAreaSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:focus-area-detail", lookup_field="slug"
    )
    html_url = PageURLField()
    html_url_zh_hans = PageURLField(language="zh-hans")
    zone_count = serializers.IntegerField(read_only=True)
    document_count = serializers.IntegerField(read_only=True)
    zones_url = FilteredListURLField("api:zone-list", "focus_area")
    documents_url = FilteredListURLField("api:policy-list", "focus_area")

    class Meta:
        model = FocusArea
        fields = [
            "url",
            "html_url",
            "html_url_zh_hans",
            "slug",
            "name_en",
            "name_zh_hans",
            "description_en",
            "description_zh_hans",
            "zone_count",
            "document_count",
            "zones_url",
            "documents_url",
        ]


class FocusAreaViewSet(RegisterViewSet):
    """Application fields and industries, shared by zones, documents and directives."""

    queryset = FocusArea.objects.all()
    serializer_class = FocusAreaSerializer
    csv_export = CsvExport(
        filename="focus-areas.csv",
        columns=[
            *FOCUS_AREA_COLUMNS,
            Column("zone_count", "zone_count"),
            Column("document_count", "document_count"),
        ],
        page_url=absolute_page_url("zones:focus-area-detail"),
    )

    def get_queryset(self):
        return FocusArea.objects.annotate(
            zone_count=count_of(public_zones().filter(focus_areas=OuterRef("pk"))),
            document_count=count_of(
                PolicyDocument.objects.published().filter(focus_areas=OuterRef("pk"))
            ),
        ).order_by("name_en", "slug")


class AuthoritySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:authority-detail", lookup_field="slug"
    )
    html_url = FilteredListURLField("policies:list", "authority")
    province = ProvinceSummarySerializer(read_only=True, allow_null=True)
    website = OptionalURLField(source="url")
    document_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Authority
        fields = [
            "url",
            "html_url",
            "slug",
            "name_en",
            "name_zh_hans",
            "abbreviation",
            "level",
            "province",
            "website",
            "document_count",
        ]


class AuthorityViewSet(RegisterViewSet):
    """Issuing bodies, with their level: the values of the documents' ``authority`` filter."""

    queryset = Authority.objects.all()
    serializer_class = AuthoritySerializer
    csv_export = CsvExport(
        filename="authorities.csv",
        columns=[*AUTHORITY_COLUMNS, Column("document_count", "document_count")],
        page_url=absolute_page_url("policies:list", query="authority"),
    )

    def get_queryset(self):
        documents = PolicyDocument.objects.published().filter(authorities=OuterRef("pk"))
        return Authority.objects.annotate(document_count=count_of(documents)).order_by(
            "name_en", "slug"
        )

    def for_list(self, queryset):
        return queryset.select_related("province")


# -- the changes feed ------------------------------------------------------------------------


def _slug(state, parent_state):
    return state["slug"]


CHANGES = ChangesFeed(
    [
        FeedSource("programs", Program, _slug, detail_route="api:program-detail"),
        FeedSource(
            "batches",
            Batch,
            lambda state, parent: (
                f"{parent('programs', state['program_id'])['slug']}{KEY_SEPARATOR}{state['number']}"
            ),
            parents=(Parent("program_id", "programs"),),
            key_fields=("number",),
            detail_route="api:batch-detail",
            route_kwarg="key",
        ),
        FeedSource(
            "zones",
            Zone,
            _slug,
            parents=(Parent("program_id", "programs"), Parent("batch_id", "batches", False)),
            detail_route="api:zone-detail",
        ),
        FeedSource("policies", PolicyDocument, _slug, detail_route="api:policy-detail"),
        FeedSource(
            "directives",
            Directive,
            lambda state, parent: (
                f"{parent('policies', state['document_id'])['slug']}{KEY_SEPARATOR}"
                f"{parent('zones', state['zone_id'])['slug']}"
            ),
            parents=(Parent("document_id", "policies"), Parent("zone_id", "zones")),
            key_fields=(),
            detail_route="api:directive-detail",
            route_kwarg="key",
        ),
        FeedSource("focus-areas", FocusArea, _slug, detail_route="api:focus-area-detail"),
        FeedSource("authorities", Authority, _slug, detail_route="api:authority-detail"),
    ]
)

ACTIONS = ["published", "changed", "withdrawn", "deleted", "moved"]


class ChangeSerializer(serializers.Serializer):
    resource = serializers.ChoiceField(choices=[source.resource for source in CHANGES.sources])
    key = serializers.CharField(
        help_text=gettext_lazy("The slug, or the key for batches and directives.")
    )
    action = serializers.ChoiceField(choices=ACTIONS)
    changed_at = serializers.DateTimeField()
    replaced_by = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("For moved: the new key.")
    )
    url = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_url(self, change):
        if change.action not in ("published", "changed"):
            return None
        source = change.source
        return reverse(
            source.detail_route,
            kwargs={source.route_kwarg: change.key},
            request=self.context["request"],
        )


@extend_schema_serializer(many=False)
class ChangesPageSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ChangeSerializer(many=True)


MAX_MOMENT_LENGTH = 64


# RFC 3339, as OpenAPI's date-time: a date, a time and an offset (Z for UTC).
RFC_3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})", re.IGNORECASE
)


def parse_moment(text: str) -> datetime:
    """An RFC 3339 date and time, with its offset. Raises ValueError."""
    if len(text) > MAX_MOMENT_LENGTH or not RFC_3339.fullmatch(text):
        raise ValueError(text)
    text = text.upper()
    if text[17:19] == "60":
        # A leap second: Python's datetime has none; the second before is as good for a window.
        text = text[:17] + "59" + text[19:]
    moment = datetime.fromisoformat(text)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        # Within a day of year 1 or year 9999: as early or as late as can be.
        if moment.year == 1:
            return datetime.min.replace(tzinfo=UTC)
        return datetime.max.replace(tzinfo=UTC)


MOMENT_HELP = gettext_lazy(
    "An RFC 3339 date and time with its offset, e.g. 2026-05-01T08:00:00Z or "
    "2026-05-01T16:00:00+08:00."
)


class ChangesViewSet(RegisterViewSetBase):
    """What was published, changed, withdrawn or deleted in a time window, so that a copy of
    the register can be kept in sync. Pass the ``until`` of one answer as the ``since`` of the
    next (a minute earlier is safer; entries are idempotent)."""

    serializer_class = ChangeSerializer
    schema_response = ChangesPageSerializer
    filter_backends = []
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                required=True,
                description=str(MOMENT_HELP) + " " + str(gettext_lazy("The start of the window.")),
            ),
            OpenApiParameter(
                "until",
                OpenApiTypes.DATETIME,
                required=False,
                description=str(gettext_lazy("The end of the window; now if left out or later.")),
            ),
        ],
    )
    def list(self, request, *args, **kwargs):
        since, until = self.window(request)
        RegisterPagination.validate(request)
        not_modified, etag, version = self.not_modified_or_validators(request)
        if not_modified is not None:
            return not_modified
        page = self.paginate_queryset(CHANGES.changes(since, until))
        data = ChangeSerializer(page, many=True, context=self.get_serializer_context()).data
        response = self.paginator.get_paginated_response(
            data, since=since.isoformat(), until=until.isoformat()
        )
        for link in ("next", "previous"):
            if response.data[link]:
                # Later pages keep this window, so that new changes do not shift them.
                response.data[link] = replace_query_param(
                    response.data[link], "until", until.isoformat().replace("+00:00", "Z")
                )
        set_validators(response, etag, version)
        return response

    def window(self, request) -> tuple[datetime, datetime]:
        errors = {}
        now = timezone.now()
        moments = {}
        for name in ("since", "until"):
            text = request.query_params.get(name)
            if text is None:
                if name == "since":
                    errors[name] = [
                        _("Give the time of your last sync, e.g. 2026-05-01T08:00:00Z.")
                    ]
                continue
            try:
                moments[name] = parse_moment(text)
            except ValueError:
                errors[name] = [
                    _("Give a date and time with its offset, e.g. 2026-05-01T08:00:00Z.")
                ]
        if errors:
            raise InvalidParameters(errors)
        return moments["since"], min(moments.get("until", now), now)

    def get_queryset(self):
        return PolicyDocument.objects.none()
