from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Publishing")

    def ready(self):
        from core.versions.records import take_missing_versions_after_migrate

        post_migrate.connect(take_missing_versions_after_migrate, sender=self)
