"""Interface strings of Django and of third-party apps that their own catalogues leave in English
in Simplified Chinese: strings new in Django 6, a few of django-import-export's, and django-axes,
which has no Chinese at all.

Nothing imports this module: it is here so that ``makemessages`` copies these strings into
``locale/zh_Hans``, whose translations win over the apps' own (``LOCALE_PATHS`` comes first).
Each string must stay exactly as the app writes it, or the translation no longer applies.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO = (
    # django.db.models.fields.BLANK_CHOICE_LABEL: the empty choice of every select.
    gettext_noop("- Select an option -"),
    # The admin: the date drill-down of a changelist, the logged-out page, a refused delete.
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("Logout"),
    ngettext_lazy("…and %(count)d more object.", "…and %(count)d more objects.", "count"),
)

# django-import-export: the import and export pages.
IMPORT_EXPORT = (
    gettext_noop("Select all"),
    gettext_noop("Resource"),
    ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items.", "len"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data for import."
    ),
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. "
        "Ensure you have chosen the correct format for the file."
    ),
    gettext_noop("Value could not be parsed."),
    gettext_noop("export failed due to IllegalCharacterError"),
)

# django-axes: its models and admin, which superusers see in the newsroom.
AXES = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
)
