"""The viewset every API resource is built on, and the API's answer to unknown addresses.

A list validates its parameters, then answers ``If-None-Match`` from the data version (one
query), and only then reads and renders records: JSON pages, a streamed CSV of the whole filtered
list, or GeoJSON. Writes go through ``core.services`` so that the admin's rules (roles, workflow,
optimistic concurrency) hold here too.
"""

import hashlib

from django.db import transaction
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api.conditional import (
    apply_cache_headers,
    audience,
    edit_version,
    make_etag,
    set_validators,
    versions_in_if_match,
)
from api.exceptions import (
    InvalidParameters,
    PreconditionFailed,
    PreconditionRequired,
    json_error,
)
from api.filters import RegisterFilterBackend
from api.negotiation import RegisterContentNegotiation
from api.pagination import RegisterPagination
from api.permissions import RegisterPermissions
from api.renderers import CSVRenderer, csv_response
from core.freshness import data_version, request_data_version
from core.models import Publishable
from core.services import record_publish, record_submit, record_withdraw

SLUG_PATTERN = r"[-a-zA-Z0-9_]+"


class RegisterViewSetBase(viewsets.GenericViewSet):
    """Read access to one kind of record, looked up by slug.

    Subclasses set ``queryset`` (its model decides visibility), ``serializer_class`` and
    optionally ``filterset_class``, ``csv_export`` and the query-shaping hooks below.
    """

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    pagination_class = RegisterPagination
    filter_backends = [RegisterFilterBackend]
    permission_classes = [RegisterPermissions]
    content_negotiation_class = RegisterContentNegotiation
    renderer_classes = [JSONRenderer]
    # A list's formats: JSON, and CSV where the resource has a ``csv_export``.
    list_renderer_classes = None
    csv_export = None  # a api.csv.CsvExport
    filterset = None
    # The serializer of one record read on its own (and of the answer to a write).
    detail_serializer_class = None

    # -- query shaping ---------------------------------------------------------------------

    def get_queryset(self):
        model = self.queryset.model
        if issubclass(model, Publishable):
            return model.objects.visible_to(self.request.user)
        return self.queryset.all()

    def for_list(self, queryset):
        """select_related/prefetch_related for a page of the list."""
        return queryset

    def for_detail(self, queryset):
        return self.for_list(queryset)

    def lookup_filter(self) -> dict:
        return {self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}

    def get_object(self):
        instance = get_object_or_404(self.for_detail(self.get_queryset()), **self.lookup_filter())
        self.check_object_permissions(self.request, instance)
        return instance

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def perform_content_negotiation(self, request, force=False):
        if self.action is None:
            # A method the view does not offer: answer 405 in JSON, whatever format was asked.
            return JSONRenderer(), JSONRenderer.media_type
        return super().perform_content_negotiation(request, force)

    def get_renderers(self):
        if self.action != "list":
            classes = self.renderer_classes
        elif self.list_renderer_classes is not None:
            classes = self.list_renderer_classes
        else:
            classes = [JSONRenderer, CSVRenderer] if self.csv_export else [JSONRenderer]
        return [renderer() for renderer in classes]

    # -- conditional GET -------------------------------------------------------------------

    def not_modified_or_validators(self, request, record_version=None):
        """(a 304 response or None, the ETag, the data version) for the current request."""
        version = request_data_version(request)
        etag = make_etag(
            request,
            version,
            media_type=request.accepted_renderer.media_type,
            record_version=record_version,
        )
        not_modified = get_conditional_response(
            request, etag=etag, last_modified=_timestamp(version.last_modified)
        )
        if not_modified is not None and not_modified.status_code == 412:
            # A read with an If-Match that no longer matches: in the API's error shape.
            raise PreconditionFailed()
        if not_modified is not None:
            set_validators(not_modified, etag, version)
        return not_modified, etag, version

    # -- errors and headers ----------------------------------------------------------------

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        # Errors are JSON whatever format was asked for: a CSV or GeoJSON error is no use.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        apply_cache_headers(request, response)
        return response


