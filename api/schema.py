"""The OpenAPI description of what the views really do: every format a list answers in, the
conditional-request headers, and every error status with the one error shape and an example."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from api.renderers import CSV_MEDIA_TYPE, GEOJSON_MEDIA_TYPE
from core.filters import MAX_REPEATED_VALUES

JSON = "application/json"
WRITE_ACTIONS = ("create", "update", "partial_update", "submit", "publish", "withdraw")


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable and machine-readable, e.g. invalid_parameter.")
    message = serializers.CharField(help_text="For people, in the request's language.")
    details = serializers.DictField(
        required=False,
        help_text="The parameters or fields at fault, each with its messages.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


def _error(code, status_code, message, details=None, description=""):
    body = {"code": code, "message": message}
    if details:
        body["details"] = details
    return OpenApiResponse(
        response=ErrorSerializer,
        description=description,
        examples=[OpenApiExample(code, value={"error": body}, status_codes=[str(status_code)])],
    )


ERRORS = {
    400: _error(
        "invalid_parameter",
        400,
        "These query parameters have values the API cannot use: page_size.",
        {"page_size": ["Give a whole number from 1 to 100."]},
        "A parameter or the body is not valid; `details` names each one.",
    ),
    401: _error(
        "not_authenticated",
        401,
        "Authentication credentials were not provided.",
        description="A write without credentials, or a token that is not valid.",
    ),
    403: _error(
        "permission_denied",
        403,
        "Your account is not allowed to do this.",
        description="The account lacks the permission the action needs.",
    ),
    404: _error(
        "not_found",
        404,
        "Nothing is published at this address.",
        description="No public record has this key, or the page is past the last one.",
    ),
    406: _error(
        "not_acceptable",
        406,
        "Could not satisfy the request Accept header.",
        description="The Accept header names no format this resource offers.",
    ),
    409: _error(
        "invalid_state",
        409,
        "Only a draft or a withdrawn record can be submitted for review.",
        description="The record's status does not allow this action.",
    ),
    412: _error(
        "precondition_failed",
        412,
        "The record has changed since you read it. Read it again and reapply your change.",
        description="If-Match names a version that is no longer current; nothing was changed.",
    ),
    413: _error(
        "request_too_large",
        413,
        "The request body is too large.",
        description="The body is larger than the server accepts.",
    ),
    415: _error(
        "unsupported_media_type",
        415,
        'Unsupported media type "text/plain" in request.',
        description="Send JSON.",
    ),
    428: _error(
        "precondition_required",
        428,
        "Send the ETag you read in an If-Match header.",
        description="A change must say which version it is based on.",
    ),
    429: _error(
        "throttled",
        429,
        "Request was throttled. Expected available in 30 seconds.",
        description="Too many anonymous requests; see Retry-After.",
    ),
}

READ_ERRORS = (400, 401, 404, 406, 429)
WRITE_ERRORS = (400, 401, 403, 404, 409, 412, 413, 415, 428, 429)

AS_OF_PARAMETER = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description=(
        "The record as the public saw it at the end of this day (the site's time zone, "
        "Asia/Shanghai by default), in the shape of …/versions/<n>/. 404 before its first "
        "publication or while it was withdrawn."
    ),
)


class RegisterAutoSchema(AutoSchema):
    def _action(self):
        return getattr(self.view, "action", None)

    def _detail_serializer(self):
        return getattr(self.view, "detail_serializer_class", None) or self.view.serializer_class

    def get_operation_id(self):
        # A record's version list and one version share their path's words: the list says so.
        if self._action() == "versions":
            return "_".join([*self._tokenize_path(), "list"]).replace("-", "_")
        return super().get_operation_id()

    def _as_of_serializer(self):
        """The shape of the record as of a date, for a record that has versions; else None."""
        return getattr(self.view, "as_of_serializer_class", None)

    def _record_or_version(self, record_serializer):
        name = record_serializer.__name__.removesuffix("Serializer")
        return PolymorphicProxySerializer(
            component_name=f"{name}OrVersion",
            serializers=[record_serializer, self._as_of_serializer()],
            resource_type_field_name=None,
            help_text="The record; with as_of, the version public on that date.",
        )

    def get_filter_backends(self):
        # Facets take the list's filters, though they answer with counts, not a list.
        if self._action() == "facets":
            return getattr(self.view, "filter_backends", [])
        return super().get_filter_backends()

    def get_request_serializer(self):
        action = self._action()
        if action in ("submit", "withdraw"):
            return None
        return super().get_request_serializer()

    def get_response_serializers(self):
        action = self._action()
        if self.method not in SAFE_METHODS:
            if action in WRITE_ACTIONS:
                main = self._detail_serializer()
                code = 201 if action == "create" else 200
                responses = {(code, JSON): main}
                if action in ("update", "partial_update"):
                    responses[(202, JSON)] = OpenApiResponse(
                        response=main,
                        description=(
                            "Accepted into the record's working copy (a change to a published "
                            "record by someone who may not publish, or to a record with a "
                            "working copy): the body shows the live record, which the public "
                            "keeps reading until the change is published."
                        ),
                    )
            else:
                responses = {(200, JSON): super().get_response_serializers()}
            codes = WRITE_ERRORS
        else:
            main = getattr(self.view, "schema_response", None) or super().get_response_serializers()
            if action == "retrieve":
                main = self._detail_serializer()
                if self._as_of_serializer() is not None:
                    main = self._record_or_version(main)
            responses = main if isinstance(main, dict) else {(200, JSON): main}
            formats = self.map_renderers("format")
            if "csv" in formats:
                responses[(200, CSV_MEDIA_TYPE)] = OpenApiResponse(
                    response=OpenApiTypes.STR,
                    description="The whole filtered list, one row per record (format=csv).",
                )
            if "geojson" in formats:
                responses[(200, GEOJSON_MEDIA_TYPE)] = OpenApiResponse(
                    response=FeatureCollectionSerializer,
                    description="Every filtered zone with a position, as points (format=geojson).",
                )
            responses[304] = OpenApiResponse(
                description="Not modified: the ETag sent in If-None-Match is still current."
            )
            codes = READ_ERRORS
        for status_code in codes:
            responses[(status_code, JSON)] = ERRORS[status_code]
        return responses

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method in SAFE_METHODS:
            parameters.append(
                OpenApiParameter(
                    "If-None-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description="The ETag of the copy you hold; 304 if it is still current.",
                )
            )
            if self._action() == "retrieve" and self._as_of_serializer() is not None:
                parameters.append(AS_OF_PARAMETER)
            for name, description in (
                ("ETag", "Validator of this representation; send it back in If-None-Match."),
                ("Last-Modified", "When the data behind the register last changed."),
                ("Cache-Control", "public, max-age=… for anonymous reads; private otherwise."),
            ):
                parameters.append(
                    OpenApiParameter(
                        name,
                        OpenApiTypes.STR,
                        OpenApiParameter.HEADER,
                        description=description,
                        response=[200, 304],
                    )
                )
        elif self._action() in WRITE_ACTIONS and self._action() != "create":
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description=(
                        "The ETag you read the record with. Required to change a record "
                        "(or send its version in the body); optional for status changes."
                    ),
                )
            )
        return parameters

    def get_auth(self):
        # Reading is public (credentials only widen what a reader may see), so a read lists no
        # security requirement and the docs show no lock on it.
        if self.method in SAFE_METHODS:
            return []
        return super().get_auth()


class PointSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Point"])
    coordinates = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        help_text="Longitude, latitude (RFC 7946).",
    )


class FeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    geometry = PointSerializer()
    properties = serializers.DictField(help_text="slug, names, program, batch, province, url.")


@extend_schema_serializer(many=False)
class FeatureCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = FeatureSerializer(many=True)


def cap_repeated_parameters(result, generator, request, public):
    """A repeated query parameter takes at most MAX_REPEATED_VALUES values (core.filters)."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "query" and schema.get("type") == "array":
                    schema.setdefault("maxItems", MAX_REPEATED_VALUES)
    return result
