"""The versions of a record in the API: ``…/<slug>/versions/``, ``…/versions/<n>/`` and
``?as_of=YYYY-MM-DD`` on the record, for any viewset of a versioned model."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api.conditional import set_validators
from api.exceptions import InvalidParameters
from core.versions import display
from core.versions.records import (
    parse_as_of,
    public_version,
    public_versions,
    version_as_of,
    versioned_record,
)


class VersionSummarySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    public_from = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    changed = serializers.ListField(child=serializers.CharField())
    url = serializers.URLField()
    html_url = serializers.URLField()


class VersionSerializer(VersionSummarySerializer):
    """One public version: its number, when it became public, what changed, and the record."""

    citations = serializers.DictField(child=serializers.URLField())
    is_current = serializers.BooleanField()
    record = serializers.JSONField(help_text="Fields in both languages, links and parts.")


class VersionListSerializer(serializers.Serializer):
    versions = VersionSummarySerializer(many=True, help_text="The first first.")


class VersionedViewSetMixin:
    """Adds the version endpoints and ``?as_of=`` to a register viewset (lookup by slug)."""

    # The shape of an answer to ``?as_of=`` (api.schema documents it on the record).
    as_of_serializer_class = VersionSerializer

    def _record(self, slug):
        record = versioned_record(self.queryset.model, slug)
        if record is None:
            raise NotFound(_("Nothing is published at this address."))
        return record

    def _summary(self, request, record, version) -> dict:
        api_url = reverse(
            f"api:{self.basename}-version", kwargs={"slug": record.slug, "number": version.number}
        )
        page_url = display.version_url(record, version.number)
        return {
            "number": version.number,
            "public_from": version.public_from,
            "withdrawn_at": version.withdrawn_at,
            "changed": version.changed,
            "url": request.build_absolute_uri(api_url),
            "html_url": request.build_absolute_uri(page_url),
        }

    def _detail(self, request, record, version) -> dict:
        data = VersionSummarySerializer(self._summary(request, record, version)).data
        page_url = display.version_url(record, version.number)
        latest = public_versions(record).order_by("-number").values_list("number", flat=True)
        return {
            **data,
            "citations": {
                name: request.build_absolute_uri(f"{page_url}cite.{name}")
                for name in ("bib", "ris", "json")
            },
            "is_current": latest.first() == version.number,
            "record": version.snapshot,
        }

    def retrieve(self, request, *args, **kwargs):
        # ``?as_of=`` answers in the version's shape (``as_of_serializer_class``).
        as_of = request.query_params.get("as_of")
        if as_of is None:
            return super().retrieve(request, *args, **kwargs)
        try:
            moment = parse_as_of(as_of)
        except ValueError:
            raise InvalidParameters({"as_of": [_("Give a date written YYYY-MM-DD.")]}) from None
        record = self._record(kwargs["slug"])
        version = version_as_of(record, moment)
        if version is None:
            raise NotFound(_("This record was not yet public on %(date)s.") % {"date": as_of})
        if version.withdrawn_at is not None and version.withdrawn_at <= moment:
            raise NotFound(_("This record had been withdrawn by %(date)s.") % {"date": as_of})
        return self._conditional(request, lambda: self._detail(request, record, version))

    def _conditional(self, request, build):
        """``build()``'s data with the API's validators, or 304 when If-None-Match is current
        (the data version follows every publication and withdrawal, as for the other reads)."""
        not_modified, etag, data_version = self.not_modified_or_validators(request)
        if not_modified is not None:
            return not_modified
        response = Response(build())
        set_validators(response, etag, data_version)
        return response

    @extend_schema(filters=False)
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer],
        pagination_class=None,
        serializer_class=VersionListSerializer,
    )
    def versions(self, request, slug=None):
        """The record's published versions, the first first, with what each changed."""
        record = self._record(slug)
        versions = public_versions(record)

        def listed():
            rows = [self._summary(request, record, version) for version in versions]
            return VersionListSerializer({"versions": rows}).data

        return self._conditional(request, listed)

    @extend_schema(filters=False)
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<number>[0-9]+)",
        renderer_classes=[JSONRenderer],
        pagination_class=None,
        serializer_class=VersionSerializer,
    )
    def version(self, request, slug=None, number=None):
        """One published version: the record as it was public, and its citation files."""
        record = self._record(slug)
        version = public_version(record, number)
        if version is None:
            raise NotFound(_("This record has no published version with that number."))
        return self._conditional(request, lambda: self._detail(request, record, version))
