from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public site: pages, feeds, sitemaps and the page cache in front of them."""

    name = "public"
    verbose_name = _("Public site")

    def ready(self):
        from public.cache import connect_signals

        connect_signals()
