"""Applying an app's FilterSet to an API list."""

from django_filters.rest_framework import DjangoFilterBackend

from core.api.exceptions import InvalidParameters


class RegisterFilterBackend(DjangoFilterBackend):
    """The app's FilterSet, unchanged; its form errors become a 400 naming each parameter."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise InvalidParameters(
                {name: list(errors) for name, errors in filterset.errors.items()}
            )
        view.filterset = filterset
        return filterset.qs
