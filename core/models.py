"""The publishing model every public record shares, and the sources records cite."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.dates import DatePrecision
from core.search import search_vector_expression
from core.text import pinyin_key


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def published_q(prefix: str = "") -> Q:
    """The condition "visible to the public", for this model or through a relation path.

    Evaluated by PostgreSQL with ``Now()``, so a scheduled record appears the moment its go-live
    time passes without any job running.
    """
    return Q(**{f"{prefix}status": Status.PUBLISHED}) & (
        Q(**{f"{prefix}go_live_at__isnull": True}) | Q(**{f"{prefix}go_live_at__lte": Now()})
    )


def scheduled_q(prefix: str = "") -> Q:
    """The condition "published by an editor but waiting for its go-live time"."""
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}go_live_at__gt": Now()})


def in_newsroom(user) -> bool:
    """An active staff account: the admin's rule for who works on the register at all."""
    return bool(user is not None and user.is_active and user.is_staff)


def may_see_drafts(user, model) -> bool:
    """Whether ``user`` sees ``model``'s records that are not public: staff who may view the
    model in the admin. One rule for the admin, previews, attachments and the API."""
    opts = model._meta
    return in_newsroom(user) and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_q())

    def scheduled(self):
        """Published by an editor but waiting for its go-live time."""
        return self.filter(scheduled_q())

    def visible_to(self, user):
        """Everything for staff who may view the model in the admin; the public view otherwise."""
        if may_see_drafts(user, self.model):
            return self.all()
        return self.published()


class Publishable(models.Model):
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text=_("Only published records whose go-live time has passed are public."),
    )
    go_live_at = models.DateTimeField(
        _("go live at"),
        null=True,
        blank=True,
        help_text=_("Leave empty to go live as soon as the record is published."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True, db_index=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised on every save; a save based on an older version is refused."),
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version", "updated_at"}
        super().save(*args, **kwargs)


class SearchIndexed(models.Model):
    """A record with a stored, GIN-indexed search vector derived from its texts on save.

    Subclasses list their texts in ``search_texts()``; English texts are stemmed, Chinese texts
    are indexed as overlapping character pairs (see ``core.search``).
    """

    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.search_vector = search_vector_expression(self.search_texts())
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_vector"}
        super().save(*args, **kwargs)
        # The expression has been written; leave the field deferred rather than holding it.
        self.__dict__.pop("search_vector", None)

    def search_texts(self) -> list[tuple[str, str, str]]:
        """(text, language, weight) triples; language is "en" or "zh-hans"."""
        raise NotImplementedError

    def refresh_search_vector(self) -> None:
        type(self)._base_manager.filter(pk=self.pk).update(
            search_vector=search_vector_expression(self.search_texts())
        )


class PinyinSorted(models.Model):
    """Keeps a pinyin key of the Chinese name so that Chinese lists sort as readers expect."""

    pinyin_source_field = "name_zh_hans"

    name_pinyin = models.CharField(max_length=400, blank=True, editable=False, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        source = getattr(self, self.pinyin_source_field, "") or getattr(self, "name_en", "") or ""
        self.name_pinyin = pinyin_key(source)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "name_pinyin"}
        super().save(*args, **kwargs)


def partial_date_fields(verbose_name, help_text):
    """A date field and its precision, for dates that sources give to the day, month or year.

    Unpack it in a model body: ``approved_on, approved_on_precision = partial_date_fields(…)``.
    """
    date_field = models.DateField(verbose_name, null=True, blank=True, help_text=help_text)
    precision_field = models.CharField(
        _("precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_(
            "How exactly the source gives the date. For a month, enter its 1st; "
            "for a year, 1 January."
        ),
    )
    return date_field, precision_field


def partial_date_constraint(name: str, model_label: str) -> models.CheckConstraint:
    """A month-precision date is stored as the 1st; a year-precision one as 1 January."""
    precision = f"{name}_precision"
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True})
        | Q(**{precision: DatePrecision.DAY})
        | Q(**{precision: DatePrecision.MONTH, f"{name}__day": 1})
        | Q(**{precision: DatePrecision.YEAR, f"{name}__day": 1, f"{name}__month": 1}),
        name=f"{model_label}_{name}_matches_precision",
        violation_error_message=_(
            "A date given to the month must be the 1st; one given to the year must be 1 January."
        ),
    )


class Source(models.Model):
    """A publication that a record's facts come from."""

    slug = models.SlugField(
        _("key"),
        max_length=100,
        unique=True,
        help_text=_("A short stable key, e.g. ecns-2019-05-22."),
    )
    title = models.CharField(
        _("title"), max_length=300, help_text=_("What a reader sees, e.g. the outlet and the date.")
    )
    url = models.URLField(
        _("address"), max_length=500, blank=True, help_text=_("Leave empty for a printed source.")
    )
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, help_text=_("What the source supports."))

    class Meta:
        ordering = ["title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title


class SeedRecord(models.Model):
    """What a data loader wrote to one record, so a later run can tell an editor's change.

    ``fingerprint`` hashes the values the loader set. If the record no longer matches it, an
    editor has changed the record since, and the loader leaves it alone.
    """

    model = models.CharField(max_length=100)
    key = models.CharField(max_length=300)
    fingerprint = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "key"], name="seed_record_unique_key"),
        ]

    def __str__(self):
        return f"{self.model} {self.key}"


class ChangeStatus(models.TextChoices):
    """Where the next version of a public record stands."""

    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    SCHEDULED = "scheduled", _("Scheduled")


class AboutRecordQuerySet(models.QuerySet):
    """Rows about one record of any model, named by content type and id."""

    def for_record(self, record):
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
        )


class WorkingCopyQuerySet(AboutRecordQuerySet):
    def for_records(self, model, pks):
        return self.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=list(pks)
        )

    def due(self):
        """Scheduled changes whose go-live time has passed: the database's clock decides."""
        return self.filter(status=ChangeStatus.SCHEDULED, go_live_at__lte=Now())

    def scheduled(self):
        """Scheduled changes still waiting for their go-live time."""
        return self.filter(status=ChangeStatus.SCHEDULED, go_live_at__gt=Now())


