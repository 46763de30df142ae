"""Import and export on a model's changelist (django-import-export), in CSV, XLSX and JSON."""

from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX


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
