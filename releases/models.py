"""Data releases: dated, numbered, immutable copies of the public register, with their files."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# 2026.12.07 for the first release of a day, 2026.12.07.2 for the second.
VERSION_PATTERN = r"[0-9]{4}\.[0-9]{2}\.[0-9]{2}(?:\.[0-9]{1,4})?"


class ReleaseQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-cut_at", "-pk")

    def for_listing(self):
        return self.newest_first().prefetch_related(
            models.Prefetch("files", queryset=ReleaseFile.objects.order_by("position"))
        )


class Release(models.Model):
    """One data release. Cut by ``releases.services.release_cut``; never changed afterwards."""

    version = models.CharField(
        _("version"),
        max_length=20,
        unique=True,
        editable=False,
        help_text=_("The date of the release, with .2, .3, … for a further release that day."),
    )
    cut_at = models.DateTimeField(_("cut at"), editable=False)
    cut_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cut by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
    )
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("What the publisher wants readers of the release to know."),
    )
    changes = models.JSONField(
        _("changes"),
        default=dict,
        editable=False,
        help_text=_("The records added, changed and withdrawn since the previous release."),
    )
    record_counts = models.JSONField(_("records"), default=dict, editable=False)
    # Per table, each record's key → [content hash, title in English, title in Chinese]: what the
    # next release compares itself with.
    fingerprints = models.JSONField(default=dict, editable=False)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-cut_at", "-pk"]
        verbose_name = _("data release")
        verbose_name_plural = _("data releases")

    def __str__(self):
        return self.version

    def get_absolute_url(self):
        return reverse("releases:list") + f"#release-{self.version}"

    @property
    def package_file(self):
        """The zip of the whole package, if the release has its files."""
        return next((file for file in self.files.all() if file.name.endswith(".zip")), None)


class ReleaseFile(models.Model):
    """One file of a release, kept in the default storage, with its checksum."""

    release = models.ForeignKey(
        Release, verbose_name=_("release"), related_name="files", on_delete=models.PROTECT
    )
    name = models.CharField(_("file name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    file = models.FileField(_("file"), max_length=300)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["release", "position"]
        verbose_name = _("release file")
        verbose_name_plural = _("release files")
        constraints = [
            models.UniqueConstraint(fields=["release", "name"], name="release_file_unique_name"),
        ]

    def __str__(self):
        return f"{self.release.version}/{self.name}"

    def get_absolute_url(self):
        return reverse("release-file", kwargs={"version": self.release.version, "name": self.name})
