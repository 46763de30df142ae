"""Policy documents, what they ask of each zone, and how they relate to each other."""

import re

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Prefetch, Q
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
from core.text import render_markdown
from policies.attachments import check_upload, detect_type, file_digest, stored_name
from zones.models import Authority, FocusArea, Program, Zone

# 发文字号: issuer's abbreviation, the year in 〔〕 and a serial number, e.g. 国发〔2017〕35号.
DOC_NUMBER_PATTERN = r"^[\u3400-\u9fff]{1,20}〔(19|20)\d{2}〕\d{1,5}号$"
validate_doc_number = RegexValidator(
    re.compile(DOC_NUMBER_PATTERN),
    _(
        "Write the document number as the issuer's abbreviation, the year in 〔〕 and the "
        "serial number with 号, e.g. 国发〔2017〕35号."
    ),
    code="doc_number",
)


class DocumentType(models.TextChoices):
    LAW = "law", _("Law")
    REGULATION = "regulation", _("Regulation")
    PLAN = "plan", _("Plan")
    GUIDELINE = "guideline", _("Guideline")
    OPINION = "opinion", _("Opinion")
    MEASURES = "measures", _("Measures")
    NOTICE = "notice", _("Notice")
    LETTER = "letter", _("Letter or reply")
    STANDARD = "standard", _("Standard")
    OTHER = "other", _("Other")


