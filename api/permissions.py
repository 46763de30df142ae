"""Who may do what through the API: the admin's roles, applied to each action.

Reading is open to everyone, but what a reader sees depends on them (``visible_to``): drafts only
for staff who may view the model in the admin (``core.models.may_see_drafts``). Writing needs a
staff account, as the admin does, with the role's permission. Editors (``add_``/``change_``
permissions) create records, which start as drafts, change them and submit them for review; an
editor's change to a public record sends it back to review, as in the admin
(``core.services.record_save``). Publishers (``publish_`` permission) publish, schedule and
withdraw.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.models import in_newsroom

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
        if not (user and user.is_authenticated and in_newsroom(user)):
            return False
        codename = ACTION_PERMISSIONS.get(view.action)
        if codename is None:
            return False
        return user.has_perm(model_permission(view.queryset.model, codename))
