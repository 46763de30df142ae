"""Programs, their batches and zones, and the reference data they hang on."""

from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.dates import PartialDate
from core.inline import Inline, inline
from core.models import (
    PinyinSorted,
    Publishable,
    PublishableQuerySet,
    SearchIndexed,
    Source,
    partial_date_constraint,
    partial_date_fields,
    published_q,
)


class Region(PinyinSorted, models.Model):
    """An economic region that groups provinces (Yangtze River Delta, Greater Bay Area, …)."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True, help_text=_("Used in URLs."))
    name = models.CharField(_("name"), max_length=200, help_text=_("The region's common name."))

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("economic region")
        verbose_name_plural = _("economic regions")

    def __str__(self):
        return self.name


class Province(PinyinSorted, models.Model):
    """A province-level division: province, municipality or autonomous region."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True, help_text=_("Used in URLs."))
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. Guangdong / 广东省."))
    region = models.ForeignKey(
        Region,
        verbose_name=_("economic region"),
        related_name="provinces",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Leave empty if the province belongs to none of the regions."),
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class Authority(PinyinSorted, models.Model):
    """A body that issues documents or runs a program."""

    class Level(models.TextChoices):
        CENTRAL = "central", _("Central")
        PROVINCIAL = "provincial", _("Provincial")
        MUNICIPAL = "municipal", _("Municipal")
        DISTRICT = "district", _("District or county")

    slug = models.SlugField(_("slug"), max_length=100, unique=True, help_text=_("Used in URLs."))
    name = models.CharField(_("name"), max_length=200, help_text=_("The body's full name."))
    abbreviation = models.CharField(
        _("abbreviation"), max_length=40, blank=True, help_text=_("e.g. MIIT, MOST.")
    )
    level = models.CharField(
        _("level"),
        max_length=12,
        choices=Level.choices,
        default=Level.CENTRAL,
        help_text=_("The level of government the body belongs to."),
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        related_name="authorities",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("For provincial and local bodies only."),
    )
    url = models.URLField(_("website"), max_length=300, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        constraints = [
            models.CheckConstraint(
                condition=Q(level="central", province__isnull=True) | ~Q(level="central"),
                name="authority_central_has_no_province",
                violation_error_message=_("A central authority belongs to no province."),
            ),
        ]

    def __str__(self):
        return self.name


class FocusArea(PinyinSorted, models.Model):
    """An application field or industry shared by zones, documents and directives."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True, help_text=_("Used in URLs."))
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. Smart port / 智能港口."))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Zones are found by the labels of their focus areas: a new label is searchable at once.
        for zone in self.zones.all():
            zone.refresh_search_vector()

    def get_absolute_url(self):
        return reverse("zones:focus-area-detail", kwargs={"slug": self.slug})


class ProgramQuerySet(PublishableQuerySet):
    def for_listing(self):
        return self.select_related("authority")


class Program(Publishable, PinyinSorted):
    """A national designation scheme, run by one authority, announced in batches."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True, help_text=_("Used in URLs."))
    name = models.CharField(_("name"), max_length=300, help_text=_("The scheme's official name."))
    short_name = models.CharField(
        _("short name"),
        max_length=100,
        blank=True,
        help_text=_("For tight spaces, e.g. MIIT pilot zones."),
    )
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("authority"),
        related_name="programs",
        on_delete=models.PROTECT,
        help_text=_("The body that designates the zones."),
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("A short paraphrase."))
    sources = models.ManyToManyField(
        Source, verbose_name=_("sources"), blank=True, related_name="+"
    )

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        permissions = [("publish_program", "Can publish, schedule and withdraw programs")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("zones:program-detail", kwargs={"slug": self.slug})


class Batch(Publishable):
    """One announcement round of a program."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), related_name="batches", on_delete=models.PROTECT
    )
    number = models.PositiveSmallIntegerField(
        _("number"),
        validators=[MinValueValidator(1), MaxValueValidator(999)],
        help_text=_("1 for the first batch, 2 for the second, …"),
    )
    announced_on, announced_on_precision = partial_date_fields(
        _("announced on"), _("When the batch was announced.")
    )
    note = models.TextField(_("note"), blank=True, help_text=_("What the batch contained."))
    sources = models.ManyToManyField(
        Source, verbose_name=_("sources"), blank=True, related_name="+"
    )

    class Meta:
        ordering = ["program__slug", "number"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        permissions = [("publish_batch", "Can publish, schedule and withdraw batches")]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="batch_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="batch_number_positive"),
            partial_date_constraint("announced_on", "batch"),
        ]

    def __str__(self):
        return _("%(program)s, batch %(number)s") % {
            "program": self.program.short_name or self.program.name,
            "number": self.number,
        }

    @property
    def announced(self) -> PartialDate:
        return PartialDate(self.announced_on, self.announced_on_precision)


class ZoneQuerySet(PublishableQuerySet):
    def published(self):
        # A zone is public only while its program (and its batch, if any) is public too.
        return self.filter(
            published_q(),
            published_q("program__"),
            Q(batch__isnull=True) | published_q("batch__"),
        )

    def for_listing(self):
        return self.select_related("program", "batch", "province__region").prefetch_related(
            Prefetch("focus_areas", queryset=FocusArea.objects.order_by("name_en"))
        )

    def for_detail(self):
        """The zone with the lists its page shows, read in one query (``core.inline``)."""
        return inline(
            self.select_related("program", "batch", "province__region"),
            Inline(
                "focus_areas",
                FocusArea.objects.order_by("name_en"),
                ("slug", "name", "name_en", "name_zh_hans"),
            ),
            Inline("sources", Source.objects.order_by("title"), ("slug", "title", "url", "note")),
        )


class Zone(Publishable, SearchIndexed, PinyinSorted):
    """One designated area in one program."""

    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, help_text=_("Stable; used in URLs and the API.")
    )
    program = models.ForeignKey(
        Program, verbose_name=_("program"), related_name="zones", on_delete=models.PROTECT
    )
    batch = models.ForeignKey(
        Batch,
        verbose_name=_("batch"),
        related_name="zones",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Leave empty for programs that do not announce batches."),
    )
    name = models.CharField(
        _("name"), max_length=200, help_text=_("e.g. Tianjin (Binhai New Area).")
    )
    province = models.ForeignKey(
        Province, verbose_name=_("province"), related_name="zones", on_delete=models.PROTECT
    )
    city = models.CharField(_("city or district"), max_length=200, blank=True)
    approved_on, approved_on_precision = partial_date_fields(
        _("approved on"), _("When the zone was designated.")
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("An approximate centre for the map marker, in degrees north."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("In degrees east."),
    )
    focus_areas = models.ManyToManyField(
        FocusArea, verbose_name=_("focus areas"), related_name="zones", blank=True
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("A short paraphrase."))
    sources = models.ManyToManyField(
        Source, verbose_name=_("sources"), blank=True, related_name="+"
    )

    # Each publication is kept as a numbered public version (core.versions); a zone has no parts.
    version_parts = ()

    objects = ZoneQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        permissions = [("publish_zone", "Can publish, schedule and withdraw zones")]
        constraints = [
            partial_date_constraint("approved_on", "zone"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="zone_point_on_earth",
                violation_error_message=_("Give both coordinates, within ±90° and ±180°."),
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="zone_search_gin"),
            models.Index(fields=["program", "status"], name="zone_program_status"),
            # A zone's page names the zones of other programs in the same city (``iexact``).
            models.Index(Upper("city_en"), name="zone_city_en_upper"),
            # As document_go_live: the data version and the next scheduled change read it.
            models.Index(
                fields=["go_live_at"], condition=Q(go_live_at__isnull=False), name="zone_go_live"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("zones:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.batch_id and self.program_id and self.batch.program_id != self.program_id:
            raise ValidationError({"batch": _("The batch belongs to another program.")})

    @property
    def approved(self) -> PartialDate:
        return PartialDate(self.approved_on, self.approved_on_precision)

    @property
    def region(self):
        return self.province.region if self.province_id else None

    def search_texts(self):
        province = self.province if self.province_id else None
        texts = [
            (self.name_en, "en", "A"),
            (self.name_zh_hans, "zh-hans", "A"),
            (self.city_en, "en", "B"),
            (self.city_zh_hans, "zh-hans", "B"),
            (province.name_en if province else "", "en", "B"),
            (province.name_zh_hans if province else "", "zh-hans", "B"),
            (self.summary_en, "en", "C"),
            (self.summary_zh_hans, "zh-hans", "C"),
        ]
        if self.pk:
            # The labels of its focus areas, so that searching for one finds the zone.
            areas = self.focus_areas.order_by("name_en", "pk")
            for name_en, name_zh in areas.values_list("name_en", "name_zh_hans"):
                texts += [(name_en, "en", "B"), (name_zh, "zh-hans", "B")]
        return texts
