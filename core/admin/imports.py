"""Import and export on a model's changelist (django-import-export), in CSV, XLSX and JSON."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX

MAX_LISTED_ERRORS = 10


class NewsroomImportExportMixin(ImportExportMixin):
    """Import with a dry run that shows each row's diff, then all rows or none; export of the
    changelist as filtered. Importing needs the add and change permissions; the rows' status
    follows the importer's role (see ``core.resources``)."""

    import_formats = [CSV, XLSX, JSON]
    export_formats = [CSV, XLSX, JSON]

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_or_change_permission(request)

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
            return HttpResponseRedirect(
                reverse(
                    "admin:{}_{}_import".format(*self.get_model_info()),
                    current_app=self.admin_site.name,
                )
            )
        return super().process_result(result, request)
