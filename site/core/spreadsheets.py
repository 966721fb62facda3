"""Spreadsheet exports safe to open in Excel or WPS.

A text cell that starts with = + - @ or a tab/carriage return is read by spreadsheets as
a formula (CSV injection: `=HYPERLINK(…)` in an anonymous comment becomes a link that
sends the sheet's data away). Such cells get a leading apostrophe, which spreadsheets show
as plain text; the campaign import takes it off again, so an export re-imports unchanged.
Wagtail's own XLSX export only marks formula cells as text, and its CSV export nothing.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value, with an apostrophe before text that a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class FormulaSafeExportMixin:
    """For Wagtail admin views with CSV/XLSX export (SpreadsheetExportMixin): every text
    cell goes through `neutralise`."""

    def preprocess_field_value(self, field, value, export_format):
        return neutralise(super().preprocess_field_value(field, value, export_format))
