"""The OpenAPI schema's address, /api/schema/."""

import threading
from typing import ClassVar

from django.conf import settings
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, built once per process and language: it depends on the code alone,
    and building it takes longer than a second."""

    built: ClassVar[dict[tuple, dict]] = {}
    lock = threading.Lock()

    def _get_schema_response(self, request):
        language = translation.get_language()
        if language not in dict(settings.LANGUAGES):
            return super()._get_schema_response(request)
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (language, version)
        with self.lock:
            if key not in self.built:
                generator = self.generator_class(
                    urlconf=self.urlconf, api_version=version, patterns=self.patterns
                )
                self.built[key] = generator.get_schema(request=request, public=self.serve_public)
        filename = self._get_filename(request, version)
        return Response(
            data=self.built[key],
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )
