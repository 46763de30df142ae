from public.sitemaps.base import FixedPagesSection


class DataPageSitemap(FixedPagesSection):
    """The data releases page, in both languages."""

    changefreq = "weekly"
    names = ("releases:list",)
