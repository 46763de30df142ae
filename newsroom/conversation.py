"""The newsroom's conversation around a record: its comment thread, shown on the change form
and added to by whoever may change the record, and each person's own "My notices" page."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.models import Comment, NoticePreference, Publishable
from core.services import comment_add, may_comment


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=Comment._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def change_url(site, model, pk) -> str:
    try:
        return reverse(
            f"{site.name}:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk]
        )
    except NoReverseMatch:
        return reverse(f"{site.name}:index")


@require_POST
def comment_view(request, content_type_id: int, object_id: int, *, site):
    """Add a comment to a record of the register (a model with the publishing workflow that
    the site edits); back to its change form."""
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    if model is None or model not in site._registry or not issubclass(model, Publishable):
        raise Http404(gettext("No such record."))
    record = model._base_manager.filter(pk=object_id).first()
    if record is None:
        raise Http404(gettext("No such record."))
    if not may_comment(request.user, model):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment_add(record=record, user=request.user, text=form.cleaned_data["text"])
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, gettext("Your comment was added."))
    else:
        problems = [problem for errors in form.errors.values() for problem in errors]
        messages.error(
            request,
            gettext("The comment was not added: %(problems)s") % {"problems": " ".join(problems)},
        )
    return HttpResponseRedirect(f"{change_url(site, model, record.pk)}#comments")


class NoticeSettingsForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Where notices go. Without an address you receive none."),
        widget=forms.EmailInput(attrs={"class": "vTextField"}),
    )
    email_notices = forms.BooleanField(
        label=capfirst(NoticePreference._meta.get_field("email_notices").verbose_name),
        help_text=NoticePreference._meta.get_field("email_notices").help_text,
        required=False,
    )


def my_notices_view(request, *, site):
    """Each person turns the newsroom's e-mail notices on or off for themselves."""
    user = request.user
    preference = NoticePreference.objects.filter(user=user).first()
    initial = {
        "email": user.email,
        "email_notices": preference.email_notices if preference else True,
    }
    form = NoticeSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        get_user_model()._default_manager.filter(pk=user.pk).update(
            email=form.cleaned_data["email"]
        )
        NoticePreference.objects.update_or_create(
            user=user, defaults={"email_notices": form.cleaned_data["email_notices"]}
        )
        messages.success(request, gettext("Your notice settings were saved."))
        return HttpResponseRedirect(request.path)
    context = {
        **site.each_context(request),
        "title": gettext("My notices"),
        "form": form,
    }
    request.current_app = site.name
    return TemplateResponse(request, "admin/newsroom/my_notices.html", context)
