"""The download of a document's attachment: public files for everyone, drafts' files for staff."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers, patch_cache_control

from core.models import may_see_drafts
from policies.models import Attachment, PolicyDocument


def attachment_download(request, slug, pk):
    user = request.user
    # Staff who may view documents can download the files of drafts they preview.
    if may_see_drafts(user, PolicyDocument):
        attachments = Attachment.objects.all()
    else:
        attachments = Attachment.objects.published()
    attachment = get_object_or_404(
        attachments.select_related("document"), document__slug=slug, pk=pk
    )
    is_public = Attachment.objects.published().filter(pk=attachment.pk).exists()
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
    if attachment.sha256:
        response["ETag"] = f'"{attachment.sha256}"'
    if is_public:
        patch_cache_control(response, public=True, max_age=3600)
    else:
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        response["X-Robots-Tag"] = "noindex"
    return response
