"""The API of data releases: /api/v1/releases/ and /api/v1/releases/<version>/.

A release is read-only and never changes; its version (``2026.12.07``) is its stable id.
"""

import hashlib

from django.db.models import Count, Max
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from api.pagination import RegisterPagination
from api.serializers import PageURLField
from api.views import RegisterViewSetBase
from releases.models import VERSION_PATTERN, Release, ReleaseFile


class ReleaseFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ReleaseFile
        fields = ["name", "url", "content_type", "size", "sha256"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, file) -> str:
        return self.context["request"].build_absolute_uri(file.get_absolute_url())


class ReleaseChangeSerializer(serializers.Serializer):
    table = serializers.CharField(help_text=_("The table of the package the record is in."))
    key = serializers.CharField(help_text=_("The record's slug (a batch's: program~number)."))
    title_en = serializers.CharField()
    title_zh_hans = serializers.CharField()


class ReleaseChangesSerializer(serializers.Serializer):
    added = ReleaseChangeSerializer(many=True)
    changed = ReleaseChangeSerializer(many=True)
    withdrawn = ReleaseChangeSerializer(many=True, help_text=_("No longer public."))


class ReleaseSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:release-detail", lookup_field="version"
    )
    html_url = PageURLField()
    html_url_zh_hans = PageURLField(language="zh-hans")
    changes = ReleaseChangesSerializer(
        read_only=True, help_text=_("What changed since the previous release, by record.")
    )
    record_counts = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text=_("Rows per table.")
    )
    package = serializers.SerializerMethodField()
    files = ReleaseFileSerializer(many=True, read_only=True)

    class Meta:
        model = Release
        fields = [
            "version",
            "url",
            "html_url",
            "html_url_zh_hans",
            "cut_at",
            "note",
            "record_counts",
            "changes",
            "package",
            "files",
        ]

    @extend_schema_field(ReleaseFileSerializer(allow_null=True))
    def get_package(self, release):
        """The zip of the whole package."""
        package = release.package_file
        return ReleaseFileSerializer(package, context=self.context).data if package else None


class ReleaseViewSet(RegisterViewSetBase):
    """Data releases, newest first: each a Frictionless data package of the public register,
    with the address, size and SHA-256 of each of its files."""

    queryset = Release.objects.all()
    serializer_class = ReleaseSerializer
    lookup_field = "version"
    lookup_value_regex = VERSION_PATTERN
    filter_backends = []

    def get_queryset(self):
        return Release.objects.for_listing()

    def list(self, request, *args, **kwargs):
        RegisterPagination.validate(request)
        # Releases are only ever added: their number and the newest one say what the list is.
        state = Release.objects.aggregate(count=Count("pk"), newest=Max("pk"))
        etag = self.etag(request, state["count"], state["newest"])
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            response = not_modified
        else:
            page = self.paginate_queryset(self.get_queryset())
            response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        response["ETag"] = etag
        return response

    def retrieve(self, request, *args, **kwargs):
        release = get_object_or_404(self.get_queryset(), version=kwargs["version"])
        etag = self.etag(request, release.version)  # a release never changes
        response = get_conditional_response(request, etag=etag) or Response(
            self.get_serializer(release).data
        )
        response["ETag"] = etag
        return response

    @staticmethod
    def etag(request, *state) -> str:
        """The validator of an answer: what it shows, at this address, in this language."""
        parts = (*state, request.build_absolute_uri(), get_language())
        return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'
