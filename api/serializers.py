"""Fields and base serializers every resource shares."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import iri_to_uri
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.models import Status
from core.services import (
    goes_to_working_copy,
    record_save,
    working_copy_of,
    working_copy_save,
    working_copy_view,
)


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The absolute address of the record's public page (``get_absolute_url()``), in English
    (the site's root) or, with ``language="zh-hans"``, in Chinese (under /zh-hans/)."""

    def __init__(self, *, language="en", **kwargs):
        kwargs.update(source="*", read_only=True)
        self.language = language
        super().__init__(**kwargs)

    def to_representation(self, record):
        with translation.override(self.language):
            path = record.get_absolute_url()
        return self.context["request"].build_absolute_uri(path)


@extend_schema_field(OpenApiTypes.URI)
class FilteredListURLField(serializers.Field):
    """The absolute address of a list filtered to the record: ``view_name`` (an API list or a
    public page) with ``?<parameter>=<the record's slug>``."""

    def __init__(self, view_name: str, parameter: str, **kwargs):
        kwargs.update(source="*", read_only=True)
        self.view_name = view_name
        self.parameter = parameter
        super().__init__(**kwargs)

    def to_representation(self, record):
        path = f"{reverse(self.view_name)}?{self.parameter}={record.slug}"
        return self.context["request"].build_absolute_uri(path)


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class OptionalURLField(serializers.Field):
    """An address that may be missing: null rather than an empty string, which is no URI."""

    def __init__(self, **kwargs):
        kwargs.update(read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        # Sources give addresses with Chinese in them; a URI carries it percent-encoded.
        return iri_to_uri(value) if value else None


@extend_schema_field({"type": "string", "nullable": True, "example": "2021-02"})
class PartialDateField(serializers.Field):
    """A date as precise as its source: "2019", "2019-08" or "2019-08-17" (``core.dates``)."""

    def __init__(self, **kwargs):
        kwargs.update(read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, partial_date):
        return partial_date.iso or None


def model_error_details(error: DjangoValidationError) -> dict:
    details = (
        error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    )
    if "__all__" in details:
        details["non_field_errors"] = details.pop("__all__")
    return details


class RecordWriteSerializer(serializers.ModelSerializer):
    """Creates drafts and changes records through ``core.services.record_save``.

    The model's own validation runs too (``full_clean``: field checks, ``clean()``, unique and
    check constraints), so an invalid record is a 400 that names the field, never a database
    error. A new record is always a draft; status changes have actions of their own.
    """

    version = serializers.IntegerField(
        write_only=True,
        required=False,
        min_value=1,
        help_text=(
            "The version you read, if you cannot send If-Match: the record's, or while it has "
            "changes waiting, its working copy's (the second number of the ETag, v5.8)."
        ),
    )

    many_to_many: tuple[str, ...] = ()

    def validate(self, attrs):
        attrs.pop("version", None)
        model = self.Meta.model
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name not in self.many_to_many:
                setattr(candidate, name, value)
        excluded = [field.name for field in model._meta.fields if not field.editable]
        excluded += [field.name for field in model._meta.many_to_many]
        try:
            candidate.full_clean(exclude=excluded)
        except DjangoValidationError as error:
            raise serializers.ValidationError(model_error_details(error)) from error
        return attrs

    def create(self, validated_data):
        related = {
            name: validated_data.pop(name) for name in self.many_to_many if name in validated_data
        }
        validated_data.pop("expected_version", None)
        record = self.Meta.model(**validated_data)
        record.status = Status.DRAFT
        record_save(record=record, expected_version=None, user=self.context["request"].user)
        for name, values in related.items():
            getattr(record, name).set(values)
        return record

    def update(self, instance, validated_data):
        expected_version = validated_data.pop("expected_version", None)
        related = {
            name: validated_data.pop(name) for name in self.many_to_many if name in validated_data
        }
        user = self.context["request"].user
        if goes_to_working_copy(instance, user):
            # The live record keeps serving; the change waits in its working copy, on top of
            # the changes already there. The caller checked the version (If-Match or body).
            working_copy = working_copy_of(instance)
            changed = (
                working_copy_view(instance, working_copy) if working_copy else copy.copy(instance)
            )
            for name, value in validated_data.items():
                setattr(changed, name, value)
            self.working_copy = working_copy_save(
                record=changed, user=user, expected_version=None, many_to_many=related
            )
            return instance
        for name, value in validated_data.items():
            setattr(instance, name, value)
        record_save(record=instance, expected_version=expected_version, user=user)
        for name, values in related.items():
            getattr(instance, name).set(values)
        return instance
