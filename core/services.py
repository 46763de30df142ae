"""Writes with rules: moving a record through the workflow, and saving without overwriting a
colleague's newer version. Used by the admin and by the API alike."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Publishable, Status


class StaleVersionError(Exception):
    """The record changed since the editor loaded it; nothing was saved."""

    def __init__(self, current: Publishable):
        self.current = current
        super().__init__(
            _("Someone else saved this record (now version %(version)s) after you opened it.")
            % {"version": current.version}
        )


def publish_permission(model) -> str:
    opts = model._meta
    return f"{opts.app_label}.publish_{opts.model_name}"


def change_permission(model) -> str:
    opts = model._meta
    return f"{opts.app_label}.change_{opts.model_name}"


def can_publish(user, model) -> bool:
    return user.has_perm(publish_permission(model))


@transaction.atomic
def record_save(*, record: Publishable, expected_version: int | None):
    """Save unless the stored version differs from the one the editor started from.

    The row is locked while comparing, so two simultaneous saves cannot both pass the check.
    """
    if record.pk is not None and expected_version is not None:
        current = type(record)._base_manager.select_for_update().get(pk=record.pk)
        if current.version != expected_version:
            raise StaleVersionError(current)
    record.save()
    return record


def _require(user, permission: str):
    if not user.has_perm(permission):
        raise PermissionDenied(_("You are not allowed to do this."))


@transaction.atomic
def record_submit(*, record: Publishable, user) -> Publishable:
    """An editor hands a draft to the publishers."""
    _require(user, change_permission(type(record)))
    if record.status not in {Status.DRAFT, Status.WITHDRAWN}:
        raise ValidationError(_("Only a draft or a withdrawn record can be submitted for review."))
    record.status = Status.REVIEW
    record.save(update_fields=["status"])
    return record


@transaction.atomic
def record_publish(*, record: Publishable, user, go_live_at=None) -> Publishable:
    """A publisher publishes now, or at ``go_live_at`` (the database's clock decides)."""
    _require(user, publish_permission(type(record)))
    record.status = Status.PUBLISHED
    record.go_live_at = go_live_at
    record.save(update_fields=["status", "go_live_at"])
    return record


@transaction.atomic
def record_withdraw(*, record: Publishable, user) -> Publishable:
    """A publisher takes a record off the public site; it stays in the admin with its history."""
    _require(user, publish_permission(type(record)))
    record.status = Status.WITHDRAWN
    record.save(update_fields=["status"])
    return record
