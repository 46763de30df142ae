"""Applying an app's FilterSet to an API list."""

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend

from api.exceptions import InvalidParameters
from core.filters import SearchFilter


def check_filters(filterset, params) -> None:
    """Raise a 400 naming every parameter the FilterSet cannot use.

    The pages' forms send empty fields and the FilterSet reads them as "no filter"; an API
    client that sends ``issued_after=`` has lost a value on the way, so the API says so. An
    empty search (``q=``) is still no search.
    """
    errors = {name: list(messages) for name, messages in filterset.errors.items()}
    for name, field in filterset.base_filters.items():
        if isinstance(field, SearchFilter) or name in errors:
            continue
        if "" in params.getlist(name):
            errors[name] = [_("Give a value, or leave the parameter out.")]
    if errors:
        raise InvalidParameters(errors)


class RegisterFilterBackend(DjangoFilterBackend):
    """The app's FilterSet, unchanged; its form errors become a 400 naming each parameter."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        check_filters(filterset, request.query_params)
        view.filterset = filterset
        return filterset.qs