class WorkingCopy(models.Model):
    """The next version of a public record, edited while the record's own row stays live.

    ``snapshot`` holds the record as the working copy would make it: its fields (both
    languages), its many-to-many links and, when they were edited, its parts (a document's
    directives, principles, relations, attachments), in Django's serialisation format.
    Publishing writes it onto the record's row in one transaction and deletes it.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    snapshot = models.JSONField(encoder=DjangoJSONEncoder)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ChangeStatus.choices,
        default=ChangeStatus.DRAFT,
        help_text=_("Draft, in review, sent back with a reason, or scheduled to go live."),
    )
    go_live_at = models.DateTimeField(
        _("go live at"),
        null=True,
        blank=True,
        help_text=_("When a scheduled change replaces the live version."),
    )
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why a publisher sent the change back.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who last changed the working copy."),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The publisher who last sent it back or scheduled it."),
    )
    base_version = models.PositiveIntegerField(
        _("based on version"), help_text=_("The live version the working copy started from.")
    )
    version = models.PositiveIntegerField(
        _("version"),
        help_text=_("Raised on every save; a save based on an older version is refused."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = WorkingCopyQuerySet.as_manager()

    class Meta:
        verbose_name = _("working copy")
        verbose_name_plural = _("working copies")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_working_copy_per_record"
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(go_live_at__isnull=False),
                name="scheduled_working_copy_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "go_live_at"], name="working_copy_schedule")]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id} ({self.get_status_display()})"


class LogAction(models.TextChoices):
    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    SUBMITTED = "submitted", _("submitted for review")
    SENT_BACK = "sent_back", _("sent back")
    PUBLISHED = "published", _("published")
    SCHEDULED = "scheduled", _("scheduled")
    WENT_LIVE = "went_live", _("went live")
    WITHDRAWN = "withdrawn", _("withdrawn")
    REVERTED = "reverted", _("reverted")
    IMPORTED = "imported", _("imported")
    DISCARDED = "discarded", _("discarded changes")
    COMMENTED = "commented", _("commented")


class LogEvent(models.Model):
    """One line of the newsroom log: who did what to which record, and when.

    Written by the services (``core.services``), so the admin, the importer and the API all
    log alike; writes without a person (the demo loader, data migrations) are not logged.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=12, choices=LogAction.choices)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    object_repr = models.CharField(_("record"), max_length=200)
    detail = models.TextField(
        _("detail"), blank=True, help_text=_("The reason given, or the time scheduled.")
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("newsroom log entry")
        verbose_name_plural = _("newsroom log")
        indexes = [models.Index(fields=["content_type", "object_id"], name="log_event_record")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_repr}"


class Comment(models.Model):
    """One message in a record's thread, for the back-and-forth between editors and publishers
    about its next version. The thread is per record and outlives each working copy."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(
        _("comment"), max_length=2000, help_text=_("Plain text; at most 2,000 characters.")
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = AboutRecordQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["content_type", "object_id"], name="comment_record")]

    def __str__(self):
        return f"{self.author} {self.created_at:%Y-%m-%d %H:%M}"


class NoticePreference(models.Model):
    """Whether a person receives the newsroom's e-mail notices. A person without a row does."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notice_preference",
    )
    email_notices = models.BooleanField(
        _("e-mail me notices"),
        default=True,
        help_text=_(
            "Publishers hear when something is submitted for review; editors hear when what "
            "they submitted is published, scheduled or sent back."
        ),
    )

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")

    def __str__(self):
        return f"{self.user}: {'on' if self.email_notices else 'off'}"


class Presence(models.Model):
    """Who has a record's change form open: one row per person and record, renewed while the
    form stays open, so a colleague who opens the same record is told.

    A table rather than the cache: the cache is local to each process unless Redis is set up,
    and a colleague's request may reach another worker.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    opened_at = models.DateTimeField(_("opened at"))
    seen_at = models.DateTimeField(_("last seen at"), db_index=True)

    objects = AboutRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("open change form")
        verbose_name_plural = _("open change forms")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "user"], name="presence_one_per_person"
            )
        ]

    def __str__(self):
        return f"{self.user} on {self.content_type.model} {self.object_id}"


class PublicVersionQuerySet(AboutRecordQuerySet):
    def published(self):
        """Versions whose time has come: a scheduled first publication stays hidden until then."""
        return self.filter(public_from__lte=Now())


class PublicVersion(models.Model):
    """One numbered publication of a public record, kept as the public saw it.

    ``snapshot`` holds what the record's page showed: its fields in both languages, the names
    and slugs of what it links to and, for a document, the text of its parts. ``changed``
    names the fields that differ from the version before. A record's versions are never
    edited once public; a withdrawal is noted on its last version (``withdrawn_at``).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    number = models.PositiveIntegerField(_("version"))
    public_from = models.DateTimeField(
        _("public from"), help_text=_("When this version became what the public sees.")
    )
    withdrawn_at = models.DateTimeField(
        _("withdrawn at"),
        null=True,
        blank=True,
        help_text=_("When the record was withdrawn while this version was current."),
    )
    snapshot = models.JSONField(encoder=DjangoJSONEncoder)
    changed = models.JSONField(
        default=list, help_text=_("The fields that differ from the previous version.")
    )

    objects = PublicVersionQuerySet.as_manager()

    class Meta:
        ordering = ["content_type", "object_id", "number"]
        verbose_name = _("public version")
        verbose_name_plural = _("public versions")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "number"], name="public_version_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="public_version_number_positive"
            ),
        ]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "public_from"], name="public_version_as_of"
            )
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id} v{self.number}"
