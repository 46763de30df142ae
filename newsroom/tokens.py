"""A member of the newsroom's own API token (Django REST framework's ``authtoken``), issued,
replaced and revoked on an admin page by the person signed in, for themselves only.

The key is shown once, in the answer to issuing it; afterwards the page says only that a token
exists and since when. A token acts with its owner's role, as the admin does
(``api.permissions``): whoever may use the admin may have one.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token


def api_token_view(request, *, site):
    """The page of the person's own token: GET shows it, POST ``issue`` or ``revoke`` acts."""
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            new_key = token_issue(user=request.user).key
        elif action == "revoke":
            if Token.objects.filter(user=request.user).delete()[0]:
                messages.success(request, _("Your API token was revoked; it no longer works."))
            return HttpResponseRedirect(reverse(f"{site.name}:my_api_token"))
        else:
            return HttpResponseBadRequest(_("Choose to issue or to revoke a token."))
    return TemplateResponse(
        request,
        "admin/newsroom/api_token.html",
        {
            **site.each_context(request),
            "title": _("My API token"),
            "token": Token.objects.filter(user=request.user).first(),
            "new_key": new_key,
        },
    )


@transaction.atomic
def token_issue(*, user) -> Token:
    """A new token for ``user``; the one they had, if any, stops working. The person's row is
    locked first, so that a double click issues two tokens one after the other, not a clash."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)