class Validity(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    AMENDED = "amended", _("Amended")
    REPEALED = "repealed", _("Repealed")
    EXPIRED = "expired", _("Expired")


# Wide columns a list never shows: the texts (2–20 kB each) and the stored search vector.
LISTING_DEFERRED = (
    "search_vector",
    "body",
    "body_en",
    "body_zh_hans",
    "body_html_en",
    "body_html_zh_hans",
)


class PolicyDocumentQuerySet(PublishableQuerySet):
    def for_listing(self):
        return self.defer(*LISTING_DEFERRED).prefetch_related(
            Prefetch("authorities", queryset=Authority.objects.order_by("name_en")),
        )

    def for_detail(self):
        """The document with everything its page lists, read in one query (``core.inline``)."""
        names = ("slug", "name", "name_en", "name_zh_hans")
        program_names = (*names, "short_name", "short_name_en", "short_name_zh_hans")
        return inline(
            self.defer(
                "search_vector", *(f"superseded_by__{name}" for name in LISTING_DEFERRED)
            ).select_related("superseded_by", "batch__program"),
            Inline("authorities", Authority.objects.order_by("name_en"), names),
            Inline("focus_areas", FocusArea.objects.order_by("name_en"), names),
            Inline("programs", Program.objects.published(), names),
            Inline(
                "zones",
                Zone.objects.published(),
                names,
                related={"program": program_names},
            ),
            Inline(
                "principles",
                Principle.objects.order_by("position"),
                ("position", "text", "text_en", "text_zh_hans"),
            ),
            Inline(
                "directives",
                Directive.objects.published().order_by("position"),
                ("position", "text", "text_en", "text_zh_hans"),
                related={"zone": names},
                inlines=[Inline("focus_areas", FocusArea.objects.order_by("name_en"), names)],
            ),
            Inline(
                "supersedes",
                PolicyDocument.objects.published().order_by("issued_on"),
                ("slug", "title", "title_en", "title_zh_hans", "issued_on", "issued_on_precision"),
            ),
            Inline(
                "attachments",
                Attachment.objects.order_by("kind", "pk"),
                ("kind", "language", "title", "title_en", "title_zh_hans", "size"),
            ),
            Inline("sources", Source.objects.all(), ("slug", "title", "url", "note")),
        )


class PolicyDocument(Publishable, SearchIndexed, PinyinSorted):
    """A policy document: a plan, guideline, notice or letter, from one or more authorities."""

    pinyin_source_field = "title_zh_hans"

    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, help_text=_("Stable; used in URLs and the API.")
    )
    title = models.CharField(_("title"), max_length=500, help_text=_("The full official title."))
    doc_number = models.CharField(
        _("document number"),
        max_length=60,
        blank=True,
        validators=[validate_doc_number],
        help_text=_("发文字号, e.g. 国发〔2017〕35号. Leave empty if the document has none."),
    )
    doc_number_unknown = models.BooleanField(
        _("document number not known"),
        default=False,
        help_text=_(
            "Tick when the sources do not give the document's number; an empty number left "
            "unticked means the document has none."
        ),
    )
    doc_type = models.CharField(
        _("type"), max_length=12, choices=DocumentType.choices, default=DocumentType.NOTICE
    )
    authorities = models.ManyToManyField(
        Authority,
        verbose_name=_("issuing authorities"),
        related_name="documents",
        help_text=_("Every body that issued the document; joint issuance has several."),
    )
    written_on, written_on_precision = partial_date_fields(
        _("date written"), _("成文日期: the date the document bears.")
    )
    issued_on, issued_on_precision = partial_date_fields(
        _("date published"), _("发布日期: when the document was made public.")
    )
    validity = models.CharField(
        _("validity"), max_length=10, choices=Validity.choices, default=Validity.IN_FORCE
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        related_name="supersedes",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("The document that replaced this one, if any."),
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("A short paraphrase."))
    body = models.TextField(
        _("body"), blank=True, help_text=_("The text, in Markdown. HTML is removed when shown.")
    )
    # The body as sanitised HTML, one per language, rendered from the Markdown on every save
    # so that a page never renders Markdown while a reader waits.
    body_html_en = models.TextField(_("body as HTML (English)"), blank=True, editable=False)
    body_html_zh_hans = models.TextField(_("body as HTML (Chinese)"), blank=True, editable=False)
    source_url = models.URLField(
        _("official page"),
        max_length=500,
        blank=True,
        help_text=_("Where the issuer published it."),
    )
    batch = models.ForeignKey(
        "zones.Batch",
        verbose_name=_("batch announced"),
        related_name="documents",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("The batch of zones this document announces, if any."),
    )
    programs = models.ManyToManyField(
        Program, verbose_name=_("programs"), related_name="documents", blank=True
    )
    zones = models.ManyToManyField(
        Zone, verbose_name=_("zones concerned"), related_name="documents", blank=True
    )
    focus_areas = models.ManyToManyField(
        FocusArea, verbose_name=_("focus areas"), related_name="documents", blank=True
    )
    sources = models.ManyToManyField(
        Source, verbose_name=_("sources"), blank=True, related_name="+"
    )

    # Each publication is kept as a numbered public version with the text of these parts.
    version_parts = ("principles", "directives")

    objects = PolicyDocumentQuerySet.as_manager()

    class Meta:
        ordering = [F("issued_on").desc(nulls_last=True), "slug"]
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        permissions = [("publish_policydocument", "Can publish, schedule and withdraw documents")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(superseded_by=F("pk")),
                name="document_not_superseded_by_itself",
                violation_error_message=_("A document cannot supersede itself."),
            ),
            models.CheckConstraint(
                condition=Q(written_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(issued_on__gte=F("written_on")),
                name="document_published_on_or_after_written",
                violation_error_message=_("A document is published on or after the date written."),
            ),
            models.CheckConstraint(
                condition=Q(doc_number_unknown=False) | Q(doc_number=""),
                name="document_unknown_number_is_empty",
                violation_error_message=_("A document whose number is not known has no number."),
            ),
            models.UniqueConstraint(
                fields=["doc_number"],
                condition=~Q(doc_number=""),
                name="document_unique_doc_number",
                violation_error_message=_("Another document already has this number."),
            ),
            partial_date_constraint("written_on", "document"),
            partial_date_constraint("issued_on", "document"),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="document_search_gin"),
            GinIndex(
                OpClass(Upper("doc_number"), name="gin_trgm_ops"), name="document_number_trgm"
            ),
            # The admin's search finds a substring of these (``icontains``, which PostgreSQL
            # reads as ``UPPER(field) LIKE``) through trigrams rather than by reading every row.
            *(
                GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=f"document_{field}_trgm")
                for field in ("title_en", "title_zh_hans", "slug")
            ),
            models.Index(F("issued_on").desc(nulls_last=True), "slug", name="document_issued_slug"),
            models.Index(fields=["status", "go_live_at"], name="document_visibility"),
            # Counts of the public documents by type, validity, year or month (at the precision
            # the date is known to) or batch, and the public ids the facet counts join their
            # links to, read from this index alone (an
            # index-only scan of a few MB rather than the table). The API counts its list with
            # the successor and the batch joined (and removed by the planner, which still
            # needs their ids in the index to count from it).
            models.Index(
                fields=["status"],
                include=[
                    "go_live_at",
                    "id",
                    "doc_type",
                    "validity",
                    "issued_on",
                    "issued_on_precision",
                    "batch",
                    "superseded_by",
                ],
                name="document_facets",
            ),
            # The latest go-live that has passed (the API's data version) and the next one to
            # come (the content generation): a few rows have one, so the index stays small.
            models.Index(
                fields=["go_live_at"],
                condition=Q(go_live_at__isnull=False),
                name="document_go_live",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("policies:detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        self.body_html_en = render_markdown(self.body_en)
        self.body_html_zh_hans = render_markdown(self.body_zh_hans)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body_html_en", "body_html_zh_hans"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.pk and self.superseded_by_id == self.pk:
            raise ValidationError({"superseded_by": _("A document cannot supersede itself.")})

    @property
    def written(self) -> PartialDate:
        return PartialDate(self.written_on, self.written_on_precision)

    @property
    def issued(self) -> PartialDate:
        return PartialDate(self.issued_on, self.issued_on_precision)

    def search_texts(self):
        texts = [
            (self.title_en, "en", "A"),
            (self.title_zh_hans, "zh-hans", "A"),
            (self.doc_number, "zh-hans", "A"),
            (self.summary_en, "en", "B"),
            (self.summary_zh_hans, "zh-hans", "B"),
        ]
        if self.pk:
            for text_en, text_zh in self.principles.values_list("text_en", "text_zh_hans"):
                texts += [(text_en, "en", "C"), (text_zh, "zh-hans", "C")]
            for text_en, text_zh in self.directives.values_list("text_en", "text_zh_hans"):
                texts += [(text_en, "en", "C"), (text_zh, "zh-hans", "C")]
        texts += [(self.body_en, "en", "D"), (self.body_zh_hans, "zh-hans", "D")]
        return texts


class ChildOfDocumentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_q("document__"))


class DocumentPart(models.Model):
    """Something that is part of a document's text, so the document's search index includes it."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.document.refresh_search_vector()

    def delete(self, *args, **kwargs):
        document = self.document
        result = super().delete(*args, **kwargs)
        document.refresh_search_vector()
        return result


class Principle(DocumentPart):
    """A principle a document sets out, in the document's order."""

    document = models.ForeignKey(
        PolicyDocument,
        verbose_name=_("document"),
        related_name="principles",
        on_delete=models.CASCADE,
    )
    position = models.PositiveSmallIntegerField(_("position"), help_text=_("1 for the first."))
    text = models.TextField(_("text"))

    objects = ChildOfDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["document", "position"]
        verbose_name = _("principle")
        verbose_name_plural = _("principles")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "position"], name="principle_unique_position"
            ),
        ]

    def __str__(self):
        return f"{self.document.slug} §{self.position}"