class RegisterViewSet(RegisterViewSetBase):
    """A list (JSON pages, CSV, GeoJSON where offered) and a detail per record."""

    def list(self, request, *args, **kwargs):
        output = request.accepted_renderer.format
        errors = {}
        try:
            queryset = self.filter_queryset(self.get_queryset())
        except InvalidParameters as invalid:
            errors.update(invalid.detail)
        # Report a bad page alongside bad filters, in one answer (a CSV ignores the page, but
        # a bad value is still a mistake worth telling).
        try:
            RegisterPagination.validate(request)
        except InvalidParameters as invalid:
            errors.update(invalid.detail)
        if errors:
            raise InvalidParameters(errors)
        not_modified, etag, version = self.not_modified_or_validators(request)
        if not_modified is not None:
            return not_modified
        if output == "csv" and request.method == "HEAD":
            # The headers alone: no reason to read every record.
            response = csv_response(filename=self.csv_export.filename, header=[], rows=iter(()))
        elif output == "csv":
            response = self.csv_export.response(request, queryset)
        elif output == "geojson":
            response = Response(self.geojson(request, queryset))
        else:
            page = self.paginate_queryset(self.for_list(queryset))
            serializer = self.get_serializer(page, many=True)
            response = self.get_paginated_response(serializer.data)
        set_validators(response, etag, version)
        return response

    def retrieve(self, request, *args, **kwargs):
        record_version = None
        if issubclass(self.queryset.model, Publishable):
            # The record's version belongs in its ETag; reading it also answers 404 cheaply.
            found = list(
                self.get_queryset().filter(**self.lookup_filter()).values_list("pk", "version")
            )
            if not found:
                return self.not_found()
            record = self.queryset.model(pk=found[0][0], version=found[0][1])
            record_version = edit_version(record, signed_in=audience(request) != "public")
        not_modified, etag, version = self.not_modified_or_validators(request, record_version)
        if not_modified is not None:
            return not_modified
        response = Response(self.get_serializer(self.get_object()).data)
        set_validators(response, etag, version)
        return response

    def not_found(self):
        from rest_framework.exceptions import NotFound

        raise NotFound(_("Nothing is published at this address."))


def _timestamp(moment):
    # Whole seconds, as HTTP dates carry them; else If-Modified-Since would never match.
    return int(moment.timestamp()) if moment is not None else None


