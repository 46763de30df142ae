import logging

from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Publishing")

    def ready(self):
        from core.cache import connect_signals
        from core.versions.records import take_missing_versions_after_migrate

        connect_signals()
        post_migrate.connect(take_missing_versions_after_migrate, sender=self)
        warn_without_mail_server()


def warn_without_mail_server():
    """Production with no mail server sends no notices; say so at start-up."""
    from django.conf import settings

    if settings.MAILERS["default"]["BACKEND"] == "core.notices.UnsentMailBackend":
        logging.getLogger("core.notices").warning(
            "EMAIL_HOST is not set: newsroom notices are not sent (each is logged instead)."
        )


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """The Django admin with the newsroom's site (its index shows the review queue)."""

    default = False  # CoreConfig stays this module's configuration of the core app
    default_site = "core.admin_site.NewsroomAdminSite"


class LoginProtectionConfig(axes_apps.AppConfig):
    """django-axes under a name the newsroom translates (its own is the bare label "Axes")."""

    default = False
    verbose_name = _("Login protection")