class DirectiveQuerySet(models.QuerySet):
    def published(self):
        # Public only while both the document and the zone it addresses are public.
        return self.filter(
            published_q("document__"),
            published_q("zone__"),
            published_q("zone__program__"),
            Q(zone__batch__isnull=True) | published_q("zone__batch__"),
        )

    def for_listing(self):
        return (
            self.select_related("document", "zone__program")
            .defer("search_vector", *(f"document__{name}" for name in LISTING_DEFERRED))
            .prefetch_related(
                Prefetch("focus_areas", queryset=FocusArea.objects.order_by("name_en"))
            )
        )


class Directive(DocumentPart, SearchIndexed):
    """What one document asks of one zone: in the notice, one paragraph per zone."""

    document = models.ForeignKey(
        PolicyDocument,
        verbose_name=_("document"),
        related_name="directives",
        on_delete=models.CASCADE,
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), related_name="directives", on_delete=models.PROTECT
    )
    position = models.PositiveSmallIntegerField(
        _("position"), help_text=_("Where the paragraph stands in the document: 1 for the first.")
    )
    text = models.TextField(_("text"), help_text=_("What the document asks of the zone."))
    focus_areas = models.ManyToManyField(
        FocusArea, verbose_name=_("focus areas"), related_name="directives", blank=True
    )

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        ordering = ["document", "position"]
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "position"],
                name="directive_unique_position",
                violation_error_message=_("Another directive of this document has this position."),
            ),
            models.UniqueConstraint(
                fields=["document", "zone"],
                name="directive_unique_zone",
                violation_error_message=_("This document already has a directive for this zone."),
            ),
        ]
        indexes = [GinIndex(fields=["search_vector"], name="directive_search_gin")]

    def __str__(self):
        return f"{self.document.slug} → {self.zone.slug}"

    def get_absolute_url(self):
        return f"{self.document.get_absolute_url()}#directive-{self.zone.slug}"

    def search_texts(self):
        return [
            (self.zone.name_en, "en", "A"),
            (self.zone.name_zh_hans, "zh-hans", "A"),
            (self.text_en, "en", "B"),
            (self.text_zh_hans, "zh-hans", "B"),
        ]


