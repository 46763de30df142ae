"""Who may do what through the API: the admin's roles, applied to each action.

Reading is open to everyone, but what a reader sees depends on them (``visible_to``): drafts only
for users who may view the model in the admin. Editors (``add_``/``change_`` permissions) create
records, which start as drafts, change them while they are not public and submit them for review.
Publishers (``publish_`` permission) publish, schedule and withdraw, and they alone change a record
the public can already see, since that change goes live at once.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.models import Status

ACTION_PERMISSIONS = {
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "submit": "change",
    "publish": "publish",
    "withdraw": "publish",
}


def model_permission(model, codename: str) -> str:
    opts = model._meta
    return f"{opts.app_label}.{codename}_{opts.model_name}"


class RegisterPermissions(BasePermission):
    message = _("Your account is not allowed to do this.")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        if getattr(view, "action", None) is None:
            # A method the view does not offer: let the view answer 405, not 401/403.
            return True
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        codename = ACTION_PERMISSIONS.get(view.action)
        if codename is None:
            return False
        return user.has_perm(model_permission(view.queryset.model, codename))

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        changes_public_record = (
            view.action in ("update", "partial_update") and obj.status == Status.PUBLISHED
        )
        if changes_public_record and not request.user.has_perm(
            model_permission(type(obj), "publish")
        ):
            self.message = _(
                "This record is published or scheduled: only a publisher may change it. "
                "Ask a publisher, or withdraw it first."
            )
            return False
        return True
