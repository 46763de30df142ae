"""Import and export on a model's changelist (django-import-export), in CSV, XLSX and JSON.

Between the dry run and the confirmation, the uploaded file waits in a folder of its own under a
random name, and the name is kept in the uploader's session: a confirmation may only name a file
its own session uploaded, so nobody can import, or have the app delete, anyone else's file.
"""

import contextlib
import os
import re
import tempfile
from uuid import uuid4

import tablib
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.formats.base_formats import JSON
from import_export.tmp_storages import BaseStorage

from core.spreadsheets import escape_formula, unescape_formula

MAX_LISTED_ERRORS = 10
# The session's list of the files it uploaded and has not confirmed yet.
PENDING_IMPORTS_SESSION_KEY = "newsroom_pending_imports"
# A session keeps this many pending files; an older one is deleted when a new one comes.
MAX_PENDING_IMPORTS = 5


def _map_cells(dataset: tablib.Dataset, convert) -> tablib.Dataset:
    rows = ([convert(cell) for cell in row] for row in dataset)
    return tablib.Dataset(*rows, headers=dataset.headers, title=dataset.title)


class SpreadsheetCellsMixin:
    """Cells a spreadsheet would run as formulas are written as text (``core.spreadsheets``),
    and read back as they were."""

    def export_data(self, dataset, **kwargs):
        return super().export_data(_map_cells(dataset, escape_formula), **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        return _map_cells(super().create_dataset(in_stream, **kwargs), unescape_formula)


class CSV(SpreadsheetCellsMixin, base_formats.CSV):
    pass


class XLSX(SpreadsheetCellsMixin, base_formats.XLSX):
    pass


class PendingImportStorage(BaseStorage):
    """An uploaded file between the dry run and the confirmation, in a folder of its own under a
    random name. A name that is not one this storage gives out is refused, so no other file of
    the temporary folder can be read or deleted through it."""

    NAME = re.compile(r"[0-9a-f]{32}")

    @staticmethod
    def folder() -> str:
        return os.path.join(
            settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir(), "pilot-zones-imports"
        )

    def get_full_path(self) -> str:
        if not self.NAME.fullmatch(self.name or ""):
            raise SuspiciousOperation("not the name of a pending import")
        return os.path.join(self.folder(), self.name)

    def save(self, data):
        self.name = uuid4().hex
        os.makedirs(self.folder(), mode=0o700, exist_ok=True)
        descriptor = os.open(self.get_full_path(), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(descriptor, "wb") as file:
            file.write(data)

    def exists(self) -> bool:
        return os.path.exists(self.get_full_path())

    def read(self):
        with open(self.get_full_path(), self.read_mode, encoding=self.encoding) as file:
            return file.read()

    def remove(self):
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.get_full_path())


class NewsroomImportExportMixin(ImportExportMixin):
    """Import with a dry run that shows each row's diff, then all rows or none; export of the
    changelist as filtered. Importing needs the add and change permissions; the rows' status
    follows the importer's role (see ``newsroom.resources.base``)."""

    import_formats = [CSV, XLSX, JSON]
    export_formats = [CSV, XLSX, JSON]
    tmp_storage_class = PendingImportStorage
    import_template_name = "admin/newsroom/import.html"

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_or_change_permission(request)

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if initial.get("import_file_name"):
            pending = [*request.session.get(PENDING_IMPORTS_SESSION_KEY, [])]
            pending.append(initial["import_file_name"])
            for abandoned in pending[:-MAX_PENDING_IMPORTS]:
                PendingImportStorage(name=abandoned).remove()
            request.session[PENDING_IMPORTS_SESSION_KEY] = pending[-MAX_PENDING_IMPORTS:]
        return initial

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirmation: only of a file this session uploaded, and only once."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        name = request.POST.get("import_file_name", "")
        pending = request.session.get(PENDING_IMPORTS_SESSION_KEY, [])
        if name not in pending:
            return self.refuse_import(
                request,
                _(
                    "Nothing was imported: this is not a file you uploaded, or it was imported "
                    "already. Upload the file again."
                ),
            )
        request.session[PENDING_IMPORTS_SESSION_KEY] = [item for item in pending if item != name]
        if not PendingImportStorage(name=name).exists():
            return self.refuse_import(
                request,
                _("Nothing was imported: the uploaded file is no longer kept. Upload it again."),
            )
        return super().process_import(request, **kwargs)

    def refuse_import(self, request, message):
        messages.error(request, message)
        return HttpResponseRedirect(self.import_page_url())

    def import_page_url(self):
        return reverse(
            "admin:{}_{}_import".format(*self.get_model_info()),
            current_app=self.admin_site.name,
        )

    def get_import_data_kwargs(self, **kwargs):
        # A validation error on any row rolls the whole file back, not only the dry run.
        return {
            **super().get_import_data_kwargs(**kwargs),
            "rollback_on_validation_errors": True,
        }

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between the dry run and the confirmation; the transaction was
            # rolled back, so say so rather than report counts of rows that were not kept.
            problems = [
                _("row %(number)s: %(error)s") % {"number": number, "error": error.error}
                for number, errors in result.row_errors()
                for error in errors
            ] + [
                _("row %(number)s: %(error)s")
                % {"number": row.number, "error": "; ".join(row.error.messages)}
                for row in result.invalid_rows
            ]
            messages.error(
                request,
                _("Nothing was imported: the file no longer imports cleanly (%(problems)s).")
                % {"problems": "; ".join(problems[:MAX_LISTED_ERRORS])},
            )
            return HttpResponseRedirect(self.import_page_url())
        return super().process_result(result, request)
