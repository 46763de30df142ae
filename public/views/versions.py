"""Public pages of versions: the list, one version, its citation files, and the record page's
``?as_of=`` and withdrawn answers. Records are found by slug whatever their status now, but only
through their published versions: a record the public never saw has none."""

from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View

from core.models import Status
from core.versions import display
from core.versions.citations import CONTENT_TYPES, WRITERS
from core.versions.records import parse_as_of, public_version, version_as_of, versioned_record


def _record_or_404(model, slug):
    record = versioned_record(model, slug)
    if record is None:
        raise Http404(_("No published version of this record exists."))
    return record


def version_page(request, record, version, *, as_of: str = "", status: int = 200):
    language = display.reader_language()
    model = type(record)
    context = {
        "record": record,
        "kind": model._meta.verbose_name,
        "title": display.in_language(version.snapshot["title"], language)[0],
        "rows": display.rows(model, version.snapshot["fields"], language),
        "parts": display.parts(model, version.snapshot, language),
        "as_of": as_of,
        **display.versioning(request, record, version),
    }
    return TemplateResponse(request, "versions/version_detail.html", context, status=status)


def unavailable_page(request, record, message: str, *, status: int):
    context = {"message": message, "record": record, "is_bad_request": status == 400}
    if record is not None:
        context.update(display.versioning(request, record))
        language = display.reader_language()
        context["title"] = display.in_language(context["current"].snapshot["title"], language)[0]
    return TemplateResponse(request, "versions/unavailable.html", context, status=status)


def as_of_response(request, model, slug: str, as_of: str):
    """The record page ``?as_of=YYYY-MM-DD``: the version public at the end of that day."""
    try:
        moment = parse_as_of(as_of)
    except ValueError:
        message = _("“as_of” must be a date written YYYY-MM-DD, such as 2021-02-19.")
        return unavailable_page(request, None, message, status=400)
    record = _record_or_404(model, slug)
    version = version_as_of(record, moment)
    if version is None:
        message = _("This record was not yet public on %(date)s.") % {"date": as_of}
        return unavailable_page(request, record, message, status=404)
    if version.withdrawn_at is not None and version.withdrawn_at <= moment:
        message = _("This record had been withdrawn by %(date)s.") % {"date": as_of}
        return unavailable_page(request, record, message, status=404)
    return version_page(request, record, version, as_of=as_of)


def withdrawn_response(request, model, slug: str):
    """410 Gone, with the versions, for the live address of a withdrawn record; else None."""
    record = versioned_record(model, slug)
    if record is None or record.status == Status.PUBLISHED:
        return None
    message = _("This record has been withdrawn. Its published versions remain readable.")
    return unavailable_page(request, record, message, status=410)


class AsOfMixin:
    """For a record's public page: ``?as_of=`` reads a past version, and a withdrawn record's
    address answers 410 with its versions. Previews are left alone. The view names its
    ``model``."""

    def get(self, request, *args, **kwargs):
        if getattr(self, "preview", False):
            return super().get(request, *args, **kwargs)
        model = self.model
        if "as_of" in request.GET:
            return as_of_response(request, model, kwargs["slug"], request.GET["as_of"])
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            gone = withdrawn_response(request, model, kwargs["slug"])
            if gone is None:
                raise
            return gone


class VersionView(View):
    model = None

    def record(self):
        return _record_or_404(self.model, self.kwargs["slug"])

    def version(self, record):
        version = public_version(record, self.kwargs["number"])
        if version is None:
            raise Http404(_("This record has no published version with that number."))
        return version


class VersionListView(VersionView):
    def get(self, request, slug):
        record = self.record()
        context = {"record": record, "kind": self.model._meta.verbose_name}
        context.update(display.versioning(request, record))
        language = display.reader_language()
        context["title"] = display.in_language(context["current"].snapshot["title"], language)[0]
        return TemplateResponse(request, "versions/version_list.html", context)


class VersionDetailView(VersionView):
    def get(self, request, slug, number):
        record = self.record()
        return version_page(request, record, self.version(record))


class CitationView(VersionView):
    """The version's citation as a file: BibTeX (.bib), RIS (.ris) or CSL-JSON (.json)."""

    def get(self, request, slug, number, format):
        record = self.record()
        citation = display.citation(request, record, self.version(record))
        response = HttpResponse(WRITERS[format](citation), content_type=CONTENT_TYPES[format])
        response["Content-Disposition"] = f'attachment; filename="{citation.key}.{format}"'
        return response
