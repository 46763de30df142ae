from django.urls import reverse

from zones.sitemaps import BilingualSitemap


class DataPageSitemap(BilingualSitemap):
    changefreq = "weekly"

    def items(self):
        return ["releases:list"]

    def location(self, name):
        return reverse(name)