class RelationKind(models.TextChoices):
    IMPLEMENTS = "implements", _("implements")
    AMENDS = "amends", _("amends")
    CITES = "cites", _("cites")


class DocumentRelationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_q("from_document__"), published_q("to_document__"))


class DocumentRelation(models.Model):
    """One document implements, amends or cites another (supersession is ``superseded_by``)."""

    from_document = models.ForeignKey(
        PolicyDocument,
        verbose_name=_("document"),
        related_name="relations_out",
        on_delete=models.CASCADE,
    )
    kind = models.CharField(_("relation"), max_length=12, choices=RelationKind.choices)
    to_document = models.ForeignKey(
        PolicyDocument,
        verbose_name=_("related document"),
        related_name="relations_in",
        on_delete=models.CASCADE,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = DocumentRelationQuerySet.as_manager()

    class Meta:
        verbose_name = _("relation between documents")
        verbose_name_plural = _("relations between documents")
        constraints = [
            models.UniqueConstraint(
                fields=["from_document", "kind", "to_document"], name="relation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_document=F("to_document")),
                name="relation_not_to_itself",
                violation_error_message=_("A document cannot relate to itself."),
            ),
        ]

    def __str__(self):
        return f"{self.from_document.slug} {self.kind} {self.to_document.slug}"


class Attachment(models.Model):
    """A file that belongs to a document: the original PDF, a translation, an annex."""

    class Kind(models.TextChoices):
        ORIGINAL = "original", _("Original")
        TRANSLATION = "translation", _("Translation")
        ANNEX = "annex", _("Annex")

    document = models.ForeignKey(
        PolicyDocument,
        verbose_name=_("document"),
        related_name="attachments",
        on_delete=models.CASCADE,
    )
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=Kind.choices,
        default=Kind.ORIGINAL,
        help_text=_("The issuer's original file, a translation of it, or an annex."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("zh-hans", "中文"), ("en", "English")],
        default="zh-hans",
        help_text=_("The language the file is written in."),
    )
    title = models.CharField(
        _("title"),
        max_length=300,
        blank=True,
        help_text=_("What a reader sees on the download link; the file name if left empty."),
    )
    file = models.FileField(
        _("file"),
        upload_to="attachments/%Y/%m/",
        help_text=_(
            "PDF, Word, Excel, OpenDocument, PNG or JPEG. The type is read from the file itself; "
            "web pages and SVG images are refused."
        ),
    )
    content_type = models.CharField(_("content type"), max_length=100, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), editable=False, default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ChildOfDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["document", "kind", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title or self.file.name

    def save(self, *args, **kwargs):
        if self.file and not getattr(self.file, "_committed", True) and not self.sha256:
            # Saved without a form (a script, a test): derive what clean() would have.
            self.size, self.sha256, head = file_digest(self.file.file)
            self.content_type = self.content_type or detect_type(head) or ""
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.file and not getattr(self.file, "_committed", True):
            # A new upload: its type is read from its bytes and it gets the matching extension.
            try:
                checked = check_upload(self.file.file)
            except ValidationError as refused:
                raise ValidationError({"file": refused.error_list}) from refused
            self.content_type = checked.content_type
            self.size = checked.size
            self.sha256 = checked.sha256
            self.file.name = stored_name(self.file.name, checked.extension)
