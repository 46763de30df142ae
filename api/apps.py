from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The public API (Django REST framework): the register's records, filters and formats."""

    name = "api"
    verbose_name = _("API")
