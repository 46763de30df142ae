"""Cells that a spreadsheet program opens as text, never as a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``, ``-`` or ``@``
(or a tab or carriage return before one) as a formula, so a record named
``=HYPERLINK("https://…")`` would become a live link, or worse, in the file an editor or a
reader downloads. Every export that a spreadsheet may open (the API's CSV, the newsroom's CSV and
XLSX) writes such a text with a leading apostrophe, the spreadsheet programs' own mark for "this
is text"; numbers such as ``-3.5`` are left as they are. The newsroom's import takes the
apostrophe off again, so an exported file imports back unchanged.
"""

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def escape_formula(value):
    """``value`` as a spreadsheet cell that is never run: a risky text gets a leading ``'``."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_TRIGGERS)
        and not _NUMBER.fullmatch(value)
    ):
        return TEXT_MARK + value
    return value


def unescape_formula(value):
    """The text ``escape_formula`` was given, for a cell it wrote; any other value unchanged."""
    if isinstance(value, str) and value.startswith(TEXT_MARK):
        original = value[len(TEXT_MARK) :]
        if escape_formula(original) == value:
            return original
    return value
