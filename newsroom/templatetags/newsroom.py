"""Template tags of the newsroom admin."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.models import Comment
from core.services import may_comment
from newsroom.conversation import CommentForm

register = template.Library()


@register.inclusion_tag("admin/newsroom/includes/comments.html", takes_context=True)
def record_comments(context, record):
    """A record's comment thread, oldest first, and the form to add to it for those who may."""
    request = context["request"]
    model = type(record)
    content_type = ContentType.objects.get_for_model(model)
    allowed = may_comment(request.user, model)
    return {
        "comments": Comment.objects.for_record(record).select_related("author"),
        "form": CommentForm() if allowed else None,
        "post_url": reverse("admin:record_comment", args=[content_type.pk, record.pk]),
        "csrf_token": context.get("csrf_token"),
    }
