"""Serving a document's attachments: always as a download, never rendered by the browser."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from policies.models import Attachment


def attachment_download(request, slug, pk):
    attachment = get_object_or_404(
        Attachment.objects.published().select_related("document"), document__slug=slug, pk=pk
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing.") from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.file.name.rsplit("/", 1)[-1],
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
