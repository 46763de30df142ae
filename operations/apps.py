from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running the site: request logs, error pages, the Redis cache backend, backups."""

    name = "operations"
    verbose_name = _("Operations")
