import logging

from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    """The editors' side: the admin, imports and exports, previews, comments and notices."""

    name = "newsroom"
    verbose_name = _("Newsroom")

    def ready(self):
        from core.models import LogEvent
        from newsroom import notices

        post_save.connect(notices.send_after_commit, sender=LogEvent)
        warn_without_mail_server()


def warn_without_mail_server():
    """Production with no mail server sends no notices; say so at start-up."""
    from django.conf import settings

    if settings.MAILERS["default"]["BACKEND"] == "newsroom.notices.UnsentMailBackend":
        logging.getLogger("newsroom.notices").warning(
            "EMAIL_HOST is not set: newsroom notices are not sent (each is logged instead)."
        )


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """The Django admin with the newsroom's site (its index shows the review queue)."""

    default = False  # NewsroomConfig stays this module's configuration of the newsroom app
    default_site = "newsroom.site.NewsroomAdminSite"


class LoginProtectionConfig(axes_apps.AppConfig):
    """django-axes under a name the newsroom translates (its own is the bare label "Axes")."""

    default = False
    verbose_name = _("Login protection")
