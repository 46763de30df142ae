"""Choosing the format of a response."""

from django.utils.translation import gettext as _
from rest_framework.negotiation import DefaultContentNegotiation

from api.exceptions import InvalidParameters


class RegisterContentNegotiation(DefaultContentNegotiation):
    """``?format=`` wins over the Accept header, and an unknown format is a 400, not a 404."""

    def select_renderer(self, request, renderers, format_suffix=None):
        requested = request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if requested is not None:
            for renderer in renderers:
                if renderer.format == requested:
                    return renderer, renderer.media_type
            raise InvalidParameters(
                {
                    "format": [
                        _("Choose one of: %(formats)s.")
                        % {"formats": ", ".join(renderer.format for renderer in renderers)}
                    ]
                }
            )
        return super().select_renderer(request, renderers, format_suffix)