class WritableRegisterViewSet(RegisterViewSet):
    """Create and change drafts, and move records through the workflow (see ``permissions``).

    ``write_serializer_class`` validates the body; the response shows the record as read.
    Changing a record needs the ETag it was read with (``If-Match``) or its ``version`` in the
    body; if someone saved in between, the answer is 412 and nothing changes.
    """

    write_serializer_class = None

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        return super().get_serializer_class()

    def written(self, record, *, status_code=status.HTTP_200_OK):
        record = get_object_or_404(self.for_detail(self.queryset.model.objects.all()), pk=record.pk)
        version = data_version()
        etag = make_etag(
            self.request,
            version,
            media_type=self.request.accepted_renderer.media_type,
            record_version=edit_version(record, signed_in=True),
        )
        serializer_class = self.detail_serializer_class or self.serializer_class
        data = serializer_class(record, context=self.get_serializer_context()).data
        response = Response(data, status=status_code)
        set_validators(response, etag, version)
        if status_code == status.HTTP_201_CREATED:
            response["Location"] = str(data["url"])
        return response

    def expected_version(self, request, record, *, required: bool) -> int | None:
        """The version the client based its change on; 412 if it is not the current one.

        An ETag read while the record had a working copy names the working copy's version too,
        and must still match it: a change made to the working copy since is not overwritten.
        A ``version`` in the body names one version, the one a write changes: the working
        copy's if the record has one (the ETag's second number), else the record's."""
        header = request.headers.get("If-Match")
        if header is not None:
            versions = versions_in_if_match(header)
            if versions is None:
                return None
            if edit_version(record, signed_in=True) not in versions:
                raise PreconditionFailed()
            return record.version
        body_version = request.data.get("version") if hasattr(request.data, "get") else None
        if body_version is not None:
            if str(body_version) != edit_version(record, signed_in=True).rpartition(".")[2]:
                raise PreconditionFailed()
            return record.version
        if required:
            raise PreconditionRequired()
        return None

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            record = serializer.save()
        return self.written(record, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        record = self.get_object()
        expected = self.expected_version(request, record, required=True)
        serializer = self.get_serializer(record, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            serializer.save(expected_version=expected)
        if getattr(serializer, "working_copy", None) is not None:
            # Accepted, not yet live: the body shows the live record, still what the public reads.
            return self.written(record, status_code=status.HTTP_202_ACCEPTED)
        return self.written(record)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def change_status(self, request, service, **options):
        """Run a workflow service on the record, locked, after checking If-Match if sent."""
        record = self.get_object()
        expected = self.expected_version(request, record, required=False)
        with transaction.atomic():
            locked = type(record)._base_manager.select_for_update().get(pk=record.pk)
            if expected is not None and locked.version != expected:
                raise PreconditionFailed()
            service(record=locked, user=request.user, **options)
        return self.written(locked)


class PublishSerializer(serializers.Serializer):
    go_live_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("When the record goes live; leave out to publish at once."),
    )


class WorkflowActionsMixin:
    """POST …/submit/, …/publish/ and …/withdraw/ on a record (see ``core.services``)."""

    @action(detail=True, methods=["post"], renderer_classes=[JSONRenderer])
    def submit(self, request, **kwargs):
        """An editor hands a draft (or a withdrawn record) to the publishers for review."""
        return self.change_status(request, record_submit)

    @action(
        detail=True,
        methods=["post"],
        renderer_classes=[JSONRenderer],
        serializer_class=PublishSerializer,
    )
    def publish(self, request, **kwargs):
        """A publisher publishes now, or schedules the record with ``go_live_at``."""
        options = PublishSerializer(data=request.data or {})
        options.is_valid(raise_exception=True)
        go_live_at = options.validated_data.get("go_live_at")
        return self.change_status(request, record_publish, go_live_at=go_live_at)

    @action(detail=True, methods=["post"], renderer_classes=[JSONRenderer])
    def withdraw(self, request, **kwargs):
        """A publisher takes the record off the public site; its history stays."""
        return self.change_status(request, record_withdraw)


class ApiRootView(APIView):
    """/api/v1/: where each resource lives."""

    schema = None
    resources = ()
    renderer_classes = [JSONRenderer]
    content_negotiation_class = RegisterContentNegotiation

    def get(self, request):
        data = {
            prefix: reverse(f"api:{basename}-list", request=request)
            for prefix, _viewset, basename in self.resources
        }
        data["schema"] = reverse("api:schema", request=request)
        data["docs"] = reverse("api:docs", request=request)
        etag = '"' + hashlib.sha256(repr(sorted(data.items())).encode()).hexdigest()[:32] + '"'
        response = get_conditional_response(request, etag=etag) or Response(data)
        response["ETag"] = etag
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        apply_cache_headers(request, response)
        return response


def api_not_found(request, unmatched=""):
    """Addresses under /api/ that match nothing answer in the API's error shape.

    A missing trailing slash redirects as Django's CommonMiddleware would have done.
    """
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if (
            match is not None
            and match.func is not api_not_found
            and request.method
            in (
                "GET",
                "HEAD",
            )
        ):
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                request.path + "/" + (f"?{query}" if query else "")
            )
    response = json_error(404, "not_found", _("There is nothing at this address of the API."))
    apply_cache_headers(request, response)
    return response
