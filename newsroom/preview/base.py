"""Previews: staff see any record, draft or not, as its public page will show it.

A preview view subclasses the public detail view and swaps only the queryset, so the page is the
public page. It answers staff who may view the model and nobody else, is never cached and tells
search engines to keep out (a ``noindex`` meta tag from ``base.html`` and the ``X-Robots-Tag``
header, for a copied link).
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from core.models import may_see_drafts


class PreviewMixin:
    #: The model whose view permission a previewer needs.
    preview_model = None
    #: A preview shows what the public must not see, and ignores ``?as_of=`` (core.versions).
    preview = True

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not may_see_drafts(user, self.preview_model):
            raise PermissionDenied
        language = request.GET.get("language")
        if language not in dict(settings.LANGUAGES):
            language = translation.get_language()
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=True, **kwargs)
